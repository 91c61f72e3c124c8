// catalog/lockfile/yarn_lock.cpp: yarn.lock, classic (v1) and berry (v2+).
//
// Both are a list of entries: an unindented key line naming one or more
// descriptors ("lodash@^4.17.0, lodash@^4.17.21:" / "\"lodash@npm:^4.17.21\":")
// followed by indented fields. v1 writes `version "4.17.21"`, berry writes
// `version: 4.17.21` and `resolution: "lodash@npm:4.17.21"`. The package name
// is the descriptor up to the '@' that follows its first character (scoped
// names start with '@'). Berry's __metadata entry is not a package; entries
// resolved through workspace:, link:, portal:, file: or patch of those are
// left out with a note. yarn.lock carries no dev/optional flag: the scope comes
// from the package.json beside it, whose dependencies, optionalDependencies and
// devDependencies are the roots of the graph the entries' own "dependencies" and
// "optionalDependencies" draw (an entry is found by any of its descriptors,
// "name@range", berry's with the "npm:" protocol). Without a package.json the
// entries have no scope.
#include <fmt/format.h>

#include <map>
#include <optional>

#include "catalog/lockfile/common.hpp"

namespace dagda::lockfile {
namespace {

bool wants(std::string_view path) {
  return basename(path) == "yarn.lock" && !inside_node_modules(path);
}

bool companion(std::string_view path) {
  return basename(path) == "package.json" && !inside_node_modules(path);
}

std::string_view unquote(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front())
    s = s.substr(1, s.size() - 2);
  return s;
}

// "@scope/name@npm:^1" -> "@scope/name"
std::string_view descriptor_name(std::string_view d) {
  d = trim(d);
  if (!d.empty() && d.front() == '"') d.remove_prefix(1);
  if (!d.empty() && d.back() == '"') d.remove_suffix(1);
  size_t at = d.find('@', 1);
  return at == std::string_view::npos ? d : d.substr(0, at);
}

// The protocol of a berry resolution "name@npm:1.2.3" -> "npm".
std::string_view protocol_of(std::string_view resolution) {
  std::string_view name = descriptor_name(resolution);
  std::string_view rest = resolution.substr(std::min(resolution.size(), name.size() + 1));
  size_t colon = rest.find(':');
  return colon == std::string_view::npos ? std::string_view{} : rest.substr(0, colon);
}

struct Entry {
  std::string name;
  std::string version;
  std::string resolution;
  uint64_t line = 0;
  std::vector<std::string> descriptors;                     // "name@range" as the key line lists them
  std::vector<std::pair<std::string, std::string>> deps;    // (name, range) of dependencies
};

// Splits a key line's descriptors ("a@^1, a@^1.2" / "\"a@npm:^1\", \"a@npm:^1.2\"").
std::vector<std::string> descriptors_of(std::string_view key) {
  std::vector<std::string> out;
  while (!key.empty()) {
    size_t comma = key.find(", ");
    out.emplace_back(unquote(key.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    key.remove_prefix(comma + 2);
  }
  return out;
}

// The entry a dependency "name" at "range" resolves to: by its descriptor, with berry's
// default protocol when the range has none.
std::optional<size_t> resolve(const std::map<std::string, size_t>& by_descriptor, std::string_view name,
                              std::string_view range) {
  std::string d = std::string(name) + "@" + std::string(range);
  if (auto it = by_descriptor.find(d); it != by_descriptor.end()) return it->second;
  if (auto it = by_descriptor.find(std::string(name) + "@npm:" + std::string(range)); it != by_descriptor.end())
    return it->second;
  return std::nullopt;
}

// Sets each entry's scope from the package.json of the lockfile's folder.
void scopes_from_package_json(const LockfileContext& ctx, const std::string& path, const std::vector<Entry>& entries,
                              std::vector<std::string>& scope) {
  std::string dir(dirname(path));
  std::string manifest_path = dir.empty() ? "package.json" : dir + "/package.json";
  auto blob = ctx.fs.read(manifest_path);
  if (!blob.ok()) return;
  auto parsed = parse_json(manifest_path, (*blob)->data());  // size and nesting checked
  if (!parsed.ok() || !parsed->is_object()) return;
  const nlohmann::json& manifest = *parsed;
  std::map<std::string, size_t> by_descriptor;
  for (size_t i = 0; i < entries.size(); ++i)
    for (const auto& d : entries[i].descriptors) by_descriptor.emplace(d, i);
  DependencyGraph g;
  for (size_t i = 0; i < entries.size(); ++i) {
    auto& edges = g.edges[std::to_string(i)];
    for (const auto& [name, range] : entries[i].deps)
      if (auto j = resolve(by_descriptor, name, range)) edges.push_back(std::to_string(*j));
  }
  for (auto [field, kind] : {std::pair{"dependencies", ""}, std::pair{"optionalDependencies", "optional"},
                             std::pair{"devDependencies", "dev"}}) {
    auto it = manifest.find(field);
    if (it == manifest.end() || !it->is_object()) continue;
    for (const auto& [name, range] : it->items())
      if (range.is_string())
        if (auto j = resolve(by_descriptor, name, range.get<std::string>())) g.roots.emplace_back(std::to_string(*j), kind);
  }
  for (const auto& [node, s] : g.scopes()) scope[std::stoul(node)] = s;
}

Result<CatalogOutput> parse(const LockfileContext& ctx, const std::string& path, std::string_view content) {
  DAGDA_TRY(check_size(path, content));
  CatalogOutput out;
  Skips skips;
  Findings findings;
  LineReader lines(content);
  std::string_view line;
  std::vector<Entry> entries;
  bool in_entry = false, metadata = false, any_key = false;
  bool in_deps = false;  // inside the entry's "dependencies:" or "optionalDependencies:" map
  while (lines.next(line)) {
    if (line.empty() || line.front() == '#') continue;
    if (line.front() != ' ') {
      // A key line: descriptors then ':'.
      in_entry = false;
      if (line.back() != ':') {
        findings.note("lockfile.damaged", lines.number(), "a line that is neither an entry key nor a field");
        continue;
      }
      std::string_view key = line.substr(0, line.size() - 1);
      any_key = true;
      metadata = unquote(key) == "__metadata";
      if (metadata) continue;
      std::string_view first = key.substr(0, key.find(", "));
      std::string_view name = descriptor_name(first);
      if (name.empty()) {
        findings.note("lockfile.damaged", lines.number(), "an entry key with no package name");
        continue;
      }
      // Classic lockfiles name local dependencies in the descriptor ("a@file:../a", "a@link:../a").
      std::string_view range = first.substr(std::min(first.size(), first.find(name) + name.size() + 1));
      if (starts_with(range, "file:") || starts_with(range, "link:")) {
        skips.add("workspace, link or local path", unquote(first));
        continue;
      }
      entries.push_back({std::string(name), {}, {}, lines.number(), descriptors_of(key), {}});
      in_entry = true;
      in_deps = false;
      continue;
    }
    if (!in_entry) continue;
    // A dependency of the entry (four spaces): `name "range"` (classic) or `name: range` (berry).
    if (in_deps && line.size() > 4 && line.substr(0, 4) == "    " && line[4] != ' ') {
      std::string_view dep = line.substr(4);
      size_t sep = dep.front() == '"' ? dep.find('"', 1) + 1 : dep.find_first_of(": ");
      if (sep == 0 || sep == std::string_view::npos || sep >= dep.size()) continue;
      std::string_view name = unquote(dep.substr(0, sep));
      std::string_view range = dep.substr(sep);
      if (!range.empty() && range.front() == ':') range.remove_prefix(1);
      entries.back().deps.emplace_back(name, unquote(range));
      continue;
    }
    // Only the entry's own fields (two spaces), not nested dependency maps.
    if (line.size() < 3 || line[0] != ' ' || line[1] != ' ' || line[2] == ' ') continue;
    std::string_view field = line.substr(2);
    in_deps = field == "dependencies:" || field == "optionalDependencies:";
    size_t sep = field.find_first_of(": ");
    if (sep == std::string_view::npos) continue;
    std::string_view key = field.substr(0, sep);
    std::string_view value = field.substr(sep + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (key == "version")
      entries.back().version = unquote(value);
    else if (key == "resolution")
      entries.back().resolution = unquote(value);
  }
  if (!any_key && !trim(content).empty())
    return Error(ErrorCode::corrupt, "not a yarn.lock: no entries", {.file = path});
  std::vector<std::string> scope(entries.size());
  scopes_from_package_json(ctx, path, entries, scope);
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    if (!e.resolution.empty()) {
      std::string_view proto = protocol_of(e.resolution);
      if (proto == "workspace" || proto == "link" || proto == "portal" || proto == "file" ||
          (proto == "patch" && e.resolution.find("workspace%3A") != std::string::npos)) {
        skips.add("workspace, link or local path", e.resolution);
        continue;
      }
    }
    if (e.version.empty()) {
      findings.note("lockfile.damaged", e.line, fmt::format("entry {} has no version", e.name));
      continue;
    }
    if (e.version == "0.0.0-use.local") {
      skips.add("workspace, link or local path", e.name);
      continue;
    }
    out.packages.push_back(make_package("npm", e.name, e.version, path, scope[i]));
  }
  skips.flush(ctx.diag, path);
  if (findings.any()) out.partial = true;
  findings.flush(ctx.diag, path);
  return out;
}

}  // namespace

extern const LockfileCataloger yarn_lock{"yarn-lock", "yarn.lock (classic v1 and berry v2+)", 2, wants,
                                         parse, companion};

}  // namespace dagda::lockfile
