// Fuzzes the Debian copyright reader (DEP-5 and free text) and the SPDX reading of what it gives.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "catalog/deb_copyright.hpp"
#include "report/spdx_license.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  dagda::DebCopyright c = dagda::read_deb_copyright(in);
  if (c.names.size() > 64) abort();
  if (c.names.empty() != c.license.empty()) abort();
  for (const auto& n : c.names)
    if (n.empty() || n.size() > 256) abort();
  auto lic = dagda::report::normalize_license(c.license);
  if (lic.empty() != c.license.empty()) abort();
  return 0;
}
