// catalog/lockfile/yarn_lock.cpp: yarn.lock, classic (v1) and berry (v2+).
//
// Both are a list of entries: an unindented key line naming one or more
// descriptors ("lodash@^4.17.0, lodash@^4.17.21:" / "\"lodash@npm:^4.17.21\":")
// followed by indented fields. v1 writes `version "4.17.21"`, berry writes
// `version: 4.17.21` and `resolution: "lodash@npm:4.17.21"`. The package name
// is the descriptor up to the '@' that follows its first character (scoped
// names start with '@'). Berry's __metadata entry is not a package; entries
// resolved through workspace:, link:, portal:, file: or patch of those are
// left out with a note. yarn.lock carries no dev/optional flag.
#include <fmt/format.h>

#include "catalog/lockfile/common.hpp"

namespace dagda::lockfile {
namespace {

bool wants(std::string_view path) {
  return basename(path) == "yarn.lock" && !inside_node_modules(path);
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
};

Result<CatalogOutput> parse(const LockfileContext& ctx, const std::string& path, std::string_view content) {
  DAGDA_TRY(check_size(path, content));
  CatalogOutput out;
  Skips skips;
  Findings findings;
  LineReader lines(content);
  std::string_view line;
  std::vector<Entry> entries;
  bool in_entry = false, metadata = false, any_key = false;
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
      entries.push_back({std::string(name), {}, {}, lines.number()});
      in_entry = true;
      continue;
    }
    if (!in_entry) continue;
    // Only the entry's own fields (two spaces), not nested dependency maps.
    if (line.size() < 3 || line[0] != ' ' || line[1] != ' ' || line[2] == ' ') continue;
    std::string_view field = line.substr(2);
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
  for (const Entry& e : entries) {
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
    out.packages.push_back(make_package("npm", e.name, e.version, path));
  }
  skips.flush(ctx.diag, path);
  if (findings.any()) out.partial = true;
  findings.flush(ctx.diag, path);
  return out;
}

}  // namespace

extern const LockfileCataloger yarn_lock{"yarn-lock", "yarn.lock (classic v1 and berry v2+)", 1, wants,
                                         parse};

}  // namespace dagda::lockfile
