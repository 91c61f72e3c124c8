// GitLab Advisory Database importer on the real advisories-community snapshot.
#include <map>

#include "feed_run.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers {
namespace {

TEST(GitlabImporter, RealDatabase) {
  std::string path = test::testdata("vulndb/gitlab-advisories-community-2022-05-23.tar.xz");
  feedtest::Run run;
  feedtest::import_into(run, {path}, "gitlab");
  ASSERT_TRUE(run.errors.empty()) << run.errors[0];
  auto want = feedtest::expected("gitlab", {path});
  EXPECT_EQ(run.sink.out.vulns.size(), want["vulnerabilities"].get<size_t>());
  EXPECT_EQ(run.sink.out.affected.size(), want["affected"].get<size_t>());
  std::map<std::string, std::pair<size_t, size_t>> per_ns;  // rows, constraints the comparator reads
  size_t unbounded = 0;
  for (const auto& a : run.sink.out.affected) {
    const auto* c = vulndb::comparator_for(a.ns);
    ASSERT_NE(c, nullptr) << a.ns;
    auto& [rows, ok] = per_ns[a.ns];
    ++rows;
    if (c->satisfies("1.0.0", a.constraint).ok()) {
      ++ok;
    } else if (a.constraint == "(,)") {
      ++unbounded;  // GitLab's "every version" for NuGet, which the nuget comparator does not read
    }
  }
  for (const auto& [ns, counts] : per_ns) {
    std::cout << ns << ": " << counts.second << " of " << counts.first << " constraints readable\n";
    if (ns != "golang") {
      EXPECT_GE((counts.second + (ns == "nuget" ? unbounded : 0)) * 100, counts.first * 99) << ns;
    }
  }
  // npm/@progfay/scrapbox-parser/CVE-2021-27405.yml
  for (const auto& a : run.sink.out.affected)
    if (a.advisory_id == "CVE-2021-27405") {
      EXPECT_EQ(a.ns, "npm");
      EXPECT_EQ(a.package, "@progfay/scrapbox-parser");
      EXPECT_EQ(a.constraint, "<6.0.3");
      EXPECT_EQ(a.fixed_version, "6.0.3");
    }
  // maven/org.apache.livy/livy-main: "maven/GROUP/ARTIFACT" -> "GROUP:ARTIFACT"
  bool livy = false;
  for (const auto& a : run.sink.out.affected)
    if (a.advisory_id == "CVE-2021-26544") {
      livy = true;
      EXPECT_EQ(a.ns, "maven");
      EXPECT_EQ(a.package, "org.apache.livy:livy-main");
      EXPECT_EQ(a.constraint, "[0.7.0]");
      EXPECT_TRUE(*vulndb::comparator_for("maven")->satisfies("0.7.0", a.constraint));
    }
  EXPECT_TRUE(livy);
}

TEST(GitlabImporter, BadInputs) {
  feedtest::error_of("gitlab", "identifier: CVE-1\npackage_slug: \"npm/x\nfoo");
  feedtest::error_of("gitlab", "identifier: CVE-1\npackage_slug: npm\n");
  feedtest::error_of("gitlab", "package_slug: npm/x\n");
  feedtest::error_of("gitlab", "- 1\n");
  EXPECT_EQ(find_importer("gitlab")->detect("x.yml", "---\nidentifier: \"CVE-1\"\npackage_slug: \"npm/x\"\n"),
            3);
  EXPECT_EQ(find_importer("gitlab")->detect("x.yml", "gem: rack\n"), 0);
}

}  // namespace
}  // namespace dagda::importers
