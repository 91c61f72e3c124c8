#include "state/store.hpp"

#include <ctime>

#include <fmt/format.h>

#include "vulndb/sql.hpp"
#include "vulndb/store.hpp"

namespace dagda::state {
namespace {

using vulndb::sql::Value;

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS state_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fp_marks (
  image TEXT NOT NULL, package TEXT NOT NULL, version TEXT NOT NULL, vuln_id TEXT NOT NULL, created_at TEXT NOT NULL);
)sql";

std::string now_utc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The tables of a database, to tell an empty file, a Dagda database and another application's apart.
Result<std::vector<std::string>> table_names(vulndb::sql::Connection& c) {
  DAGDA_ASSIGN_OR_RETURN(auto rows, c.dialect() == "sqlite"
                                        ? c.query("SELECT name FROM sqlite_master WHERE type = 'table'")
                                        : c.query("SELECT table_name FROM information_schema.tables WHERE "
                                                  "table_schema = current_schema()"));
  std::vector<std::string> out;
  for (auto& r : rows) out.push_back(vulndb::sql::as_text(r[0]));
  return out;
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
  for (auto& x : v)
    if (x == s) return true;
  return false;
}

}  // namespace

Store::Store(std::string url, std::unique_ptr<vulndb::sql::Connection> db, bool has_tables)
    : url_(std::move(url)), db_(std::move(db)), has_tables_(has_tables) {}
Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::open(const std::string& url_in, bool read_only) {
  std::string url = url_in.empty() ? vulndb::Store::default_path() : url_in;
  std::unique_ptr<vulndb::sql::Connection> db;
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    DAGDA_ASSIGN_OR_RETURN(db, vulndb::sql::open_postgres(url));
  } else {
    if (url.starts_with("sqlite://")) url = url.substr(9);
    DAGDA_ASSIGN_OR_RETURN(db, vulndb::sql::open_sqlite(url, read_only));
  }
  DAGDA_ASSIGN_OR_RETURN(auto tables, table_names(*db));
  bool ours = contains(tables, "state_meta");
  if (!ours && !read_only) {
    // Create the state tables only in an empty database or a Dagda one (the VulnDB's `meta` table).
    if (!tables.empty() && !contains(tables, "meta"))
      return Error(ErrorCode::invalid_input,
                   "not a Dagda database: it holds another application's tables; give Dagda a file of its own",
                   {.file = url});
    DAGDA_TRY(db->exec(kSchema));
    std::vector<Value> p{std::to_string(kStateSchemaVersion)};
    DAGDA_TRY(db->query("INSERT INTO state_meta (key, value) VALUES ('schema_version', ?)", p));
    ours = true;
  }
  if (ours) {
    DAGDA_ASSIGN_OR_RETURN(auto rows, db->query("SELECT value FROM state_meta WHERE key = 'schema_version'"));
    if (rows.empty() || vulndb::sql::as_text(rows[0][0]) != std::to_string(kStateSchemaVersion))
      return Error(ErrorCode::unsupported,
                   fmt::format("state schema version {} is not the {} this Dagda reads",
                               rows.empty() ? "(none)" : vulndb::sql::as_text(rows[0][0]), kStateSchemaVersion),
                   {.file = url});
  }
  return std::unique_ptr<Store>(new Store(url, std::move(db), ours));
}

Status Store::add_fp(const FpMark& m) {
  std::vector<Value> k{m.image, m.package, m.version, m.vuln_id};
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_->query("SELECT count(*) FROM fp_marks WHERE image = ? AND package = ? AND "
                                               "version = ? AND vuln_id = ?",
                                               k));
  if (vulndb::sql::as_int(rows[0][0]) > 0) return Ok{};
  std::vector<Value> p{m.image, m.package, m.version, m.vuln_id, now_utc()};
  DAGDA_TRY(db_->query("INSERT INTO fp_marks (image, package, version, vuln_id, created_at) VALUES (?, ?, ?, ?, ?)", p));
  return Ok{};
}

Result<std::vector<FpMark>> Store::list_fp(std::string_view image) {
  if (!has_tables_) return std::vector<FpMark>{};
  std::vector<Value> p{std::string(image), std::string(image)};
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_->query("SELECT image, package, version, vuln_id, created_at FROM fp_marks "
                                               "WHERE ? = '' OR image = ? ORDER BY image, package, version, vuln_id",
                                               p));
  std::vector<FpMark> out;
  using vulndb::sql::as_text;
  for (auto& r : rows) out.push_back(FpMark{as_text(r[0]), as_text(r[1]), as_text(r[2]), as_text(r[3]), as_text(r[4])});
  return out;
}

Result<uint64_t> Store::remove_fp(const FpMark& m) {
  if (!has_tables_) return uint64_t{0};
  std::vector<Value> k{m.image, m.package, m.version, m.vuln_id};
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_->query("SELECT count(*) FROM fp_marks WHERE image = ? AND package = ? AND "
                                               "version = ? AND vuln_id = ?",
                                               k));
  DAGDA_TRY(db_->query("DELETE FROM fp_marks WHERE image = ? AND package = ? AND version = ? AND vuln_id = ?", k));
  return uint64_t(vulndb::sql::as_int(rows[0][0]));
}

}  // namespace dagda::state
