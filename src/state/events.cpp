// state/events.cpp: the monitor_alerts table. An alert is stored once: the
// SHA-256 of its JSON is a unique key, so ingesting the same Falco file twice
// adds nothing.
#include "state/events.hpp"

#include <fmt/format.h>

#include "common/digest.hpp"
#include "state/store.hpp"
#include "vulndb/sql.hpp"
#include "vulndb/store.hpp"

namespace dagda::state {
namespace {

using vulndb::sql::Value;

constexpr const char* kColumns =
    "time_ns BIGINT NOT NULL, rule TEXT NOT NULL, priority TEXT NOT NULL, source TEXT NOT NULL, "
    "hostname TEXT NOT NULL, container_id TEXT NOT NULL, origin TEXT NOT NULL, output TEXT NOT NULL, "
    "json TEXT NOT NULL, digest TEXT NOT NULL UNIQUE";

Result<bool> has_alert_table(vulndb::sql::Connection& c) {
  DAGDA_ASSIGN_OR_RETURN(auto rows,
                         c.dialect() == "sqlite"
                             ? c.query("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
                                       "'monitor_alerts'")
                             : c.query("SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                                       "current_schema() AND table_name = 'monitor_alerts'"));
  return vulndb::sql::as_int(rows[0][0]) > 0;
}

}  // namespace

EventStore::EventStore(std::unique_ptr<vulndb::sql::Connection> db, bool has_table)
    : db_(std::move(db)), has_table_(has_table) {}
EventStore::~EventStore() = default;

Result<std::unique_ptr<EventStore>> EventStore::open(const std::string& url_in, bool read_only) {
  // state::Store checks that the database is Dagda's and creates the state tables.
  std::string url = url_in.empty() ? vulndb::Store::default_path() : url_in;
  DAGDA_ASSIGN_OR_RETURN(auto store, Store::open(url, read_only));
  store.reset();
  std::unique_ptr<vulndb::sql::Connection> db;
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    DAGDA_ASSIGN_OR_RETURN(db, vulndb::sql::open_postgres(url));
  } else {
    if (url.starts_with("sqlite://")) url = url.substr(9);
    DAGDA_ASSIGN_OR_RETURN(db, vulndb::sql::open_sqlite(url, read_only));
  }
  DAGDA_ASSIGN_OR_RETURN(bool has, has_alert_table(*db));
  if (!has && !read_only) {
    std::string id = db->dialect() == "sqlite" ? "id INTEGER PRIMARY KEY AUTOINCREMENT" : "id BIGSERIAL PRIMARY KEY";
    DAGDA_TRY(db->exec(fmt::format("CREATE TABLE IF NOT EXISTS monitor_alerts ({}, {});\n"
                                   "CREATE INDEX IF NOT EXISTS monitor_alerts_container ON monitor_alerts "
                                   "(container_id, time_ns);\n"
                                   "CREATE INDEX IF NOT EXISTS monitor_alerts_time ON monitor_alerts (time_ns);",
                                   id, kColumns)));
    has = true;
  }
  return std::unique_ptr<EventStore>(new EventStore(std::move(db), has));
}

Status EventStore::add(const std::vector<StoredAlert>& alerts) {
  if (!has_table_) return Error(ErrorCode::io, "the database is open read-only and has no monitor_alerts table");
  DAGDA_TRY(db_->exec("BEGIN"));
  for (const auto& a : alerts) {
    std::vector<Value> p{static_cast<int64_t>(a.time_ns), a.rule, a.priority, a.source, a.hostname, a.container_id,
                         a.origin, a.output, a.json, sha256_hex(a.json)};
    auto r = db_->query("INSERT INTO monitor_alerts (time_ns, rule, priority, source, hostname, container_id, origin, "
                        "output, json, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING",
                        p);
    if (!r.ok()) {
      (void)db_->exec("ROLLBACK");
      return r.error();
    }
  }
  return db_->exec("COMMIT");
}

Result<std::vector<StoredAlert>> EventStore::list(const AlertQuery& q) {
  std::vector<StoredAlert> out;
  if (!has_table_) return out;
  std::string sql =
      "SELECT id, time_ns, rule, priority, source, hostname, container_id, origin, output, json FROM monitor_alerts "
      "WHERE time_ns >= ?";
  std::vector<Value> p{static_cast<int64_t>(q.since_ns)};
  if (!q.container.empty()) {
    // A full id matches its short form; a shorter one is a prefix.
    std::string c = q.container.size() > 12 ? q.container.substr(0, 12) : q.container;
    sql += " AND substr(container_id, 1, CAST(? AS INTEGER)) = ?";  // PostgreSQL: substr takes an integer
    p.emplace_back(static_cast<int64_t>(c.size()));
    p.emplace_back(c);
  }
  sql += fmt::format(" ORDER BY time_ns, id LIMIT {}", q.limit);
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_->query(sql, p));
  for (auto& r : rows) {
    StoredAlert a;
    a.id = vulndb::sql::as_int(r[0]);
    a.time_ns = static_cast<uint64_t>(vulndb::sql::as_int(r[1]));
    a.rule = vulndb::sql::as_text(r[2]);
    a.priority = vulndb::sql::as_text(r[3]);
    a.source = vulndb::sql::as_text(r[4]);
    a.hostname = vulndb::sql::as_text(r[5]);
    a.container_id = vulndb::sql::as_text(r[6]);
    a.origin = vulndb::sql::as_text(r[7]);
    a.output = vulndb::sql::as_text(r[8]);
    a.json = vulndb::sql::as_text(r[9]);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace dagda::state
