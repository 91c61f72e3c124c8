// catalog/lockfile/poetry_lock.cpp: Poetry's poetry.lock (TOML).
//
// Each [[package]] has name and version; lockfiles written before Poetry 1.5
// also say `category = "dev"` for dev dependencies, and `optional = true`
// marks extras. Packages whose [package.source] type is "directory" or "file"
// (local paths) are left out with a note. Names are normalised per PEP 503.
#include <fmt/format.h>

#include "catalog/lockfile/toml_doc.hpp"

namespace dagda::lockfile {
namespace {

bool wants(std::string_view path) {
  return basename(path) == "poetry.lock";
}

Result<CatalogOutput> parse(const LockfileContext& ctx, const std::string& path, std::string_view content) {
  DAGDA_ASSIGN_OR_RETURN(toml::table doc, parse_toml(path, content));
  const toml::array* packages = doc["package"].as_array();
  if (!packages) {
    if (doc.contains("metadata")) return CatalogOutput{};  // a project with no dependencies
    return Error(ErrorCode::corrupt, "not a poetry.lock: no [[package]] and no [metadata]", {.file = path});
  }
  CatalogOutput out;
  Skips skips;
  size_t damaged = 0;
  for (const toml::node& node : *packages) {
    const toml::table* t = node.as_table();
    if (!t) {
      ++damaged;
      continue;
    }
    std::string name = toml_string(*t, "name"), version = toml_string(*t, "version");
    if (name.empty() || version.empty()) {
      ++damaged;
      continue;
    }
    if (const toml::table* src = (*t)["source"].as_table()) {
      std::string type = toml_string(*src, "type");
      if (type == "directory" || type == "file") {
        skips.add("local path", fmt::format("{} ({})", name, toml_string(*src, "url")));
        continue;
      }
    }
    bool dev = toml_string(*t, "category") == "dev";
    bool optional = (*t)["optional"].value_or(false);
    std::string scope = dev && optional ? "dev-optional" : dev ? "dev" : optional ? "optional" : "";
    out.packages.push_back(make_package("pypi", pep503(name), version, path, scope));
  }
  skips.flush(ctx.diag, path);
  if (damaged) {
    ctx.diag.warn("lockfile.damaged", fmt::format("{} [[package]] entries have no name or version", damaged),
                  {.file = path});
    out.partial = true;
  }
  return out;
}

}  // namespace

extern const LockfileCataloger poetry_lock{"poetry-lock", "Poetry poetry.lock", 1, wants, parse};

}  // namespace dagda::lockfile
