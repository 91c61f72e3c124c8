#include "state/jobs.hpp"

#include <fmt/format.h>

#include "state/tables.hpp"

namespace dagda::state {
namespace {

using vulndb::sql::as_int;
using vulndb::sql::as_text;
using vulndb::sql::Value;

constexpr std::string_view kDdl = R"sql(
CREATE TABLE IF NOT EXISTS jobs (
  id {id}, kind TEXT NOT NULL, request TEXT NOT NULL, state TEXT NOT NULL, report_id BIGINT NOT NULL,
  error TEXT NOT NULL, attempts BIGINT NOT NULL, max_attempts BIGINT NOT NULL, worker TEXT NOT NULL,
  lease_until BIGINT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS jobs_ready ON jobs (state, id);
CREATE INDEX IF NOT EXISTS jobs_kind ON jobs (kind, id);
CREATE TABLE IF NOT EXISTS job_results (job_id BIGINT PRIMARY KEY, result TEXT NOT NULL);
)sql";

constexpr std::string_view kColumns =
    "id, kind, request, state, report_id, error, attempts, max_attempts, worker, lease_until, created_at, updated_at";

Job from_row(const vulndb::sql::Row& r) {
  return Job{as_int(r[0]),  as_text(r[1]), as_text(r[2]), as_text(r[3]), as_int(r[4]),  as_text(r[5]),
             as_int(r[6]),  as_int(r[7]),  as_text(r[8]), as_int(r[9]),  as_int(r[10]), as_int(r[11])};
}

// Runs `body` in a write transaction, rolled back when it fails.
template <typename T, typename F>
Result<T> in_transaction(vulndb::sql::Connection& db, F&& body) {
  DAGDA_TRY(begin_write(db));
  Result<T> r = body();
  if (!r.ok()) {
    rollback(db);
    return r;
  }
  if (auto st = commit(db); !st.ok()) {
    rollback(db);
    return st.error();
  }
  return r;
}

}  // namespace

Status Jobs::ensure_schema() { return create_tables(db_, kDdl); }

Result<int64_t> Jobs::enqueue(const std::string& kind, const std::string& request, int64_t max_attempts) {
  int64_t now = now_seconds();
  std::vector<Value> p{kind, request, std::max<int64_t>(1, max_attempts), now, now};
  DAGDA_ASSIGN_OR_RETURN(auto rows,
                         db_.query("INSERT INTO jobs (kind, request, state, report_id, error, attempts, max_attempts, "
                                   "worker, lease_until, created_at, updated_at) VALUES (?, ?, 'queued', 0, '', 0, ?, "
                                   "'', 0, ?, ?) RETURNING id",
                                   p));
  return as_int(rows.at(0)[0]);
}

Result<std::optional<Job>> Jobs::get(int64_t id) {
  std::vector<Value> p{id};
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_.query(fmt::format("SELECT {} FROM jobs WHERE id = ?", kColumns), p));
  if (rows.empty()) return std::optional<Job>{};
  return std::optional<Job>{from_row(rows[0])};
}

Result<std::optional<Job>> Jobs::claim(const std::string& worker, int64_t lease_seconds) {
  const bool pg = db_.dialect() == "postgresql";
  return in_transaction<std::optional<Job>>(db_, [&]() -> Result<std::optional<Job>> {
    int64_t now = now_seconds();
    std::vector<Value> expired{now, now};
    DAGDA_TRY(db_.query("UPDATE jobs SET state = 'failed', updated_at = ?, error = CASE WHEN error = '' THEN "
                        "'the worker stopped answering on every attempt' ELSE error END WHERE state = 'running' AND "
                        "lease_until < ? AND attempts >= max_attempts",
                        expired));
    std::vector<Value> p{worker, now + lease_seconds, now, now};
    std::string sql = fmt::format(
        "UPDATE jobs SET state = 'running', worker = ?, lease_until = ?, attempts = attempts + 1, updated_at = ? "
        "WHERE id = (SELECT id FROM jobs WHERE state = 'queued' OR (state = 'running' AND lease_until < ?) "
        "ORDER BY id LIMIT 1{}) RETURNING {}",
        pg ? " FOR UPDATE SKIP LOCKED" : "", kColumns);
    DAGDA_ASSIGN_OR_RETURN(auto rows, db_.query(sql, p));
    if (rows.empty()) return std::optional<Job>{};
    return std::optional<Job>{from_row(rows[0])};
  });
}

Result<bool> Jobs::renew(int64_t id, const std::string& worker, int64_t lease_seconds) {
  int64_t now = now_seconds();
  std::vector<Value> p{now + lease_seconds, now, id, worker};
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_.query("UPDATE jobs SET lease_until = ?, updated_at = ? WHERE id = ? AND "
                                              "worker = ? AND state = 'running' RETURNING id",
                                              p));
  return !rows.empty();
}

Result<bool> Jobs::complete(int64_t id, const std::string& worker,
                            const std::function<Result<int64_t>()>& store_report) {
  return in_transaction<bool>(db_, [&]() -> Result<bool> {
    std::vector<Value> own{id, worker};
    DAGDA_ASSIGN_OR_RETURN(auto held,
                           db_.query("SELECT id FROM jobs WHERE id = ? AND worker = ? AND state = 'running'", own));
    if (held.empty()) return false;
    DAGDA_ASSIGN_OR_RETURN(int64_t report, store_report());
    std::vector<Value> p{report, now_seconds(), id, worker};
    DAGDA_ASSIGN_OR_RETURN(auto rows, db_.query("UPDATE jobs SET state = 'done', report_id = ?, error = '', "
                                                "updated_at = ? WHERE id = ? AND worker = ? AND state = 'running' "
                                                "RETURNING id",
                                                p));
    if (rows.empty()) return Error(ErrorCode::internal, fmt::format("job {} changed hands while completing", id));
    return true;
  });
}

Result<bool> Jobs::fail(int64_t id, const std::string& worker, const std::string& error, bool retry) {
  std::vector<Value> p{retry ? int64_t{1} : int64_t{0}, error, now_seconds(), id, worker};
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_.query("UPDATE jobs SET state = CASE WHEN ? = 1 AND attempts < max_attempts "
                                              "THEN 'queued' ELSE 'failed' END, error = ?, worker = '', "
                                              "lease_until = 0, updated_at = ? WHERE id = ? AND worker = ? AND "
                                              "state = 'running' RETURNING id",
                                              p));
  return !rows.empty();
}

Result<bool> Jobs::release(int64_t id, const std::string& worker) {
  std::vector<Value> p{now_seconds(), id, worker};
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_.query("UPDATE jobs SET state = 'queued', worker = '', lease_until = 0, "
                                              "attempts = attempts - 1, updated_at = ? WHERE id = ? AND worker = ? "
                                              "AND state = 'running' RETURNING id",
                                              p));
  return !rows.empty();
}

Result<std::map<std::string, int64_t>> Jobs::counts() {
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_.query("SELECT state, count(*) FROM jobs GROUP BY state"));
  std::map<std::string, int64_t> out{{"queued", 0}, {"running", 0}, {"done", 0}, {"failed", 0}};
  for (auto& r : rows) out[as_text(r[0])] = as_int(r[1]);
  return out;
}

Result<std::optional<Job>> Jobs::latest(const std::string& kind, bool active) {
  std::vector<Value> p{kind};
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_.query(fmt::format("SELECT {} FROM jobs WHERE kind = ?{} ORDER BY id DESC "
                                                          "LIMIT 1",
                                                          kColumns,
                                                          active ? " AND state IN ('queued', 'running')" : ""),
                                              p));
  if (rows.empty()) return std::optional<Job>{};
  return std::optional<Job>{from_row(rows[0])};
}

Status Jobs::set_result(int64_t id, const std::string& result) {
  std::vector<Value> p{id, result};
  DAGDA_TRY(db_.query("INSERT INTO job_results (job_id, result) VALUES (?, ?) ON CONFLICT (job_id) DO UPDATE SET "
                      "result = excluded.result",
                      p));
  return Ok{};
}

Result<std::string> Jobs::result(int64_t id) {
  std::vector<Value> p{id};
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_.query("SELECT result FROM job_results WHERE job_id = ?", p));
  return rows.empty() ? std::string() : as_text(rows[0][0]);
}

}  // namespace dagda::state
