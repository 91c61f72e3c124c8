// catalog/javascript.cpp: JavaScript libraries copied into an image without a
// package manager (a vendored jquery-3.4.0.min.js), recognised by the retire.js
// repository's signatures (retirejs.cpp): the file's name, its content, its
// SHA-1. The repository comes from CatalogContext::retirejs_repository; without
// one this cataloger finds nothing. Files under node_modules/ are the npm
// cataloger's; files over kMaxScanned bytes are matched by name and hash only.
#include <fmt/format.h>

#include "catalog/app.hpp"
#include "catalog/cataloger.hpp"
#include "common/digest.hpp"

namespace dagda {
namespace {

constexpr size_t kMaxScanned = 8u << 20;

bool javascript_wants(std::string_view path) {
  return path.ends_with(".js") && path.find("node_modules/") == std::string_view::npos;
}

Result<CatalogOutput> javascript_catalog(const CatalogContext& ctx) {
  CatalogOutput out;
  if (ctx.retirejs_repository.empty()) return out;
  auto repo = RetireRepository::parse(ctx.retirejs_repository);
  if (!repo.ok()) {
    ctx.diag.warn("javascript.bad-repository", repo.error().message());
    out.partial = true;
    return out;
  }
  for (const std::string& path : ctx.fs.captured()) {
    if (!javascript_wants(path)) continue;
    if (ctx.os_owned && ctx.os_owned(path)) continue;  // an OS package's file: reported as that package
    auto blob = ctx.fs.read(path);
    if (!blob.ok()) continue;
    std::string_view data = (*blob)->data();
    const std::string sha1 = sha1_hex(data);
    auto matches = repo->scan(base_name(path), data.size() <= kMaxScanned ? data : std::string_view(), sha1);
    (*blob)->release_before(data.size());  // a spilled file's pages go back (the walk may have kept thousands)
    for (auto& m : matches) {
      Package p;
      p.ecosystem = "javascript";
      p.name = !m.npm_name.empty() ? m.npm_name : m.library;
      p.version = std::move(m.version);
      p.path = path;
      p.sha1 = sha1;
      p.cataloger = "javascript";
      out.packages.push_back(std::move(p));
    }
  }
  return out;
}

}  // namespace

namespace catalogers {
extern const CatalogerInfo javascript;
const CatalogerInfo javascript = {
    .name = "javascript",
    .description = "JavaScript files without a package manager, by the retire.js signatures (--retirejs)",
    .version = 1,
    .wants = javascript_wants,
    .catalog = javascript_catalog,
    .application = true,
    .needs_retirejs = true,
};
}  // namespace catalogers

}  // namespace dagda
