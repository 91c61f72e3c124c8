// Fuzzes the --ignorefile reader (match/ignore_file.cpp): either form, any bytes. Every
// entry it accepts has an id and, when it has one, a real expiry day.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "match/ignore_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto r = dagda::parse_ignore_file(in, "fuzz.yaml");
  if (!r.ok()) return 0;
  for (const auto& e : *r) {
    if (e.id.empty() || e.line < 1) abort();
    if (!e.expires.empty() && !dagda::valid_iso_date(e.expires)) abort();
  }
  return 0;
}
