// FriendsOfPHP importer on the real security-advisories database.
#include "feed_run.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers {
namespace {

TEST(FriendsofphpImporter, RealDatabase) {
  std::string path = test::testdata("vulndb/friendsofphp-security-advisories.tar.xz");
  feedtest::Run run;
  feedtest::import_into(run, {path}, "friendsofphp");
  ASSERT_TRUE(run.errors.empty()) << run.errors[0];
  auto want = feedtest::expected("friendsofphp", {path});
  EXPECT_EQ(run.sink.out.vulns.size(), want["vulnerabilities"].get<size_t>());
  EXPECT_EQ(run.sink.out.affected.size(), want["affected"].get<size_t>());
  EXPECT_EQ(run.detected["friendsofphp"], want["vulnerabilities"].get<size_t>());
  const auto* composer = vulndb::comparator_for("composer");
  size_t rejected = 0;
  for (const auto& a : run.sink.out.affected) {
    EXPECT_EQ(a.ns, "composer");
    auto r = composer->satisfies("1.0.0", a.constraint);
    if (!r.ok()) ++rejected;
  }
  EXPECT_EQ(rejected, 0u) << "constraints the composer comparator cannot read";
  // symfony/symfony/CVE-2019-10909.yaml: branches 2.7.x .. 4.2.x
  const vulndb::Affected* a = nullptr;
  for (const auto& x : run.sink.out.affected)
    if (x.advisory_id == "CVE-2019-10909" && x.package == "symfony/symfony") a = &x;
  ASSERT_NE(a, nullptr);
  for (auto [v, want] : std::vector<std::pair<const char*, bool>>{{"2.6.9", false},
                                                                  {"2.7.0", true},
                                                                  {"2.7.51", false},
                                                                  {"3.4.25", true},
                                                                  {"3.4.26", false},
                                                                  {"4.2.6", true},
                                                                  {"4.2.7", false},
                                                                  {"5.0.0", false}}) {
    auto r = composer->satisfies(v, a->constraint);
    ASSERT_TRUE(r.ok()) << r.error().render();
    EXPECT_EQ(*r, want) << v << " in " << a->constraint;
  }
  EXPECT_EQ(a->published, "2019-04-16 11:40:42");
}

TEST(FriendsofphpImporter, BadInputs) {
  feedtest::error_of("friendsofphp", "title: x\nbranches: [\n");
  EXPECT_NE(feedtest::error_of("friendsofphp", "title: x\nreference: pypi://x\n").find("composer://"),
            std::string::npos);
  feedtest::error_of("friendsofphp", "title: x\nreference: composer://a/b\n");  // no branches
  feedtest::error_of("friendsofphp", "[1, 2]");
  EXPECT_EQ(
      find_importer("friendsofphp")->detect("x.yaml", "title: t\nreference: composer://a/b\nbranches:\n"), 3);
  EXPECT_EQ(find_importer("friendsofphp")->detect("x.yaml", "gem: rack\ntitle: t\n"), 0);
}

}  // namespace
}  // namespace dagda::importers
