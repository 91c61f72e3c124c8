// The DSA/DLA list importer on the real lists; expected counts from
// tests/integration/counts/debian-lists.py and from grep.
#include <gtest/gtest.h>

#include "feeds_helpers.hpp"

namespace dagda {
namespace {

using test::feeds::FeedRun;

TEST(DebianListsImporter, RealListsMatchIndependentCount) {
  std::string input = test::testdata("vulndb/debian-dsa-dla");
  FeedRun run;
  test::feeds::run_importer("debian-lists", input, run);
  EXPECT_TRUE(run.errors.empty()) << run.errors.front();
  EXPECT_EQ(run.detected, 2u);
  int status = 0;
  long heads = std::stol(
      test::run_command("cat " + input + "/DSA.list " + input + "/DLA.list | grep -c '^\\['", &status));
  EXPECT_EQ(long(run.sink.out.vulns.size()), heads);
  EXPECT_EQ(run.sink.per_source, test::feeds::python_counts("debian-lists", input));

  const vulndb::Vulnerability* dsa = nullptr;
  for (const auto& v : run.sink.out.vulns)
    if (v.id == "DSA-5380-1") dsa = &v;
  ASSERT_NE(dsa, nullptr);
  EXPECT_EQ(dsa->published, "2023-03-29");
  EXPECT_TRUE(dsa->aliases.empty());  // the DSA is not another name of its CVEs
  EXPECT_EQ(dsa->related, (std::vector<std::string>{"CVE-2023-1393"}));
  EXPECT_EQ(dsa->summary, "xorg-server: security update");
  size_t found = 0;
  for (const auto& a : run.sink.out.affected) {
    if (a.advisory_id == "DSA-5380-1") {
      EXPECT_EQ(a.ns, "debian:11");
      EXPECT_EQ(a.package, "xorg-server");
      EXPECT_EQ(a.status, vulndb::AffectedStatus::fixed);
      EXPECT_EQ(a.fixed_version, "2:1.20.11-1+deb11u6");
      EXPECT_EQ(a.vuln_id, "CVE-2023-1393");
      EXPECT_TRUE(a.aliases.empty());
      ++found;
    }
    if (a.advisory_id == "DSA-3389-1") {
      EXPECT_EQ(a.ns, "debian:8");
      EXPECT_EQ(a.status, vulndb::AffectedStatus::end_of_life);
      ++found;
    }
    if (a.advisory_id == "DSA-2275-1" && a.ns == "debian:5") {
      EXPECT_EQ(a.status, vulndb::AffectedStatus::not_affected);
      EXPECT_EQ(a.note, "Vulnerable code not present");
      ++found;
    }
  }
  EXPECT_EQ(found, 3u);
}

TEST(DebianListsImporter, BadInputIsAnErrorNamingTheFileAndLine) {
  std::string real = test::slurp(test::testdata("vulndb/debian-dsa-dla/DSA.list"));
  ASSERT_GT(real.size(), 10000u);
  // Cut inside a release line ("\t[bullseye] - xorg-se").
  size_t cut = real.find("[bullseye] - xorg-server") + 18;
  struct Case {
    std::string name, data;
    uint64_t line;
  } cases[] = {
      {"DSA.list", real.substr(0, cut), 3},
      {"DSA.list", "[29 Mar 2023] DSA-1-1 foo - x\n\t{CVE-2023-1\n", 2},
      {"DSA.list", "[29 Mar 2023] DSA-1-1 foo - x\ngarbage\n", 2},
      {"DSA.list", "\t[bullseye] - foo 1.0\n", 1},
      {"DSA.list", "[31 Foo 2023] DSA-1-1 foo\n", 1},
  };
  for (const auto& c : cases) {
    vulndb::CollectSink sink;
    Diagnostics diag;
    auto st = test::feeds::parse_one("debian-lists", c.name, c.data, sink, diag);
    ASSERT_FALSE(st.ok()) << c.data.substr(c.data.size() > 80 ? c.data.size() - 80 : 0);
    EXPECT_EQ(st.error().where().file, c.name);
    EXPECT_EQ(st.error().where().line, c.line) << st.error().render();
  }
  const auto* imp = importers::find_importer("debian-lists");
  EXPECT_EQ(imp->detect("DSA.list", real.substr(0, 4096)), 3);
  EXPECT_EQ(imp->detect("x", "Candidate: CVE-2020-1\n"), 0);
}

}  // namespace
}  // namespace dagda
