// Fuzzes the apk cataloger: the input, split at the first NUL byte, is
// lib/apk/db/installed and usr/lib/apk/db/installed; then the same under package and
// owned-file ceilings of half what was found.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "catalog/cataloger.hpp"
#include "layers/memory_view.hpp"

namespace dagda::catalogers {
extern const CatalogerInfo apk;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nul = in.find('\0');
  dagda::MemoryFileView view;
  view.add_file("lib/apk/db/installed", std::string(in.substr(0, nul)));
  if (nul != std::string_view::npos)
    view.add_file("usr/lib/apk/db/installed", std::string(in.substr(nul + 1)));
  auto run = [&](size_t max_packages, size_t max_files) {
    dagda::Diagnostics diag;
    dagda::CatalogContext ctx{view, nullptr, diag};
    ctx.max_packages = max_packages;
    ctx.max_files = max_files;
    return dagda::catalogers::apk.catalog(ctx);
  };
  auto res = run(SIZE_MAX, SIZE_MAX);
  if (!res.ok()) return 0;
  size_t files = 0;
  for (const auto& p : res->packages) {
    if (p.name.empty() || p.version.empty() || p.ecosystem != "apk" || p.source_name.empty()) abort();
    for (const auto& f : p.files)
      if (f.empty() || f[0] != '/') abort();
    files += p.files.size();
  }
  // Under ceilings of half the packages and half the files: never more than allowed.
  size_t max_packages = res->packages.size() / 2, max_files = files / 2;
  auto capped = run(max_packages, max_files);
  if (!capped.ok() || capped->packages.size() != max_packages) abort();
  size_t kept = 0;
  for (size_t i = 0; i < capped->packages.size(); ++i) {
    const auto& p = capped->packages[i];
    if (p.name != res->packages[i].name || p.version != res->packages[i].version) abort();  // the first ones
    kept += p.files.size();
  }
  if (kept > max_files) abort();
  // Every package left out is counted (a package of both databases may be counted twice).
  if (capped->packages.size() + capped->dropped_packages < res->packages.size()) abort();
  return 0;
}
