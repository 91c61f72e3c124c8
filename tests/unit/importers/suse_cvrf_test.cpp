// The SUSE CVRF importer on vuln-list-update's real CVRF documents; the
// expected rows come from the independent conversion of the same documents
// beside them (golden/*.json: every "PRODUCT:NAME-VERSION-RELEASE" of each
// vulnerability's Fixed status).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "feeds_helpers.hpp"
#include "importers/suse_cvrf.hpp"

namespace dagda {
namespace {

namespace fs = std::filesystem;
using Row = std::tuple<std::string, std::string, std::string, std::string>;  // ns, package, fixed, cve

std::string dir() { return test::testdata("vulndb/samples/distro/vuln-list-update/suse_cvrf_testdata/testdata"); }

TEST(SuseCvrfImporter, ProductNamesToNamespaces) {
  using importers::feeds::suse_product_namespace;
  EXPECT_EQ(suse_product_namespace("SUSE Linux Enterprise Server 15 SP1"), "sles:15.1");
  EXPECT_EQ(suse_product_namespace("SUSE Linux Enterprise Server for SAP Applications 12 SP4"), "sles:12.4");
  EXPECT_EQ(suse_product_namespace("SUSE Linux Enterprise Server 11 SP4-LTSS"), "sles:11.4");
  EXPECT_EQ(suse_product_namespace("SUSE Linux Enterprise Module for Legacy Software 12"), "sles:12");
  EXPECT_EQ(suse_product_namespace("SUSE Linux Enterprise Micro 5.2"), "sle-micro:5.2");
  EXPECT_EQ(suse_product_namespace("openSUSE Leap 15.0"), "opensuse-leap:15.0");
  EXPECT_EQ(suse_product_namespace("openSUSE 13.2"), "opensuse-leap:13.2");
  EXPECT_EQ(suse_product_namespace("SUSE Manager Server 4.0"), "");
  EXPECT_EQ(suse_product_namespace("SUSE OpenStack Cloud 8"), "");
}

TEST(SuseCvrfImporter, RealDocumentsAgreeWithTheGoldenConversion) {
  test::feeds::FeedRun run;
  test::feeds::run_importer("suse-cvrf", dir() + "/cvrf", run);
  ASSERT_TRUE(run.errors.empty()) << run.errors.front();
  size_t files = 0;
  for (auto& f : fs::directory_iterator(dir() + "/cvrf")) files += f.is_regular_file();
  EXPECT_EQ(run.detected, files);
  std::set<Row> got;
  std::set<std::string> advisories;
  for (auto& a : run.sink.out.affected) {
    EXPECT_EQ(a.status, vulndb::AffectedStatus::fixed);
    got.insert({a.ns, a.package, a.fixed_version, a.vuln_id});
    advisories.insert(a.advisory_id);
  }
  std::set<Row> want;
  std::set<std::string> want_advisories;
  size_t skipped = 0;
  for (auto& f : fs::directory_iterator(dir() + "/golden")) {
    auto doc = nlohmann::json::parse(test::slurp(f.path().string()));
    std::string id = doc["Tracking"]["ID"];
    bool any = false;
    for (auto& v : doc["Vulnerabilities"])
      for (auto& st : v["ProductStatuses"]) {
        ASSERT_EQ(st["Type"], "Fixed");
        for (std::string pid : st["ProductID"]) {
          auto colon = pid.find(':');
          std::string ns = importers::feeds::suse_product_namespace(pid.substr(0, colon));
          if (ns.empty()) {
            ++skipped;
            continue;
          }
          std::string nvr = pid.substr(colon + 1);
          auto r = nvr.rfind('-');
          auto vpos = nvr.rfind('-', r - 1);
          want.insert({ns, nvr.substr(0, vpos), nvr.substr(vpos + 1), v["CVE"]});
          any = true;
        }
      }
    if (any) want_advisories.insert(id);
  }
  EXPECT_GT(want.size(), 100u);
  EXPECT_EQ(got, want);
  EXPECT_EQ(advisories, want_advisories);
  // One record per patch with its CVEs related, one per CVE.
  size_t patches = 0;
  for (auto& v : run.sink.out.vulns)
    if (v.id.starts_with("SUSE-SU-") || v.id.starts_with("openSUSE-SU-")) {
      ++patches;
      EXPECT_FALSE(v.related.empty()) << v.id;
    }
  EXPECT_EQ(patches, files);
  EXPECT_EQ(run.sink.per_source.count("suse"), 1u);
}

TEST(SuseCvrfImporter, BrokenDocumentIsAClearError) {
  test::feeds::FeedRun run;
  test::feeds::run_importer("suse-cvrf", dir() + "/broken-cvrf", run);
  EXPECT_EQ(run.detected, 1u);
  ASSERT_EQ(run.errors.size(), 1u);
  EXPECT_NE(run.errors[0].find("cvrf-suse-su-2018-1784-1.xml"), std::string::npos) << run.errors[0];
  EXPECT_NE(run.errors[0].find("invalid XML"), std::string::npos) << run.errors[0];
  std::string good = test::slurp(dir() + "/cvrf/cvrf-suse-su-2019-1608-1.xml");
  for (int i = 1; i < 40; ++i) {  // every cut is an error naming the file, never a crash
    vulndb::CollectSink sink;
    Diagnostics diag;
    auto s = test::feeds::parse_one("suse-cvrf", "cut.xml", std::string_view(good).substr(0, good.size() * i / 40), sink, diag);
    ASSERT_FALSE(s.ok()) << i;
    EXPECT_NE(s.error().render().find("cut.xml"), std::string::npos);
  }
  vulndb::CollectSink sink;
  Diagnostics diag;
  auto s = test::feeds::parse_one("suse-cvrf", "x.xml", "<!DOCTYPE x [<!ENTITY a \"b\">]><cvrfdoc/>", sink, diag);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().render().find("DTD"), std::string::npos);
  s = test::feeds::parse_one("suse-cvrf", "x.xml", "<oval_definitions/>", sink, diag);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().render().find("not a CVRF document"), std::string::npos);
}

}  // namespace
}  // namespace dagda
