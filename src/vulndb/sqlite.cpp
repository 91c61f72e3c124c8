// The SQLite backend: one connection, prepared statements cached by text.
#include <sqlite3.h>

#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "vulndb/sql.hpp"

namespace dagda::vulndb::sql {
namespace {

struct StmtCloser {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtCloser>;

class SqliteConnection;

Status bind_all(sqlite3* db, sqlite3_stmt* st, std::span<const Value> params, const std::string& path) {
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  for (size_t i = 0; i < params.size(); ++i) {
    int idx = int(i + 1), rc = SQLITE_OK;
    const Value& v = params[i];
    if (auto* n = std::get_if<int64_t>(&v)) {
      rc = sqlite3_bind_int64(st, idx, *n);
    } else if (auto* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(st, idx, *d);
    } else if (auto* s = std::get_if<std::string>(&v)) {
      rc = sqlite3_bind_text(st, idx, s->data(), int(s->size()), SQLITE_STATIC);
    } else {
      rc = sqlite3_bind_null(st, idx);
    }
    if (rc != SQLITE_OK)
      return Error(ErrorCode::internal, fmt::format("database bind failed: {}", sqlite3_errmsg(db)), {.file = path});
  }
  return Ok{};
}

class SqliteInserter final : public Inserter {
 public:
  SqliteInserter(sqlite3* db, Stmt st, std::string path) : db_(db), st_(std::move(st)), path_(std::move(path)) {}
  Status add(std::span<const Value> row) override {
    DAGDA_TRY(bind_all(db_, st_.get(), row, path_));
    if (sqlite3_step(st_.get()) != SQLITE_DONE)
      return Error(ErrorCode::io, fmt::format("database write failed: {}", sqlite3_errmsg(db_)), {.file = path_});
    return Ok{};
  }
  Status finish() override { return Ok{}; }

 private:
  sqlite3* db_;
  Stmt st_;
  std::string path_;
};

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteConnection() override {
    cache_.clear();
    sqlite3_close_v2(db_);
  }
  std::string_view dialect() const override { return "sqlite"; }
  int error_code() const { return sqlite3_errcode(db_); }

  Status exec(std::string_view sql) override {
    char* msg = nullptr;
    std::string s(sql);
    if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
      std::string m = msg ? msg : sqlite3_errmsg(db_);
      sqlite3_free(msg);
      return failure(m);
    }
    return Ok{};
  }

  Result<std::vector<Row>> query(std::string_view sql, std::span<const Value> params) override {
    DAGDA_ASSIGN_OR_RETURN(sqlite3_stmt * st, prepared(sql));
    DAGDA_TRY(bind_all(db_, st, params, path_));
    std::vector<Row> rows;
    for (;;) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        std::string m = sqlite3_errmsg(db_);
        sqlite3_reset(st);
        return failure(m);
      }
      int n = sqlite3_column_count(st);
      Row row;
      row.reserve(size_t(n));
      for (int c = 0; c < n; ++c) {
        switch (sqlite3_column_type(st, c)) {
          case SQLITE_INTEGER: row.emplace_back(int64_t(sqlite3_column_int64(st, c))); break;
          case SQLITE_FLOAT: row.emplace_back(sqlite3_column_double(st, c)); break;
          case SQLITE_NULL: row.emplace_back(std::monostate{}); break;
          default: {
            auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
            row.emplace_back(std::string(p ? p : "", size_t(sqlite3_column_bytes(st, c))));
          }
        }
      }
      rows.push_back(std::move(row));
    }
    sqlite3_reset(st);
    return rows;
  }

  Result<std::unique_ptr<Inserter>> inserter(std::string_view table, std::span<const std::string_view> columns) override {
    std::string sql = fmt::format("INSERT INTO {} (", table);
    for (size_t i = 0; i < columns.size(); ++i) sql += fmt::format("{}{}", i ? ", " : "", columns[i]);
    sql += ") VALUES (";
    for (size_t i = 0; i < columns.size(); ++i) sql += i ? ", ?" : "?";
    sql += ")";
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), int(sql.size()), &st, nullptr) != SQLITE_OK) return failure(sqlite3_errmsg(db_));
    return std::unique_ptr<Inserter>(new SqliteInserter(db_, Stmt(st), path_));
  }

 private:
  Result<sqlite3_stmt*> prepared(std::string_view sql) {
    std::string key(sql);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second.get();
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, key.c_str(), int(key.size()), &st, nullptr) != SQLITE_OK) return failure(sqlite3_errmsg(db_));
    cache_.emplace(key, Stmt(st));
    return st;
  }

  Error failure(const std::string& msg) const {
    ErrorCode code = ErrorCode::io;
    int ext = sqlite3_errcode(db_);
    if (ext == SQLITE_CORRUPT || ext == SQLITE_NOTADB) code = ErrorCode::corrupt;
    return Error(code, fmt::format("database error: {}", msg), {.file = path_});
  }

  sqlite3* db_;
  std::string path_;
  std::map<std::string, Stmt, std::less<>> cache_;
};

}  // namespace

namespace {

// "file:" URI of a path (RFC 3986 escapes for the characters SQLite's URI
// parser treats specially).
std::string file_uri(const std::string& path) {
  std::string out = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#' || static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) >= 0x7f)
      out += fmt::format("%{:02X}", unsigned(static_cast<unsigned char>(c)));
    else
      out += c;
  }
  return out;
}

Result<std::unique_ptr<SqliteConnection>> connect(const std::string& path, const std::string& name, int flags) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(name.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    std::string m = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Error(ErrorCode::io, fmt::format("cannot open database: {}", m), {.file = path});
  }
  sqlite3_busy_timeout(db, 30000);
  return std::make_unique<SqliteConnection>(db, path);
}

}  // namespace

Result<std::unique_ptr<Connection>> open_sqlite(const std::string& path, bool read_only) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (read_only && !fs::exists(path, ec))
    return Error(ErrorCode::not_found,
                 "no vulnerability database here; create it with `dagda db import PATH...` or `dagda db update`",
                 {.file = path});
  if (!read_only) {
    auto parent = fs::path(path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
  }
  int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  DAGDA_ASSIGN_OR_RETURN(auto conn, connect(path, path, flags));
  Connection& c = *conn;
  // Reject a file that is not a database now, with a clear error.
  auto probe = c.query("SELECT count(*) FROM sqlite_master");
  if (!probe.ok() && read_only) {
    // A WAL database that we may not write (another user's, a read-only
    // mount): SQLite cannot create the -shm index beside it. With no
    // write-ahead log to apply, the file alone is the whole database: read it
    // as immutable. A log with content needs its index: say so.
    int code = conn->error_code();
    std::error_code e2;
    auto wal = fs::file_size(path + "-wal", e2);
    bool no_log = e2 || wal == 0;
    if ((code == SQLITE_CANTOPEN || code == SQLITE_READONLY || code == SQLITE_PERM) && no_log) {
      conn.reset();
      DAGDA_ASSIGN_OR_RETURN(conn, connect(path, file_uri(path) + "?immutable=1",
                                           SQLITE_OPEN_READONLY | SQLITE_OPEN_URI));
      probe = static_cast<Connection&>(*conn).query("SELECT count(*) FROM sqlite_master");
    } else if (code == SQLITE_CANTOPEN || code == SQLITE_READONLY || code == SQLITE_PERM) {
      return Error(ErrorCode::io,
                   "cannot read the database: its write-ahead log (-wal) holds changes and its index (-shm) cannot "
                   "be created here (no write permission on the folder); open it once as its owner to checkpoint it",
                   {.file = path});
    }
  }
  if (!probe.ok()) return Error(ErrorCode::corrupt, "not a Dagda database (not SQLite, or damaged)", {.file = path});
  // Lookups jump around indexes of a few hundred MB: map the file and keep a
  // bigger page cache rather than one pread per page.
  DAGDA_TRY(static_cast<Connection&>(*conn).exec("PRAGMA mmap_size=1073741824; PRAGMA cache_size=-65536;"));
  return std::unique_ptr<Connection>(std::move(conn));
}

}  // namespace dagda::vulndb::sql
