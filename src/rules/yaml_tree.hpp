// rules/yaml_tree.hpp: a YAML document read into a plain tree with line numbers,
// with bounded work. yaml-cpp keeps an alias as a reference to its anchor, so a
// "billion laughs" document is small in yaml-cpp; copying it out here counts
// every node and every scalar byte of every expansion and fails cleanly past
// the limits instead of expanding without end.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace dagda::rules {

struct YEntry;

struct YNode {
  enum class Kind : uint8_t { null, scalar, seq, map };
  Kind kind = Kind::null;
  bool plain = true;       // a scalar written without quotes
  uint32_t line = 0;       // 1-based; 0 unknown
  uint32_t column = 0;     // 1-based
  std::string scalar;
  std::vector<YNode> items;                       // seq
  // A map's entries, in document order. (Not std::pair<YNode, YNode>: a pair of an
  // incomplete type inside YNode does not compile with Clang and libstdc++.)
  std::vector<YEntry> entries;

  bool is_null() const { return kind == Kind::null; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_seq() const { return kind == Kind::seq; }
  bool is_map() const { return kind == Kind::map; }
  // The value of a map entry whose key is the scalar `key`, or null.
  const YNode* get(std::string_view key) const;
};

struct YEntry {
  YNode first, second;  // key, value
};

struct YamlLimits {
  uint64_t max_nodes = 2'000'000;          // nodes after alias expansion
  uint64_t max_scalar_bytes = 256u << 20;  // scalar bytes after alias expansion
};

// Parses one YAML document. Errors name `file` and the line.
Result<YNode> load_yaml(std::string_view text, const std::string& file, const YamlLimits& limits = {});

}  // namespace dagda::rules
