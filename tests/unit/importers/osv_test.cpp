// The OSV importer on real feeds: golang/vulndb (JSON), pypa/advisory-database
// (YAML), Debian ELTS (JSON with two malformed entries) and Ubuntu OSV samples.
// Expected counts come from tests/integration/counts/osv.py (python3), which
// reads the same files on its own.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "feeds_helpers.hpp"

namespace dagda {
namespace {

using test::feeds::FeedRun;

const vulndb::Vulnerability* find_vuln(const vulndb::Collected& c, std::string_view id) {
  for (const auto& v : c.vulns)
    if (v.id == id) return &v;
  return nullptr;
}

std::vector<const vulndb::Affected*> rows_of(const vulndb::Collected& c, std::string_view advisory) {
  std::vector<const vulndb::Affected*> out;
  for (const auto& a : c.affected)
    if (a.advisory_id == advisory) out.push_back(&a);
  return out;
}

void expect_counts_match(const std::string& input, const FeedRun& run) {
  auto expected = test::feeds::python_counts("osv", input);
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(run.sink.per_source, expected);
}

TEST(OsvImporter, GoVulndbMatchesIndependentCount) {
  std::string input = test::testdata("vulndb/osv-go-vulndb.tar.xz");
  FeedRun run;
  test::feeds::run_importer("osv", input, run);
  EXPECT_TRUE(run.errors.empty()) << run.errors.front();
  int status = 0;
  long files =
      std::stol(test::run_command("tar -tJf " + input + " | grep -c '^data/osv/GO-.*\\.json$'", &status));
  EXPECT_EQ(long(run.detected), files);
  EXPECT_EQ(long(run.sink.out.vulns.size()), files);
  expect_counts_match(input, run);

  const auto* v = find_vuln(run.sink.out, "GO-2020-0001");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->summary, "Arbitrary log line injection in github.com/gin-gonic/gin");
  EXPECT_EQ(v->published, "2021-04-14T20:04:52Z");
  EXPECT_EQ(v->aliases, (std::vector<std::string>{"CVE-2020-36567", "GHSA-6vm3-jj99-7229"}));
  EXPECT_EQ(v->references.size(), 2u);
  auto rows = rows_of(run.sink.out, "GO-2020-0001");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]->ns, "golang");
  EXPECT_EQ(rows[0]->package, "github.com/gin-gonic/gin");
  EXPECT_EQ(rows[0]->vuln_id, "CVE-2020-36567");
  EXPECT_EQ(rows[0]->fixed_version, "1.6.0");
  EXPECT_EQ(rows[0]->status, vulndb::AffectedStatus::affected);
  ASSERT_EQ(rows[0]->ranges.size(), 1u);
  EXPECT_EQ(rows[0]->ranges[0].type, "SEMVER");
  ASSERT_EQ(rows[0]->ranges[0].events.size(), 2u);
  EXPECT_EQ(rows[0]->ranges[0].events[1].kind, version::OsvEvent::fixed);
}

TEST(OsvImporter, PypaYamlMatchesIndependentCount) {
  std::string input = test::testdata("vulndb/osv-pypi-pypa-advisory-database.tar.xz");
  FeedRun run;
  test::feeds::run_importer("osv", input, run);
  EXPECT_TRUE(run.errors.empty()) << run.errors.front();
  int status = 0;
  long files = std::stol(test::run_command("tar -tJf " + input + " | grep -c '\\.yaml$'", &status));
  EXPECT_EQ(long(run.sink.out.vulns.size()), files);
  expect_counts_match(input, run);

  const auto* v = find_vuln(run.sink.out, "PYSEC-2021-335");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->aliases, (std::vector<std::string>{"CVE-2021-32807", "GHSA-qcx9-j53g-ccgf"}));
  EXPECT_EQ(v->modified, "2021-09-26T23:32:08.989778Z");
  auto rows = rows_of(run.sink.out, "PYSEC-2021-335");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]->ns, "pypi");
  EXPECT_EQ(rows[0]->package, "accesscontrol");
  EXPECT_EQ(rows[0]->fixed_version, "4.3");  // the first fixed event of a version range, not the GIT commit
  EXPECT_EQ(rows[0]->versions, (std::vector<std::string>{"4.0", "4.1", "4.2", "5.0", "5.1"}));
  ASSERT_EQ(rows[0]->ranges.size(), 2u);
  EXPECT_EQ(rows[0]->ranges[1].events.size(), 4u);
}

TEST(OsvImporter, DebianEltsSkipsRangesObjectWithWarning) {
  std::string input = test::testdata("vulndb/debian-elts-osv-advisories-2026-08-17.tar.xz");
  FeedRun run;
  test::feeds::run_importer("osv", input, run);
  EXPECT_TRUE(run.errors.empty()) << run.errors.front();
  expect_counts_match(input, run);
  size_t bad_ranges = 0;
  for (const auto& w : run.diag.take_all())
    if (w.code == "osv.bad-ranges") {
      ++bad_ranges;
      EXPECT_NE(w.where.file.find("ELA-669-1.json"), std::string::npos) << w.render();
    }
  EXPECT_EQ(bad_ranges, 2u);
  // ELA-10-1 fixes six CVEs of exiv2: six rows, one per CVE, none naming another.
  auto rows = rows_of(run.sink.out, "ELA-10-1");
  ASSERT_EQ(rows.size(), 6u);
  std::set<std::string> cves;
  for (auto* r : rows) {
    EXPECT_EQ(r->ns, "debian:7");
    EXPECT_EQ(r->package, "exiv2");
    EXPECT_EQ(r->fixed_version, "0.23-1+deb7u3");
    EXPECT_TRUE(r->aliases.empty());
    cves.insert(r->vuln_id);
  }
  EXPECT_EQ(cves.size(), 6u);
  EXPECT_TRUE(cves.count("CVE-2018-10958"));
  const auto* ela = find_vuln(run.sink.out, "ELA-10-1");
  ASSERT_NE(ela, nullptr);
  EXPECT_TRUE(ela->aliases.empty());
  EXPECT_EQ(ela->related.size(), 6u);
  ASSERT_NE(find_vuln(run.sink.out, "ELA-669-1"), nullptr);  // the record stays
}

TEST(OsvImporter, UbuntuAndGhsaSamples) {
  std::string ubuntu = test::testdata("vulndb/samples/distro/vunnel/ubuntu/test-fixtures/osv");
  FeedRun run;
  test::feeds::run_importer("osv", ubuntu, run);
  EXPECT_TRUE(run.errors.empty()) << run.errors.front();
  expect_counts_match(ubuntu, run);
  for (const auto& a : run.sink.out.affected) EXPECT_TRUE(a.ns.starts_with("ubuntu:")) << a.ns;
  const auto* v = find_vuln(run.sink.out, "UBUNTU-CVE-2020-36325");
  ASSERT_NE(v, nullptr);
  ASSERT_FALSE(v->cvss.empty());
  EXPECT_EQ(v->cvss[0].vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H");
  EXPECT_DOUBLE_EQ(v->cvss[0].score, 7.5);

  std::string ghsa = test::testdata(
      "vulndb/samples/ecosystem/trivy-db-ghsa/testdata/happy/ghsa/advisories/github-reviewed/2023/04/"
      "GHSA-32qq-m9fh-f74w/GHSA-32qq-m9fh-f74w.json");
  FeedRun g;
  test::feeds::run_importer("osv", ghsa, g);
  ASSERT_EQ(g.sink.out.vulns.size(), 1u);
  const auto& gv = g.sink.out.vulns[0];
  EXPECT_EQ(g.sink.out.sources, (std::vector<std::string>{"ghsa"}));
  EXPECT_EQ(gv.severity, "critical");
  EXPECT_EQ(gv.cwes, (std::vector<std::string>{"CWE-89"}));
  ASSERT_EQ(gv.cvss.size(), 1u);
  EXPECT_DOUBLE_EQ(gv.cvss[0].score, 9.8);
  EXPECT_EQ(gv.cvss[0].severity, "critical");
  ASSERT_FALSE(g.sink.out.affected.empty());
  EXPECT_EQ(g.sink.out.affected[0].ns, "maven");
  EXPECT_EQ(g.sink.out.affected[0].package, "com.baomidou:mybatis-plus");
}

// Rocky's own OSV advisories land in its own namespace (rocky:N), never Red Hat's.
TEST(OsvImporter, RockyAdvisoriesInRockyNamespace) {
  std::string rocky =
      test::testdata("vulndb/samples/distro/vunnel/rocky/test-fixtures/osv/RLSA-2023_3220.json");
  FeedRun run;
  test::feeds::run_importer("osv", rocky, run);
  ASSERT_EQ(run.sink.out.vulns.size(), 1u);
  ASSERT_FALSE(run.sink.out.affected.empty());
  for (auto& a : run.sink.out.affected) EXPECT_TRUE(a.ns.starts_with("rocky:")) << a.ns;
}

TEST(OsvImporter, BadInputIsAnErrorNamingTheFile) {
  std::string real = test::slurp(
      test::testdata("vulndb/samples/distro/vunnel/ubuntu/test-fixtures/osv/usn/USN-5614-1.json"));
  ASSERT_FALSE(real.empty());
  struct Case {
    std::string name, data;
  } cases[] = {
      {"feeds/truncated.json", real.substr(0, real.size() / 2)},
      {"feeds/not-object.json", "[1, 2, 3]"},
      {"feeds/no-id.json", "{\"modified\": \"2020-01-01\", \"affected\": []}"},
      {"feeds/affected-not-list.json", "{\"id\": \"X-1\", \"affected\": {\"a\": 1}}"},
      {"feeds/bad.yaml", "id: X-1\nmodified: [unclosed\n"},
      {"feeds/deep.json", std::string(200000, '[')},
      {"feeds/deep.yaml", std::string(100000, '[')},
      {"feeds/binary.json", std::string("{\0\xff\xfe", 4)},
  };
  for (const auto& c : cases) {
    vulndb::CollectSink sink;
    Diagnostics diag;
    auto st = test::feeds::parse_one("osv", c.name, c.data, sink, diag);
    ASSERT_FALSE(st.ok()) << c.name;
    EXPECT_EQ(st.error().where().file, c.name);
    EXPECT_FALSE(st.error().message().empty());
  }
  // The truncated file says where it ends.
  vulndb::CollectSink sink;
  Diagnostics diag;
  auto st = test::feeds::parse_one("osv", "t.json", real.substr(0, real.size() / 2), sink, diag);
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(st.error().where().line.has_value());
}

TEST(OsvImporter, DetectionClaimsOnlyOsv) {
  const auto* osv = importers::find_importer("osv");
  ASSERT_NE(osv, nullptr);
  std::string dsa = test::slurp(test::testdata("vulndb/debian-dsa-dla/DSA.list")).substr(0, 4096);
  EXPECT_EQ(osv->detect("DSA.list", dsa), 0);
  std::string secdb = test::slurp(test::testdata("vulndb/alpine-secdb-yaml/v3.10/main.yaml")).substr(0, 4096);
  EXPECT_EQ(osv->detect("main.yaml", secdb), 0);
  std::string tracker =
      test::slurp(test::testdata("vulndb/samples/distro/vunnel/debian/test-fixtures/input/debian.json"));
  EXPECT_EQ(osv->detect("debian.json", tracker.substr(0, 4096)), 0);
  std::string go = R"({"schema_version": "1.3.1", "id": "GO-2020-0001"})";
  EXPECT_EQ(osv->detect("x.json", go), 3);
}

}  // namespace
}  // namespace dagda
