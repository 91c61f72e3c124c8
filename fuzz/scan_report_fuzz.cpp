// Fuzzes what the agent and the remote mode read from a server: dagda.scan/v1 reports
// (back into a ScanResult) and the finding count of JSON, SARIF and CycloneDX reports.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "client/scan_report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dagda;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = client::read_scan_report(text, "report");
  if (r.ok())
    for (const Finding& f : r->findings)
      if (f.kind == kKindVuln && f.package >= r->inventory.packages.size()) __builtin_trap();
  for (std::string_view format : {"json", "sarif", "cyclonedx"}) {
    (void)client::remaining_findings(text, format, {}, "report");
    (void)client::remaining_findings(text, format, {"high"}, "report");
  }
  return 0;
}
