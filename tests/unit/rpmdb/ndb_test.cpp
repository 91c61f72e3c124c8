#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <set>

#include "catalog/rpmdb/rpmdb.hpp"
#include "unit/rpmdb/rpm_testutil.hpp"

namespace dagda::rpmdb {
namespace {

namespace trpm = dagda::test::rpm;

constexpr const char* kSle = "sle15-bci.Packages.db";

uint32_t le32(const std::string& b, size_t o) {
  return uint32_t(uint8_t(b[o])) | uint32_t(uint8_t(b[o + 1])) << 8 | uint32_t(uint8_t(b[o + 2])) << 16 |
         uint32_t(uint8_t(b[o + 3])) << 24;
}
void put_le32(std::string& b, size_t o, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[o + i] = char(v >> (8 * i));
}

// Offsets of live blob heads, found by searching the file for their magic at
// block boundaries: rpm zeroes a blob when it deletes it, so this count is an
// independent check of what the slots list.
std::vector<size_t> blob_heads(const std::string& db) {
  std::vector<size_t> out;
  for (size_t o = 4096; o + 16 <= db.size(); o += 16)
    if (db.compare(o, 4, "BlbS") == 0) out.push_back(o);
  return out;
}

TEST(RpmNdb, ListsEveryPackageWithCompleteNevra) {
  const std::string& bytes = trpm::database_bytes(kSle);
  ASSERT_EQ(detect_format(bytes), DbFormat::ndb);
  auto db = read_database(bytes);
  ASSERT_TRUE(db.ok()) << db.error().render();
  EXPECT_EQ(db->format, DbFormat::ndb);
  EXPECT_FALSE(db->report.partial()) << db->report.problems.front().message;
  auto heads = blob_heads(bytes);
  ASSERT_GT(heads.size(), 20u);
  EXPECT_EQ(db->packages.size(), heads.size());
  EXPECT_EQ(db->report.records, heads.size());

  std::set<uint64_t> records;
  std::set<std::string> nevras;
  for (const auto& p : db->packages) {
    const auto& h = p.header;
    SCOPED_TRACE(h.name);
    records.insert(p.record);
    EXPECT_FALSE(h.name.empty());
    EXPECT_FALSE(h.version.empty());
    EXPECT_FALSE(h.release.empty());
    if (h.name != "gpg-pubkey") {
      EXPECT_FALSE(h.arch.empty());
      EXPECT_TRUE(h.sourcerpm.ends_with(".src.rpm") || h.sourcerpm.ends_with(".nosrc.rpm")) << h.sourcerpm;
      EXPECT_NE(h.vendor.find("SUSE"), std::string::npos) << h.vendor;
      EXPECT_FALSE(h.files.empty());
    }
    nevras.insert(h.name + "-" + (h.epoch ? std::to_string(*h.epoch) + ":" : "") + h.version + "-" +
                  h.release + "." + h.arch);
  }
  EXPECT_EQ(records.size(), db->packages.size()) << "package indexes are unique";
  EXPECT_EQ(nevras.size(), db->packages.size());
  // Spot checks, as librpm (python3-rpm) reads these blobs.
  for (const char* nevra : {"bash-4.4-19.6.1.x86_64", "glibc-2.31-9.3.2.x86_64", "rpm-ndb-4.14.3-40.1.x86_64",
                            "system-user-root-20190513-3.3.1.noarch"})
    EXPECT_EQ(nevras.count(nevra), 1u) << nevra;
}

TEST(RpmNdb, LibrpmReadsTheSameBlobs) {
  const auto& rpm = trpm::LibRpm::get();
  DAGDA_REQUIRE(rpm.available(), "librpm.so.9 not installed");
  auto blobs = read_blobs(trpm::database_bytes(kSle));
  ASSERT_TRUE(blobs.ok());
  for (const auto& h : blobs->headers) {
    auto want = rpm.read(h.blob);
    ASSERT_TRUE(want.imported);
    auto got = read_package_header(h.blob);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(
        trpm::qa_line(got->name, got->epoch, got->version, got->release, got->arch, got->sourcerpm, ""),
        trpm::qa_line(want.name, want.epoch, want.version, want.release, want.arch, want.sourcerpm, ""));
  }
}

TEST(RpmNdb, ChecksumCatchesADamagedBlob) {
  std::string bad = trpm::database_bytes(kSle);
  auto heads = blob_heads(bad);
  ASSERT_GT(heads.size(), 2u);
  bad[heads[1] + 100] ^= 0x20;
  auto r = read_blobs(bad);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->headers.size(), heads.size() - 1);
  ASSERT_EQ(r->report.problems.size(), 1u);
  EXPECT_NE(r->report.problems[0].message.find("checksum"), std::string::npos)
      << r->report.problems[0].message;
  EXPECT_EQ(r->report.problems[0].record, le32(bad, heads[1] + 4));
}

TEST(RpmNdb, BadSlotsAreSkipped) {
  const std::string& good = trpm::database_bytes(kSle);
  auto full = read_blobs(good);
  ASSERT_TRUE(full.ok());
  std::string bad = good;
  put_le32(bad, 32 + 8, 0x7fffffff);   // first slot: block offset far past the end
  put_le32(bad, 48 + 12, 0xffffffff);  // second slot: impossible block count
  put_le32(bad, 64, 0);                // third slot: magic gone
  auto r = read_blobs(bad);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->headers.size(), full->headers.size() - 3);
  EXPECT_EQ(r->report.problems.size(), 3u);
}

TEST(RpmNdb, OverlappingSlotsAreRefused) {
  const std::string& good = trpm::database_bytes(kSle);
  auto full = read_blobs(good);
  ASSERT_TRUE(full.ok());
  // The second slot claims the first slot's blocks under its own package index.
  std::string bad = good;
  for (int i = 8; i < 16; ++i) bad[48 + i] = bad[32 + i];
  auto r = read_blobs(bad);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->headers.size(), full->headers.size() - 1);
  ASSERT_EQ(r->report.problems.size(), 1u);
  EXPECT_NE(r->report.problems[0].message.find("overlaps"), std::string::npos)
      << r->report.problems[0].message;
}

TEST(RpmNdb, HostileHeaderFieldsStayBounded) {
  std::string bad = trpm::database_bytes(kSle);
  put_le32(bad, 12, 0xffffffff);  // slot page count
  auto r = read_blobs(bad);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->report.partial());
  EXPECT_EQ(r->headers.size(), 0u);
  EXPECT_LE(r->report.problems.size(), kMaxProblems);

  put_le32(bad, 12, 0);
  EXPECT_FALSE(read_blobs(bad).ok());
  put_le32(bad, 4, 1);  // version
  auto v = read_blobs(bad);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code(), ErrorCode::unsupported);
}

TEST(RpmNdb, TruncatedAndWrongInput) {
  const std::string& good = trpm::database_bytes(kSle);
  auto full = read_blobs(good);
  ASSERT_TRUE(full.ok());
  for (size_t n : {size_t{0}, size_t{4}, size_t{31}, size_t{32}, size_t{4000}, size_t{4096}, good.size() / 2,
                   good.size() - 1}) {
    SCOPED_TRACE(n);
    auto r = scan_ndb(std::string_view(good).substr(0, n), [](uint64_t, std::string_view) {});
    if (!r.ok()) {
      EXPECT_EQ(r.error().code(), ErrorCode::corrupt);
      continue;
    }
    EXPECT_TRUE(r->partial());
    EXPECT_LT(r->records, full->headers.size());
  }
  auto other = scan_ndb(trpm::database_bytes("libuuid.Packages"), [](uint64_t, std::string_view) {});
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().message().find("not an rpm NDB"), std::string::npos);
}

TEST(RpmNdb, RandomBitFlipsNeverCrash) {
  const std::string& good = trpm::database_bytes(kSle);
  std::mt19937 rng(11);
  for (int i = 0; i < 300; ++i) {
    std::string bad = good;
    for (int f = 0; f < 8; ++f) {
      size_t pos = rng() % 2 ? rng() % 4096 : rng() % bad.size();
      bad[pos] ^= char(1 << (rng() % 8));
    }
    auto r = read_database(bad);
    if (r.ok()) {
      EXPECT_LE(r->packages.size(), 100u);
    }
  }
}

}  // namespace
}  // namespace dagda::rpmdb
