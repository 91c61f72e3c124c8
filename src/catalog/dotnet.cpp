// catalog/dotnet.cpp: .NET dependencies from APP.deps.json, the file the .NET
// SDK writes beside every application it publishes. Its "libraries" object maps
// "Name/Version" to {"type": "package" | "project" | "reference", ...}; the
// entries of type "package" are NuGet packages.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "catalog/app.hpp"
#include "catalog/cataloger.hpp"

namespace dagda {
namespace {

bool dotnet_wants(std::string_view path) {
  return path.ends_with(".deps.json");
}

Result<CatalogOutput> dotnet_catalog(const CatalogContext& ctx) {
  CatalogOutput out;
  for (const std::string& path : ctx.fs.captured()) {
    if (!dotnet_wants(path)) continue;
    auto blob = ctx.fs.read(path);
    if (!blob.ok()) continue;
    AppParse r = parse_deps_json((*blob)->data(), path, ctx.diag);
    if (r.partial) out.partial = true;
    for (Package& p : r.packages) out.packages.push_back(std::move(p));
  }
  return out;
}

}  // namespace

AppParse parse_deps_json(std::string_view text, const std::string& path, Diagnostics& diag) {
  AppParse out;
  if (text.size() > 4 * kMaxMetadataFile) {
    diag.warn("dotnet.too-large", fmt::format("{} bytes; not read", text.size()), {.file = path});
    out.partial = true;
    return out;
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    diag.warn("dotnet.bad-deps-json", j.is_discarded() ? "not valid JSON" : "not a JSON object",
              {.file = path});
    out.partial = true;
    return out;
  }
  auto libs = j.find("libraries");
  if (libs == j.end() || !libs->is_object()) {
    diag.warn("dotnet.bad-deps-json", "no \"libraries\" object", {.file = path});
    out.partial = true;
    return out;
  }
  size_t bad = 0;
  for (auto it = libs->begin(); it != libs->end(); ++it) {
    const std::string& key = it.key();
    if (!it->is_object()) {
      ++bad;
      continue;
    }
    auto type = it->find("type");
    if (type == it->end() || !type->is_string() || type->get<std::string>() != "package") continue;
    size_t slash = key.rfind('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == key.size()) {
      ++bad;
      continue;
    }
    Package p;
    p.ecosystem = "nuget";
    p.name = key.substr(0, slash);
    p.version = key.substr(slash + 1);
    p.path = path;
    p.cataloger = "dotnet";
    out.packages.push_back(std::move(p));
  }
  if (bad) {
    diag.warn("dotnet.bad-library",
              fmt::format("{} libraries not of the form \"Name/Version\": {{...}}; skipped", bad),
              {.file = path});
    out.partial = true;
  }
  return out;
}

namespace catalogers {
extern const CatalogerInfo dotnet;
const CatalogerInfo dotnet = {
    .name = "dotnet",
    .description = ".NET NuGet packages: *.deps.json libraries of type \"package\"",
    .version = 1,
    .wants = dotnet_wants,
    .catalog = dotnet_catalog,
    .application = true,
};
}  // namespace catalogers

}  // namespace dagda
