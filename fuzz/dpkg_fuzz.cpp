// Fuzzes the dpkg cataloger: the input, split at NUL bytes, is the status file,
// a status.d/ file and the info/*.list file of every package found; then the same
// under a package ceiling of half the packages found.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/cataloger.hpp"
#include "layers/memory_view.hpp"

namespace dagda::catalogers {
extern const CatalogerInfo dpkg;
}

namespace {

std::vector<std::string_view> split(std::string_view in, size_t parts) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < parts) {
    size_t nul = in.find('\0');
    if (nul == std::string_view::npos) break;
    out.push_back(in.substr(0, nul));
    in.remove_prefix(nul + 1);
  }
  out.push_back(in);
  out.resize(parts);
  return out;
}

dagda::CatalogOutput run(const dagda::FileView& view, size_t max_packages = SIZE_MAX) {
  dagda::Diagnostics diag;
  dagda::CatalogContext ctx{view, nullptr, diag};
  ctx.max_packages = max_packages;
  auto res = dagda::catalogers::dpkg.catalog(ctx);
  if (!res.ok()) return {};
  for (const auto& p : res->packages) {
    if (p.name.empty() || p.version.empty() || p.ecosystem != "deb" || p.source_name.empty()) abort();
  }
  return std::move(*res);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = split(std::string_view(reinterpret_cast<const char*>(data), size), 3);
  dagda::MemoryFileView view;
  view.add_file("var/lib/dpkg/status", std::string(parts[0]));
  view.add_file("var/lib/dpkg/status.d/fuzz", std::string(parts[1]));
  auto first = run(view);
  size_t lists = 0;
  for (const auto& p : first.packages) {
    if (++lists > 8) break;
    view.add_file("var/lib/dpkg/info/" + p.name + ".list", std::string(parts[2]));
    view.add_file("var/lib/dpkg/info/" + p.name + ":" + p.arch + ".list", std::string(parts[2]));
  }
  auto full = run(view);
  // The package ceiling: the first packages of the full list, the rest counted.
  size_t cap = full.packages.size() / 2;
  auto capped = run(view, cap);
  if (capped.packages.size() != cap || capped.dropped_packages != full.packages.size() - cap) abort();
  for (size_t i = 0; i < cap; ++i)
    if (capped.packages[i].name != full.packages[i].name || capped.packages[i].version != full.packages[i].version)
      abort();
  return 0;
}
