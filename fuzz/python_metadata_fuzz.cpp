// Fuzzes the Python core-metadata parser and the .egg reader (the same input as both).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "catalog/app.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  dagda::Diagnostics diag;
  if (auto p = dagda::parse_python_metadata(in, "x.dist-info/METADATA", diag)) {
    if (p->name.empty() || p->version.empty()) abort();
    if (p->name != dagda::pep503_normalize(p->name)) abort();  // normalising is idempotent
  }
  auto egg = dagda::parse_python_egg(in, "x.egg", diag);
  for (const auto& p : egg.packages)
    if (p.name.empty() || p.version.empty()) abort();
  return 0;
}
