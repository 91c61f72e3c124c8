// Fuzzes sbom: documents (CycloneDX and SPDX JSON, with purls and tool properties) and purls.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "inventory/purl_parse.hpp"
#include "source/sbom_document.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dagda;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto inv = read_sbom_document(text, "sbom.json");
  if (inv.ok())
    for (const Package& p : inv->packages)
      if (p.name.empty() || p.version.empty()) __builtin_trap();  // unusable components are left out
  (void)parse_purl(text.substr(0, 4096));
  return 0;
}
