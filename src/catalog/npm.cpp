// catalog/npm.cpp: Node.js packages installed by npm, yarn or pnpm: the
// package.json of each directory node_modules/NAME or node_modules/@SCOPE/NAME
// (at any depth: node_modules/a/node_modules/b/package.json is b). A
// package.json without a name or a version is not an installed package (a
// workspace root, a test fixture) and is skipped without a warning.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "catalog/app.hpp"
#include "catalog/cataloger.hpp"

namespace dagda {
namespace {

bool npm_wants(std::string_view path) {
  return is_installed_package_json(path);
}

Result<CatalogOutput> npm_catalog(const CatalogContext& ctx) {
  CatalogOutput out;
  for (const std::string& path : ctx.fs.captured()) {
    if (!is_installed_package_json(path)) continue;
    auto blob = ctx.fs.read(path);
    if (!blob.ok()) continue;
    if (auto p = parse_package_json((*blob)->data(), path, ctx.diag)) out.packages.push_back(std::move(*p));
  }
  return out;
}

// The license field: a string, or (old style) {"type": ...}.
std::string license_of(const nlohmann::json& j) {
  auto it = j.find("license");
  if (it == j.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object()) {
    auto t = it->find("type");
    if (t != it->end() && t->is_string()) return t->get<std::string>();
  }
  return {};
}

}  // namespace

bool is_installed_package_json(std::string_view path) {
  if (!path.ends_with("/package.json")) return false;
  std::string_view dir = path.substr(0, path.size() - std::string_view("/package.json").size());
  size_t slash = dir.rfind('/');
  if (slash == std::string_view::npos) return false;
  std::string_view name = dir.substr(slash + 1), parent = dir.substr(0, slash);
  if (name.empty() || name[0] == '.' || name[0] == '@') return false;
  if (parent.ends_with("node_modules") && (parent.size() == 12 || parent[parent.size() - 13] == '/'))
    return true;
  // node_modules/@scope/name
  size_t s2 = parent.rfind('/');
  std::string_view scope = s2 == std::string_view::npos ? parent : parent.substr(s2 + 1);
  std::string_view above = s2 == std::string_view::npos ? std::string_view() : parent.substr(0, s2);
  return scope.size() > 1 && scope[0] == '@' && (above == "node_modules" || above.ends_with("/node_modules"));
}

std::optional<Package> parse_package_json(std::string_view text, const std::string& path, Diagnostics& diag) {
  if (text.size() > kMaxMetadataFile) {
    diag.warn("npm.package-json-too-large", fmt::format("{} bytes; not read", text.size()), {.file = path});
    return std::nullopt;
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    diag.warn("npm.bad-package-json", "not valid JSON", {.file = path});
    return std::nullopt;
  }
  if (!j.is_object()) {
    diag.warn("npm.bad-package-json", "not a JSON object", {.file = path});
    return std::nullopt;
  }
  auto name = j.find("name"), version = j.find("version");
  if (name == j.end() || version == j.end() || !name->is_string() || !version->is_string())
    return std::nullopt;
  Package p;
  p.ecosystem = "npm";
  p.name = name->get<std::string>();
  p.version = version->get<std::string>();
  if (p.name.empty() || p.version.empty()) return std::nullopt;
  p.license = license_of(j);
  p.path = path;
  p.cataloger = "npm";
  return p;
}

namespace catalogers {
extern const CatalogerInfo npm;
const CatalogerInfo npm = {
    .name = "npm",
    .description = "Node.js packages: node_modules/**/package.json (scoped packages too)",
    .version = 1,
    .wants = npm_wants,
    .catalog = npm_catalog,
    .application = true,
};
}  // namespace catalogers

}  // namespace dagda
