// The Ubuntu CVE tracker importer on the whole 2020 tracker (33,033 files in a
// tar.xz); expected counts from tests/integration/counts/ubuntu-cve-tracker.py.
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

TEST(UbuntuCveTrackerImporter, WholeTrackerMatchesIndependentCount) {
  std::string input = test::testdata("vulndb/ubuntu-cve-tracker-2020-active-retired.tar.xz");
  FeedRun run;
  test::feeds::run_importer("ubuntu-cve-tracker", input, run);
  EXPECT_TRUE(run.errors.empty()) << run.errors.size() << " errors, first: " << run.errors.front();
  int status = 0;
  long cve_files = std::stol(test::run_command(
      "tar -tJf " + input + " | grep -c '^\\(active\\|retired\\)/CVE-[0-9]*-[0-9N]*$'", &status));
  EXPECT_EQ(long(run.sink.out.vulns.size()), cve_files);
  EXPECT_EQ(run.sink.per_source, test::feeds::python_counts("ubuntu-cve-tracker", input));

  const auto* eol = find_row(run.sink.out, "ubuntu:19.04", "openssl", "CVE-2019-1551");
  ASSERT_NE(eol, nullptr);
  EXPECT_EQ(eol->status, vulndb::AffectedStatus::end_of_life);  // "ignored (reached end-of-life)"
  // trusty: "ignored (out of standard support)", trusty/esm: "needed": the ESM line decides.
  const auto* esm = find_row(run.sink.out, "ubuntu:14.04", "openssl", "CVE-2019-1551");
  ASSERT_NE(esm, nullptr);
  EXPECT_EQ(esm->status, vulndb::AffectedStatus::unfixed);
  EXPECT_EQ(find_row(run.sink.out, "ubuntu:14.04", "openssl1.0", "CVE-2019-1551"), nullptr);  // DNE
  EXPECT_EQ(find_row(run.sink.out, "ubuntu:18.04", "openssl1.0", "CVE-2019-1551")->status,
            vulndb::AffectedStatus::unfixed);

  const auto* fixed = find_row(run.sink.out, "ubuntu:8.04", "ssl-cert", "CVE-2008-0166");
  ASSERT_NE(fixed, nullptr);
  EXPECT_EQ(fixed->status, vulndb::AffectedStatus::fixed);
  EXPECT_EQ(fixed->fixed_version, "1.0.14-0ubuntu2.1");
  EXPECT_EQ(fixed->severity, "high");  // Priority_ssl-cert overrides Priority: critical
  const auto* ossh = find_row(run.sink.out, "ubuntu:6.06", "openssh", "CVE-2008-0166");
  ASSERT_NE(ossh, nullptr);
  EXPECT_EQ(ossh->severity, "medium");  // Priority_openssh_dapper
  EXPECT_EQ(ossh->fixed_version, "1:4.2p1-7ubuntu3.4");
  EXPECT_EQ(find_row(run.sink.out, "ubuntu:7.10", "openssh", "CVE-2008-0166")->severity, "critical");
  for (const auto& v : run.sink.out.vulns)
    if (v.id == "CVE-2019-1551") {
      ASSERT_EQ(v.cvss.size(), 1u);
      EXPECT_EQ(v.cvss[0].source, "nvd");
      EXPECT_DOUBLE_EQ(v.cvss[0].score, 5.3);
    }
}

TEST(UbuntuCveTrackerImporter, BadInputIsAnErrorNamingTheFile) {
  struct Case {
    std::string name, data;
  } cases[] = {
      {"active/CVE-2020-0001", "Candidate: CVE-2020-0001\nPublicDate: 2020\nthis line has no colon\n"},
      {"active/CVE-2020-0002", std::string("\x00\x01\x02", 3)},
      {"active/CVE-2020-0003", "PublicDate: 2020\nbionic_foo: needed\n"},
  };
  for (const auto& c : cases) {
    vulndb::CollectSink sink;
    Diagnostics diag;
    auto st = test::feeds::parse_one("ubuntu-cve-tracker", c.name, c.data, sink, diag);
    ASSERT_FALSE(st.ok()) << c.name;
    EXPECT_EQ(st.error().where().file, c.name);
  }
  // A file cut in a status line keeps what it has and warns about the cut line.
  vulndb::CollectSink sink;
  Diagnostics diag;
  auto st = test::feeds::parse_one(
      "ubuntu-cve-tracker", "active/CVE-2020-0004",
      "Candidate: CVE-2020-0004\nPublicDate: 2020\nbionic_foo: needed\nxenial_foo: rele", sink, diag);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(sink.out.affected.size(), 1u);
  EXPECT_EQ(diag.size(), 1u);
  // A status line naming no package (found by the fuzzer) is skipped with a warning.
  vulndb::CollectSink sink2;
  Diagnostics diag2;
  ASSERT_TRUE(test::feeds::parse_one("ubuntu-cve-tracker", "active/CVE-2020-0005",
                                     "Candidate: CVE-2020-0005\nPublicDate: 2020\nbionic_: needed\n", sink2,
                                     diag2)
                  .ok());
  EXPECT_TRUE(sink2.out.affected.empty());
  ASSERT_EQ(diag2.size(), 1u);
  EXPECT_EQ(diag2.take_all()[0].code, "ubuntu-cve-tracker.malformed-line");
  const auto* imp = importers::find_importer("ubuntu-cve-tracker");
  EXPECT_EQ(imp->detect("x", "[29 Mar 2023] DSA-1-1 foo\n"), 0);
  EXPECT_EQ(imp->detect("x", "Candidate: CVE-1\nPublicDate: 2020\n"), 3);
}

}  // namespace
}  // namespace dagda
