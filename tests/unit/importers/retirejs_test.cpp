// retire.js importer on the real repositories.
#include "feed_run.hpp"
#include "version/osv_range.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers {
namespace {

TEST(RetirejsImporter, RealRepositories) {
  std::vector<std::string> paths = {test::testdata("vulndb/retirejs/jsrepository.json"),
                                    test::testdata("vulndb/retirejs/jsrepository-v4.json"),
                                    test::testdata("vulndb/retirejs/npmrepository.json")};
  feedtest::Run run;
  feedtest::import_into(run, paths, "retirejs");
  ASSERT_TRUE(run.errors.empty()) << run.errors[0];
  EXPECT_EQ(run.detected["retirejs"], 3u);
  auto want = feedtest::expected("retirejs", paths);
  EXPECT_EQ(run.sink.out.affected.size(), want["affected"].get<size_t>());
  ASSERT_EQ(run.sink.out.signatures.size(), want["signatures"].get<size_t>());
  EXPECT_EQ(run.sink.out.signatures[0].kind, "retirejs");
  EXPECT_EQ(run.sink.out.signatures[0].name, "jsrepository.json");
  EXPECT_EQ(run.sink.out.signatures[0].body, test::slurp(paths[0]));
  EXPECT_EQ(run.sink.out.signatures[2].name, "npmrepository.json");
  // jquery: atOrAbove 1.2.1, below 1.9.0, CVE-2020-7656, GHSA-q4m3-2j7h-f7xw
  const vulndb::Affected* a = nullptr;
  size_t npm = 0;
  for (const auto& x : run.sink.out.affected) {
    if (x.ns == "npm") ++npm;
    if (!a && x.ns == "javascript" && x.package == "jquery" && x.vuln_id == "CVE-2020-7656") a = &x;
  }
  EXPECT_GT(npm, 0u);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->advisory_id, "GHSA-q4m3-2j7h-f7xw");
  EXPECT_EQ(a->severity, "medium");
  version::OsvAffected o{"npm", a->ranges, {}};
  EXPECT_FALSE(version::osv_affected(o, "1.2.0")->affected);
  EXPECT_TRUE(version::osv_affected(o, "1.2.1")->affected);
  EXPECT_TRUE(version::osv_affected(o, "1.8.3")->affected);
  EXPECT_FALSE(version::osv_affected(o, "1.9.0")->affected);
  // Every range's versions are readable by the namespace's comparator.
  // retire.js compares versions loosely: a few bounds are not semver ("1.9.0b1",
  // "1.0.0.beta.3", "3.0.RC3", "1.0.0-*"); those ranges cannot be evaluated.
  size_t bad = 0;
  for (const auto& x : run.sink.out.affected) {
    version::OsvAffected oa{"npm", x.ranges, {}};
    if (!version::osv_affected(oa, "1.0.0").ok()) ++bad;
  }
  std::cout << bad << " of " << run.sink.out.affected.size() << " ranges with bounds that are not semver\n";
  EXPECT_LE(bad * 50, run.sink.out.affected.size()) << "ranges the npm comparator cannot read";
}

TEST(RetirejsImporter, BadInputs) {
  feedtest::error_of("retirejs", "{\"jquery\": {\"vulnerabilities\": [");
  feedtest::error_of("retirejs", "{\"jquery\": 3}");
  feedtest::error_of("retirejs", "[]");
  feedtest::error_of("retirejs", "{}");
  std::string real = test::slurp(test::testdata("vulndb/retirejs/npmrepository.json"));
  feedtest::truncations("retirejs", real, 10);
  EXPECT_EQ(find_importer("retirejs")->detect("x.json", real.substr(0, 4096)), 3);
}

}  // namespace
}  // namespace dagda::importers
