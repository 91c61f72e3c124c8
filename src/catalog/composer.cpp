// catalog/composer.cpp: PHP packages installed by Composer, from
// vendor/composer/installed.json: a JSON array of packages (Composer 1) or an
// object {"packages": [...]} (Composer 2). Each package has "name"
// ("vendor/project") and "version" (as Composer prints it, "v5.4.2" or "1.2.3").
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "catalog/app.hpp"
#include "catalog/cataloger.hpp"

namespace dagda {
namespace {

bool composer_wants(std::string_view path) {
  return path == "vendor/composer/installed.json" || path.ends_with("/vendor/composer/installed.json");
}

Result<CatalogOutput> composer_catalog(const CatalogContext& ctx) {
  CatalogOutput out;
  for (const std::string& path : ctx.fs.captured()) {
    if (!composer_wants(path)) continue;
    auto blob = ctx.fs.read(path);
    if (!blob.ok()) continue;
    AppParse r = parse_composer_installed((*blob)->data(), path, ctx.diag);
    if (r.partial) out.partial = true;
    for (Package& p : r.packages) out.packages.push_back(std::move(p));
  }
  return out;
}

}  // namespace

AppParse parse_composer_installed(std::string_view text, const std::string& path, Diagnostics& diag) {
  AppParse out;
  if (text.size() > 8 * kMaxMetadataFile) {
    diag.warn("composer.too-large", fmt::format("{} bytes; not read", text.size()), {.file = path});
    out.partial = true;
    return out;
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  const nlohmann::json* list = nullptr;
  if (!j.is_discarded() && j.is_array()) list = &j;
  if (!j.is_discarded() && j.is_object()) {
    auto it = j.find("packages");
    if (it != j.end() && it->is_array()) list = &*it;
  }
  if (!list) {
    diag.warn(
        "composer.bad-installed-json",
        j.is_discarded() ? "not valid JSON" : "neither an array nor an object with a \"packages\" array",
        {.file = path});
    out.partial = true;
    return out;
  }
  size_t bad = 0;
  for (const nlohmann::json& e : *list) {
    if (!e.is_object()) {
      ++bad;
      continue;
    }
    auto name = e.find("name"), version = e.find("version");
    if (name == e.end() || version == e.end() || !name->is_string() || !version->is_string()) {
      ++bad;
      continue;
    }
    Package p;
    p.ecosystem = "composer";
    p.name = name->get<std::string>();
    p.version = version->get<std::string>();
    if (auto lic = e.find("license"); lic != e.end() && lic->is_array()) {
      std::vector<std::string> parts;
      for (const auto& l : *lic)
        if (l.is_string()) parts.push_back(l.get<std::string>());
      p.license = fmt::format("{}", fmt::join(parts, " OR "));
    }
    p.path = path;
    p.cataloger = "composer";
    out.packages.push_back(std::move(p));
  }
  if (bad) {
    diag.warn("composer.bad-package", fmt::format("{} entries without a name or a version; skipped", bad),
              {.file = path});
    out.partial = true;
  }
  return out;
}

namespace catalogers {
extern const CatalogerInfo composer;
const CatalogerInfo composer = {
    .name = "composer",
    .description = "PHP packages: vendor/composer/installed.json (Composer 1 and 2)",
    .version = 1,
    .wants = composer_wants,
    .catalog = composer_catalog,
    .application = true,
};
}  // namespace catalogers

}  // namespace dagda
