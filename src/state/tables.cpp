#include "state/tables.hpp"

#include <ctime>

#include <fmt/format.h>

namespace dagda::state {

Status create_tables(vulndb::sql::Connection& db, std::string_view ddl) {
  bool pg = db.dialect() == "postgresql";
  std::string sql(ddl);
  const std::string key = pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";
  for (size_t at; (at = sql.find("{id}")) != std::string::npos;) sql.replace(at, 4, key);
  if (!pg) return db.exec(sql);
  DAGDA_TRY(db.exec("BEGIN"));
  // The number is an arbitrary key naming "Dagda state schema" among advisory locks.
  auto locked = db.query("SELECT pg_advisory_xact_lock(74212013)");
  if (!locked.ok()) {
    rollback(db);
    return locked.error();
  }
  if (auto st = db.exec(sql); !st.ok()) {
    rollback(db);
    return st;
  }
  return db.exec("COMMIT");
}

Status begin_write(vulndb::sql::Connection& db) {
  return db.exec(db.dialect() == "sqlite" ? "BEGIN IMMEDIATE" : "BEGIN");
}
Status commit(vulndb::sql::Connection& db) { return db.exec("COMMIT"); }
void rollback(vulndb::sql::Connection& db) { (void)db.exec("ROLLBACK"); }

int64_t now_seconds() { return int64_t(std::time(nullptr)); }

std::string iso_time(int64_t seconds) {
  std::time_t t = std::time_t(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace dagda::state
