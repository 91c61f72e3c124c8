// BugTraq importer on the real bidDB sample.
#include "feed_run.hpp"

namespace dagda::importers {
namespace {

TEST(BugtraqImporter, RealSample) {
  std::string path = test::testdata("vulndb/bugtraq/biddb-sample.jsonl");
  feedtest::Run run;
  feedtest::import_into(run, {path}, "bugtraq");
  ASSERT_TRUE(run.errors.empty()) << run.errors[0];
  EXPECT_EQ(run.sink.out.bugtraq.size(), feedtest::expected("bugtraq", {path})["bugtraq"].get<size_t>());
  ASSERT_GE(run.sink.out.bugtraq.size(), 4u);
  // {"bugtraq_id": 3, "title": "SunOS restore Vulnerability", "class": "Unknown", "cve": [], "local": "yes",
  // "remote": "no", ...}
  const auto& b = run.sink.out.bugtraq[2];
  EXPECT_EQ(b.bid, 3);
  EXPECT_EQ(b.title, "SunOS restore Vulnerability");
  EXPECT_EQ(b.vuln_class, "Unknown");
  EXPECT_TRUE(b.local);
  EXPECT_FALSE(b.remote);
  EXPECT_EQ(b.vulnerable, (std::vector<std::string>{"Sun SunOS 4.0.3", "Sun SunOS 4.0.1", "Sun SunOS 4.0"}));
  EXPECT_EQ(run.sink.out.bugtraq[3].cves, std::vector<std::string>{"CVE-1999-1471"});
}

TEST(BugtraqImporter, BadInputs) {
  std::string real = test::slurp(test::testdata("vulndb/bugtraq/biddb-sample.jsonl"));
  auto e = feedtest::error_of("bugtraq", real.substr(0, real.size() - 20));
  EXPECT_NE(e.find(":4:"), std::string::npos) << e;  // the cut line
  feedtest::error_of("bugtraq", "");
  feedtest::error_of("bugtraq", "[1]\n");
  feedtest::truncations("bugtraq", real);
  EXPECT_EQ(find_importer("bugtraq")->detect("x", real.substr(0, 4096)), 3);
  EXPECT_EQ(find_importer("bugtraq")->detect("x", "{\"id\": \"GHSA-1\"}"), 0);
}

}  // namespace
}  // namespace dagda::importers
