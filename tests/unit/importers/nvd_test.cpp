// NVD importer on the real JSON 1.1 yearly feeds and an API 2.0 page.
#include <algorithm>

#include "feed_run.hpp"

namespace dagda::importers {
namespace {

const vulndb::Vulnerability* find(const vulndb::Collected& c, std::string_view id) {
  for (const auto& v : c.vulns)
    if (v.id == id) return &v;
  return nullptr;
}

TEST(NvdImporter, RealFeedsCountsAndHeartbleed) {
  std::vector<std::string> paths = {test::testdata("vulndb/nvd-1.1-yearly"),
                                    test::testdata("vulndb/nvd-samples")};
  feedtest::Run run;
  feedtest::import_into(run, paths, "nvd");
  EXPECT_TRUE(run.errors.empty()) << run.errors[0];
  auto want = feedtest::expected("nvd", paths);
  EXPECT_EQ(run.sink.out.vulns.size(), want["vulnerabilities"].get<size_t>());
  EXPECT_EQ(run.detected["nvd"], 22u);         // 20 yearly feeds + 2 samples, every one claimed
  EXPECT_TRUE(run.sink.out.affected.empty());  // CPE configurations are not used

  // Values read from nvdcve-1.1-2014.json.gz by hand (python3 json).
  const auto* hb = find(run.sink.out, "CVE-2014-0160");
  ASSERT_NE(hb, nullptr);
  EXPECT_EQ(hb->published, "2014-04-07T22:55Z");
  EXPECT_EQ(hb->modified, "2020-10-15T13:29Z");
  EXPECT_TRUE(
      hb->description.starts_with("The (1) TLS and (2) DTLS implementations in OpenSSL 1.0.1 before 1.0.1g"));
  ASSERT_EQ(hb->cvss.size(), 2u);
  EXPECT_EQ(hb->cvss[0].version, "3.1");
  EXPECT_EQ(hb->cvss[0].vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N");
  EXPECT_DOUBLE_EQ(hb->cvss[0].score, 7.5);
  EXPECT_EQ(hb->cvss[0].severity, "high");
  EXPECT_EQ(hb->cvss[1].version, "2.0");
  EXPECT_EQ(hb->cvss[1].vector, "AV:N/AC:L/Au:N/C:P/I:N/A:N");
  EXPECT_DOUBLE_EQ(hb->cvss[1].score, 5.0);
  EXPECT_EQ(hb->cvss[1].severity, "medium");
  EXPECT_EQ(hb->severity, "high");
  EXPECT_EQ(hb->cwes, std::vector<std::string>{"CWE-119"});
  EXPECT_EQ(hb->references.size(), 127u);
  EXPECT_FALSE(hb->withdrawn);

  // Rejected CVEs in 1.1 feeds say so in the description.
  size_t rejected = std::count_if(run.sink.out.vulns.begin(), run.sink.out.vulns.end(),
                                  [](const auto& v) { return v.description.starts_with("** REJECT **"); });
  size_t withdrawn = std::count_if(run.sink.out.vulns.begin(), run.sink.out.vulns.end(),
                                   [](const auto& v) { return v.withdrawn; });
  EXPECT_EQ(rejected, withdrawn);
}

TEST(NvdImporter, Api2PagePrimaryFirstAndRejected) {
  std::string page = test::slurp(test::testdata("vulndb/nvd-samples/nvd-api2-vunnel-page-38.json"));
  ASSERT_FALSE(page.empty());
  vulndb::CollectSink sink;
  ASSERT_TRUE(feedtest::parse_text("nvd", "page.json", page, sink).ok());
  ASSERT_EQ(sink.out.vulns.size(), 38u);
  const auto& v = sink.out.vulns[0];
  EXPECT_EQ(v.id, "CVE-2023-27314");
  EXPECT_EQ(v.published, "2023-10-12T19:15:11.747");
  ASSERT_EQ(v.cvss.size(), 2u);
  EXPECT_EQ(v.cvss[0].source, "nvd@nist.gov");
  EXPECT_EQ(v.cvss[1].source, "security-alert@netapp.com");
  EXPECT_EQ(v.cvss[0].vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H");  // "\/" unescaped
  EXPECT_EQ(v.cwes, std::vector<std::string>{"CWE-400"});                       // NVD-CWE-noinfo dropped
  EXPECT_TRUE(v.description.starts_with("ONTAP 9 versions prior to"));          // the English one
  EXPECT_FALSE(v.withdrawn);

  // The same page with its first CVE rejected.
  std::string rejected = page;
  rejected.replace(rejected.find("\"Analyzed\""), 10, "\"Rejected\"");
  vulndb::CollectSink s2;
  ASSERT_TRUE(feedtest::parse_text("nvd", "page.json", rejected, s2).ok());
  EXPECT_TRUE(s2.out.vulns[0].withdrawn);
  EXPECT_FALSE(s2.out.vulns[1].withdrawn);
}

TEST(NvdImporter, BadInputsAreErrorsNamingTheFile) {
  std::string page = test::slurp(test::testdata("vulndb/nvd-samples/nvd-api2-vunnel-page-38.json"));
  EXPECT_NE(feedtest::error_of("nvd", page.substr(0, page.size() / 2)).find("invalid JSON"),
            std::string::npos);
  EXPECT_NE(feedtest::error_of("nvd", "{\"foo\": 1}").find("not an NVD feed"), std::string::npos);
  EXPECT_NE(feedtest::error_of("nvd", "[1,2,3]").find("not an NVD feed"), std::string::npos);
  feedtest::error_of("nvd", "");
  feedtest::error_of("nvd", std::string(100000, '['));
  feedtest::truncations("nvd", page);
  // Items of the wrong shape are skipped with a warning, not a crash.
  vulndb::CollectSink sink;
  Diagnostics diag;
  ASSERT_TRUE(
      find_importer("nvd")
          ->parse(Entry{"x.json",
                        R"({"CVE_Items":[1,{"cve":{}},{"cve":{"CVE_data_meta":{"ID":"CVE-2000-0001"}}}]})"},
                  sink, diag)
          .ok());
  EXPECT_EQ(sink.out.vulns.size(), 1u);
  EXPECT_EQ(diag.size(), 2u);
}

TEST(NvdImporter, DetectionIsByContent) {
  const auto* nvd = find_importer("nvd");
  EXPECT_EQ(nvd->detect("x", "{\n  \"CVE_data_type\" : \"CVE\","), 3);
  EXPECT_EQ(nvd->detect("x", "{\"resultsPerPage\": 1, \"format\": \"NVD_CVE\""), 3);
  EXPECT_EQ(nvd->detect("nvdcve-1.1-2002.json", "{\"id\": \"GHSA-xxxx\", \"affected\": []}"), 0);
}

}  // namespace
}  // namespace dagda::importers
