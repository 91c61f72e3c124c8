#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <random>

#include "catalog/rpmdb/rpmdb.hpp"
#include "unit/rpmdb/rpm_testutil.hpp"

namespace dagda::rpmdb {
namespace {

namespace trpm = dagda::test::rpm;

std::multiset<std::string> qa_lines(const Database& db) {
  std::multiset<std::string> out;
  for (const auto& p : db.packages) {
    const auto& h = p.header;
    out.insert(trpm::qa_line(h.name, h.epoch, h.version, h.release, h.arch, h.sourcerpm, h.modularitylabel));
  }
  return out;
}

// A database made by SQLite itself from `sql`, in a scratch directory.
std::string make_sqlite(const std::string& name, const std::string& sql) {
  std::string path = test::scratch_dir("rpm-sqlite-" + name) + "/db";
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
  return trpm::slurp(path);
}

TEST(RpmSqlite, MatchesRpmQa) {
  int checked = 0;
  for (const auto& c : trpm::groundtruth_cases()) {
    if (!c.file.ends_with(".sqlite")) continue;
    SCOPED_TRACE(c.file);
    const std::string& bytes = trpm::database_bytes(c.file);
    std::string before = bytes;
    ASSERT_EQ(detect_format(bytes), DbFormat::sqlite);
    auto db = read_database(bytes);
    ASSERT_TRUE(db.ok()) << db.error().render();
    EXPECT_FALSE(db->report.partial()) << db->report.problems.front().message;
    auto want = trpm::groundtruth(c.stem);
    auto got = qa_lines(*db);
    EXPECT_EQ(got, want) << "only ours:\n"
                         << trpm::difference(got, want) << "only rpm -qa:\n"
                         << trpm::difference(want, got);
    EXPECT_EQ(bytes, before) << "the reader must not touch its input";
    ++checked;
  }
  EXPECT_GE(checked, 1);
}

// Each BerkeleyDB database converted to SQLite by rpm itself (Debian's rpm 4.18
// reads the old file through its read-only bdb_ro backend) reads the same.
TEST(RpmSqlite, ConvertedByRpmMatchesRpmQa) {
  int status = -1;
  test::run_command("rpm --version", &status);
  DAGDA_REQUIRE(status == 0, "rpm is not installed");
  auto cases = trpm::bdb_cases();
  ASSERT_GE(cases.size(), 12u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    std::string dir = test::scratch_dir("rpm-rebuild-" + c.stem);
    trpm::materialize(c.file, dir, "Packages");
    std::string log = test::run_command(
        "rpm --dbpath '" + dir + "' --define '_db_backend sqlite' --rebuilddb 2>&1", &status);
    ASSERT_EQ(status, 0) << log;
    std::string bytes = trpm::slurp(dir + "/rpmdb.sqlite");
    ASSERT_EQ(detect_format(bytes), DbFormat::sqlite) << log;
    auto db = read_database(bytes);
    ASSERT_TRUE(db.ok()) << db.error().render();
    EXPECT_FALSE(db->report.partial());
    auto want = trpm::groundtruth(c.stem);
    auto got = qa_lines(*db);
    EXPECT_EQ(got, want) << "only ours:\n"
                         << trpm::difference(got, want) << "only rpm -qa:\n"
                         << trpm::difference(want, got);
    if (!HasFailure()) std::filesystem::remove_all(dir);  // ~70 MB each; kept after a failure for inspection
  }
}

TEST(RpmSqlite, TruncatedAndWrongInput) {
  const std::string& good = trpm::database_bytes("cbl-mariner-2.0.rpmdb.sqlite");
  for (size_t n :
       {size_t{0}, size_t{15}, size_t{99}, size_t{100}, size_t{4096}, good.size() / 2, good.size() - 4096}) {
    SCOPED_TRACE(n);
    auto r = scan_sqlite(std::string_view(good).substr(0, n), [](uint64_t, std::string_view) {});
    if (r.ok()) {
      EXPECT_LE(r->records, 129u);
    } else {
      EXPECT_EQ(r.error().code(), ErrorCode::corrupt) << r.error().render();
    }
  }
  auto empty = scan_sqlite("", [](uint64_t, std::string_view) {});
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message().find("not an SQLite database"), std::string::npos);
  auto bdb = scan_sqlite(trpm::database_bytes("libuuid.Packages"), [](uint64_t, std::string_view) {});
  EXPECT_FALSE(bdb.ok());
}

TEST(RpmSqlite, SchemaWithoutPackagesIsAnError) {
  auto r = read_database(make_sqlite("nopkgs", "CREATE TABLE Other(x); INSERT INTO Other VALUES(1);"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("no readable Packages table"), std::string::npos) << r.error().render();
}

TEST(RpmSqlite, PackagesViewIsRefused) {
  auto r = read_database(make_sqlite(
      "view",
      "CREATE TABLE t(hnum INTEGER PRIMARY KEY, blob BLOB); CREATE VIEW Packages AS SELECT * FROM t;"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("Packages"), std::string::npos) << r.error().render();
}

TEST(RpmSqlite, HostileColumnsGivePartialResults) {
  // A generated blob that would be a gigabyte is stopped by the length limit.
  auto big = read_database(
      make_sqlite("huge",
                  "CREATE TABLE Packages(hnum INTEGER PRIMARY KEY, n INT, blob BLOB AS (zeroblob(n))); "
                  "INSERT INTO Packages(n) VALUES(1000000000);"));
  ASSERT_TRUE(big.ok()) << big.error().render();
  EXPECT_TRUE(big->report.partial());
  EXPECT_TRUE(big->packages.empty());
  // Rows adding up to more bytes than the file stop the scan (pages read twice).
  auto many = read_database(
      make_sqlite("many",
                  "CREATE TABLE Packages(hnum INTEGER PRIMARY KEY, n INT, blob BLOB AS (zeroblob(n))); "
                  "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 500) "
                  "INSERT INTO Packages(n) SELECT 3000 FROM c;"));
  ASSERT_TRUE(many.ok()) << many.error().render();
  ASSERT_TRUE(many->report.partial());
  EXPECT_TRUE(std::any_of(many->report.problems.begin(), many->report.problems.end(), [](const Problem& p) {
    return p.message.find("more bytes than the file") != std::string::npos;
  }));
  EXPECT_LT(many->report.problems.size(), kMaxProblems);
  // Rows whose blob is text or garbage are reported one by one.
  auto text =
      read_database(make_sqlite("text",
                                "CREATE TABLE Packages(hnum INTEGER PRIMARY KEY, blob BLOB); "
                                "INSERT INTO Packages(blob) VALUES('text'), (x'00000001000000ff'), (NULL);"));
  ASSERT_TRUE(text.ok()) << text.error().render();
  EXPECT_TRUE(text->packages.empty());
  EXPECT_EQ(text->report.problems.size(), 3u);
}

TEST(RpmSqlite, RandomBitFlipsNeverCrash) {
  const std::string& good = trpm::database_bytes("cbl-mariner-2.0.rpmdb.sqlite");
  std::mt19937 rng(5);
  int errors = 0;
  for (int i = 0; i < 60; ++i) {
    std::string bad = good;
    for (int f = 0; f < 64; ++f) {
      // Half the flips land in b-tree page headers, where they derail the reader.
      size_t pos = rng() % 2 ? (rng() % (bad.size() / 4096)) * 4096 + rng() % 16 : rng() % bad.size();
      bad[pos] ^= char(1 << (rng() % 8));
    }
    auto r = read_database(bad);
    errors += !r.ok() || r->report.partial();
  }
  EXPECT_GT(errors, 0);
}

}  // namespace
}  // namespace dagda::rpmdb
