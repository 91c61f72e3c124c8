// The Photon CVE JSON and AlmaLinux errata JSON importers on
// vuln-list-update's real files; expected rows come from the independent
// conversions beside them (photon golden/CVE-*.json with their os_version;
// alma golden/YEAR/ALSA-*.json).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "feeds_helpers.hpp"

namespace dagda {
namespace {

namespace fs = std::filesystem;
using Row = std::tuple<std::string, std::string, std::string, std::string>;  // ns, package, fixed, vuln

std::string base() { return test::testdata("vulndb/samples/distro/vuln-list-update"); }

TEST(PhotonImporter, RealListsAgreeWithTheGoldenConversion) {
  std::string dir = base() + "/photon_testdata/testdata";
  test::feeds::FeedRun run;
  size_t entries = 0;
  for (auto r : {"1.0", "2.0", "3.0"}) {
    std::string f = dir + "/cve_data_photon" + r + ".json";
    test::feeds::run_importer("photon-cve", f, run);
    for (auto& e : nlohmann::json::parse(test::slurp(f)))  // "UNK-1" entries are warned about and skipped
      entries += std::string(e["cve_id"]).starts_with("CVE-");
  }
  ASSERT_TRUE(run.errors.empty()) << run.errors.front();
  EXPECT_EQ(run.detected, 3u);
  std::set<Row> got;
  for (auto& a : run.sink.out.affected) {
    bool fixed = a.status == vulndb::AffectedStatus::fixed;
    got.insert({a.ns, a.package, fixed ? a.fixed_version : "NA", a.vuln_id});
    EXPECT_EQ(fixed, !a.fixed_version.empty());
  }
  EXPECT_EQ(run.sink.out.affected.size(), entries);
  // The golden conversion is one file per CVE id (a CVE in two releases keeps one): each is one of ours.
  size_t goldens = 0;
  for (auto& f : fs::directory_iterator(dir + "/golden")) {
    auto g = nlohmann::json::parse(test::slurp(f.path().string()));
    Row want{"photon:" + std::string(g["os_version"]), g["pkg"], g["res_ver"], g["cve_id"]};
    EXPECT_TRUE(got.count(want)) << f.path();
    ++goldens;
  }
  EXPECT_EQ(goldens, 15u);
  EXPECT_EQ(run.sink.per_source.count("photon"), 1u);
}

TEST(PhotonImporter, InvalidSamples) {
  std::string dir = base() + "/photon_testdata/testdata";
  auto parse = [&](const std::string& f, vulndb::CollectSink& sink, Diagnostics& diag) {
    return test::feeds::parse_one("photon-cve", dir + "/" + f, test::slurp(dir + "/" + f), sink, diag);
  };
  {
    vulndb::CollectSink sink;
    Diagnostics diag;
    auto s = parse("cve_data_photon_invalid_format.json", sink, diag);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().render().find("cve_data_photon_invalid_format.json"), std::string::npos);
  }
  for (auto f : {"cve_data_photon3.0_invalid_cveid.json", "cve_data_photon_empty_cveid.json"}) {
    SCOPED_TRACE(f);
    vulndb::CollectSink sink;
    Diagnostics diag;
    auto s = parse(f, sink, diag);
    // A list naming no release and no .phN version cannot be placed: an error; with a release, entries
    // whose id is not a CVE are warned about and skipped.
    if (!s.ok()) {
      EXPECT_NE(s.error().render().find("Photon release"), std::string::npos) << s.error().render();
      continue;
    }
    EXPECT_TRUE(sink.out.affected.empty());
    auto ws = diag.take_all();
    ASSERT_EQ(ws.size(), 1u);
    EXPECT_EQ(ws[0].code, "photon.bad-entry");
  }
  for (auto f : {"EOF.txt", "invalid.txt", "invalid_photon_versions.json"}) {
    vulndb::CollectSink sink;
    Diagnostics diag;
    EXPECT_FALSE(parse(f, sink, diag).ok()) << f;
  }
}

TEST(AlmaImporter, RealErrataAgreeWithTheGoldenConversion) {
  std::string dir = base() + "/alma_testdata/testdata";
  test::feeds::FeedRun run;
  test::feeds::run_importer("alma-errata", dir + "/errata.json", run);
  ASSERT_TRUE(run.errors.empty()) << run.errors.front();
  EXPECT_EQ(run.detected, 1u);
  std::set<std::tuple<std::string, std::string, std::string, std::string, std::string>> got, want;
  for (auto& a : run.sink.out.affected) got.insert({a.advisory_id, a.ns, a.package, a.fixed_version, a.vuln_id});
  for (auto& f : fs::recursive_directory_iterator(dir + "/golden")) {
    if (!f.is_regular_file()) continue;
    auto g = nlohmann::json::parse(test::slurp(f.path().string()));
    std::vector<std::string> cves;
    for (auto& r : g["references"])
      if (r["type"] == "cve") cves.push_back(r["id"]);
    // A module stream's errata key their packages NAME@MODULE:STREAM (ALSA-2020:0279: virt:rhel).
    std::string stream;
    if (auto& m = g["pkglist"]["module"]; m.is_object() && m.contains("name"))
      stream = "@" + std::string(m["name"]) + ":" + std::string(m["stream"]);
    for (auto& p : g["pkglist"]["packages"]) {
      std::string epoch = p["epoch"];
      std::string evr = (epoch == "0" ? "" : epoch + ":") + std::string(p["version"]) + "-" + std::string(p["release"]);
      for (auto& c : cves) want.insert({g["updateinfo_id"], "alma:8", std::string(p["name"]) + stream, evr, c});
    }
  }
  EXPECT_FALSE(want.empty());
  EXPECT_EQ(got, want);  // ALBA (bug fix) advisories give no rows
  size_t modular = 0;
  for (auto& a : run.sink.out.affected) modular += a.package.ends_with("@virt:rhel");
  EXPECT_GT(modular, 0u);
  EXPECT_EQ(run.sink.per_source.count("alma"), 1u);
}

TEST(AlmaImporter, InvalidSampleIsAClearError) {
  std::string dir = base() + "/alma_testdata/testdata";
  vulndb::CollectSink sink;
  Diagnostics diag;
  auto s = test::feeds::parse_one("alma-errata", dir + "/invalid.json", test::slurp(dir + "/invalid.json"), sink, diag);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().render().find("invalid.json"), std::string::npos);
}

}  // namespace
}  // namespace dagda
