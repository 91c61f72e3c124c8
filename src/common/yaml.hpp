// common/yaml.hpp: YAML read with bounds, for every YAML reader (feeds,
// lockfiles, policy files). A YAML alias (*a) repeats the node its anchor (&a)
// names; nested aliases make a few hundred bytes stand for billions of nodes
// (the "billion laughs" bomb). Here aliases are expanded only up to a small
// bound: a document whose aliases would add more nodes or bytes than its own
// size justifies, or that nests too deep, is an Error naming the file.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace dagda::yaml {

struct Limits {
  // Nodes that aliases may add, in total: the larger of this and the number
  // of nodes written in the document (an honest file repeats a few blocks).
  uint64_t alias_nodes = 10000;
  // Bytes of scalar text that aliases may add: the larger of this and the
  // document's size.
  uint64_t alias_bytes = 1u << 20;
  int max_depth = 256;  // nested sequences and mappings
};

// The first document of `text` as JSON text: mappings become objects (keys
// must be scalars), sequences arrays, scalars strings (as written: "1.0" stays
// "1.0"), null (~, null, an empty value) null; aliases are expanded within
// the limits. Scalars are repaired to valid UTF-8 (common/strings.hpp), so the
// result is valid JSON. An empty document gives "null". Errors (syntax, an
// alias bomb, nesting, a key that is not a scalar) are ErrorCode::corrupt
// naming `file` and, when known, the line.
Result<std::string> to_json(std::string_view text, const std::string& file, const Limits& limits = {});

// The first document as yaml-cpp nodes, after the same checks (the nodes
// share aliased subtrees; walking them expands aliases, which the checks
// bound). yaml-cpp throws YAML::Exception from node accessors: catch it.
Result<YAML::Node> load(std::string_view text, const std::string& file, const Limits& limits = {});

}  // namespace dagda::yaml
