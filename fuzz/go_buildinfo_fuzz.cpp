// Fuzzes the Go build-information reader (inline and pointer forms) and the ELF reader under it.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "catalog/app.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  dagda::Diagnostics diag;
  auto r = dagda::parse_go_binary(in, "bin", diag);
  for (const auto& p : r.packages)
    if (p.name.empty() || p.ecosystem != "golang") abort();
  (void)dagda::go_toolchain_version(in.substr(0, 64));
  return 0;
}
