// catalog/lockfile/pipfile_lock.cpp: Pipenv's Pipfile.lock (JSON).
//
// "default" holds the runtime packages and "develop" the dev ones, each
// "name": {"version": "==1.2.3", "hashes": [...], "markers": ...}. Entries
// without an exact "==" version (path, editable, git or file entries) are left
// out with a note. Names are normalised per PEP 503.
#include <fmt/format.h>

#include "catalog/lockfile/common.hpp"

namespace dagda::lockfile {
namespace {

bool wants(std::string_view path) {
  return basename(path) == "Pipfile.lock";
}

Result<CatalogOutput> parse(const LockfileContext& ctx, const std::string& path, std::string_view content) {
  DAGDA_ASSIGN_OR_RETURN(nlohmann::json doc, parse_json(path, content));
  if (!doc.is_object() || (!doc.contains("default") && !doc.contains("develop") && !doc.contains("_meta")))
    return Error(ErrorCode::corrupt, "not a Pipfile.lock: no default, develop or _meta section",
                 {.file = path});
  CatalogOutput out;
  Skips skips;
  for (auto [section, scope] : {std::pair{"default", ""}, std::pair{"develop", "dev"}}) {
    auto it = doc.find(section);
    if (it == doc.end()) continue;
    if (!it->is_object()) {
      ctx.diag.warn("lockfile.damaged", fmt::format("section '{}' is not an object", section),
                    {.file = path});
      out.partial = true;
      continue;
    }
    for (const auto& [name, entry] : it->items()) {
      std::string v = json_string(entry, "version");
      if (!starts_with(v, "==")) {
        skips.add("no exact version (path, editable, git or file entries)", name);
        continue;
      }
      v.erase(0, v[2] == '=' ? 3 : 2);
      v = std::string(trim(v));
      if (v.empty() || v.find('*') != std::string::npos) {
        skips.add("no exact version (path, editable, git or file entries)", name);
        continue;
      }
      out.packages.push_back(make_package("pypi", pep503(name), v, path, scope));
    }
  }
  skips.flush(ctx.diag, path);
  return out;
}

}  // namespace

extern const LockfileCataloger pipfile_lock{"pipfile-lock", "Pipenv Pipfile.lock", 1, wants, parse};

}  // namespace dagda::lockfile
