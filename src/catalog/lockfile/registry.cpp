// The one list of lockfile catalogers. Adding one: write catalog/lockfile/NAME.cpp
// defining `const LockfileCataloger NAME` in namespace dagda::lockfile, declare it
// below and add it to kAll.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>
#include <tuple>

#include "catalog/lockfile/lockfile.hpp"

namespace dagda {
namespace lockfile {
extern const LockfileCataloger npm_lock;
extern const LockfileCataloger yarn_lock;
extern const LockfileCataloger pnpm_lock;
extern const LockfileCataloger pipfile_lock;
extern const LockfileCataloger poetry_lock;
extern const LockfileCataloger requirements_txt;
extern const LockfileCataloger gemfile_lock;
extern const LockfileCataloger composer_lock;
extern const LockfileCataloger go_mod;
extern const LockfileCataloger cargo_lock;
extern const LockfileCataloger pom_xml;
extern const LockfileCataloger nuget_lock;
}  // namespace lockfile

std::span<const LockfileCataloger> lockfile_catalogers() {
  using namespace lockfile;
  static const std::array kAll = {npm_lock,    yarn_lock,        pnpm_lock,    pipfile_lock,
                                  poetry_lock, requirements_txt, gemfile_lock, composer_lock,
                                  go_mod,      cargo_lock,       pom_xml,      nuget_lock};
  return kAll;
}

bool lockfile_wants(std::string_view path) {
  for (const LockfileCataloger& c : lockfile_catalogers())
    if (c.wants(path) || (c.companion && c.companion(path))) return true;
  return false;
}

CatalogOutput catalog_lockfiles(const FileView& fs, std::vector<std::string> paths, Diagnostics& diag) {
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  CatalogOutput out;
  std::set<std::tuple<std::string, std::string, std::string, std::string>> seen;
  for (const LockfileCataloger& c : lockfile_catalogers()) {
    LockfileContext ctx{fs, diag};
    for (const std::string& path : paths) {
      if (!c.wants(path)) continue;
      auto blob = fs.read(path);
      if (!blob.ok()) continue;  // deleted in a later layer, or a dangling link
      auto r = c.parse(ctx, path, (*blob)->data());
      if (!r.ok()) {
        Error e = std::move(r).error();
        if (e.where().file.empty()) e.in_file(path);
        diag.add({"lockfile.unreadable", fmt::format("{}: {}", c.name, e.render()), e.where()});
        out.partial = true;
        continue;
      }
      if (r->partial) out.partial = true;
      for (Package& p : r->packages) {
        if (!seen.emplace(p.ecosystem, p.name, p.version, p.path).second) continue;
        p.cataloger = c.name;
        out.packages.push_back(std::move(p));
      }
    }
  }
  return out;
}

}  // namespace dagda
