// The Red Hat CSAF importer on real advisories (vunnel's fixtures: .json and
// .json.xz) and on the VEX files inside vuln-list-update's txtar fixtures
// (split here); expected counts from tests/integration/counts/redhat-csaf.py.
#include <gtest/gtest.h>

#include <fstream>

#include "feeds_helpers.hpp"

namespace dagda {
namespace {

using test::feeds::FeedRun;

TEST(RedhatCsafImporter, RealAdvisoriesMatchIndependentCount) {
  std::string input = test::testdata("vulndb/samples/distro/vunnel/rhel/test-fixtures/csaf/advisories");
  FeedRun run;
  test::feeds::run_importer("redhat-csaf", input, run);
  EXPECT_TRUE(run.errors.empty()) << run.errors.front();
  int status = 0;
  long files = std::stol(test::run_command("find " + input + " -name 'rhsa-*.json*' | wc -l", &status));
  EXPECT_EQ(long(run.detected), files);
  EXPECT_EQ(run.sink.per_source, test::feeds::python_counts("redhat-csaf", input));

  const vulndb::Vulnerability* v = nullptr;
  for (const auto& x : run.sink.out.vulns)
    if (x.id == "CVE-2024-8088" && !x.related.empty() && x.related[0] == "RHSA-2024:6163") v = &x;
  ASSERT_NE(v, nullptr);
  EXPECT_TRUE(v->aliases.empty());  // the advisory is related, not another name of the CVE
  EXPECT_EQ(v->cwes, (std::vector<std::string>{"CWE-835"}));
  EXPECT_EQ(v->severity, "medium");
  ASSERT_FALSE(v->cvss.empty());
  EXPECT_EQ(v->cvss[0].vector, "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:N/I:N/A:H");
  EXPECT_DOUBLE_EQ(v->cvss[0].score, 5.3);
  bool found = false;
  for (const auto& a : run.sink.out.affected)
    if (a.advisory_id == "RHSA-2024:6163" && a.package == "python3.9") {
      EXPECT_EQ(a.ns, "redhat:9");
      EXPECT_EQ(a.vuln_id, "CVE-2024-8088");
      EXPECT_EQ(a.status, vulndb::AffectedStatus::fixed);
      EXPECT_EQ(a.fixed_version, "3.9.18-3.el9_4.5");
      found = true;
    }
  EXPECT_TRUE(found);
}

// txtar: "-- name --" lines separate files.
std::vector<std::pair<std::string, std::string>> txtar(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> files;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    if (line.starts_with("-- ") && line.ends_with(" --")) {
      files.emplace_back(line.substr(3, line.size() - 6), "");
    } else if (!files.empty()) {
      files.back().second += line + "\n";
    }
  }
  return files;
}

TEST(RedhatCsafImporter, VexFilesFromTxtar) {
  std::string dir = test::test_scratch("vex");
  std::string data = test::testdata("vulndb/samples/distro/vuln-list-update/redhat_csaf_testdata/testdata/");
  size_t json_files = 0;
  for (const char* t : {"first_run.txtar", "archive.txtar", "existing.txtar", "delta_changes.txtar"}) {
    for (auto& [name, body] : txtar(test::slurp(data + t))) {
      if (!name.ends_with(".json")) continue;
      std::string out = dir + "/" + std::string(t) + "-" + name.substr(name.rfind('/') + 1);
      std::ofstream(out) << body;
      ++json_files;
    }
  }
  ASSERT_GT(json_files, 3u);
  FeedRun run;
  test::feeds::run_importer("redhat-csaf", dir, run);
  EXPECT_TRUE(run.errors.empty()) << run.errors.front();
  EXPECT_EQ(run.sink.per_source, test::feeds::python_counts("redhat-csaf", dir));
  // The invalid fixture is refused with an error naming it.
  for (auto& [name, body] : txtar(test::slurp(data + "invalid.txtar"))) {
    if (!name.ends_with(".json")) continue;
    vulndb::CollectSink sink;
    Diagnostics diag;
    auto st = test::feeds::parse_one("redhat-csaf", name, body, sink, diag);
    if (!st.ok()) {
      EXPECT_EQ(st.error().where().file, name);
    }
  }
}

TEST(RedhatCsafImporter, BadInputIsAnErrorNamingTheFile) {
  std::string real = test::slurp(test::testdata(
      "vulndb/samples/distro/vunnel/rhel/test-fixtures/csaf/advisories/2024/rhsa-2024_6163.json"));
  ASSERT_GT(real.size(), 1000u);
  struct Case {
    std::string name, data;
  } cases[] = {
      {"csaf/cut.json", real.substr(0, real.size() / 2)},
      {"csaf/no-document.json", R"({"csaf_version": "2.0", "vulnerabilities": []})"},
      {"csaf/vulns-object.json", R"({"document": {"csaf_version": "2.0"}, "vulnerabilities": {}})"},
      {"csaf/no-ids.json", R"({"document": {"csaf_version": "2.0"}, "vulnerabilities": [{}]})"},
      {"csaf/deep.json", "{\"document\": " + std::string(300000, '[')},
  };
  for (const auto& c : cases) {
    vulndb::CollectSink sink;
    Diagnostics diag;
    auto st = test::feeds::parse_one("redhat-csaf", c.name, c.data, sink, diag);
    ASSERT_FALSE(st.ok()) << c.name;
    EXPECT_EQ(st.error().where().file, c.name);
  }
  const auto* imp = importers::find_importer("redhat-csaf");
  EXPECT_EQ(imp->detect("a.json", real.substr(0, 4096)), 3);
  EXPECT_EQ(imp->detect("a.json", R"({"schema_version": "1.3.1", "id": "GO-1", "modified": "x"})"), 0);
}

}  // namespace
}  // namespace dagda
