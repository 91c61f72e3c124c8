// rpmdb.sqlite (rpm >= 4.16): table Packages(hnum INTEGER PRIMARY KEY, blob BLOB)
// holds one header blob per row. The database is opened from a private copy of
// its bytes with sqlite3_deserialize, read-only: nothing is ever written to or
// next to the original file, and the only statement run is a SELECT on the
// Packages table. Views and triggers are disabled, the schema is untrusted, and
// a step budget stops a hostile schema from running for long.
#include <sqlite3.h>

#include <cstring>
#include <memory>
#include <string>

#include "catalog/rpmdb/rpmdb.hpp"

namespace dagda::rpmdb {

namespace {

constexpr std::string_view kSqliteMagic("SQLite format 3\0", 16);
constexpr uint64_t kSqliteHeaderSize = 100;
constexpr int kProgressEvery = 1000;          // VM instructions between budget checks
constexpr int64_t kProgressBudget = 200'000;  // checks allowed: 2e8 instructions, well under a second
constexpr int kMaxValueBytes = 256 << 20;

struct Closer {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct Finalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

int over_budget(void* remaining) {
  auto* left = static_cast<int64_t*>(remaining);
  return --*left < 0 ? 1 : 0;
}

Error sqlite_error(sqlite3* db, std::string what) {
  int code = sqlite3_errcode(db);
  ErrorCode ec = (code == SQLITE_NOMEM) ? ErrorCode::internal : ErrorCode::corrupt;
  return Error(ec, what + ": " + sqlite3_errmsg(db));
}

}  // namespace

Result<ScanReport> scan_sqlite(std::string_view bytes, const BlobVisitor& visit) {
  if (bytes.size() < kSqliteHeaderSize || bytes.substr(0, kSqliteMagic.size()) != kSqliteMagic)
    return Error(ErrorCode::corrupt, "not an SQLite database (bad magic or shorter than its header)");

  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  std::unique_ptr<sqlite3, Closer> db(raw);
  if (rc != SQLITE_OK) return Error(ErrorCode::internal, "cannot open an in-memory SQLite connection");
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_ENABLE_VIEW, 0, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
  sqlite3_limit(db.get(), SQLITE_LIMIT_LENGTH, kMaxValueBytes);
  int64_t budget = kProgressBudget;
  sqlite3_progress_handler(db.get(), kProgressEvery, over_budget, &budget);

  auto* copy = static_cast<unsigned char*>(sqlite3_malloc64(bytes.size()));
  if (!copy)
    return Error(ErrorCode::internal,
                 "out of memory copying a " + std::to_string(bytes.size()) + "-byte database");
  std::memcpy(copy, bytes.data(), bytes.size());
  // rpm leaves its database in WAL mode (header bytes 18 and 19 = 2), which an
  // in-memory database cannot open; the copy is marked as a rollback-journal
  // file. A WAL file beside the database is not read.
  if (copy[18] == 2) copy[18] = 1;
  if (copy[19] == 2) copy[19] = 1;
  rc = sqlite3_deserialize(db.get(), "main", copy, bytes.size(), bytes.size(),
                           SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
  if (rc != SQLITE_OK) return sqlite_error(db.get(), "cannot load the SQLite database");

  // Checks through the C API (no SQL) that Packages is a real table with a blob column.
  if (sqlite3_table_column_metadata(db.get(), "main", "Packages", "blob", nullptr, nullptr, nullptr, nullptr,
                                    nullptr) != SQLITE_OK)
    return sqlite_error(db.get(), "no readable Packages table with a blob column");

  sqlite3_stmt* stmt_raw = nullptr;
  if (sqlite3_prepare_v2(db.get(), "SELECT hnum, blob FROM Packages", -1, &stmt_raw, nullptr) != SQLITE_OK) {
    sqlite3_finalize(stmt_raw);
    return sqlite_error(db.get(), "cannot query the Packages table");
  }
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt(stmt_raw);

  ScanReport report;
  for (;;) {
    rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      std::string why = budget < 0 ? "the query ran past its time budget" : sqlite3_errmsg(db.get());
      report.add({Problem::Kind::storage,
                  "reading stopped after " + std::to_string(report.records) + " rows: " + why,
                  {}});
      break;
    }
    int64_t hnum = sqlite3_column_int64(stmt.get(), 0);
    if (sqlite3_column_type(stmt.get(), 1) != SQLITE_BLOB) {
      report.add({Problem::Kind::storage, "row " + std::to_string(hnum) + " has no blob",
                  static_cast<uint64_t>(hnum)});
      continue;
    }
    const void* data = sqlite3_column_blob(stmt.get(), 1);
    int size = sqlite3_column_bytes(stmt.get(), 1);
    ++report.records;
    visit(static_cast<uint64_t>(hnum), std::string_view(static_cast<const char*>(data), size > 0 ? size : 0));
  }
  return report;
}

}  // namespace dagda::rpmdb
