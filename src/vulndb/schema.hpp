// vulndb/schema.hpp: the schema version of the vulnerability database. The
// tables themselves are declared in vulndb/tables.hpp.
#pragma once

#include <string>

namespace dagda::vulndb {

// 2: tables made from vulndb/tables.hpp: `related` links apart from
// `aliases`, `scope` of a record's severity, `fixes` of an affected row,
// case-insensitive id indexes.
inline constexpr int kSchemaVersion = 2;

// Statements that create every table and index when missing.
std::string schema_sql();

}  // namespace dagda::vulndb
