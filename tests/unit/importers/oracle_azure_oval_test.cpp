// The Oracle ELSA OVAL and Azure Linux / CBL-Mariner OVAL importers on
// vuln-list-update's real files; the expected rows come from the independent
// conversions beside them (oracle golden/ELSA-*.json: the criteria tree with
// its "Oracle Linux N is installed" branches; mariner golden/: definitions,
// tests, objects and states as separate JSON, joined here).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <regex>
#include <set>
#include <tuple>

#include "feeds_helpers.hpp"

namespace dagda {
namespace {

namespace fs = std::filesystem;
using Row = std::tuple<std::string, std::string, std::string, std::string, std::string>;  // adv, ns, pkg, fixed, vuln

std::string base() { return test::testdata("vulndb/samples/distro/vuln-list-update"); }

void oracle_golden(const nlohmann::json& c, const std::string& platform, const std::string& adv,
                   const std::vector<std::string>& vulns, std::map<std::tuple<std::string, std::string>, std::set<std::string>>& evrs) {
  static const std::regex kRel(R"(^Oracle Linux (\d+) is installed$)"), kFix(R"(^(\S+) is earlier than (\S+)$)");
  std::string here = platform;
  std::smatch m;
  if (c.contains("Criterions") && c["Criterions"].is_array())
    for (auto& x : c["Criterions"]) {
      std::string cm = x["Comment"];
      if (std::regex_match(cm, m, kRel)) here = "oracle:" + m[1].str();
    }
  if (c.contains("Criterions") && c["Criterions"].is_array())
    for (auto& x : c["Criterions"]) {
      std::string cm = x["Comment"];
      if (std::regex_match(cm, m, kFix)) evrs[{here, m[1].str()}].insert(m[2].str());
    }
  if (c.contains("Criterias") && c["Criterias"].is_array())
    for (auto& y : c["Criterias"]) oracle_golden(y, here, adv, vulns, evrs);
}

TEST(OracleOvalImporter, RealElsaAgreeWithTheGoldenConversion) {
  std::string dir = base() + "/oracle_oval_testdata/testdata";
  test::feeds::FeedRun run;
  test::feeds::run_importer("oracle-oval", dir + "/all-positive-data.xml.bz2", run);
  test::feeds::run_importer("oracle-oval", dir + "/elsa-2018-1196-1.xml.bz2", run);
  ASSERT_TRUE(run.errors.empty()) << run.errors.front();
  EXPECT_EQ(run.detected, 2u);
  std::set<Row> got, want;
  for (auto& a : run.sink.out.affected) {
    EXPECT_EQ(a.status, vulndb::AffectedStatus::fixed);
    got.insert({a.advisory_id, a.ns, a.package, a.fixed_version, a.vuln_id});
  }
  size_t goldens = 0;
  for (auto& f : fs::directory_iterator(dir + "/golden")) {
    auto d = nlohmann::json::parse(test::slurp(f.path().string()));
    ++goldens;
    std::string adv;
    std::vector<std::string> cves;
    for (auto& r : d["References"]) {
      if (r["Source"] == "elsa") adv = r["ID"];
      if (r["Source"] == "CVE") cves.push_back(r["ID"]);
    }
    if (cves.empty()) cves.push_back(adv);
    std::map<std::tuple<std::string, std::string>, std::set<std::string>> evrs;
    oracle_golden(d["Criteria"], "", adv, cves, evrs);
    for (auto& [key, set] : evrs) {
      ASSERT_EQ(set.size(), 1u) << adv << ": one fixed EVR per release and package in these samples";
      for (auto& c : cves) want.insert({adv, std::get<0>(key), std::get<1>(key), *set.begin(), c});
    }
  }
  EXPECT_EQ(goldens, 15u);
  EXPECT_GT(want.size(), 100u);
  EXPECT_EQ(got, want);
  // ELSA-2011-1268 covers Oracle Linux 5 and 6, each with its own EVR.
  size_t both = 0;
  for (auto& r : got)
    if (std::get<0>(r) == "ELSA-2011-1268" && std::get<2>(r) == "firefox") ++both;
  EXPECT_EQ(both, 2u);
  for (auto& v : run.sink.out.vulns) {
    if (v.id.starts_with("ELSA-")) {
      EXPECT_EQ(v.scope, std::vector<std::string>{"oracle"});
    }
  }
  EXPECT_EQ(run.sink.per_source.count("oracle"), 1u);
}

TEST(OracleOvalImporter, BrokenAndInvalidSamples) {
  std::string dir = base() + "/oracle_oval_testdata/testdata";
  test::feeds::FeedRun run;
  test::feeds::run_importer("oracle-oval", dir + "/broken-oval-data.xml.bz2", run);
  ASSERT_EQ(run.errors.size(), 1u);
  EXPECT_NE(run.errors[0].find("broken-oval-data.xml"), std::string::npos) << run.errors[0];
  EXPECT_NE(run.errors[0].find("invalid XML"), std::string::npos) << run.errors[0];
  EXPECT_NE(run.errors[0].find(":536"), std::string::npos) << run.errors[0];
  // Not OVAL at all: no importer claims them (db import says "not a known feed format").
  for (auto f : {"EOF.txt", "invalid.txt"}) {
    std::string data = test::slurp(dir + "/" + f);
    EXPECT_EQ(importers::detect_importer(f, data), nullptr) << f;
    vulndb::CollectSink sink;
    Diagnostics diag;
    auto s = test::feeds::parse_one("oracle-oval", f, data, sink, diag);
    ASSERT_FALSE(s.ok()) << f;
    EXPECT_NE(s.error().render().find(f), std::string::npos);
  }
  std::string good = test::slurp(dir + "/ELSA-2007-0057.xml");
  for (int i = 1; i < 40; ++i) {
    vulndb::CollectSink sink;
    Diagnostics diag;
    auto s = test::feeds::parse_one("oracle-oval", "cut.xml", std::string_view(good).substr(0, good.size() * i / 40),
                                    sink, diag);
    ASSERT_FALSE(s.ok()) << i;
    EXPECT_NE(s.error().render().find("cut.xml"), std::string::npos);
  }
}

// ELSA texts often name Red Hat (Oracle rebuilds its errata): the file is still Oracle's.
TEST(OracleOvalImporter, DetectedAheadOfRedHatOval) {
  std::string data = test::slurp(base() + "/oracle_oval_testdata/testdata/ELSA-2007-0057.xml");
  auto at = data.find("<definitions>");
  ASSERT_NE(at, std::string::npos);
  data.insert(at, "<!-- rebuilt from Red Hat Enterprise Linux sources -->\n");
  const importers::ImporterInfo* imp = importers::detect_importer("x.xml", std::string_view(data).substr(0, 4096));
  ASSERT_NE(imp, nullptr);
  EXPECT_EQ(imp->name, "oracle-oval");
}

// Mariner golden: definitions/<year>/<id>.json hold the criteria; tests, objects
// and states are joined by id.
std::set<Row> mariner_golden(const std::string& dir, const std::string& ns) {
  auto load = [&](const std::string& f) { return nlohmann::json::parse(test::slurp(dir + "/" + f)); };
  using S = std::string;
  std::map<S, std::pair<S, S>> tests;  // test -> object, state
  // Each document kept in a local: a range-for over a temporary's member would dangle.
  auto tests_doc = load("tests/tests.json"), objects_doc = load("objects/objects.json"),
       states_doc = load("states/states.json");
  for (auto& t : tests_doc["RpminfoTests"])
    tests[t["ID"].get<S>()] = {t["Object"]["ObjectRef"].get<S>(), t["State"]["StateRef"].get<S>()};
  std::map<S, S> objects;
  for (auto& o : objects_doc["RpminfoObjects"]) objects[o["ID"].get<S>()] = o["Name"].get<S>();
  std::map<S, std::pair<S, S>> states;  // evr, operation
  for (auto& s : states_doc["RpminfoState"])
    states[s["ID"].get<S>()] = {s["Evr"]["Text"].get<S>(), s["Evr"]["Operation"].get<S>()};
  std::set<Row> out;
  for (auto& f : fs::recursive_directory_iterator(dir + "/definitions")) {
    if (!f.is_regular_file()) continue;
    auto d = nlohmann::json::parse(test::slurp(f.path().string()));
    std::string cve = d["Metadata"]["Reference"]["RefID"].get<S>();
    std::vector<nlohmann::json> stack;
    stack.push_back(d["Criteria"]);
    while (!stack.empty()) {
      auto c = stack.back();
      stack.pop_back();
      if (c.contains("Criterion") && c["Criterion"].is_array())
        for (auto& x : c["Criterion"]) {
          auto t = tests.find(x["TestRef"].get<S>());
          if (t == tests.end()) continue;
          auto s = states.find(t->second.second);
          auto o = objects.find(t->second.first);
          if (s == states.end() || o == objects.end()) continue;
          auto& [evr, op] = s->second;
          if (op == "less than") out.insert({cve, ns, o->second, evr, cve});
          if (op == "less than or equal") out.insert({cve, ns, o->second, "<= " + evr, cve});
        }
      if (c.contains("Criteria") && c["Criteria"].is_array())
        for (auto& y : c["Criteria"]) stack.push_back(y);
    }
  }
  return out;
}

// Oracle's per-architecture branches ("Oracle Linux arch is x86_64"): vunnel's sample of real
// ELSA definitions where rsyslog was respun at different revisions per architecture. Rows are
// checked against tests/integration/counts/oracle-arch-rows.py (xml.etree, rpm's vercmp).
TEST(OracleOvalImporter, PerArchitectureFixesKeepTheirArchitecture) {
  std::string file = test::testdata("vulndb/samples/distro/vunnel/oracle/test-fixtures/mock_per_arch_data");
  std::string data = test::slurp(file);
  const auto* imp = importers::find_importer("oracle-oval");
  ASSERT_NE(imp, nullptr);
  EXPECT_EQ(importers::detect_importer("mock_per_arch_data", data.substr(0, 4096)), imp);
  test::feeds::SourceSink sink;
  Diagnostics diag;
  auto st = imp->parse(importers::Entry{file, data}, sink, diag);
  ASSERT_TRUE(st.ok()) << st.error().render();
  std::set<std::string> got;
  for (auto& a : sink.out.affected) got.insert(a.ns + "\t" + a.package + "\t" + a.fixed_version + "\t" + a.advisory_id);
  int status = 0;
  std::string out = test::run_command(
      "python3 " + test::source_dir() + "/tests/integration/counts/oracle-arch-rows.py '" + file + "'", &status);
  ASSERT_EQ(status, 0) << out;
  std::set<std::string> want;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) want.insert(line);
  EXPECT_EQ(got, want);
  // The three cases the sample was made for: rsyslog per architecture, firefox and osbuild by name.
  EXPECT_TRUE(want.count("oracle:7\trsyslog#x86_64\t0:8.24.0-57.0.1.el7_9.3\tELSA-2022-4803"));
  EXPECT_TRUE(want.count("oracle:7\trsyslog#aarch64\t0:8.24.0-57.0.4.el7_9.3\tELSA-2022-4803"));
  EXPECT_TRUE(want.count("oracle:10\tfirefox\t0:128.12.0-1.0.1.el10_0\tELSA-2025-10073"));
  bool osbuild_by_name = false;
  for (auto& w : want) osbuild_by_name = osbuild_by_name || w.starts_with("oracle:8\tosbuild\t");
  EXPECT_TRUE(osbuild_by_name);
}

TEST(AzureOvalImporter, RealOvalAgreesWithTheGoldenConversion) {
  std::string dir = base() + "/mariner_testdata/testdata";
  struct Case {
    std::string file, golden, ns;
  };
  for (const Case& c : {Case{"cbl-mariner-1.0-oval.xml", "mariner/1.0", "azurelinux:1.0"},
                        Case{"cbl-mariner-2.0-preview-oval.xml", "mariner/2.0", "azurelinux:2.0"},
                        Case{"azurelinux-3.0-oval.xml", "azure/3.0", "azurelinux:3.0"}}) {
    SCOPED_TRACE(c.file);
    test::feeds::FeedRun run;
    test::feeds::run_importer("azure-oval", dir + "/happy/" + c.file, run);
    ASSERT_TRUE(run.errors.empty()) << run.errors.front();
    ASSERT_EQ(run.detected, 1u);
    std::set<Row> got;
    for (auto& a : run.sink.out.affected) {
      std::string fixed = a.fixed_version;
      if (a.status == vulndb::AffectedStatus::affected) {
        ASSERT_EQ(a.ranges.size(), 1u);
        fixed = "<= " + a.ranges[0].events.back().version;
      } else {
        EXPECT_EQ(a.status, vulndb::AffectedStatus::fixed);
      }
      got.insert({a.advisory_id, a.ns, a.package, fixed, a.vuln_id});
    }
    auto want = mariner_golden(dir + "/golden/" + c.golden, c.ns);
    EXPECT_FALSE(want.empty());
    EXPECT_EQ(got, want);
    EXPECT_EQ(run.sink.per_source.count("azurelinux"), 1u);
  }
}

TEST(AzureOvalImporter, SadSampleIsAClearError) {
  test::feeds::FeedRun run;
  test::feeds::run_importer("azure-oval", base() + "/mariner_testdata/testdata/sad/cbl-mariner-1.0-oval.xml", run);
  // 24 bytes, "<oval_definitions xmlns": no importer can be sure of it; forced, it is an error.
  std::string data = test::slurp(base() + "/mariner_testdata/testdata/sad/cbl-mariner-1.0-oval.xml");
  vulndb::CollectSink sink;
  Diagnostics diag;
  auto s = test::feeds::parse_one("azure-oval", "sad/cbl-mariner-1.0-oval.xml", data, sink, diag);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().render().find("sad/cbl-mariner-1.0-oval.xml"), std::string::npos) << s.error().render();
  EXPECT_NE(s.error().render().find("invalid XML"), std::string::npos) << s.error().render();
}

}  // namespace
}  // namespace dagda
