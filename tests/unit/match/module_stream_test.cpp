// RHEL-like modularity: a package built in a module stream (its MODULARITYLABEL)
// meets only that stream's advisories, and a package outside modules never meets
// a module stream's. Real samples: Rocky 8 updateinfo (RLSA-2019:1972 is the
// ruby:2.6 stream's) and AlmaLinux 8 errata (ALSA-2020:0279 is virt:rhel's).
#include <gtest/gtest.h>

#include <algorithm>

#include "importers/import.hpp"
#include "match/matcher.hpp"
#include "support/testdata.hpp"
#include "vulndb/store.hpp"

namespace dagda::test {
namespace {

std::string sample(const std::string& rel) { return testdata("vulndb/samples/distro/vuln-list-update/" + rel); }

class ModuleStreams : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = new std::string(scratch_dir("module-streams") + "/vulndb.sqlite");
    auto store = vulndb::Store::open(*path_);
    ASSERT_TRUE(store.ok()) << store.error().render();
    auto r = importers::import_into(**store,
                                    {sample("rocky_testdata/testdata/fixtures/happy/updateinfo.xml"),
                                     sample("alma_testdata/testdata/errata.json")},
                                    {});
    ASSERT_TRUE(r.ok()) << r.error().render();
  }
  static std::string* path_;

  // The advisories that match `name` at a version below every fix, with this modularity label ("" = none).
  std::vector<std::string> advisories(const std::string& distro, const std::string& name, const std::string& label) {
    ScanResult r;
    Package p;
    p.ecosystem = "rpm";
    p.name = name;
    p.version = "0.0.1-1";
    p.rpm = RpmFields{};
    p.rpm->modularitylabel = label;
    r.inventory.os = OsInfo{};
    r.inventory.os->family = distro;
    r.inventory.os->version_id = "8.6";
    r.inventory.packages.push_back(p);
    auto store = vulndb::Store::open(*path_);
    EXPECT_TRUE(store.ok());
    std::vector<std::string> out;
    if (!store.ok()) return out;
    MatchOptions opts;
    opts.enrich = false;
    auto st = match_inventory(**store, r, opts);
    EXPECT_TRUE(st.ok()) << st.error().render();
    for (auto& f : r.findings)
      for (auto& m : f.matches)
        if (std::find(out.begin(), out.end(), m.advisory) == out.end()) out.push_back(m.advisory);
    return out;
  }
};
std::string* ModuleStreams::path_ = nullptr;

using V = std::vector<std::string>;

TEST_F(ModuleStreams, RockyModularPackageMeetsOnlyItsStream) {
  EXPECT_EQ(advisories("rocky", "rubygem-abrt", "ruby:2.6:8060020220628150300:d63f516d"), V{"RLSA-2019:1972"});
  EXPECT_TRUE(advisories("rocky", "rubygem-abrt", "ruby:2.7:8060020220628150300:d63f516d").empty());
  EXPECT_TRUE(advisories("rocky", "rubygem-abrt", "").empty());
}

TEST_F(ModuleStreams, AlmaModularPackageMeetsOnlyItsStream) {
  EXPECT_EQ(advisories("almalinux", "libiscsi", "virt:rhel:8040020210811063000:522a0ee4"), V{"ALSA-2020:0279"});
  EXPECT_TRUE(advisories("almalinux", "libiscsi", "virt:8.2:8020020200116153050:4cda2c84").empty());
  EXPECT_TRUE(advisories("almalinux", "libiscsi", "").empty());
}

TEST_F(ModuleStreams, NonModularAdvisoriesNeverMeetModularPackages) {
  // ALSA-2021:3253 (no module) fixes a package outside modules: a build of the same name in a
  // module stream is not its.
  auto plain = advisories("almalinux", "libsndfile", "");
  EXPECT_EQ(plain, V{"ALSA-2021:3253"});
  EXPECT_TRUE(advisories("almalinux", "libsndfile", "libsndfile:1:1:abc").empty());
}

}  // namespace
}  // namespace dagda::test
