// The fetcher and feed pieces that need no server; the download path itself is
// tested against a local HTTP server in tests/integration/db_update_test.sh.
#include "update/fetch.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "common/digest.hpp"
#include "support/testdata.hpp"
#include "update/feeds.hpp"
#include "update/update.hpp"

namespace dagda::update {
namespace {

namespace fs = std::filesystem;

TEST(NvdMeta, ReadsTheSha256Line) {
  // The layout NIST published beside every 1.1 feed.
  std::string meta =
      "lastModifiedDate:2022-11-28T03:00:01-05:00\r\nsize:74145958\r\nzipSize:4128931\r\ngzSize:4128795\r\n"
      "sha256:2F1E8D2DD7A5A4B5E8A4D4E4B3C2A1908F7E6D5C4B3A29180F1E2D3C4B5A6978\r\n";
  auto h = parse_nvd_meta_sha256(meta);
  ASSERT_TRUE(h.ok()) << h.error().render();
  EXPECT_EQ(*h, "2f1e8d2dd7a5a4b5e8a4d4e4b3c2a1908f7e6d5c4b3a29180f1e2d3c4b5a6978");
  EXPECT_FALSE(parse_nvd_meta_sha256("size:1\r\n").ok());
  EXPECT_FALSE(parse_nvd_meta_sha256("sha256:abc\r\n").ok());
  EXPECT_FALSE(parse_nvd_meta_sha256("").ok());
  EXPECT_FALSE(parse_nvd_meta_sha256(std::string(1 << 16, 'x')).ok());
}

TEST(Sha256File, FirstTokenMustBeAHash) {
  std::string hex(64, 'a');
  EXPECT_EQ(*parse_sha256_file(hex + "  file.tar.zst\n"), hex);
  EXPECT_EQ(*parse_sha256_file("  " + hex), hex);
  EXPECT_FALSE(parse_sha256_file("<html>not found</html>").ok());
  EXPECT_FALSE(parse_sha256_file(hex.substr(1)).ok());
}

TEST(Headers, ValuesAreMatchedByNameWithoutCase) {
  EXPECT_EQ(*header_value("ETag: \"abc\"\r\n", "etag"), "\"abc\"");
  EXPECT_EQ(*header_value("last-modified:Tue, 01 Jan 2030 00:00:00 GMT\r\n", "Last-Modified"),
            "Tue, 01 Jan 2030 00:00:00 GMT");
  EXPECT_FALSE(header_value("ETagX: 1\r\n", "etag"));
  EXPECT_FALSE(header_value("HTTP/1.1 200 OK\r\n", "etag"));
  EXPECT_EQ(*parse_retry_after(" 120 "), 120);
  // An HTTP date counts from now; one in the past means no wait.
  const std::time_t oct21 = 1445412480;  // Wed, 21 Oct 2015 07:28:00 GMT
  EXPECT_EQ(*parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", oct21 - 90), 90);
  EXPECT_EQ(*parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", oct21 + 90), 0);
  // Any number of seconds is read (the caller cuts it to FetchOptions::max_retry_wait_s).
  EXPECT_GE(*parse_retry_after("99999999999"), 100000000);
  EXPECT_FALSE(parse_retry_after("soon"));
  EXPECT_FALSE(parse_retry_after("-5"));
  EXPECT_TRUE(transient_http_status(503));
  EXPECT_TRUE(transient_http_status(429));
  EXPECT_FALSE(transient_http_status(404));
  EXPECT_FALSE(transient_http_status(403));
}

TEST(FileNames, ComeFromTheUrlAndStayInsideTheFolder) {
  EXPECT_EQ(file_name_for_url("https://x/a/b/main.json?x=1#y", "f"), "main.json");
  EXPECT_EQ(file_name_for_url("https://x/", "f"), "f");
  EXPECT_EQ(file_name_for_url("https://x/..", "f"), "f");
  EXPECT_EQ(file_name_for_url("https://x/a/.hidden", "f"), "f");
  EXPECT_EQ(file_name_for_url("https://x/a/b%2F..%2Fc", "f"), "b_2F.._2Fc");
  EXPECT_EQ(file_name_for_url("file:///tmp/dir/x y.csv", "f"), "x_y.csv");
  FeedFile nvd = file_for_url("https://mirror/nvd/nvdcve-1.1-2019.json.gz", 0);
  EXPECT_EQ(nvd.checksum, Checksum::nvd_meta);
  EXPECT_EQ(nvd.checksum_url, "https://mirror/nvd/nvdcve-1.1-2019.meta");
  EXPECT_EQ(file_for_url("https://x/kev.json", 0).checksum, Checksum::none);
}

TEST(Catalog, EveryFeedHasUniqueNamesAndHttpsUrls) {
  std::set<std::string> feeds;
  for (auto& f : all_feeds()) {
    EXPECT_TRUE(feeds.insert(f.name).second) << f.name;
    EXPECT_FALSE(f.description.empty()) << f.name;
    ASSERT_FALSE(f.files.empty()) << f.name;
    std::set<std::string> names;
    for (auto& file : f.files) {
      EXPECT_TRUE(file.url.starts_with("https://")) << file.url;
      EXPECT_TRUE(names.insert(file.name).second) << f.name << ": " << file.name;
      EXPECT_EQ(file_name_for_url("/" + file.name, ""), file.name) << "not a safe file name: " << file.name;
    }
  }
  for (const char* n : {"nvd", "osv", "alpine", "debian", "debian-dsa-dla", "kev", "epss", "exploitdb",
                        "retirejs", "ubuntu", "rustsec", "rubysec", "friendsofphp", "nodejs", "node-core", "redhat", "oracle",
                        "alma", "azurelinux", "photon", "wolfi", "chainguard", "suse", "amazon", "rocky"})
    EXPECT_NE(find_feed(n), nullptr) << n;
  EXPECT_EQ(find_feed("nvd")->kind, FeedKind::nvd_api);
  for (const char* n : {"amazon", "rocky"}) {
    EXPECT_EQ(find_feed(n)->kind, FeedKind::repomd) << n;
    for (auto& file : find_feed(n)->files) EXPECT_TRUE(is_repository_index(file.url)) << file.url;
  }
  EXPECT_FALSE(is_repository_index("https://x/updateinfo.xml.gz"));
  EXPECT_TRUE(is_repository_index("https://x/os/repodata/repomd.xml?token=1"));
  EXPECT_EQ(find_feed("nope"), nullptr);
}

TEST(Nvd, WindowsAreAtMost120Days) {
  auto w = nvd_windows("2024-01-01T00:00:00", "2024-09-01T12:00:00");
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].first, "2024-01-01T00:00:00");
  EXPECT_EQ(w[0].second, "2024-04-30T00:00:00");
  EXPECT_EQ(w[1].first, "2024-04-30T00:00:00");
  EXPECT_EQ(w[2].second, "2024-09-01T12:00:00");
  EXPECT_TRUE(nvd_windows("2024-01-02T00:00:00", "2024-01-01T00:00:00").empty());
  EXPECT_TRUE(nvd_windows("garbage", "2024-01-01T00:00:00").empty());
  EXPECT_EQ(nvd_windows("2024-01-01T00:00:00", "2024-01-01T00:00:01").size(), 1u);
}

TEST(Nvd, PageUrls) {
  const std::string base = "https://services.nvd.nist.gov/rest/json/cves/2.0";
  EXPECT_EQ(nvd_page_url(base, 4000, 2000, "", ""), base + "?resultsPerPage=2000&startIndex=4000");
  EXPECT_EQ(
      nvd_page_url(base, 0, 2000, "2024-01-01T00:00:00", "2024-02-01T00:00:00"),
      base +
          "?lastModStartDate=2024-01-01T00:00:00.000%2B00:00&lastModEndDate=2024-02-01T00:00:00.000%2B00:00"
          "&resultsPerPage=2000&startIndex=0");
}

TEST(Nvd, TotalResultsOfARealApiPage) {
  std::string page = test::slurp(test::testdata("vulndb/nvd-samples/nvd-api2-vunnel-page-38.json"));
  ASSERT_FALSE(page.empty());
  auto n = nvd_total_results(std::string_view(page).substr(0, 4096));
  ASSERT_TRUE(n.ok()) << n.error().render();
  // The same number, read by a JSON parser.
  auto pos = page.find("\"totalResults\"");
  ASSERT_NE(pos, std::string::npos);
  EXPECT_EQ(*n, std::stoull(page.substr(page.find(':', pos) + 1)));
  EXPECT_FALSE(nvd_total_results("{\"message\": \"rate limited\"}").ok());
  EXPECT_FALSE(nvd_total_results("{\"totalResults\": \"x\"}").ok());
  EXPECT_FALSE(nvd_total_results("{\"totalResults\": 99999999999999999999}").ok());
}

TEST(Gunzip, Sha256OfTheUncompressedFeedAndTruncation) {
  std::string gz = test::testdata("vulndb/nvd-1.1-yearly/nvdcve-1.1-2002.json.gz");
  auto h = gunzip_sha256(gz);
  ASSERT_TRUE(h.ok()) << h.error().render();
  int status = 0;
  std::string want = test::run_command("gzip -dc '" + gz + "' | sha256sum | cut -c1-64", &status);
  ASSERT_EQ(status, 0);
  EXPECT_EQ(*h + "\n", want);

  std::string dir = test::test_scratch("gunzip");
  std::string whole = test::slurp(gz), cut = dir + "/cut.json.gz";
  std::ofstream(cut, std::ios::binary).write(whole.data(), std::streamsize(whole.size() / 2));
  EXPECT_FALSE(gunzip_sha256(cut).ok());
  std::ofstream(dir + "/plain.gz") << "not gzip at all";
  auto plain = gunzip_sha256(dir + "/plain.gz");
  // zlib reads a non-gzip file as is ("transparent"): the hash is of its bytes, so a .meta check fails.
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, sha256_hex("not gzip at all"));
  EXPECT_FALSE(gunzip_sha256(dir + "/missing.gz").ok());
}

TEST(Fetch, FileUrlsAreCopiedWithTheirSha256AndChecked) {
  std::string dir = test::test_scratch("fetch");
  std::string src = test::testdata("vulndb/cisa-kev/known_exploited_vulnerabilities.json");
  FetchRequest req;
  req.url = "file://" + src;
  req.dest = dir + "/kev.json";
  auto r = fetch(req);
  ASSERT_TRUE(r.ok()) << r.error().render();
  std::string body = test::slurp(src);
  EXPECT_EQ(r->bytes, body.size());
  EXPECT_EQ(r->sha256, sha256_hex(body));
  EXPECT_EQ(test::slurp(req.dest), body);

  // A wrong expected checksum: an error, the previous file stays, no temporary file is left.
  req.expect_sha256 = std::string(64, '0');
  std::ofstream(req.dest, std::ios::trunc) << "previous";
  auto bad = fetch(req);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("checksum mismatch"), std::string::npos) << bad.error().render();
  EXPECT_EQ(test::slurp(req.dest), "previous");
  for (auto& e : fs::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().find(".part-"), std::string::npos);

  // A verify hook that refuses: same.
  req.expect_sha256.clear();
  req.verify = [](const std::string&) -> Status { return Error(ErrorCode::corrupt, "refused by the test"); };
  EXPECT_FALSE(fetch(req).ok());
  EXPECT_EQ(test::slurp(req.dest), "previous");

  // A missing source: an error naming it, nothing written.
  FetchRequest missing;
  missing.url = "file://" + dir + "/does-not-exist.json";
  missing.dest = dir + "/out.json";
  FetchOptions quick;
  quick.attempts = 1;
  auto m = fetch(missing, quick);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().render().find("does-not-exist.json"), std::string::npos) << m.error().render();
  EXPECT_FALSE(fs::exists(missing.dest));

  // Over the size limit: refused, nothing written.
  FetchOptions small;
  small.max_bytes = 1000;
  FetchRequest big;
  big.url = "file://" + src;
  big.dest = dir + "/big.json";
  auto b = fetch(big, small);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message().find("limit"), std::string::npos);
  EXPECT_FALSE(fs::exists(big.dest));
}

TEST(Fetch, RefusesUnsupportedSchemesAndUnreachableHosts) {
  std::string dir = test::test_scratch("schemes");
  FetchOptions quick;
  quick.attempts = 1;
  FetchRequest req;
  req.dest = dir + "/x";
  req.url = "ftp://127.0.0.1/x";
  EXPECT_FALSE(fetch(req, quick).ok());
  req.url = "http://127.0.0.1:1/x";  // nothing listens on port 1
  auto r = fetch(req, quick);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().render().find("127.0.0.1:1"), std::string::npos) << r.error().render();
  EXPECT_FALSE(fs::exists(req.dest));
}

}  // namespace
}  // namespace dagda::update

namespace dagda::update {
namespace {

// jq's count of records and distinct CVE ids over every page of a folder.
std::string jq_counts(const std::string& dir) {
  int status = 0;
  std::string out = test::run_command(
      "cat '" + dir +
          "'/*.json | jq -s -r '[.[].vulnerabilities[]] | \"\\(length) \\([.[].cve.id] | unique | length)\"'",
      &status);
  return status == 0 ? out : "jq failed";
}

TEST(Nvd, CompactionKeepsTheNewestRecordOfEachCve) {
  std::string page = test::testdata("vulndb/nvd-samples/nvd-api2-vunnel-page-38.json");
  std::string dir = test::test_scratch("compact");
  fs::copy_file(page, dir + "/full-00000000.json");
  int status = 0;
  // A later incremental page holding 3 of those CVEs again (as the API returns them when modified).
  test::run_command("jq -c '.vulnerabilities |= .[0:3]' '" + page + "' > '" + dir +
                        "/delta-20260101T000000-000-00000000.json'",
                    &status);
  ASSERT_EQ(status, 0);
  std::string before = jq_counts(dir);
  auto n = nvd_compact(dir);
  ASSERT_TRUE(n.ok()) << n.error().render();
  EXPECT_EQ(*n, 3u);
  std::string after = jq_counts(dir);
  // Every CVE once: records == distinct ids == the distinct count before.
  std::string distinct = before.substr(before.find(' ') + 1);
  EXPECT_EQ(after, distinct.substr(0, distinct.size() - 1) + " " + distinct) << before << " -> " << after;
  // The rewritten page is still an NVD API page for the importer, and compaction is idempotent.
  std::string head = test::slurp(dir + "/full-00000000.json").substr(0, 200);
  EXPECT_NE(head.find("\"NVD_CVE\""), std::string::npos);
  int status2 = 0;
  std::string page_records = test::run_command("jq '.vulnerabilities | length' '" + page + "'", &status2);
  EXPECT_EQ(std::to_string(*nvd_total_results(head) + 3) + "\n", page_records);
  auto again = nvd_compact(dir);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);

  std::ofstream(dir + "/delta-20260102T000000-000-00000000.json") << "{\"vulnerabilities\": [";
  EXPECT_FALSE(nvd_compact(dir).ok());
}

}  // namespace
}  // namespace dagda::update
