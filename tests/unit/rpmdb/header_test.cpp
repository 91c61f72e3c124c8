#include "catalog/rpmdb/header.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>

#include "catalog/rpmdb/rpmdb.hpp"
#include "unit/rpmdb/rpm_testutil.hpp"

namespace dagda::rpmdb {
namespace {

namespace trpm = dagda::test::rpm;

// Every database file in pkgdb/rpmdb, whatever its format.
std::vector<std::string> all_databases() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(trpm::rpmdb_dir()))
    out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// A real header blob to damage: the one with most files in a small database.
std::string real_blob() {
  auto blobs = read_blobs(trpm::database_bytes("libuuid.Packages"));
  EXPECT_TRUE(blobs.ok());
  EXPECT_FALSE(blobs->headers.empty());
  return blobs->headers.at(0).blob;
}

void put_be32(std::string& b, size_t off, uint32_t v) {
  b[off] = char(v >> 24);
  b[off + 1] = char(v >> 16);
  b[off + 2] = char(v >> 8);
  b[off + 3] = char(v);
}

uint32_t get_be32(const std::string& b, size_t off) {
  return uint32_t(uint8_t(b[off])) << 24 | uint32_t(uint8_t(b[off + 1])) << 16 |
         uint32_t(uint8_t(b[off + 2])) << 8 | uint32_t(uint8_t(b[off + 3]));
}

// Byte offset of the index entry for `tag` in a blob without header magic.
size_t entry_offset(const std::string& blob, uint32_t tag) {
  uint32_t il = get_be32(blob, 0);
  for (uint32_t i = 0; i < il; ++i)
    if (get_be32(blob, 8 + 16 * i) == tag) return 8 + 16 * i;
  ADD_FAILURE() << "tag " << tag << " not in blob";
  return 0;
}

TEST(RpmHeader, AgreesWithLibrpmOnEveryRealHeader) {
  const auto& rpm = trpm::LibRpm::get();
  DAGDA_REQUIRE(rpm.available(), "librpm.so.9 not installed");
  size_t compared = 0, files = 0;
  for (const auto& db : all_databases()) {
    SCOPED_TRACE(db);
    auto blobs = read_blobs(trpm::database_bytes(db));
    ASSERT_TRUE(blobs.ok()) << blobs.error().render();
    EXPECT_FALSE(blobs->report.partial());
    for (const auto& stored : blobs->headers) {
      auto want = rpm.read(stored.blob);
      ASSERT_TRUE(want.imported) << "librpm rejects header " << stored.record;
      auto got = read_package_header(stored.blob);
      ASSERT_TRUE(got.ok()) << got.error().render();
      EXPECT_EQ(got->name, want.name);
      EXPECT_EQ(got->epoch, want.epoch) << want.name;
      EXPECT_EQ(got->version, want.version);
      EXPECT_EQ(got->release, want.release);
      EXPECT_EQ(got->arch, want.arch);
      EXPECT_EQ(got->sourcerpm, want.sourcerpm);
      EXPECT_EQ(got->modularitylabel, want.modularitylabel);
      EXPECT_EQ(got->vendor, want.vendor);
      EXPECT_EQ(got->license, want.license);
      EXPECT_FALSE(got->files_problem) << *got->files_problem;
      EXPECT_EQ(got->files, want.files) << want.name;
      ++compared;
      files += got->files.size();
    }
  }
  EXPECT_GT(compared, 2800u);
  EXPECT_GT(files, 100000u);
}

TEST(RpmHeader, AcceptsThePackageFileMagic) {
  std::string blob = real_blob();
  auto plain = read_package_header(blob);
  auto with_magic = read_package_header(std::string("\x8e\xad\xe8\x01\0\0\0\0", 8) + blob);
  ASSERT_TRUE(plain.ok() && with_magic.ok());
  EXPECT_EQ(plain->name, "libuuid");
  EXPECT_EQ(with_magic->name, plain->name);
  EXPECT_EQ(with_magic->files, plain->files);
}

TEST(RpmHeader, EveryTruncationIsAnError) {
  std::string blob = real_blob();
  for (size_t n = 0; n < blob.size(); n += (n < 256 ? 1 : 97)) {
    auto h = Header::parse(std::string_view(blob).substr(0, n));
    ASSERT_FALSE(h.ok()) << "prefix of " << n << " bytes parsed";
    EXPECT_EQ(h.error().code(), ErrorCode::corrupt);
  }
}

TEST(RpmHeader, RejectsImpossibleCountsAndSizes) {
  std::string blob = real_blob();
  for (uint32_t il : {0u, 0x01000000u, 0xffffffffu, get_be32(blob, 0) + 1}) {
    std::string b = blob;
    put_be32(b, 0, il);
    auto h = Header::parse(b);
    ASSERT_FALSE(h.ok()) << "il " << il;
    EXPECT_NE(h.error().message().find("rpm header"), std::string::npos);
  }
  for (uint32_t dl : {0x10000000u, 0xffffffffu, get_be32(blob, 4) + 1}) {
    std::string b = blob;
    put_be32(b, 4, dl);
    EXPECT_FALSE(Header::parse(b).ok()) << "dl " << dl;
  }
}

TEST(RpmHeader, RejectsBadEntriesOfRequiredTags) {
  std::string blob = real_blob();
  size_t name = entry_offset(blob, tag::name);
  {
    std::string b = blob;
    put_be32(b, name + 8, 0xfffffff0);  // offset past the data store
    auto h = read_package_header(b);
    ASSERT_FALSE(h.ok());
    EXPECT_NE(h.error().message().find("past the data store"), std::string::npos) << h.error().message();
  }
  {
    std::string b = blob;
    put_be32(b, name + 4, 42);  // no such type
    EXPECT_FALSE(read_package_header(b).ok());
  }
  {
    std::string b = blob;
    put_be32(b, name + 4, static_cast<uint32_t>(TagType::int32));  // NAME as a number
    auto h = read_package_header(b);
    ASSERT_FALSE(h.ok());
    EXPECT_NE(h.error().message().find("tag 1000"), std::string::npos) << h.error().message();
  }
  {
    std::string b = blob;
    put_be32(b, name, 999999);  // NAME renamed away
    auto h = read_package_header(b);
    ASSERT_FALSE(h.ok());
    EXPECT_NE(h.error().message().find("no NAME"), std::string::npos);
  }
}

TEST(RpmHeader, DamagedFileListKeepsThePackage) {
  std::string blob = real_blob();
  size_t basenames = entry_offset(blob, tag::basenames);
  size_t dirindexes = entry_offset(blob, tag::dirindexes);
  {
    std::string b = blob;
    put_be32(b, basenames + 12, 0x7fffffff);  // a huge count must not allocate or loop
    auto h = read_package_header(b);
    ASSERT_TRUE(h.ok()) << h.error().render();
    EXPECT_EQ(h->name, "libuuid");
    ASSERT_TRUE(h->files_problem);
    EXPECT_TRUE(h->files.empty());
  }
  {
    std::string b = blob;
    // Point the first DIRINDEXES value past the DIRNAMES list.
    uint32_t data_start = 8 + 16 * get_be32(b, 0);
    put_be32(b, data_start + get_be32(b, dirindexes + 8), 0x00ffffff);
    auto h = read_package_header(b);
    ASSERT_TRUE(h.ok());
    ASSERT_TRUE(h->files_problem);
    EXPECT_NE(h->files_problem->find("DIRINDEXES"), std::string::npos) << *h->files_problem;
  }
}

TEST(RpmHeader, QuadraticFileListIsRefused) {
  // The real header with most files, with a 60 KB directory name appended to
  // its data store and every file moved into that directory: the paths would
  // repeat it once per file.
  auto blobs = read_blobs(trpm::database_bytes("centos7-plain.Packages.xz"));
  ASSERT_TRUE(blobs.ok());
  std::string b;
  size_t most = 0;
  for (const auto& h : blobs->headers) {
    auto p = read_package_header(h.blob);
    if (p.ok() && p->files.size() > most) most = p->files.size(), b = h.blob;
  }
  ASSERT_GT(most, 1000u);
  auto good = read_package_header(b);
  ASSERT_TRUE(good.ok());
  ASSERT_FALSE(good->files_problem);

  uint32_t dl = get_be32(b, 4);
  std::string dir(60000, 'd');
  dir.back() = '/';
  b += dir + '\0';
  put_be32(b, 4, dl + static_cast<uint32_t>(dir.size() + 1));
  size_t dirnames = entry_offset(b, tag::dirnames), dirindexes = entry_offset(b, tag::dirindexes);
  put_be32(b, dirnames + 8, dl);
  put_be32(b, dirnames + 12, 1);
  size_t values = 8 + 16 * get_be32(b, 0) + get_be32(b, dirindexes + 8);
  for (uint32_t i = 0; i < get_be32(b, dirindexes + 12); ++i) put_be32(b, values + 4 * i, 0);

  auto p = read_package_header(b);
  ASSERT_TRUE(p.ok()) << p.error().render();
  EXPECT_EQ(p->name, good->name);
  ASSERT_TRUE(p->files_problem);
  EXPECT_NE(p->files_problem->find("expand"), std::string::npos) << *p->files_problem;
  EXPECT_TRUE(p->files.empty());
}

TEST(RpmHeader, RandomBitFlipsNeverCrash) {
  std::string blob = real_blob();
  std::mt19937 rng(20261128);
  size_t ok = 0, bad = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string b = blob;
    int flips = 1 + rng() % 8;
    for (int f = 0; f < flips; ++f) {
      // Half the flips hit the index, where damage matters most.
      size_t limit = (rng() % 2) ? std::min<size_t>(b.size(), 8 + 16 * get_be32(blob, 0)) : b.size();
      b[rng() % limit] ^= char(1 << (rng() % 8));
    }
    auto h = read_package_header(b);
    (h.ok() ? ok : bad)++;
  }
  EXPECT_GT(ok, 0u);
  EXPECT_GT(bad, 0u);
}

}  // namespace
}  // namespace dagda::rpmdb
