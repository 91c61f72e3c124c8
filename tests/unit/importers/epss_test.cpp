// EPSS importer on EMBA's real per-year files (CVE;epss;percentile) and on the
// FIRST layout (comment line, header, commas).
#include "feed_run.hpp"

namespace dagda::importers {
namespace {

TEST(EpssImporter, RealScoresAllYears) {
  std::string path = test::testdata("vulndb/epss/emba-epss-by-year-2026-08-16.tar.xz");
  feedtest::Run run;
  feedtest::import_into(run, {path}, "epss");
  ASSERT_TRUE(run.errors.empty()) << run.errors[0];
  EXPECT_EQ(run.sink.out.epss.size(), feedtest::expected("epss", {path})["epss"].get<size_t>());
  EXPECT_EQ(run.detected[""], 0u);  // every CSV in the archive is claimed
  // CVE-2021-44228;0.999990000;1.000000000 (the line in CVE_2021_EPSS.csv)
  bool seen = false;
  for (const auto& s : run.sink.out.epss)
    if (s.cve == "CVE-2021-44228") {
      seen = true;
      EXPECT_DOUBLE_EQ(s.score, 0.99999);
      EXPECT_DOUBLE_EQ(s.percentile, 1.0);
    }
  EXPECT_TRUE(seen);
}

// FIRST publishes "#model_version:...,score_date:..." then "cve,epss,percentile".
// No such file is in the test data: this one carries real scores from the EMBA
// files in FIRST's layout.
TEST(EpssImporter, FirstLayout) {
  std::string csv =
      "#model_version:v2025.03.14,score_date:2026-08-16T12:55:00Z\n"
      "cve,epss,percentile\n"
      "CVE-2003-5003,0.004870000,0.397790000\r\n"
      "CVE-2021-44228,0.999990000,1.000000000\n";
  EXPECT_EQ(find_importer("epss")->detect("epss_scores-current.csv", csv), 3);
  vulndb::CollectSink sink;
  ASSERT_TRUE(feedtest::parse_text("epss", "epss.csv", csv, sink).ok());
  ASSERT_EQ(sink.out.epss.size(), 2u);
  EXPECT_EQ(sink.out.epss[0].cve, "CVE-2003-5003");
  EXPECT_DOUBLE_EQ(sink.out.epss[0].score, 0.00487);
  EXPECT_DOUBLE_EQ(sink.out.epss[0].percentile, 0.39779);
  EXPECT_EQ(sink.out.epss[1].date, "2026-08-16T12:55:00Z");
}

TEST(EpssImporter, BadInputs) {
  auto e = feedtest::error_of("epss", "CVE-2021-0001;0.1;0.2\nCVE-2021-0002;0.1\n");
  EXPECT_NE(e.find(":2:"), std::string::npos) << e;  // names the line
  EXPECT_NE(feedtest::error_of("epss", "CVE-2021-0001;0.1;0.2\nhello world\n").find(":2:"),
            std::string::npos);
  feedtest::error_of("epss", "CVE-2021-0001;7;0.2\n");  // outside [0, 1]
  feedtest::error_of("epss", "CVE-2021-0001;0.1;0.2x\n");
  feedtest::error_of("epss", "");
  EXPECT_EQ(find_importer("epss")->detect("x.csv", "id,file,description,date"), 0);
  EXPECT_EQ(find_importer("epss")->detect("x.json", "{\"CVE-2020-0001\": [\"1\"]}"), 0);
}

}  // namespace
}  // namespace dagda::importers
