// RustSec importer on the real advisory-db.
#include "feed_run.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers {
namespace {

TEST(RustsecImporter, RealDatabase) {
  std::string path = test::testdata("vulndb/rustsec-advisory-db.tar.xz");
  feedtest::Run run;
  feedtest::import_into(run, {path}, "rustsec");
  ASSERT_TRUE(run.errors.empty()) << run.errors[0];
  auto want = feedtest::expected("rustsec", {path});
  EXPECT_EQ(run.sink.out.vulns.size(), want["vulnerabilities"].get<size_t>());
  EXPECT_EQ(run.sink.out.affected.size(), want["affected"].get<size_t>());
  for (const auto& w : run.diag.take_all()) ADD_FAILURE() << w.render();
  const auto* cargo = vulndb::comparator_for("cargo");
  for (const auto& a : run.sink.out.affected) {
    auto r = cargo->satisfies("0.1.0", a.constraint);
    EXPECT_TRUE(r.ok()) << a.advisory_id << ": " << a.constraint;
  }
  // crates/rage/RUSTSEC-2024-0432.md: unaffected < 0.6.0; patched >= 0.6.1, < 0.7.0 ... >= 0.11.1
  const vulndb::Affected* a = nullptr;
  for (const auto& x : run.sink.out.affected)
    if (x.advisory_id == "RUSTSEC-2024-0432") a = &x;
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->ns, "cargo");
  EXPECT_EQ(a->package, "rage");
  EXPECT_EQ(a->aliases, std::vector<std::string>{"GHSA-4fg7-vxc8-qx5w"});
  for (auto [v, want] : std::vector<std::pair<const char*, bool>>{{"0.5.9", false},
                                                                  {"0.6.0", true},
                                                                  {"0.6.1", false},
                                                                  {"0.7.1", true},
                                                                  {"0.7.2", false},
                                                                  {"0.10.0", true},
                                                                  {"0.11.0", true},
                                                                  {"0.11.1", false},
                                                                  {"1.0.0", false}}) {
    auto r = cargo->satisfies(v, a->constraint);
    ASSERT_TRUE(r.ok()) << r.error().render();
    EXPECT_EQ(*r, want) << v << " in " << a->constraint;
  }
  for (const auto& v : run.sink.out.vulns)
    if (v.id == "RUSTSEC-2024-0432") {
      EXPECT_EQ(v.summary,
                "Malicious plugin names, recipients, or identities can cause arbitrary binary execution");
      EXPECT_EQ(v.published, "2024-12-18");
      EXPECT_EQ(v.aliases, (std::vector<std::string>{"GHSA-4fg7-vxc8-qx5w"}));
      EXPECT_EQ(v.related, (std::vector<std::string>{"GHSA-32gq-x56h-299c"}));  // [advisory] related, not an alias
    }
}

TEST(RustsecImporter, BadInputs) {
  auto e = feedtest::error_of("rustsec", "```toml\n[advisory]\nid = \"RUSTSEC-1\"\npackage = \n```\n");
  EXPECT_NE(e.find(":4:"), std::string::npos) << e;  // the TOML error's line in the file
  EXPECT_NE(feedtest::error_of("rustsec", "```toml\n[advisory]\nid = \"RUSTSEC-1\"\n").find("not closed"),
            std::string::npos);
  feedtest::error_of("rustsec", "```toml\n[versions]\npatched = []\n```\n");
  feedtest::error_of("rustsec", "");
  EXPECT_EQ(find_importer("rustsec")->detect("x.md", "```toml\n[advisory]\nid = \"RUSTSEC-2020-1\"\n"), 3);
  EXPECT_EQ(find_importer("rustsec")->detect("x.md", "# README\n"), 0);
}

}  // namespace
}  // namespace dagda::importers
