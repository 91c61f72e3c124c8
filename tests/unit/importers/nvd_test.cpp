// NVD importer on the real JSON 1.1 yearly feeds and an API 2.0 page.
#include <algorithm>
#include <map>

#include "common/digest.hpp"

#include "feed_run.hpp"

namespace dagda::importers {
namespace {

const vulndb::Vulnerability* find(const vulndb::Collected& c, std::string_view id) {
  for (const auto& v : c.vulns)
    if (v.id == id) return &v;
  return nullptr;
}

const vulndb::Affected* find_row(const vulndb::Collected& c, std::string_view id, std::string_view runtime) {
  for (const auto& a : c.affected)
    if (a.vuln_id == id && a.package == runtime) return &a;
  return nullptr;
}

// One API 2.0 page holding one CVE with these configurations.
std::string api2_page(const std::string& configurations) {
  return R"({"resultsPerPage":1,"format":"NVD_CVE","vulnerabilities":[{"cve":{"id":"CVE-2099-0001",)"
         R"("vulnStatus":"Analyzed","configurations":)" +
         configurations + "}}]}";
}

TEST(NvdImporter, RealFeedsCountsAndHeartbleed) {
  std::vector<std::string> paths = {test::testdata("vulndb/nvd-1.1-yearly"),
                                    test::testdata("vulndb/nvd-samples")};
  feedtest::Run run;
  feedtest::import_into(run, paths, "nvd");
  EXPECT_TRUE(run.errors.empty()) << run.errors[0];
  auto want = feedtest::expected("nvd", paths);
  EXPECT_EQ(run.sink.out.vulns.size(), want["vulnerabilities"].get<size_t>());
  EXPECT_EQ(run.detected["nvd"], 22u);  // 20 yearly feeds + 2 samples, every one claimed

  // CPE ranges of runtimes: the rows, per runtime and whole, as counts/nvd.py reads the files.
  ASSERT_EQ(run.sink.out.affected.size(), want["affected"].get<size_t>());
  std::map<std::string, size_t> per_runtime;
  std::vector<std::string> lines;
  for (const auto& a : run.sink.out.affected) {
    EXPECT_EQ(a.ns, "nvd-cpe");
    EXPECT_EQ(a.vuln_id, a.advisory_id);
    ++per_runtime[a.package];
    lines.push_back(a.vuln_id + " " + a.package + " " + a.constraint);
  }
  EXPECT_EQ(nlohmann::json(per_runtime), want["affected_by_runtime"]);
  std::sort(lines.begin(), lines.end());
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  EXPECT_EQ(sha256_hex(all), want["rows_sha256"].get<std::string>());

  // Rows read from nvdcve-1.1-2021.json.gz by hand (python3 json).
  const auto* ossl = find_row(run.sink.out, "CVE-2021-3711", "openssl");
  ASSERT_NE(ossl, nullptr);
  EXPECT_EQ(ossl->constraint, ">=1.1.1 <1.1.1l");
  EXPECT_EQ(ossl->fixed_version, "1.1.1l");
  EXPECT_EQ(ossl->status, vulndb::AffectedStatus::affected);
  const auto* node = find_row(run.sink.out, "CVE-2021-22939", "node");
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(node->constraint, ">=12.0.0 <12.22.5 || >=14.0.0 <14.17.5 || >=16.0.0 <16.6.2");
  EXPECT_EQ(node->fixes, (std::vector<std::string>{"12.22.5", "14.17.5", "16.6.2"}));
  // Ruby AND Fedora 34 (a platform, not vulnerable itself): Ruby's ranges are taken.
  const auto* ruby = find_row(run.sink.out, "CVE-2021-31810", "ruby");
  ASSERT_NE(ruby, nullptr);
  EXPECT_EQ(ruby->constraint, "<=2.6.7 || >=2.7.0 <=2.7.3 || >=3.0.0 <=3.0.1");
  EXPECT_TRUE(ruby->fixed_version.empty());
  // Node.js AND Windows (the only platform): not a flaw of Linux images.
  EXPECT_EQ(find_row(run.sink.out, "CVE-2021-22921", "node"), nullptr);
  // StackStorm (vulnerable) AND Python (not vulnerable): nothing for Python.
  EXPECT_EQ(find_row(run.sink.out, "CVE-2021-28667", "python"), nullptr);

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

TEST(NvdImporter, CpeConfigurationsOfApi2Pages) {
  auto rows = [](const std::string& conf, Diagnostics* d = nullptr) {
    vulndb::CollectSink sink;
    Diagnostics local;
    Status st = find_importer("nvd")->parse(Entry{"page.json", api2_page(conf)}, sink, d ? *d : local);
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().render());
    std::vector<std::string> out;
    for (const auto& a : sink.out.affected) out.push_back(a.package + " " + a.constraint);
    return out;
  };
  const std::string busybox = R"({"vulnerable":true,"criteria":"cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:*","versionEndExcluding":"1.36.1"})";
  const std::string linux_os = R"({"vulnerable":false,"criteria":"cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*"})";
  const std::string windows = R"({"vulnerable":false,"criteria":"cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*"})";
  const std::string other_app = R"({"vulnerable":false,"criteria":"cpe:2.3:a:example:app:1.0:*:*:*:*:*:*:*"})";
  auto node = [](const std::string& op, const std::string& m, bool negate = false) {
    return R"({"operator":")" + op + R"(","negate":)" + (negate ? "true" : "false") + R"(,"cpeMatch":[)" + m + "]}";
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(rows("[{\"nodes\":[" + node("OR", busybox) + "]}]"), V{"busybox <1.36.1"});
  // AND with a platform: taken; with another application or Windows alone: not.
  EXPECT_EQ(rows(R"([{"operator":"AND","nodes":[)" + node("OR", busybox) + "," + node("OR", linux_os) + "]}]"),
            V{"busybox <1.36.1"});
  EXPECT_EQ(rows(R"([{"operator":"AND","nodes":[)" + node("OR", busybox) + "," + node("OR", other_app) + "]}]"), V{});
  EXPECT_EQ(rows(R"([{"operator":"AND","nodes":[)" + node("OR", busybox) + "," + node("OR", windows) + "]}]"), V{});
  EXPECT_EQ(rows("[{\"nodes\":[" + node("OR", busybox, true) + "]}]"), V{});
  // Not vulnerable, another product, every version with no range: nothing.
  EXPECT_EQ(rows(R"([{"nodes":[{"operator":"OR","cpeMatch":[
      {"vulnerable":false,"criteria":"cpe:2.3:a:openssl:openssl:1.0.2:*:*:*:*:*:*:*"},
      {"vulnerable":true,"criteria":"cpe:2.3:a:example:openssl:1.0.2:*:*:*:*:*:*:*"},
      {"vulnerable":true,"criteria":"cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*"}]}]}])"),
            V{});
  // Exact versions with their update field, escapes removed, duplicates once.
  EXPECT_EQ(rows(R"([{"nodes":[{"operator":"OR","cpeMatch":[
      {"vulnerable":true,"criteria":"cpe:2.3:a:openssl:openssl:1.0.2:beta1:*:*:*:*:*:*"},
      {"vulnerable":true,"criteria":"cpe:2.3:a:oracle:openjdk:1.8.0:update101:*:*:*:*:*:*"},
      {"vulnerable":true,"criteria":"cpe:2.3:a:openssl:openssl:1\\.0\\.2k:*:*:*:*:*:*:*"},
      {"vulnerable":true,"criteria":"cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*"}]}]}])"),
            (V{"openjdk =1.8.0_101", "openssl =1.0.2-beta1 || =1.0.2k"}));
  // Absurd and hostile versions: not stored, counted in one warning naming the file.
  Diagnostics diag;
  std::string huge(1 << 20, '9');
  EXPECT_EQ(rows(R"([{"nodes":[{"operator":"OR","cpeMatch":[
      {"vulnerable":true,"criteria":"cpe:2.3:a:redis:redis:*:*:*:*:*:*:*:*","versionEndExcluding":")" + huge + R"("},
      {"vulnerable":true,"criteria":"cpe:2.3:a:redis:redis:*:*:*:*:*:*:*:*","versionEndExcluding":"7.0 || >=0"},
      {"vulnerable":true,"criteria":"cpe:2.3:a:redis:redis:\\<1:*:*:*:*:*:*:*"},
      {"vulnerable":true,"criteria":"cpe:2.3:a:redis:redis:*:*:*:*:*:*:*:*","versionStartIncluding":"7.0.0","versionEndExcluding":"7.0.12"}]}]}])",
                 &diag),
            V{"redis >=7.0.0 <7.0.12"});
  auto w = diag.take_all();
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].code, "nvd.cpe-version-skipped");
  EXPECT_EQ(w[0].where.file, "page.json");
  EXPECT_NE(w[0].message.find("3 CPE matches"), std::string::npos) << w[0].message;
  // Malformed configurations of every kind: skipped, the CVE kept, no crash.
  for (std::string bad : {"1", "[1,null,\"x\"]", R"([{"nodes":7}])", R"([{"nodes":[{"cpeMatch":"x"}]}])",
                          R"([{"nodes":[{"cpeMatch":[1,{"criteria":5},{"criteria":"cpe:2.3:a"}]}]}])",
                          R"([{"operator":"AND","nodes":[3,{"operator":"AND","cpeMatch":[{}]}]}])"}) {
    vulndb::CollectSink sink;
    Diagnostics d;
    ASSERT_TRUE(find_importer("nvd")->parse(Entry{"page.json", api2_page(bad)}, sink, d).ok()) << bad;
    EXPECT_EQ(sink.out.vulns.size(), 1u) << bad;
    EXPECT_TRUE(sink.out.affected.empty()) << bad;
  }
}

TEST(NvdImporter, CpeNodesOfJson11Feeds) {
  // Children nested deeper than NVD ever writes them, and a rejected CVE: read within bounds.
  std::string nested = R"({"operator":"OR","cpe_match":[{"vulnerable":true,"cpe23Uri":"cpe:2.3:a:nginx:nginx:1.25.2:*:*:*:*:*:*:*"}]})";
  for (int i = 0; i < 200; ++i) nested = R"({"operator":"OR","children":[)" + nested + "]}";
  auto feed = [&](const std::string& desc) {
    return R"({"CVE_data_type":"CVE","CVE_Items":[{"cve":{"CVE_data_meta":{"ID":"CVE-2099-0002"},"description":{"description_data":[{"lang":"en","value":")" +
           desc + R"("}]}},"configurations":{"nodes":[)" + nested +
           R"(,{"operator":"OR","children":[],"cpe_match":[{"vulnerable":true,"cpe23Uri":"cpe:2.3:a:f5:nginx:*:*:*:*:*:*:*:*","versionStartIncluding":"1.25.0","versionEndIncluding":"1.25.3"}]}]}}]})";
  };
  vulndb::CollectSink sink;
  ASSERT_TRUE(feedtest::parse_text("nvd", "feed.json", feed("a flaw"), sink).ok());
  ASSERT_EQ(sink.out.affected.size(), 1u);
  EXPECT_EQ(sink.out.affected[0].constraint, ">=1.25.0 <=1.25.3");  // the 200-deep node is not read
  EXPECT_TRUE(sink.out.affected[0].fixed_version.empty());
  vulndb::CollectSink rejected;
  ASSERT_TRUE(feedtest::parse_text("nvd", "feed.json", feed("** REJECT ** not a flaw"), rejected).ok());
  EXPECT_TRUE(rejected.out.affected.empty());
}

TEST(NvdImporter, DetectionIsByContent) {
  const auto* nvd = find_importer("nvd");
  EXPECT_EQ(nvd->detect("x", "{\n  \"CVE_data_type\" : \"CVE\","), 3);
  EXPECT_EQ(nvd->detect("x", "{\"resultsPerPage\": 1, \"format\": \"NVD_CVE\""), 3);
  EXPECT_EQ(nvd->detect("nvdcve-1.1-2002.json", "{\"id\": \"GHSA-xxxx\", \"affected\": []}"), 0);
}

}  // namespace
}  // namespace dagda::importers
