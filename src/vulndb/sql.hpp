// vulndb/sql.hpp: the little SQL the store needs, over SQLite or PostgreSQL.
// Statements use `?` placeholders and the common subset of both dialects;
// the PostgreSQL backend rewrites `?` to `$n`.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.hpp"

namespace dagda::vulndb::sql {

using Value = std::variant<std::monostate, int64_t, double, std::string>;
using Row = std::vector<Value>;

// Readers for a column of a fetched row; NULL reads as 0 / "".
int64_t as_int(const Value& v);
double as_double(const Value& v);
std::string as_text(const Value& v);

// Appends many rows to one table, fast (prepared INSERT in SQLite, COPY in PostgreSQL).
class Inserter {
 public:
  virtual ~Inserter() = default;
  virtual Status add(std::span<const Value> row) = 0;
  // Flushes what is buffered; must be called before the transaction commits.
  virtual Status finish() = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual std::string_view dialect() const = 0;  // "sqlite" or "postgresql"
  // Runs one or more statements that return nothing.
  virtual Status exec(std::string_view sql) = 0;
  // Runs one statement with parameters and returns every row.
  virtual Result<std::vector<Row>> query(std::string_view sql, std::span<const Value> params = {}) = 0;
  virtual Result<std::unique_ptr<Inserter>> inserter(std::string_view table,
                                                     std::span<const std::string_view> columns) = 0;
};

// A SQLite file, created when missing unless read_only.
Result<std::unique_ptr<Connection>> open_sqlite(const std::string& path, bool read_only);
// A libpq connection string or postgresql:// URL.
Result<std::unique_ptr<Connection>> open_postgres(const std::string& url);

}  // namespace dagda::vulndb::sql
