// Fuzzes the apk cataloger: the input, split at the first NUL byte, is
// lib/apk/db/installed and usr/lib/apk/db/installed.
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
  dagda::Diagnostics diag;
  dagda::CatalogContext ctx{view, nullptr, diag};
  auto res = dagda::catalogers::apk.catalog(ctx);
  if (res.ok()) {
    for (const auto& p : res->packages) {
      if (p.name.empty() || p.version.empty() || p.ecosystem != "apk" || p.source_name.empty()) abort();
      for (const auto& f : p.files)
        if (f.empty() || f[0] != '/') abort();
    }
  }
  return 0;
}
