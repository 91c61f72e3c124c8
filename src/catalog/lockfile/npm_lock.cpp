// catalog/lockfile/npm_lock.cpp: npm's package-lock.json and npm-shrinkwrap.json.
//
// lockfileVersion 2 and 3 list every installed folder under "packages", keyed
// by its path ("node_modules/a/node_modules/@s/b"); the package name is the
// part after the last "node_modules/" unless the entry carries "name" (an
// alias). Version 1 nests "dependencies" objects instead. "dev", "optional",
// "devOptional" and "peer" give the scope, "license" (v2 and v3) the license. Left out with a note: the root entry,
// workspace folders and links ("link": true), and versions that are not
// registry versions (file:, git, tarball URLs). Lockfiles inside node_modules
// (the hidden node_modules/.package-lock.json, lockfiles shipped in packages)
// are not read: the folder's own lockfile describes the tree.
#include <fmt/format.h>

#include "catalog/lockfile/common.hpp"

namespace dagda::lockfile {
namespace {

using nlohmann::json;

bool wants(std::string_view path) {
  std::string_view base = basename(path);
  return (base == "package-lock.json" || base == "npm-shrinkwrap.json") && !inside_node_modules(path);
}

std::string scope_of(const json& entry) {
  if (json_true(entry, "devOptional")) return "dev-optional";
  bool dev = json_true(entry, "dev"), opt = json_true(entry, "optional");
  if (dev && opt) return "dev-optional";
  if (dev) return "dev";
  if (opt) return "optional";
  // npm 7 and later install peer dependencies and mark them (lockfileVersion 2 and 3).
  if (json_true(entry, "peer")) return "peer";
  return {};
}

// lockfileVersion 2 and 3 copy each package's license field (a string, or the old
// {"type": ...} object) into its entry.
std::string license_of(const json& entry) {
  auto it = entry.find("license");
  if (it == entry.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  return json_string(*it, "type");
}

// A version npm took from a registry: "1.2.3", "1.2.3-beta.1". Not "file:..", git or URLs.
bool registry_version(std::string_view v) {
  if (v.empty() || v.find(':') != std::string_view::npos || v.find('/') != std::string_view::npos)
    return false;
  return v.front() >= '0' && v.front() <= '9';
}

struct Reader {
  const std::string& path;
  CatalogOutput out;
  Skips skips;
  bool damaged = false;

  void add(std::string_view name, const json& entry) {
    if (!entry.is_object()) {
      damaged = true;
      return;
    }
    if (json_true(entry, "link")) {
      skips.add("links to workspace or local folders", name);
      return;
    }
    std::string version = json_string(entry, "version");
    if (version.empty()) {
      // v1 lists optional dependencies for other platforms without installing them.
      if (json_true(entry, "optional"))
        skips.add("optional and not installed", name);
      else
        damaged = true;
      return;
    }
    if (!registry_version(version)) {
      skips.add("not from a registry (local path, git or URL)", fmt::format("{}@{}", name, version));
      return;
    }
    Package p = make_package("npm", name, version, path, scope_of(entry));
    p.license = license_of(entry);
    out.packages.push_back(std::move(p));
  }

  void read_v1(const json& deps, int depth) {
    if (!deps.is_object()) return;
    if (depth > kMaxNesting) {
      damaged = true;
      return;
    }
    for (const auto& [name, entry] : deps.items()) {
      add(name, entry);
      if (entry.is_object() && entry.contains("dependencies")) read_v1(entry["dependencies"], depth + 1);
    }
  }

  void read_packages(const json& packages) {
    for (const auto& [key, entry] : packages.items()) {
      if (key.empty()) continue;  // the project itself
      size_t nm = key.rfind("node_modules/");
      if (nm == std::string::npos) {
        skips.add("workspace folders", key);
        continue;
      }
      std::string name = json_string(entry, "name");
      if (name.empty()) name = key.substr(nm + 13);
      if (name.empty()) {
        damaged = true;
        continue;
      }
      add(name, entry);
    }
  }
};

Result<CatalogOutput> parse(const LockfileContext& ctx, const std::string& path, std::string_view content) {
  DAGDA_ASSIGN_OR_RETURN(json doc, parse_json(path, content));
  if (!doc.is_object())
    return Error(ErrorCode::corrupt, "not a package-lock: the top level is not an object", {.file = path});
  Reader r{path, {}, {}, false};
  auto lv = doc.find("lockfileVersion");
  if (lv == doc.end() || !lv->is_number_integer())
    return Error(ErrorCode::corrupt, "not a package-lock: no lockfileVersion", {.file = path});
  int64_t version = lv->get<int64_t>();
  if (version < 1 || version > 3)
    return Error(ErrorCode::unsupported,
                 fmt::format("package-lock lockfileVersion {} is not supported (1-3)", version),
                 {.file = path});
  auto packages = doc.find("packages");
  if (version >= 2 && packages != doc.end() && packages->is_object()) {
    r.read_packages(*packages);
  } else if (auto deps = doc.find("dependencies"); deps != doc.end()) {
    r.read_v1(*deps, 0);
  }
  r.skips.flush(ctx.diag, path);
  if (r.damaged) {
    ctx.diag.warn("lockfile.damaged", "some entries have no usable name or version", {.file = path});
    r.out.partial = true;
  }
  return std::move(r.out);
}

}  // namespace

extern const LockfileCataloger npm_lock{"npm-lock", "npm package-lock.json and npm-shrinkwrap.json (v1-v3)",
                                        2, wants, parse};

}  // namespace dagda::lockfile
