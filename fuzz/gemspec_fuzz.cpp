// Fuzzes the gemspec text reader.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "catalog/app.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  dagda::Diagnostics diag;
  if (auto p = dagda::parse_gemspec(in, "specifications/x.gemspec", diag))
    if (p->name.empty() || p->version.empty()) abort();
  return 0;
}
