// catalog/lockfile/nuget_lock.cpp: NuGet's packages.lock.json.
//
// {"version": 1|2, "dependencies": {"<target framework>": {"<id>": {"type":
// "Direct"|"Transitive"|"CentralTransitive"|"Project", "resolved": "13.0.1",
// ...}}}}. A package listed for several frameworks at one version is reported
// once. "Project" entries are other projects of the solution: left out with a
// note. NuGet ids are case-insensitive; they are reported as written.
#include <fmt/format.h>

#include <set>

#include "catalog/lockfile/common.hpp"

namespace dagda::lockfile {
namespace {

bool wants(std::string_view path) {
  return basename(path) == "packages.lock.json";
}

Result<CatalogOutput> parse(const LockfileContext& ctx, const std::string& path, std::string_view content) {
  DAGDA_ASSIGN_OR_RETURN(nlohmann::json doc, parse_json(path, content));
  auto deps = doc.is_object() ? doc.find("dependencies") : doc.end();
  if (!doc.is_object() || !doc.contains("version") || deps == doc.end() || !deps->is_object())
    return Error(ErrorCode::corrupt, "not a packages.lock.json: no version and dependencies object",
                 {.file = path});
  CatalogOutput out;
  Skips skips;
  size_t damaged = 0;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& [framework, packages] : deps->items()) {
    if (!packages.is_object()) {
      ++damaged;
      continue;
    }
    for (const auto& [id, entry] : packages.items()) {
      std::string type = json_string(entry, "type");
      if (type == "Project") {
        skips.add("projects of the solution", id);
        continue;
      }
      std::string version = json_string(entry, "resolved");
      if (version.empty()) {
        ++damaged;
        continue;
      }
      if (!seen.emplace(id, version).second) continue;
      out.packages.push_back(make_package("nuget", id, version, path));
    }
  }
  skips.flush(ctx.diag, path);
  if (damaged) {
    ctx.diag.warn("lockfile.damaged", fmt::format("{} entries have no resolved version", damaged),
                  {.file = path});
    out.partial = true;
  }
  return out;
}

}  // namespace

extern const LockfileCataloger nuget_lock{"nuget-lock", "NuGet packages.lock.json", 1, wants, parse};

}  // namespace dagda::lockfile
