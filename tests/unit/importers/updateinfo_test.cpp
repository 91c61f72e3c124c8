// The updateinfo.xml importer on vuln-list-update's real Amazon Linux (AL2,
// AL2022, AL2023) and Rocky Linux repository files; the expected rows come
// from the independent conversions of the same advisories beside them
// (*.json.golden, golden/YEAR/RLSA-*.json: each advisory's packages and CVE
// references).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "feeds_helpers.hpp"

namespace dagda {
namespace {

namespace fs = std::filesystem;
using Row = std::tuple<std::string, std::string, std::string, std::string>;  // advisory, package, fixed, vuln

std::string base() { return test::testdata("vulndb/samples/distro/vuln-list-update"); }

// The rows the golden conversion of one advisory stands for.
void golden_rows(const nlohmann::json& adv, std::set<Row>& out) {
  std::vector<std::string> cves;
  for (auto& r : adv["references"])
    if (r.value("type", "") == "cve") cves.push_back(r["id"]);
  if (cves.empty()) cves.push_back(adv["id"]);
  auto add = [&](const nlohmann::json& p, const std::string& stream) {
    std::string epoch = p.value("epoch", "0");
    std::string evr = (epoch == "0" || epoch.empty() ? "" : epoch + ":") + std::string(p["version"]) + "-" +
                      std::string(p["release"]);
    for (auto& c : cves) out.insert({adv["id"], std::string(p["name"]) + stream, evr, c});
  };
  // Rocky's golden conversion keeps the collections: a module stream's packages are keyed
  // NAME@MODULE:STREAM in rocky (eco::module_package); Amazon's has no modules.
  if (adv.contains("collections")) {
    for (auto& col : adv["collections"]) {
      std::string stream;
      if (col.contains("module") && col["module"].is_object() && col["module"].contains("name"))
        stream = "@" + std::string(col["module"]["name"]) + ":" + std::string(col["module"]["stream"]);
      for (auto& p : col["packages"]) add(p, stream);
    }
  } else {
    for (auto& p : adv["packages"]) add(p, "");
  }
}

std::set<Row> rows_of(const vulndb::Collected& c, const std::set<std::string>& advisories, std::string_view ns) {
  std::set<Row> out;
  for (auto& a : c.affected)
    if (advisories.count(a.advisory_id)) {
      EXPECT_EQ(a.ns, ns) << a.advisory_id;
      EXPECT_EQ(a.status, vulndb::AffectedStatus::fixed);
      out.insert({a.advisory_id, a.package, a.fixed_version, a.vuln_id});
    }
  return out;
}

TEST(UpdateinfoImporter, AmazonAgreesWithTheGoldenConversion) {
  std::string dir = base() + "/amazon_testdata/testdata";
  struct Case {
    std::string file, ns;
    std::vector<std::string> golden;
  };
  for (const Case& c : {Case{"updateinfo_2_items.xml.gz", "amazon:2", {"ALAS2-2018-942", "ALAS2-2018-949"}},
                        Case{"updateinfo_1_item.xml.gz", "amazon:2", {"ALAS2-2018-939"}},
                        Case{"updateinfo_AL2022.xml.gz", "amazon:2022", {"ALAS2022-2021-001"}},
                        Case{"updateinfo_AL2023.xml.gz", "amazon:2023", {"ALAS2023-2023-001"}}}) {
    SCOPED_TRACE(c.file);
    test::feeds::FeedRun run;
    test::feeds::run_importer("updateinfo", dir + "/fixtures/" + c.file, run);
    ASSERT_TRUE(run.errors.empty()) << run.errors.front();
    ASSERT_EQ(run.detected, 1u);
    std::set<Row> want;
    std::set<std::string> ids;
    for (auto& g : c.golden) {
      golden_rows(nlohmann::json::parse(test::slurp(dir + "/" + g + ".json.golden")), want);
      ids.insert(g);
    }
    EXPECT_FALSE(want.empty());
    EXPECT_EQ(rows_of(run.sink.out, ids, c.ns), want);
    EXPECT_EQ(run.sink.per_source.count("amazon"), 1u);
    for (auto& v : run.sink.out.vulns) EXPECT_EQ(v.scope, std::vector<std::string>{"amazon"});
  }
}

TEST(UpdateinfoImporter, RockyAgreesWithTheGoldenConversion) {
  std::string dir = base() + "/rocky_testdata/testdata";
  test::feeds::FeedRun run;
  test::feeds::run_importer("updateinfo", dir + "/fixtures/happy/updateinfo.xml", run);
  ASSERT_TRUE(run.errors.empty()) << run.errors.front();
  ASSERT_EQ(run.detected, 1u);
  std::set<Row> want;
  std::set<std::string> ids;
  for (auto& f : fs::recursive_directory_iterator(dir + "/golden")) {
    if (!f.is_regular_file()) continue;
    auto adv = nlohmann::json::parse(test::slurp(f.path().string()));
    golden_rows(adv, want);
    ids.insert(adv["id"]);
  }
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(rows_of(run.sink.out, ids, "rocky:8"), want);
  // RLSA-2019:1972 is the ruby:2.6 module stream's: its packages are keyed by the stream.
  size_t modular = 0;
  for (auto& a : run.sink.out.affected) {
    EXPECT_EQ(a.package.find('@') != std::string::npos, a.advisory_id == "RLSA-2019:1972") << a.package;
    modular += a.package.ends_with("@ruby:2.6");
  }
  EXPECT_GT(modular, 0u);
  // Bug-fix and enhancement updates (RLBA, RLEA) are no vulnerabilities.
  for (auto& a : run.sink.out.affected) EXPECT_TRUE(a.advisory_id.starts_with("RLSA-")) << a.advisory_id;
  EXPECT_EQ(run.sink.per_source.count("rocky"), 1u);
}

TEST(UpdateinfoImporter, ReleaseGivenOnTheCommandLineWins) {
  std::string data = test::slurp(base() + "/rocky_testdata/testdata/fixtures/happy/updateinfo.xml");
  vulndb::CollectSink sink;
  Diagnostics diag;
  const importers::ImporterInfo* imp = importers::find_importer("updateinfo");
  ASSERT_NE(imp, nullptr);
  ASSERT_TRUE(imp->parse(importers::Entry{"updateinfo.xml", data, "rocky:9"}, sink, diag).ok());
  ASSERT_FALSE(sink.out.affected.empty());
  for (auto& a : sink.out.affected) EXPECT_EQ(a.ns, "rocky:9");
  auto bad = imp->parse(importers::Entry{"updateinfo.xml", data, "nosuch:1"}, sink, diag);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().render().find("nosuch:1"), std::string::npos);
}

TEST(UpdateinfoImporter, InvalidSamplesAreClearErrors) {
  for (std::string f : {"amazon_testdata/testdata/fixtures/updateinfo_invalid.xml.gz",
                        "rocky_testdata/testdata/fixtures/updateinfo_invalid/updateinfo.xml.gz"}) {
    SCOPED_TRACE(f);
    test::feeds::FeedRun run;
    test::feeds::run_importer("updateinfo", base() + "/" + f, run);
    EXPECT_EQ(run.detected, 1u);
    ASSERT_EQ(run.errors.size(), 1u);
    EXPECT_NE(run.errors[0].find("invalid XML"), std::string::npos) << run.errors[0];
    EXPECT_NE(run.errors[0].find("updateinfo"), std::string::npos) << run.errors[0];
  }
  std::string good = test::slurp(base() + "/rocky_testdata/testdata/fixtures/happy/updateinfo.xml");
  for (int i = 1; i < 40; ++i) {
    vulndb::CollectSink sink;
    Diagnostics diag;
    auto s = test::feeds::parse_one("updateinfo", "cut.xml", std::string_view(good).substr(0, good.size() * i / 40),
                                    sink, diag);
    ASSERT_FALSE(s.ok()) << i;
    EXPECT_NE(s.error().render().find("cut.xml"), std::string::npos);
  }
  // An update naming no release is skipped with a warning, not matched anywhere.
  vulndb::CollectSink sink;
  Diagnostics diag;
  ASSERT_TRUE(test::feeds::parse_one("updateinfo", "u.xml",
                                     "<updates><update type=\"security\"><id>X-1</id><pkglist><collection>"
                                     "<package name=\"a\" version=\"1\" release=\"1\"/></collection></pkglist>"
                                     "</update></updates>",
                                     sink, diag)
                  .ok());
  EXPECT_TRUE(sink.out.affected.empty());
  auto ws = diag.take_all();
  ASSERT_EQ(ws.size(), 1u);
  EXPECT_EQ(ws[0].code, "updateinfo.unknown-release");
}

}  // namespace
}  // namespace dagda
