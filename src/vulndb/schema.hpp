// vulndb/schema.hpp: the tables, in the SQL that SQLite and PostgreSQL share.
#pragma once

#include <string_view>

namespace dagda::vulndb {

inline constexpr int kSchemaVersion = 1;

// Statements that create every table and index when missing.
std::string_view schema_sql();

}  // namespace dagda::vulndb
