// Fuzzes the reading of declared licenses into SPDX expressions (report/spdx_license.hpp).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "report/spdx_license.hpp"

namespace {

int check(std::string_view in) {
  using dagda::report::NormalizedLicense;
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

}  // namespace

// The whole input, then each of its first lines (an apk database's "L:" lines are licenses as
// Alpine writes them: the real databases are the seeds).
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  check(in);
  for (int lines = 0; lines < 32 && !in.empty(); ++lines) {
    size_t nl = in.find('\n');
    std::string_view line = in.substr(0, nl);
    if (line.starts_with("L:")) line.remove_prefix(2);
    check(line);
    if (nl == std::string_view::npos) break;
    in.remove_prefix(nl + 1);
  }
  return 0;
}
