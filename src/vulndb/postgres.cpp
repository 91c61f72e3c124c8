// The PostgreSQL backend (libpq). Statements come with `?` placeholders, which
// are rewritten to $1..$n outside quoted text and comments. Parameters travel
// as text with their types (int8, float8; strings and NULL are left for the
// server to infer, as SQLite would coerce them). Inserters buffer rows in
// COPY's text format and send each batch as one complete COPY, so several
// inserters may be open at once and queries still see every row added before
// them (pending rows are flushed first), as with the SQLite backend.
#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <memory>
#include <optional>
#include <vector>

#include "common/strings.hpp"
#include "vulndb/sql.hpp"

namespace dagda::vulndb::sql {

// Exposed for the unit tests (declared there); not part of the interface.
Result<std::string> postgres_rewrite_placeholders(std::string_view sql, size_t* count);
Status postgres_copy_escape(const Value& v, std::string& out);

namespace {

constexpr unsigned kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kOidOid = 26, kBoolOid = 16;
constexpr unsigned kFloat4Oid = 700, kFloat8Oid = 701, kNumericOid = 1700;
constexpr size_t kCopyBatchBytes = 4u << 20;

struct ResultCloser {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultCloser>;

// libpq messages end in a newline and may span lines: one line.
std::string one_line(const char* msg) {
  std::string s = msg ? msg : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  std::string out;
  for (char c : s) {
    if (c == '\n') {
      out += "; ";
    } else {
      out += c;
    }
  }
  return out.empty() ? "unknown error" : out;
}

std::string format_double(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return fmt::format("{}", d);
}

// Parses a value of a result column by its type.
Value column_value(const char* p, int len, unsigned type) {
  std::string_view s(p, size_t(len));
  switch (type) {
    case kInt8Oid:
    case kInt2Oid:
    case kInt4Oid:
    case kOidOid: {
      int64_t n = 0;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
      if (ec == std::errc() && end == s.data() + s.size()) return n;
      return std::string(s);
    }
    case kBoolOid:
      return int64_t(s == "t" ? 1 : 0);
    case kNumericOid: {
      int64_t n = 0;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
      if (ec == std::errc() && end == s.data() + s.size()) return n;
      [[fallthrough]];
    }
    case kFloat4Oid:
    case kFloat8Oid: {
      double d = 0;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
      if (ec == std::errc() && end == s.data() + s.size()) return d;
      if (s == "Infinity") return HUGE_VAL;
      if (s == "-Infinity") return -HUGE_VAL;
      if (s == "NaN") return std::nan("");
      return std::string(s);
    }
    default:
      return std::string(s);
  }
}

class PgInserter;

// What the connection and its inserters share; the inserters may outlive
// the connection object (then they fail cleanly).
struct PgState {
  PGconn* conn = nullptr;
  std::string where;  // "postgresql://user@host:port/db", never the password
  std::vector<PgInserter*> inserters;
  std::optional<Error> deferred;  // a flush that failed where it could not be returned

  Error failure(std::string_view what, const char* msg) const {
    return Error(ErrorCode::io, fmt::format("PostgreSQL: {}: {}", what, one_line(msg)), {.file = where});
  }
  Error failure(std::string_view what, const PGresult* r) const {
    std::string msg = one_line(r ? PQresultErrorMessage(r) : PQerrorMessage(conn));
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    if (state && *state) msg += fmt::format(" (SQLSTATE {})", state);
    return Error(ErrorCode::io, fmt::format("PostgreSQL: {}: {}", what, msg), {.file = where});
  }
  Status flush_all();
};

// The first words of a statement, to say which one failed.
std::string statement_head(std::string_view sql) {
  std::string s;
  for (char c : sql) {
    if (s.size() >= 60) {
      s += "...";
      break;
    }
    char d = (c == '\n' || c == '\t' || c == '\r') ? ' ' : c;
    if (d == ' ' && (s.empty() || s.back() == ' ')) continue;
    s += d;
  }
  return s;
}

class PgInserter final : public Inserter {
 public:
  PgInserter(std::shared_ptr<PgState> st, std::string copy_sql, std::string table, size_t ncols)
      : st_(std::move(st)), copy_sql_(std::move(copy_sql)), table_(std::move(table)), ncols_(ncols) {
    st_->inserters.push_back(this);
  }
  ~PgInserter() override {
    auto& v = st_->inserters;
    v.erase(std::remove(v.begin(), v.end(), this), v.end());
    // Rows added and never finished are still written (as SQLite's would
    // be); a failure surfaces on the connection's next statement.
    if (!buf_.empty() && st_->conn) {
      auto s = flush();
      if (!s.ok() && !st_->deferred) st_->deferred = s.error();
    }
  }

  Status add(std::span<const Value> row) override {
    if (row.size() != ncols_)
      return Error(
          ErrorCode::internal,
          fmt::format("PostgreSQL: COPY {}: a row of {} values for {} columns", table_, row.size(), ncols_),
          {.file = st_->where});
    size_t mark = buf_.size();
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) buf_ += '\t';
      auto s = postgres_copy_escape(row[i], buf_);
      if (!s.ok()) {
        buf_.resize(mark);
        return Error(ErrorCode::invalid_input,
                     fmt::format("PostgreSQL: COPY {}: column {}: {}", table_, i + 1, s.error().message()),
                     {.file = st_->where});
      }
    }
    buf_ += '\n';
    ++rows_;
    if (buf_.size() >= kCopyBatchBytes) return flush();
    return Ok{};
  }

  Status finish() override { return flush(); }

  // Sends the buffered rows as one COPY.
  Status flush() {
    if (buf_.empty()) return Ok{};
    if (!st_->conn)
      return Error(ErrorCode::internal, "PostgreSQL: inserter used after its connection closed");
    std::string data;
    data.swap(buf_);
    uint64_t rows = rows_;
    rows_ = 0;
    std::string what = fmt::format("COPY {} ({} rows)", table_, rows);
    PgResult r(PQexec(st_->conn, copy_sql_.c_str()));
    if (PQresultStatus(r.get()) != PGRES_COPY_IN) return st_->failure(what, r.get());
    if (PQputCopyData(st_->conn, data.data(), int(data.size())) != 1 ||
        PQputCopyEnd(st_->conn, nullptr) != 1) {
      auto e = st_->failure(what, PQerrorMessage(st_->conn));
      while (PGresult* rest = PQgetResult(st_->conn)) PQclear(rest);
      return e;
    }
    std::optional<Error> err;
    while (PGresult* res = PQgetResult(st_->conn)) {
      PgResult done(res);
      if (PQresultStatus(res) != PGRES_COMMAND_OK && !err) err = st_->failure(what, res);
    }
    if (err) return *err;
    return Ok{};
  }

 private:
  std::shared_ptr<PgState> st_;
  std::string copy_sql_, table_;
  size_t ncols_;
  std::string buf_;
  uint64_t rows_ = 0;
};

Status PgState::flush_all() {
  if (deferred) {
    Error e = *deferred;
    deferred.reset();
    return e;
  }
  for (auto* ins : inserters) DAGDA_TRY(ins->flush());
  return Ok{};
}

bool is_commit(std::string_view sql) {
  std::string s;
  for (char c : sql)
    if (c != ';' && c != ' ' && c != '\n' && c != '\t' && c != '\r') s += c;
  s = lower(s);
  return s == "commit" || s == "end" || s == "committransaction" || s == "commitwork";
}

class PgConnection final : public Connection {
 public:
  explicit PgConnection(std::shared_ptr<PgState> st) : st_(std::move(st)) {}
  ~PgConnection() override {
    PQfinish(st_->conn);
    st_->conn = nullptr;
  }
  std::string_view dialect() const override { return "postgresql"; }

  Status exec(std::string_view sql) override {
    DAGDA_TRY(st_->flush_all());
    std::string s(sql);
    PgResult r(PQexec(st_->conn, s.c_str()));
    auto status = PQresultStatus(r.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY)
      return st_->failure(statement_head(sql), r.get());
    // COMMIT of a transaction in which a statement failed rolls it back and
    // still "succeeds": say so.
    if (is_commit(sql) && std::string_view(PQcmdStatus(r.get())) == "ROLLBACK")
      return Error(ErrorCode::io, "PostgreSQL: COMMIT: the transaction had failed and was rolled back",
                   {.file = st_->where});
    return Ok{};
  }

  Result<std::vector<Row>> query(std::string_view sql, std::span<const Value> params) override {
    DAGDA_TRY(st_->flush_all());
    size_t count = 0;
    auto rewritten = postgres_rewrite_placeholders(sql, &count);
    if (!rewritten.ok()) return Error(rewritten.error()).in_file(st_->where);
    if (count != params.size())
      return Error(ErrorCode::internal,
                   fmt::format("PostgreSQL: {}: {} placeholders, {} parameters", statement_head(sql), count,
                               params.size()),
                   {.file = st_->where});
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    std::vector<int> lengths(params.size(), 0), formats(params.size(), 0);
    std::vector<unsigned> types(params.size(), 0);
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (auto* n = std::get_if<int64_t>(&v)) {
        text[i] = std::to_string(*n);
        types[i] = kInt8Oid;
      } else if (auto* d = std::get_if<double>(&v)) {
        text[i] = format_double(*d);
        types[i] = kFloat8Oid;
      } else if (auto* s = std::get_if<std::string>(&v)) {
        if (s->find('\0') != std::string::npos)
          return Error(
              ErrorCode::invalid_input,
              fmt::format(
                  "PostgreSQL: {}: parameter {} contains a NUL byte, which PostgreSQL text cannot hold",
                  statement_head(sql), i + 1),
              {.file = st_->where});
        text[i] = *s;
      } else {
        continue;  // NULL
      }
      values[i] = text[i].c_str();
      lengths[i] = int(text[i].size());
    }
    PgResult r(PQexecParams(st_->conn, rewritten->c_str(), int(params.size()), types.data(), values.data(),
                            lengths.data(), formats.data(), 0));
    auto status = PQresultStatus(r.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
      return st_->failure(statement_head(sql), r.get());
    std::vector<Row> rows;
    int nrows = PQntuples(r.get()), ncols = PQnfields(r.get());
    rows.reserve(size_t(nrows));
    std::vector<unsigned> coltypes(static_cast<size_t>(ncols));
    for (int c = 0; c < ncols; ++c) coltypes[size_t(c)] = PQftype(r.get(), c);
    for (int i = 0; i < nrows; ++i) {
      Row row;
      row.reserve(size_t(ncols));
      for (int c = 0; c < ncols; ++c) {
        if (PQgetisnull(r.get(), i, c)) {
          row.emplace_back(std::monostate{});
        } else {
          row.push_back(
              column_value(PQgetvalue(r.get(), i, c), PQgetlength(r.get(), i, c), coltypes[size_t(c)]));
        }
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  Result<std::unique_ptr<Inserter>> inserter(std::string_view table,
                                             std::span<const std::string_view> columns) override {
    DAGDA_TRY(st_->flush_all());
    std::string sql = fmt::format("COPY {} (", table);
    for (size_t i = 0; i < columns.size(); ++i) sql += fmt::format("{}{}", i ? ", " : "", columns[i]);
    sql += ") FROM STDIN";
    // Check the table and columns now, as SQLite's prepare does: an empty COPY.
    PgResult r(PQexec(st_->conn, sql.c_str()));
    if (PQresultStatus(r.get()) != PGRES_COPY_IN) return st_->failure(statement_head(sql), r.get());
    if (PQputCopyEnd(st_->conn, nullptr) != 1)
      return st_->failure(statement_head(sql), PQerrorMessage(st_->conn));
    std::optional<Error> err;
    while (PGresult* res = PQgetResult(st_->conn)) {
      PgResult done(res);
      if (PQresultStatus(res) != PGRES_COMMAND_OK && !err) err = st_->failure(statement_head(sql), res);
    }
    if (err) return *err;
    return std::unique_ptr<Inserter>(new PgInserter(st_, std::move(sql), std::string(table), columns.size()));
  }

 private:
  std::shared_ptr<PgState> st_;
};

void ignore_notice(void*, const char*) {}

}  // namespace

Result<std::string> postgres_rewrite_placeholders(std::string_view sql, size_t* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  size_t n = 0, i = 0;
  auto copy_until = [&](std::string_view close) -> Status {
    size_t end = sql.find(close, i);
    if (end == std::string_view::npos)
      return Error(ErrorCode::internal,
                   fmt::format("unterminated {} in SQL: {}", close, statement_head(sql)));
    out.append(sql.substr(i, end + close.size() - i));
    i = end + close.size();
    return Ok{};
  };
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      // 'it''s' and "a""b": a doubled quote continues the literal.
      size_t j = i + 1;
      for (;;) {
        j = sql.find(c, j);
        if (j == std::string_view::npos)
          return Error(ErrorCode::internal,
                       fmt::format("unterminated quote in SQL: {}", statement_head(sql)));
        if (j + 1 < sql.size() && sql[j + 1] == c) {
          j += 2;
          continue;
        }
        break;
      }
      out.append(sql.substr(i, j + 1 - i));
      i = j + 1;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t end = sql.find('\n', i);
      if (end == std::string_view::npos) end = sql.size();
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      DAGDA_TRY(copy_until("*/"));
    } else if (c == '?') {
      out += fmt::format("${}", ++n);
      ++i;
    } else {
      out += c;
      ++i;
    }
  }
  *count = n;
  return out;
}

Status postgres_copy_escape(const Value& v, std::string& out) {
  if (std::holds_alternative<std::monostate>(v)) {
    out += "\\N";
  } else if (auto* n = std::get_if<int64_t>(&v)) {
    out += std::to_string(*n);
  } else if (auto* d = std::get_if<double>(&v)) {
    out += format_double(*d);
  } else {
    const std::string& s = std::get<std::string>(v);
    for (char c : s) {
      switch (c) {
        case '\\':
          out += "\\\\";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\0':
          return Error(ErrorCode::invalid_input,
                       "text contains a NUL byte, which PostgreSQL text cannot hold");
        default:
          out += c;
      }
    }
  }
  return Ok{};
}

Result<std::unique_ptr<Connection>> open_postgres(const std::string& url) {
  // Defaults first; what the URL says overrides them.
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* vals[] = {"15", "dagda", url.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, vals, 1);
  if (!conn) return Error(ErrorCode::io, "PostgreSQL: out of memory");
  auto describe = [&] {
    std::string host = PQhost(conn) ? PQhost(conn) : "";
    std::string user = PQuser(conn) ? PQuser(conn) : "";
    std::string db = PQdb(conn) ? PQdb(conn) : "";
    std::string port = PQport(conn) ? PQport(conn) : "";
    if (!host.empty() && host.front() == '/') host = fmt::format("[socket {}]", host);
    return fmt::format("postgresql://{}{}{}{}/{}", user, user.empty() ? "" : "@", host,
                       port.empty() ? "" : ":" + port, db);
  };
  auto st = std::make_shared<PgState>();
  st->conn = conn;
  st->where = describe();
  if (PQstatus(conn) != CONNECTION_OK) {
    Error e(ErrorCode::io, fmt::format("cannot connect to PostgreSQL: {}", one_line(PQerrorMessage(conn))),
            {.file = st->where});
    PQfinish(conn);
    return e;
  }
  PQsetNoticeProcessor(conn, ignore_notice, nullptr);
  if (PQsetClientEncoding(conn, "UTF8") != 0) {
    Error e = st->failure("setting client_encoding to UTF8", PQerrorMessage(conn));
    PQfinish(conn);
    return e;
  }
  return std::unique_ptr<Connection>(new PgConnection(std::move(st)));
}

}  // namespace dagda::vulndb::sql
