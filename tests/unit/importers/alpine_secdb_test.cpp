// The Alpine secdb importer on the real secdb YAML of v3.3..v3.11; the
// expected count comes from tests/integration/counts/alpine-secdb.py.
#include <gtest/gtest.h>

#include "feeds_helpers.hpp"

namespace dagda {
namespace {

using test::feeds::FeedRun;

const vulndb::Affected* find_row(const vulndb::Collected& c, std::string_view ns, std::string_view pkg,
                                 std::string_view id) {
  for (const auto& a : c.affected)
    if (a.ns == ns && a.package == pkg && a.vuln_id == id) return &a;
  return nullptr;
}

TEST(AlpineSecdbImporter, RealSecdbMatchesIndependentCount) {
  std::string input = test::testdata("vulndb/alpine-secdb-yaml");
  FeedRun run;
  test::feeds::run_importer("alpine-secdb", input, run);
  EXPECT_TRUE(run.errors.empty()) << run.errors.front();
  int status = 0;
  long files = std::stol(test::run_command("find " + input + " -name '*.yaml' | wc -l", &status));
  EXPECT_EQ(long(run.detected), files);
  auto expected = test::feeds::python_counts("alpine-secdb", input);
  EXPECT_EQ(run.sink.per_source, expected);
  EXPECT_TRUE(run.sink.out.vulns.empty());

  const auto* a = find_row(run.sink.out, "alpine:3.10", "ansible", "CVE-2019-10206");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->status, vulndb::AffectedStatus::fixed);
  EXPECT_EQ(a->fixed_version, "2.8.4-r0");
  // "CVE-2016-9932 XSA-200": the CVE is the vulnerability, the XSA (Xen's
  // advisory, which may cover several CVEs) its advisory, never an alias.
  bool xsa = false;
  for (const auto& r : run.sink.out.affected)
    if (r.vuln_id == "CVE-2016-9932" && r.package == "xen") {
      EXPECT_TRUE(r.aliases.empty());
      EXPECT_EQ(r.advisory_id, "XSA-200");
      xsa = true;
    }
  EXPECT_TRUE(xsa);
  // XSA-224 covers three CVEs: three rows, none an alias of another.
  size_t xsa224 = 0;
  for (const auto& r : run.sink.out.affected)
    if (r.advisory_id == "XSA-224" && r.ns == "alpine:3.10") {
      EXPECT_TRUE(vulndb::is_cve(r.vuln_id)) << r.vuln_id;
      EXPECT_TRUE(r.aliases.empty());
      ++xsa224;
    }
  EXPECT_GE(xsa224, 3u);
  // An item naming only an XSA keeps it as the id.
  EXPECT_NE(find_row(run.sink.out, "alpine:3.8", "xen", "XSA-207"), nullptr);
  // Version "0": never affected.
  size_t zero = 0;
  for (const auto& r : run.sink.out.affected)
    if (r.status == vulndb::AffectedStatus::not_affected) {
      EXPECT_TRUE(r.fixed_version.empty());
      ++zero;
    }
  EXPECT_GT(zero, 0u);
}

TEST(AlpineSecdbImporter, JsonFormToo) {
  std::string json = R"({"distroversion": "v3.16", "reponame": "main", "packages": [
    {"pkg": {"name": "openssl", "secfixes": {"1.1.1q-r0": ["CVE-2022-2097"], "0": ["CVE-2022-0001"]}}}]})";
  const auto* imp = importers::find_importer("alpine-secdb");
  ASSERT_NE(imp, nullptr);
  EXPECT_EQ(imp->detect("main.json", json), 3);
  test::feeds::SourceSink sink;
  Diagnostics diag;
  importers::Entry e{"main.json", json};
  ASSERT_TRUE(imp->parse(e, sink, diag).ok());
  ASSERT_EQ(sink.out.affected.size(), 2u);
  EXPECT_EQ(sink.out.affected[0].ns, "alpine:3.16");
}

TEST(AlpineSecdbImporter, BadInputIsAnErrorNamingTheFile) {
  std::string real = test::slurp(test::testdata("vulndb/alpine-secdb-yaml/v3.10/main.yaml"));
  ASSERT_GT(real.size(), 1000u);
  struct Case {
    std::string name, data;
  } cases[] = {
      {"v3.10/cut.yaml", real.substr(0, real.find("secfixes:") + 14) + "\n   - [CVE"},
      {"v3.10/no-release.yaml", "reponame: main\npackages: []\n"},
      {"v3.10/bad-release.yaml", "distroversion: banana\npackages: []\n"},
      {"v3.10/packages-map.yaml", "distroversion: v3.10\npackages: {a: 1}\n"},
      {"v3.10/cut.json", R"({"distroversion": "v3.10", "packages": [{"pkg": )"},
      {"v3.10/deep.yaml", "distroversion: v3.10\npackages: " + std::string(50000, '[')},
  };
  for (const auto& c : cases) {
    vulndb::CollectSink sink;
    Diagnostics diag;
    auto st = test::feeds::parse_one("alpine-secdb", c.name, c.data, sink, diag);
    ASSERT_FALSE(st.ok()) << c.name;
    EXPECT_EQ(st.error().where().file, c.name);
  }
  // Another format is not claimed.
  const auto* imp = importers::find_importer("alpine-secdb");
  std::string pysec = "id: PYSEC-1\nmodified: x\naffected: []\n";
  EXPECT_EQ(imp->detect("a.yaml", pysec), 0);
}

}  // namespace
}  // namespace dagda
