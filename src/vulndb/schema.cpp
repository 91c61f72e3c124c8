#include "vulndb/schema.hpp"

#include "vulndb/tables.hpp"

namespace dagda::vulndb {

std::string schema_sql() { return tables::schema_sql(); }

}  // namespace dagda::vulndb
