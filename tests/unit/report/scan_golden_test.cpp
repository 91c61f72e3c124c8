// Golden files of the scan table and JSON on the real Alpine 3.7.3 scan
// (tests/golden/report/scan-*); DAGDA_UPDATE_GOLDEN=1 rewrites them after a
// deliberate change. Rendering twice gives the same bytes.
#include <gtest/gtest.h>

#include "unit/report/scan_fixtures.hpp"

namespace dagda {
namespace {

using test::scan_fixtures::alpine_result;
using test::scan_fixtures::render_scan;
using test::scan_fixtures::scan_golden_options;
using test::scan_fixtures::with_suppression;

TEST(ScanGolden, TableAndJson) {
  const ScanResult& r = alpine_result();
  ASSERT_FALSE(r.findings.empty());
  for (const char* format : {"table", "json"}) {
    const std::string out = render_scan(r, format);
    EXPECT_EQ(out, render_scan(r, format)) << format << " is not deterministic";
    test::expect_golden(std::string("scan-alpine-3.7.3.") + (std::string(format) == "json" ? "json" : "txt"),
                        out);
  }
}

TEST(ScanGolden, SuppressedTable) {
  ScanReportOptions opts = scan_golden_options();
  opts.show_suppressed = true;
  test::expect_golden("scan-alpine-3.7.3-suppressed.txt",
                      render_scan(with_suppression(alpine_result(), "vex", nullptr), "table", opts));
}

}  // namespace
}  // namespace dagda
