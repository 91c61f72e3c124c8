#include "state/rematch.hpp"

#include "state/jobs.hpp"
#include "state/tables.hpp"

namespace dagda::state {
namespace {

using vulndb::sql::as_int;
using vulndb::sql::Value;

constexpr std::string_view kDdl = R"sql(
CREATE TABLE IF NOT EXISTS state_rematch (id INTEGER PRIMARY KEY, generation BIGINT NOT NULL, updated_at BIGINT NOT NULL);
)sql";

}  // namespace

Status RematchMark::ensure_schema() { return create_tables(db_, kDdl); }

Result<int64_t> RematchMark::advance(int64_t generation, const std::string& request) {
  DAGDA_TRY(begin_write(db_));
  auto body = [&]() -> Result<int64_t> {
    std::vector<Value> first{generation, now_seconds()};
    DAGDA_ASSIGN_OR_RETURN(auto created, db_.query("INSERT INTO state_rematch (id, generation, updated_at) VALUES "
                                                   "(1, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                                                   first));
    if (!created.empty()) return int64_t{0};
    // On PostgreSQL the row lock makes a second server wait here, then find the mark moved.
    std::vector<Value> p{generation, now_seconds(), generation};
    DAGDA_ASSIGN_OR_RETURN(auto moved, db_.query("UPDATE state_rematch SET generation = ?, updated_at = ? WHERE id = 1 "
                                                 "AND generation < ? RETURNING id",
                                                 p));
    if (moved.empty()) return int64_t{0};
    return Jobs(db_).enqueue("rematch", request);
  };
  Result<int64_t> r = body();
  if (!r.ok()) {
    rollback(db_);
    return r;
  }
  if (auto st = commit(db_); !st.ok()) {
    rollback(db_);
    return st.error();
  }
  return r;
}

Result<int64_t> RematchMark::generation() {
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_.query("SELECT generation FROM state_rematch WHERE id = 1"));
  return rows.empty() ? int64_t{-1} : as_int(rows[0][0]);
}

}  // namespace dagda::state
