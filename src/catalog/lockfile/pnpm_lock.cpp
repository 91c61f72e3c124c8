// catalog/lockfile/pnpm_lock.cpp: pnpm-lock.yaml, lockfileVersion 5.x, 6.x and 9.x.
//
// Read line by line rather than with a YAML library: pnpm writes a fixed
// layout, and a general YAML parser recurses on hostile nesting. The entries
// are the two-space-indented keys of the top-level "packages:" map:
//   5.x  /name/1.2.3:  /@scope/name/1.2.3_peer@1.0.0:
//   6.x  /name@1.2.3:  /@scope/name@1.2.3(peer@1.0.0):
//   9.x  name@1.2.3:   '@scope/name@1.2.3':
// with fields at four spaces ("dev: true", "optional: true", "name:" and
// "version:" for tarball and git entries). 9.x moved dev/optional flags out of
// "packages": there the scope comes from the graph of "snapshots" (each
// snapshot's dependencies and optionalDependencies), rooted at the
// "importers" (each project's dependencies, optionalDependencies and
// devDependencies). Entries whose version is a link:, file: or workspace path
// are left out with a note.
#include <fmt/format.h>

#include <map>

#include "catalog/lockfile/common.hpp"

namespace dagda::lockfile {
namespace {

bool wants(std::string_view path) {
  return basename(path) == "pnpm-lock.yaml" && !inside_node_modules(path);
}

std::string_view unquote(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front())
    s = s.substr(1, s.size() - 2);
  return s;
}

// Splits an entry key into name and version (peer suffixes removed). False when it does not parse.
bool split_key(std::string_view key, int major, std::string& name, std::string& version) {
  if (!key.empty() && key.front() == '/') key.remove_prefix(1);
  if (key.empty()) return false;
  std::string_view n, v;
  if (major == 5) {
    // name/version, where a scoped name has one more '/'.
    size_t slash = key.find('/', key.front() == '@' ? key.find('/') + 1 : 0);
    if (slash == std::string_view::npos || (key.front() == '@' && key.find('/') == std::string_view::npos))
      return false;
    n = key.substr(0, slash);
    v = key.substr(slash + 1);
    v = v.substr(0, v.find('_'));
  } else {
    size_t at = key.find('@', 1);
    if (at == std::string_view::npos) return false;
    n = key.substr(0, at);
    v = key.substr(at + 1);
    v = v.substr(0, v.find('('));
  }
  if (n.empty() || v.empty()) return false;
  name = n;
  version = v;
  return true;
}

bool local_version(std::string_view v) {
  return starts_with(v, "link:") || starts_with(v, "file:") || starts_with(v, "workspace:");
}

struct Entry {
  std::string key, name, version, scope;
  std::string field_name, field_version;  // explicit "name:" / "version:" fields
  bool dev = false, optional = false;
  uint64_t line = 0;
};

// The key of a "  key:" or "  key: {}" line at `indent` spaces, unquoted; empty when it is not one.
std::string_view key_at(std::string_view line, size_t indent) {
  if (line.size() <= indent || line.find_first_not_of(' ') != indent) return {};
  std::string_view t = trim(line.substr(indent));
  if (t.ends_with(" {}")) t.remove_suffix(3);
  if (t.empty() || t.back() != ':') return {};
  return unquote(t.substr(0, t.size() - 1));
}

// "name: version" at `indent` spaces.
bool pair_at(std::string_view line, size_t indent, std::string_view& k, std::string_view& v) {
  if (line.size() <= indent || line.find_first_not_of(' ') != indent) return false;
  std::string_view t = line.substr(indent);
  size_t colon = t.front() == '\'' || t.front() == '"' ? t.find(t.front(), 1) + 1 : t.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon >= t.size() || t[colon] != ':') return false;
  k = unquote(t.substr(0, colon));
  v = unquote(t.substr(colon + 1));
  return !k.empty() && !v.empty();
}

// 9.x: the graph of snapshots rooted at the importers.
struct Graph9 {
  DependencyGraph g;
  std::string importer_kind;  // scope of the importer map we are in ("", "optional", "dev"); "-" none
  std::string dep_name;       // the importer dependency whose "version:" comes next
  std::string snapshot;       // the snapshot whose dependencies we are in
  bool snapshot_deps = false;
};

Result<CatalogOutput> parse(const LockfileContext& ctx, const std::string& path, std::string_view content) {
  DAGDA_TRY(check_size(path, content));
  CatalogOutput out;
  Skips skips;
  Findings findings;
  LineReader lines(content);
  std::string_view line;
  int major = 0;
  bool in_packages = false, in_importers = false, in_snapshots = false;
  Graph9 g9;
  std::vector<Entry> entries;
  while (lines.next(line)) {
    if (trim(line).empty() || trim(line).front() == '#') continue;
    if (line.front() != ' ') {
      in_packages = false;
      in_importers = line == "importers:";
      in_snapshots = line == "snapshots:";
      if (starts_with(line, "lockfileVersion:")) {
        std::string_view v = unquote(line.substr(16));
        if (v.empty() || v.front() < '0' || v.front() > '9')
          return Error(ErrorCode::corrupt, "pnpm lockfileVersion is not a number",
                       {.file = path, .line = lines.number()});
        major = v.front() - '0';
        if (v.size() > 1 && v[1] >= '0' && v[1] <= '9') major = 10 * major + (v[1] - '0');
      } else if (line == "packages:") {
        in_packages = true;
      }
      continue;
    }
    if (in_importers) {
      std::string_view k, v;
      if (!key_at(line, 2).empty()) {
        g9.importer_kind = "-";
      } else if (std::string_view kind = key_at(line, 4); !kind.empty()) {
        g9.importer_kind = kind == "dependencies" ? "" : kind == "optionalDependencies" ? "optional"
                                                       : kind == "devDependencies"      ? "dev"
                                                                                        : "-";
      } else if (std::string_view name = key_at(line, 6); !name.empty()) {
        g9.dep_name = name;
      } else if (pair_at(line, 8, k, v) && k == "version" && g9.importer_kind != "-" && !g9.dep_name.empty()) {
        g9.g.roots.emplace_back(g9.dep_name + "@" + std::string(v), g9.importer_kind);
      }
      continue;
    }
    if (in_snapshots) {
      std::string_view k, v;
      if (std::string_view key = key_at(line, 2); !key.empty()) {
        g9.snapshot = key;
        g9.snapshot_deps = false;
      } else if (std::string_view field = key_at(line, 4); !field.empty()) {
        g9.snapshot_deps = field == "dependencies" || field == "optionalDependencies";
      } else if (g9.snapshot_deps && pair_at(line, 6, k, v)) {
        g9.g.edges[g9.snapshot].push_back(std::string(k) + "@" + std::string(v));
      }
      continue;
    }
    if (!in_packages) continue;
    if (line.size() > 2 && line[0] == ' ' && line[1] == ' ' && line[2] != ' ') {
      std::string_view key = trim(line.substr(2));
      if (key.empty() || key.back() != ':') {
        findings.note("lockfile.damaged", lines.number(), "a package key that does not end in ':'");
        continue;
      }
      entries.push_back({std::string(unquote(key.substr(0, key.size() - 1))),
                         {},
                         {},
                         {},
                         {},
                         {},
                         false,
                         false,
                         lines.number()});
      continue;
    }
    if (entries.empty() || line.size() < 5 || line.substr(0, 4) != "    " || line[4] == ' ') continue;
    std::string_view field = line.substr(4);
    size_t colon = field.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view k = field.substr(0, colon), v = unquote(field.substr(colon + 1));
    Entry& e = entries.back();
    if (k == "dev")
      e.dev = v == "true";
    else if (k == "optional")
      e.optional = v == "true";
    else if (k == "name")
      e.field_name = v;
    else if (k == "version")
      e.field_version = v;
  }
  if (major == 0) return Error(ErrorCode::corrupt, "not a pnpm lockfile: no lockfileVersion", {.file = path});
  if (major < 5 || major > 9)
    return Error(ErrorCode::unsupported, fmt::format("pnpm lockfileVersion {} is not supported (5-9)", major),
                 {.file = path});
  // 9.x: a package's scope is the strongest of its snapshots' (one per set of peers).
  std::map<std::string, std::string> scope9;
  if (major >= 9 && !g9.g.roots.empty()) {
    auto rank = [](const std::string& sc) { return sc.empty() ? 0 : sc == "optional" ? 1 : 2; };
    for (const auto& [snapshot, sc] : g9.g.scopes()) {
      std::string key = snapshot.substr(0, snapshot.find('(', 1));
      auto [it, fresh] = scope9.emplace(key, sc);
      if (!fresh && rank(sc) < rank(it->second)) it->second = sc;
    }
  }
  for (Entry& e : entries) {
    if (local_version(e.key)) {  // 6.x keys local folders "file:path" (with a name but no version)
      skips.add("workspace, link or local path",
                e.field_name.empty() ? e.key : e.field_name + " (" + e.key + ")");
      continue;
    }
    if (!split_key(e.key, major == 5 ? 5 : 6, e.name, e.version)) {
      // Tarball and git entries are keyed by URL and carry name and version fields.
      if (e.field_name.empty() || e.field_version.empty()) {
        findings.note("lockfile.damaged", e.line,
                      fmt::format("package key '{}' has no name and version", e.key));
        continue;
      }
    }
    if (!e.field_name.empty()) e.name = e.field_name;
    if (!e.field_version.empty()) e.version = e.field_version;
    if (local_version(e.version)) {
      skips.add("workspace, link or local path", e.key);
      continue;
    }
    std::string scope = e.dev && e.optional ? "dev-optional" : e.dev ? "dev" : e.optional ? "optional" : "";
    if (major >= 9)
      if (auto it = scope9.find(e.key); it != scope9.end()) scope = it->second;
    out.packages.push_back(make_package("npm", e.name, e.version, path, scope));
  }
  skips.flush(ctx.diag, path);
  if (findings.any()) out.partial = true;
  findings.flush(ctx.diag, path);
  return out;
}

}  // namespace

extern const LockfileCataloger pnpm_lock{"pnpm-lock", "pnpm-lock.yaml (lockfileVersion 5, 6 and 9)", 2, wants,
                                         parse};

}  // namespace dagda::lockfile
