// catalog/lockfile/composer_lock.cpp: Composer's composer.lock (JSON).
//
// "packages" holds the runtime packages and "packages-dev" the dev ones, each
// with "name" ("vendor/package") and "version" as Composer resolved it
// ("v5.4.0", "1.2.3", "dev-main"), and "license" (alternatives). Packages installed from a local path
// ("dist"/"source" type "path") are left out with a note.
#include <fmt/format.h>

#include "catalog/lockfile/common.hpp"

namespace dagda::lockfile {
namespace {

bool wants(std::string_view path) {
  return basename(path) == "composer.lock" && !starts_with(path, "vendor/") &&
         path.find("/vendor/") == std::string_view::npos;
}

bool from_path(const nlohmann::json& pkg) {
  for (const char* k : {"dist", "source"}) {
    auto it = pkg.find(k);
    if (it != pkg.end() && json_string(*it, "type") == "path") return true;
  }
  return false;
}

Result<CatalogOutput> parse(const LockfileContext& ctx, const std::string& path, std::string_view content) {
  DAGDA_ASSIGN_OR_RETURN(nlohmann::json doc, parse_json(path, content));
  if (!doc.is_object() || (!doc.contains("packages") && !doc.contains("packages-dev")))
    return Error(ErrorCode::corrupt, "not a composer.lock: no packages or packages-dev", {.file = path});
  CatalogOutput out;
  Skips skips;
  size_t damaged = 0;
  for (auto [section, scope] : {std::pair{"packages", ""}, std::pair{"packages-dev", "dev"}}) {
    auto it = doc.find(section);
    if (it == doc.end() || it->is_null()) continue;
    if (!it->is_array()) {
      ++damaged;
      continue;
    }
    for (const auto& pkg : *it) {
      std::string name = json_string(pkg, "name"), version = json_string(pkg, "version");
      if (name.empty() || version.empty()) {
        ++damaged;
        continue;
      }
      if (from_path(pkg)) {
        skips.add("local path packages", name);
        continue;
      }
      Package p = make_package("composer", name, version, path, scope);
      // "license": ["MIT"], or several: Composer reads them as alternatives.
      if (auto lic = pkg.find("license"); lic != pkg.end() && lic->is_array()) {
        for (const auto& l : *lic)
          if (l.is_string() && !l.get<std::string>().empty())
            p.license += (p.license.empty() ? "" : " OR ") + l.get<std::string>();
      }
      out.packages.push_back(std::move(p));
    }
  }
  skips.flush(ctx.diag, path);
  if (damaged) {
    ctx.diag.warn("lockfile.damaged", fmt::format("{} entries have no name or version", damaged),
                  {.file = path});
    out.partial = true;
  }
  return out;
}

}  // namespace

extern const LockfileCataloger composer_lock{"composer-lock", "Composer composer.lock", 2, wants, parse};

}  // namespace dagda::lockfile
