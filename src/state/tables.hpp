// state/tables.hpp: helpers shared by the parts of the state store that keep
// tables of their own (history, jobs, tokens).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "vulndb/sql.hpp"

namespace dagda::state {

// Creates a part's tables when missing. `ddl` uses `{id}` for the
// auto-increment primary key, written in each dialect. On PostgreSQL the
// creation holds an advisory lock, so servers starting together do not race.
Status create_tables(vulndb::sql::Connection& db, std::string_view ddl);

// BEGIN that takes SQLite's write lock at once (no deadlock between two
// readers that both want to write later); plain BEGIN on PostgreSQL.
Status begin_write(vulndb::sql::Connection& db);
Status commit(vulndb::sql::Connection& db);
void rollback(vulndb::sql::Connection& db);

int64_t now_seconds();
// Seconds since the epoch as 2026-01-02T03:04:05Z.
std::string iso_time(int64_t seconds);

}  // namespace dagda::state
