// Fuzzes the cargo-auditable reader: ELF sections, zlib, JSON.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "catalog/app.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  dagda::Diagnostics diag;
  for (const auto& p : dagda::parse_cargo_auditable(in, "bin", diag).packages)
    if (p.name.empty() || p.version.empty()) abort();
  return 0;
}
