#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <random>

#include "catalog/rpmdb/rpmdb.hpp"
#include "unit/rpmdb/rpm_testutil.hpp"

namespace dagda::rpmdb {
namespace {

namespace trpm = dagda::test::rpm;

uint32_t le32(const std::string& b, size_t o) {
  return uint32_t(uint8_t(b[o])) | uint32_t(uint8_t(b[o + 1])) << 8 | uint32_t(uint8_t(b[o + 2])) << 16 |
         uint32_t(uint8_t(b[o + 3])) << 24;
}
uint16_t le16(const std::string& b, size_t o) {
  return uint16_t(uint8_t(b[o]) | uint8_t(b[o + 1]) << 8);
}
void put_le32(std::string& b, size_t o, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[o + i] = char(v >> (8 * i));
}
void swap16(std::string& b, size_t o) {
  std::swap(b[o], b[o + 1]);
}
void swap32(std::string& b, size_t o) {
  std::swap(b[o], b[o + 3]);
  std::swap(b[o + 1], b[o + 2]);
}

// The same database as a big-endian machine would have written it: every
// BerkeleyDB integer and rpm's 4-byte header-number keys swapped, as laid out
// in BerkeleyDB's db_page.h (the header blobs themselves are always big endian).
std::string to_big_endian(std::string db) {
  uint32_t pagesize = le32(db, 20);
  for (size_t o = 8; o < 224; o += 4)
    if (o != 24) swap32(db, o);  // 24..27 are single bytes (encrypt_alg, type, ...)
  for (size_t pg = 1; pg < db.size() / pagesize; ++pg) {
    size_t base = pg * pagesize;
    uint8_t type = uint8_t(db[base + 25]);
    uint16_t n = le16(db, base + 20);
    if (type == 2 || type == 13) {
      for (uint16_t i = 0; i < n; ++i) {
        uint16_t off = le16(db, base + 26 + 2 * i);
        uint16_t end = i == 0 ? pagesize : le16(db, base + 26 + 2 * (i - 1));
        uint8_t item = uint8_t(db[base + off]);
        if (item == 3) {
          swap32(db, base + off + 4);
          swap32(db, base + off + 8);
        } else if (item == 1 && i % 2 == 0 && end - off == 5) {
          swap32(db, base + off + 1);  // the key: a header number
        }
      }
      for (uint16_t i = 0; i < n; ++i) swap16(db, base + 26 + 2 * i);
    }
    for (size_t o : {8, 12, 16}) swap32(db, base + o);
    swap16(db, base + 20);
    swap16(db, base + 22);
  }
  return db;
}

// Calls fn(page base offset) for each page of `type` (little-endian file).
void for_each_page(const std::string& db, uint8_t type, const std::function<bool(size_t)>& fn) {
  uint32_t pagesize = le32(db, 20);
  for (size_t pg = 1; pg < db.size() / pagesize; ++pg)
    if (uint8_t(db[pg * pagesize + 25]) == type && !fn(pg * pagesize)) return;
}

std::multiset<std::string> qa_lines(const Database& db) {
  std::multiset<std::string> out;
  for (const auto& p : db.packages) {
    const auto& h = p.header;
    out.insert(trpm::qa_line(h.name, h.epoch, h.version, h.release, h.arch, h.sourcerpm, h.modularitylabel));
  }
  return out;
}

TEST(RpmBdb, MatchesRpmQaForEveryDatabase) {
  auto cases = trpm::bdb_cases();
  ASSERT_GE(cases.size(), 12u) << "expected the CentOS 5-8 and small BerkeleyDB databases";
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    const std::string& bytes = trpm::database_bytes(c.file);
    ASSERT_EQ(detect_format(bytes), DbFormat::bdb);
    auto db = read_database(bytes);
    ASSERT_TRUE(db.ok()) << db.error().render();
    EXPECT_FALSE(db->report.partial()) << db->report.problems.front().message;
    auto want = trpm::groundtruth(c.stem);
    auto got = qa_lines(*db);
    EXPECT_EQ(got, want) << "only ours:\n"
                         << trpm::difference(got, want) << "only rpm -qa:\n"
                         << trpm::difference(want, got);
  }
}

TEST(RpmBdb, ModularityLabelsAreRead) {
  auto db = read_database(trpm::database_bytes("centos8-modularitylabel.Packages.xz"));
  ASSERT_TRUE(db.ok());
  size_t labelled = 0;
  for (const auto& p : db->packages) labelled += !p.header.modularitylabel.empty();
  EXPECT_GT(labelled, 10u);
}

TEST(RpmBdb, BigEndianDatabaseReadsTheSame) {
  for (const char* file : {"libuuid.Packages", "centos7-plain.Packages.xz"}) {
    SCOPED_TRACE(file);
    const std::string& little = trpm::database_bytes(file);
    std::string big = to_big_endian(little);
    ASSERT_NE(big, little);
    auto a = read_blobs(little);
    auto b = read_blobs(big);
    ASSERT_TRUE(a.ok() && b.ok()) << (b.ok() ? "" : b.error().render());
    EXPECT_FALSE(b->report.partial()) << b->report.problems.front().message;
    ASSERT_EQ(a->headers.size(), b->headers.size());
    for (size_t i = 0; i < a->headers.size(); ++i) {
      EXPECT_EQ(a->headers[i].record, b->headers[i].record);
      EXPECT_EQ(a->headers[i].blob, b->headers[i].blob);
    }
  }
}

TEST(RpmBdb, OverflowChainLoopIsCaughtFast) {
  const std::string& good = trpm::database_bytes("centos7-plain.Packages.xz");
  auto full = read_blobs(good);
  ASSERT_TRUE(full.ok());
  std::string bad = good;
  uint32_t pagesize = le32(bad, 20);
  int looped = 0;
  // The first overflow page of three multi-page values points back at itself.
  for_each_page(bad, 13, [&](size_t base) {
    uint16_t n = le16(bad, base + 20);
    for (uint16_t i = 1; i < n && looped < 3; i += 2) {
      size_t off = base + le16(bad, base + 26 + 2 * i);
      if (bad[off] != 3) continue;
      size_t first = size_t{le32(bad, off + 4)} * pagesize;
      if (le32(bad, first + 16) == 0) continue;
      put_le32(bad, first + 16, le32(bad, first + 8));
      ++looped;
    }
    return looped < 3;
  });
  ASSERT_EQ(looped, 3);
  auto r = read_blobs(bad);
  ASSERT_TRUE(r.ok()) << r.error().render();
  EXPECT_TRUE(r->report.partial());
  EXPECT_EQ(r->headers.size(), full->headers.size() - 3);
  EXPECT_NE(r->report.problems.at(0).message.find("loop"), std::string::npos)
      << r->report.problems.at(0).message;
}

TEST(RpmBdb, HashChainLoopIsCaught) {
  std::string bad = trpm::database_bytes("centos7-plain.Packages.xz");
  bool done = false;
  for_each_page(bad, 13, [&](size_t base) {
    put_le32(bad, base + 16, le32(bad, base + 8));
    done = true;
    return false;
  });
  ASSERT_TRUE(done);
  auto r = read_blobs(bad);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->report.partial());
  EXPECT_GT(r->headers.size(), 100u);  // the other buckets are intact
}

TEST(RpmBdb, HugeOffPageLengthIsRejectedWithoutAllocating) {
  std::string bad = trpm::database_bytes("centos7-plain.Packages.xz");
  uint32_t pagesize = le32(bad, 20);
  int changed = 0;
  for_each_page(bad, 13, [&](size_t base) {
    uint16_t n = le16(bad, base + 20);
    for (uint16_t i = 1; i < n; i += 2) {
      size_t off = base + le16(bad, base + 26 + 2 * i);
      if (off < base + pagesize && bad[off] == 3) {
        put_le32(bad, off + 8, 0xffffffffu);
        ++changed;
      }
    }
    return changed == 0;
  });
  ASSERT_GT(changed, 0);
  auto r = read_blobs(bad);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->report.partial());
  EXPECT_NE(r->report.problems.at(0).message.find("more than the file holds"), std::string::npos)
      << r->report.problems.at(0).message;
}

TEST(RpmBdb, TruncatedFilesGiveErrorsOrPartialResults) {
  const std::string& good = trpm::database_bytes("centos6-plain.Packages.xz");
  auto full = read_blobs(good);
  ASSERT_TRUE(full.ok());
  for (size_t n : {size_t{0}, size_t{100}, size_t{511}, size_t{4096}, size_t{4097}, good.size() / 3,
                   good.size() / 2, good.size() - 1}) {
    SCOPED_TRACE(n);
    auto r = read_blobs(std::string_view(good).substr(0, n));
    if (!r.ok()) {
      EXPECT_EQ(r.error().code(), ErrorCode::corrupt);
      EXPECT_FALSE(r.error().message().empty());
      continue;
    }
    EXPECT_TRUE(r->report.partial());
    EXPECT_LE(r->headers.size(), full->headers.size());
  }
  auto half = read_blobs(std::string_view(good).substr(0, good.size() / 2));
  ASSERT_TRUE(half.ok());
  EXPECT_NE(half->report.problems.at(0).message.find("truncated"), std::string::npos);
}

TEST(RpmBdb, WrongFormatsAreClearErrors) {
  auto empty = scan_bdb("", [](uint64_t, std::string_view) {});
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message().find("shorter than its metadata page"), std::string::npos);
  auto ndb = scan_bdb(trpm::database_bytes("sle15-bci.Packages.db"), [](uint64_t, std::string_view) {});
  ASSERT_FALSE(ndb.ok());
  EXPECT_NE(ndb.error().message().find("not a BerkeleyDB"), std::string::npos);
  auto any = read_database(std::string(4096, 'x'));
  ASSERT_FALSE(any.ok());
  EXPECT_NE(any.error().message().find("not an rpm database"), std::string::npos);
  auto zero = read_database("");
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.error().message().find("empty"), std::string::npos);
}

TEST(RpmBdb, DamagedMetadataIsAnError) {
  const std::string& good = trpm::database_bytes("libuuid.Packages");
  {
    std::string bad = good;
    put_le32(bad, 20, 1000);  // page size not a power of two
    EXPECT_FALSE(read_blobs(bad).ok());
  }
  {
    std::string bad = good;
    put_le32(bad, 16, 7);  // hash version
    auto r = read_blobs(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::unsupported);
  }
  {
    std::string bad = good;
    put_le32(bad, 72, 0xfffffffeu);  // max bucket: far more buckets than pages
    auto r = read_blobs(bad);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->report.partial());
  }
}

TEST(RpmBdb, RandomBitFlipsNeverCrashOrHang) {
  std::mt19937 rng(7);
  for (const char* file : {"libuuid.Packages", "syft-pkg-coverage.Packages", "centos5-plain.Packages.xz"}) {
    const std::string& good = trpm::database_bytes(file);
    int rounds = good.size() > 1000000 ? 40 : 1500;
    for (int i = 0; i < rounds; ++i) {
      std::string bad = good;
      for (int f = 0; f < 16; ++f) {
        // Bias toward page headers and the metadata page, where flips change the walk.
        size_t pos = rng() % 3 == 0 ? rng() % 512 : rng() % bad.size();
        if (rng() % 2) pos = pos / 4096 * 4096 + rng() % 64;
        bad[pos % bad.size()] ^= char(1 << (rng() % 8));
      }
      auto r = read_database(bad);
      if (r.ok()) {
        EXPECT_LE(r->packages.size(), 1000u);
      }
    }
  }
}

}  // namespace
}  // namespace dagda::rpmdb
