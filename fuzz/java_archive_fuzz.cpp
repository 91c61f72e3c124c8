// Fuzzes the Java archive reader (zip in memory, nested archives) with small limits.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "catalog/app.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  dagda::Diagnostics diag;
  auto r = dagda::parse_java_archive(in, "fuzz.jar", diag, {.max_depth = 4, .max_inflated = 8 << 20});
  for (const auto& p : r.packages)
    if (p.name.empty() || p.version.empty() || p.ecosystem != "maven" || p.sha1.size() != 40) abort();
  return 0;
}
