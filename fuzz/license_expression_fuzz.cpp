// Fuzzes the reading of declared licenses into SPDX expressions (report/spdx_license.hpp).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "report/spdx_license.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using dagda::report::NormalizedLicense;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  NormalizedLicense n = dagda::report::normalize_license(in);
  if (n.empty()) {
    // Only blank input declares nothing.
    for (char c : in)
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f') abort();
    return 0;
  }
  if (n.terms.empty()) abort();
  for (const auto& r : n.refs) {
    if (!r.id.starts_with("LicenseRef-") && !r.id.starts_with("DocumentRef-")) abort();
    if (n.expression.find(r.id) == std::string::npos) abort();
  }
  // An expression of listed ids only is one our SPDX grammar check accepts.
  if (n.listed_only) {
    auto k = dagda::report::classify_license(n.expression).kind;
    if (k != dagda::report::SpdxLicense::Kind::id && k != dagda::report::SpdxLicense::Kind::expression) abort();
  }
  return 0;
}
