// CISA KEV importer on the real catalog.
#include "feed_run.hpp"

namespace dagda::importers {
namespace {

TEST(KevImporter, RealCatalog) {
  std::string path = test::testdata("vulndb/cisa-kev/known_exploited_vulnerabilities.json");
  feedtest::Run run;
  feedtest::import_into(run, {path}, "kev");
  ASSERT_TRUE(run.errors.empty()) << run.errors[0];
  EXPECT_EQ(run.detected["kev"], 1u);
  EXPECT_EQ(run.sink.out.kev.size(), feedtest::expected("kev", {path})["kev"].get<size_t>());
  // Log4Shell, as the catalog states it (read with python3 json).
  const vulndb::KevEntry* k = nullptr;
  for (const auto& x : run.sink.out.kev)
    if (x.cve == "CVE-2021-44228") k = &x;
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->vendor, "Apache");
  EXPECT_EQ(k->product, "Log4j2");
  EXPECT_EQ(k->name, "Apache Log4j2 Remote Code Execution Vulnerability");
  EXPECT_EQ(k->date_added, "2021-12-10");
  EXPECT_EQ(k->due_date, "2021-12-24");
  EXPECT_EQ(k->ransomware, "Known");
  EXPECT_EQ(k->notes, "https://nvd.nist.gov/vuln/detail/CVE-2021-44228");
  EXPECT_EQ(k->cwes, (std::vector<std::string>{"CWE-20", "CWE-400", "CWE-502"}));
  EXPECT_TRUE(k->description.starts_with("Apache Log4j2 contains a vulnerability where JNDI"));
  EXPECT_TRUE(k->required_action.starts_with("For all affected software assets"));
}

TEST(KevImporter, BadInputs) {
  std::string real = test::slurp(test::testdata("vulndb/cisa-kev/known_exploited_vulnerabilities.json"));
  EXPECT_NE(feedtest::error_of("kev", real.substr(0, real.size() - 10)).find("invalid JSON"),
            std::string::npos);
  EXPECT_NE(feedtest::error_of("kev", "{\"catalogVersion\": \"1\"}").find("no \"vulnerabilities\""),
            std::string::npos);
  feedtest::error_of("kev", "not json");
  feedtest::truncations("kev", real);
  vulndb::CollectSink sink;
  ASSERT_TRUE(feedtest::parse_text("kev", "k.json",
                                   R"({"vulnerabilities":[{"cveID":"nope"},{"cveID":"CVE-2020-0001"}]})",
                                   sink)
                  .ok());
  EXPECT_EQ(sink.out.kev.size(), 1u);
  EXPECT_EQ(find_importer("kev")->detect("x.json", real.substr(0, 4096)), 3);
  EXPECT_EQ(find_importer("kev")->detect("x.json", "{\"resultsPerPage\": 1, \"vulnerabilities\": []"), 0);
}

}  // namespace
}  // namespace dagda::importers
