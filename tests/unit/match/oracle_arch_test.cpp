// Oracle's per-architecture fixes meet only the image's architecture: rsyslog of
// ELSA-2022-4803 was fixed in 8.24.0-57.0.1.el7_9.3 on x86_64 and in
// 8.24.0-57.0.4.el7_9.3 on aarch64 (vunnel's sample of real ELSA definitions).
#include <gtest/gtest.h>

#include "importers/import.hpp"
#include "match/matcher.hpp"
#include "support/testdata.hpp"
#include "vulndb/store.hpp"

namespace dagda::test {
namespace {

class OracleArch : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = new std::string(scratch_dir("oracle-arch") + "/vulndb.sqlite");
    auto store = vulndb::Store::open(*path_);
    ASSERT_TRUE(store.ok()) << store.error().render();
    importers::ImportOptions o;
    o.format = "oracle-oval";
    auto r = importers::import_into(
        **store, {testdata("vulndb/samples/distro/vunnel/oracle/test-fixtures/mock_per_arch_data")}, o);
    ASSERT_TRUE(r.ok()) << r.error().render();
  }
  static std::string* path_;

  // Findings for rsyslog at `version` on Oracle Linux 7 of `platform_arch` (a Docker platform name).
  size_t findings(const std::string& version, const std::string& platform_arch) {
    ScanResult r;
    r.inventory.source.architecture = platform_arch;
    Package p;
    p.ecosystem = "rpm";
    p.name = "rsyslog";
    p.version = version;
    r.inventory.os = OsInfo{};
    r.inventory.os->family = "ol";
    r.inventory.os->version_id = "7.9";
    r.inventory.packages.push_back(p);
    auto store = vulndb::Store::open(*path_);
    EXPECT_TRUE(store.ok());
    if (!store.ok()) return 0;
    MatchOptions opts;
    opts.enrich = false;
    auto st = match_inventory(**store, r, opts);
    EXPECT_TRUE(st.ok()) << st.error().render();
    return r.findings.size();
  }
};
std::string* OracleArch::path_ = nullptr;

TEST_F(OracleArch, EachArchitectureMeetsItsOwnFix) {
  // Between the two fixes: fixed on x86_64, not yet on aarch64.
  EXPECT_EQ(findings("8.24.0-57.0.2.el7_9.3", "amd64"), 0u);
  EXPECT_EQ(findings("8.24.0-57.0.2.el7_9.3", "arm64"), 1u);
  // Below both: affected on both; at the higher fix: on neither.
  EXPECT_EQ(findings("8.24.0-57.el7_9.3", "amd64"), 1u);
  EXPECT_EQ(findings("8.24.0-57.el7_9.3", "arm64"), 1u);
  EXPECT_EQ(findings("8.24.0-57.0.4.el7_9.3", "arm64"), 0u);
  // An architecture the ELSA does not cover has no row.
  EXPECT_EQ(findings("8.24.0-57.el7_9.3", "ppc64le"), 0u);
}

}  // namespace
}  // namespace dagda::test
