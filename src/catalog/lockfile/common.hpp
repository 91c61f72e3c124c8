// catalog/lockfile/common.hpp: helpers the lockfile catalogers share.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/lockfile/lockfile.hpp"
#include "catalog/text_db.hpp"

namespace dagda::lockfile {

// Lockfiles larger than this are refused: real ones are a few MB (a large
// monorepo's package-lock.json is ~30 MB), and the JSON and TOML parsers build
// the whole document in memory.
constexpr size_t kMaxLockfileBytes = size_t{64} << 20;
// Nesting deeper than this is refused before parsing (real lockfiles nest < 20).
constexpr int kMaxNesting = 256;

std::string_view basename(std::string_view path);
std::string_view dirname(std::string_view path);  // "" for a file at the root
std::string_view trim(std::string_view s);
bool starts_with(std::string_view s, std::string_view p);
// "a/b/../c" -> "a/c"; empty optional-like "" with ok=false when it climbs above the root.
bool normalise_relative(std::string_view base_dir, std::string_view rel, std::string& out);
// PEP 503: lower case, runs of '-', '_' and '.' become one '-'.
std::string pep503(std::string_view name);
// True when a path passes through a node_modules or vendor directory of a JS tree.
bool inside_node_modules(std::string_view path);

Package make_package(std::string_view ecosystem, std::string_view name, std::string_view version,
                     const std::string& path, std::string_view scope = {});

// Refuses oversized content and JSON nested too deeply, then parses it. The
// error names the file and the byte offset.
Result<nlohmann::json> parse_json(const std::string& path, std::string_view content);
Status check_size(const std::string& path, std::string_view content);

// Entries left out on purpose (local paths, links, workspaces, unpinned
// requirements), gathered per reason into one warning "lockfile.skipped" each.
class Skips {
 public:
  void add(std::string_view reason, std::string_view name);
  void flush(Diagnostics& diag, const std::string& file);

 private:
  std::map<std::string, std::vector<std::string>> by_reason_;
};

// The scope of each package of a lockfile from its dependency graph and the project's direct
// dependencies: what a runtime root reaches is runtime (""), what only an optional root reaches
// "optional", what only a dev root reaches "dev". Nodes no root reaches have no entry.
struct DependencyGraph {
  std::map<std::string, std::vector<std::string>> edges;  // node -> the nodes it depends on
  std::vector<std::pair<std::string, std::string>> roots;  // (node, "" | "optional" | "dev")
  std::map<std::string, std::string> scopes() const;
};

// A string member of a JSON object, or "" when absent or not a string.
std::string json_string(const nlohmann::json& obj, std::string_view key);
bool json_true(const nlohmann::json& obj, std::string_view key);

}  // namespace dagda::lockfile
