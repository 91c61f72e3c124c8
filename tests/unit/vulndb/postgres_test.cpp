// The PostgreSQL backend against a real server (scripts/start-postgres.sh).
// Every test uses its own connection and temporary tables, so they run in parallel.
#include "support/postgres.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "vulndb/sql.hpp"

namespace dagda::vulndb::sql {
Result<std::string> postgres_rewrite_placeholders(std::string_view sql, size_t* count);
Status postgres_copy_escape(const Value& v, std::string& out);
}  // namespace dagda::vulndb::sql

namespace dagda::vulndb::sql {
namespace {

// Text that breaks naive quoting, COPY escaping or placeholder rewriting.
const std::vector<std::string> kHostile = {
    "",
    "plain",
    "it's",
    "'; DROP TABLE t; --",
    "a\tb\tc",
    "line1\nline2\r\nline3",
    "back\\slash\\",
    "\\N",
    "\\.",
    "ends with backslash\\",
    "question ? mark $1 ??",
    "\"double\" quotes",
    "/* comment */ -- too",
    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x89",
    std::string(100000, 'x') + "\t\n\\",
};

std::unique_ptr<Connection> connect(const std::string& url) {
  auto c = open_postgres(url);
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().render());
  return c.ok() ? std::move(c).value() : nullptr;
}

TEST(PostgresPlaceholders, RewrittenOutsideQuotesAndComments) {
  size_t n = 0;
  auto r = postgres_rewrite_placeholders(
      "SELECT '?', \"a?b\", 'it''s ?' FROM t -- why?\nWHERE a = ? AND b = ? /* ? */ AND c = '?"
      "?'",
      &n);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r,
            "SELECT '?', \"a?b\", 'it''s ?' FROM t -- why?\nWHERE a = $1 AND b = $2 /* ? */ AND c = '?"
            "?'");
  EXPECT_EQ(n, 2u);
  EXPECT_FALSE(postgres_rewrite_placeholders("SELECT 'unterminated ?", &n).ok());
  EXPECT_FALSE(postgres_rewrite_placeholders("SELECT 1 /* open", &n).ok());
}

TEST(PostgresCopyEscape, TextFormat) {
  std::string out;
  ASSERT_TRUE(postgres_copy_escape(Value{}, out).ok());
  out += '|';
  ASSERT_TRUE(postgres_copy_escape(Value{std::string("a\tb\nc\\d\re")}, out).ok());
  out += '|';
  ASSERT_TRUE(postgres_copy_escape(Value{int64_t(-42)}, out).ok());
  out += '|';
  ASSERT_TRUE(postgres_copy_escape(Value{std::string("\\N")}, out).ok());
  EXPECT_EQ(out, "\\N|a\\tb\\nc\\\\d\\re|-42|\\\\N");
  EXPECT_FALSE(postgres_copy_escape(Value{std::string("nul\0byte", 8)}, out).ok());
}

TEST(Postgres, TypesAndNulls) {
  DAGDA_NEED_POSTGRES(url);
  auto db = connect(url);
  ASSERT_TRUE(db);
  EXPECT_EQ(db->dialect(), "postgresql");
  ASSERT_TRUE(db->exec("CREATE TEMP TABLE t (i BIGINT, j INTEGER, d DOUBLE PRECISION, s TEXT);"
                       "INSERT INTO t VALUES (9223372036854775807, -2147483648, 0.1, 'x');"
                       "INSERT INTO t VALUES (NULL, NULL, NULL, NULL)")
                  .ok());
  auto rows = db->query("SELECT i, j, d, s FROM t ORDER BY i NULLS LAST");
  ASSERT_TRUE(rows.ok()) << rows.error().render();
  ASSERT_EQ(rows->size(), 2u);
  const Row& a = (*rows)[0];
  EXPECT_EQ(std::get<int64_t>(a[0]), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(std::get<int64_t>(a[1]), -2147483648LL);
  EXPECT_EQ(std::get<double>(a[2]), 0.1);
  EXPECT_EQ(std::get<std::string>(a[3]), "x");
  for (const Value& v : (*rows)[1]) EXPECT_TRUE(std::holds_alternative<std::monostate>(v));

  // Aggregates read as numbers, as they do in SQLite.
  auto agg = db->query("SELECT count(*), sum(i), avg(j), max(d), true FROM t");
  ASSERT_TRUE(agg.ok()) << agg.error().render();
  const Row& g = (*agg)[0];
  EXPECT_EQ(std::get<int64_t>(g[0]), 2);
  EXPECT_EQ(std::get<int64_t>(g[1]), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(std::get<double>(g[2]), -2147483648.0);
  EXPECT_EQ(std::get<double>(g[3]), 0.1);
  EXPECT_EQ(std::get<int64_t>(g[4]), 1);
}

TEST(Postgres, ParametersOfEveryType) {
  DAGDA_NEED_POSTGRES(url);
  auto db = connect(url);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->exec("CREATE TEMP TABLE p (k INTEGER, i BIGINT, d DOUBLE PRECISION, s TEXT)").ok());
  const std::vector<double> doubles = {
      0.0, -1.5, 1e300, 5e-324, 0.30000000000000004, std::numeric_limits<double>::infinity()};
  for (size_t k = 0; k < doubles.size(); ++k) {
    std::vector<Value> p = {int64_t(k), std::numeric_limits<int64_t>::min() + int64_t(k), doubles[k],
                            std::string("s") + std::to_string(k)};
    auto r = db->query("INSERT INTO p VALUES (?, ?, ?, ?)", p);
    ASSERT_TRUE(r.ok()) << r.error().render();
  }
  std::vector<Value> null_row = {int64_t(99), Value{}, Value{}, Value{}};
  ASSERT_TRUE(db->query("INSERT INTO p VALUES (?, ?, ?, ?)", null_row).ok());
  for (size_t k = 0; k < doubles.size(); ++k) {
    std::vector<Value> key = {int64_t(k)};
    auto rows = db->query("SELECT i, d, s FROM p WHERE k = ?", key);
    ASSERT_TRUE(rows.ok()) << rows.error().render();
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ(std::get<int64_t>((*rows)[0][0]), std::numeric_limits<int64_t>::min() + int64_t(k));
    EXPECT_EQ(std::get<double>((*rows)[0][1]), doubles[k]) << k;
    EXPECT_EQ(std::get<std::string>((*rows)[0][2]), "s" + std::to_string(k));
  }
  auto nulls = db->query("SELECT count(*) FROM p WHERE i IS NULL AND d IS NULL AND s IS NULL");
  ASSERT_TRUE(nulls.ok());
  EXPECT_EQ(as_int((*nulls)[0][0]), 1);
  // A string parameter compared with an integer column is coerced, as in SQLite.
  std::vector<Value> text_key = {std::string("99")};
  auto coerced = db->query("SELECT count(*) FROM p WHERE k = ?", text_key);
  ASSERT_TRUE(coerced.ok()) << coerced.error().render();
  EXPECT_EQ(as_int((*coerced)[0][0]), 1);
}

TEST(Postgres, HostileTextRoundTripsThroughParametersAndCopy) {
  DAGDA_NEED_POSTGRES(url);
  auto db = connect(url);
  ASSERT_TRUE(db);
  ASSERT_TRUE(
      db->exec(
            "CREATE TEMP TABLE via_param (k BIGINT, s TEXT); CREATE TEMP TABLE via_copy (k BIGINT, s TEXT)")
          .ok());
  std::vector<std::string_view> cols = {"k", "s"};
  auto ins = db->inserter("via_copy", cols);
  ASSERT_TRUE(ins.ok()) << ins.error().render();
  for (size_t k = 0; k < kHostile.size(); ++k) {
    std::vector<Value> row = {int64_t(k), kHostile[k]};
    ASSERT_TRUE(db->query("INSERT INTO via_param (k, s) VALUES (?, ?)", row).ok());
    ASSERT_TRUE((*ins)->add(row).ok());
  }
  ASSERT_TRUE((*ins)->finish().ok());
  for (const char* table : {"via_param", "via_copy"}) {
    auto rows = db->query(std::string("SELECT k, s FROM ") + table + " ORDER BY k");
    ASSERT_TRUE(rows.ok()) << rows.error().render();
    ASSERT_EQ(rows->size(), kHostile.size()) << table;
    for (size_t k = 0; k < kHostile.size(); ++k) {
      EXPECT_EQ(std::get<int64_t>((*rows)[k][0]), int64_t(k));
      EXPECT_EQ(std::get<std::string>((*rows)[k][1]), kHostile[k]) << table << " row " << k;
    }
  }
  // The table the hostile text names still exists (nothing was executed).
  ASSERT_TRUE(db->query("SELECT count(*) FROM via_param").ok());
  // A NUL byte cannot be stored: a clear error, not a silently cut string.
  std::vector<Value> nul = {int64_t(1), std::string("a\0b", 3)};
  auto p = db->query("INSERT INTO via_param (k, s) VALUES (?, ?)", nul);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message().find("NUL"), std::string::npos) << p.error().render();
  auto ins2 = db->inserter("via_copy", cols);
  ASSERT_TRUE(ins2.ok());
  auto c = (*ins2)->add(nul);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().render().find("via_copy"), std::string::npos) << c.error().render();
}

TEST(Postgres, CopyNullsEmptyStringsAndNumbers) {
  DAGDA_NEED_POSTGRES(url);
  auto db = connect(url);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->exec("CREATE TEMP TABLE c (i BIGINT, d DOUBLE PRECISION, s TEXT)").ok());
  std::vector<std::string_view> cols = {"i", "d", "s"};
  auto ins = db->inserter("c", cols);
  ASSERT_TRUE(ins.ok());
  std::vector<Value> r1 = {int64_t(-7), 2.5, std::string("")};
  std::vector<Value> r2 = {Value{}, Value{}, Value{}};
  std::vector<Value> r3 = {std::numeric_limits<int64_t>::min(), -std::numeric_limits<double>::infinity(),
                           std::string("\\N")};
  for (auto* r : {&r1, &r2, &r3}) ASSERT_TRUE((*ins)->add(*r).ok());
  std::vector<Value> short_row = {int64_t(1)};
  EXPECT_FALSE((*ins)->add(short_row).ok());
  ASSERT_TRUE((*ins)->finish().ok());
  auto rows = db->query("SELECT i, d, s FROM c ORDER BY i NULLS LAST");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ(std::get<int64_t>((*rows)[0][0]), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(std::get<double>((*rows)[0][1]), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(std::get<std::string>((*rows)[0][2]), "\\N");
  EXPECT_EQ(std::get<std::string>((*rows)[1][2]), "");  // empty, not NULL
  for (const Value& v : (*rows)[2]) EXPECT_TRUE(std::holds_alternative<std::monostate>(v));
}

TEST(Postgres, InterleavedInsertersAndQueriesSeeEveryRowAdded) {
  DAGDA_NEED_POSTGRES(url);
  auto db = connect(url);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->exec("CREATE TEMP TABLE a (n BIGINT, s TEXT); CREATE TEMP TABLE b (n BIGINT)").ok());
  std::vector<std::string_view> ca = {"n", "s"}, cb = {"n"};
  auto ia = db->inserter("a", ca);
  auto ib = db->inserter("b", cb);
  ASSERT_TRUE(ia.ok() && ib.ok());
  // Enough rows for several COPY batches.
  const int64_t n = 300000;
  for (int64_t i = 0; i < n; ++i) {
    std::vector<Value> ra = {i, std::string("row\t") + std::to_string(i)};
    std::vector<Value> rb = {i * 2};
    ASSERT_TRUE((*ia)->add(ra).ok());
    ASSERT_TRUE((*ib)->add(rb).ok());
    if (i == 10) {
      // Before finish(): a query sees what was added, as with SQLite.
      auto mid = db->query("SELECT count(*) FROM a");
      ASSERT_TRUE(mid.ok()) << mid.error().render();
      EXPECT_EQ(as_int((*mid)[0][0]), 11);
    }
  }
  ASSERT_TRUE((*ia)->finish().ok());
  ASSERT_TRUE((*ib)->finish().ok());
  auto counts = db->query("SELECT (SELECT count(*) FROM a), (SELECT sum(n) FROM b), (SELECT max(s) FROM a)");
  ASSERT_TRUE(counts.ok()) << counts.error().render();
  EXPECT_EQ(as_int((*counts)[0][0]), n);
  EXPECT_EQ(as_int((*counts)[0][1]), n * (n - 1));
  EXPECT_EQ(as_text((*counts)[0][2]), "row\t99999");
}

TEST(Postgres, TransactionsAllOrNothing) {
  DAGDA_NEED_POSTGRES(url);
  auto db = connect(url);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->exec("CREATE TEMP TABLE x (n BIGINT PRIMARY KEY)").ok());
  std::vector<std::string_view> cols = {"n"};
  ASSERT_TRUE(db->exec("BEGIN").ok());
  {
    auto ins = db->inserter("x", cols);
    ASSERT_TRUE(ins.ok());
    for (int64_t i = 0; i < 100; ++i) {
      std::vector<Value> r = {i};
      ASSERT_TRUE((*ins)->add(r).ok());
    }
    ASSERT_TRUE((*ins)->finish().ok());
  }
  ASSERT_TRUE(db->exec("ROLLBACK").ok());
  auto none = db->query("SELECT count(*) FROM x");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(as_int((*none)[0][0]), 0);

  // A failed statement inside a transaction makes COMMIT fail, not "succeed" as a rollback.
  ASSERT_TRUE(db->exec("BEGIN; INSERT INTO x VALUES (1)").ok());
  EXPECT_FALSE(db->exec("INSERT INTO x VALUES (1)").ok());  // duplicate key
  auto commit = db->exec("COMMIT");
  ASSERT_FALSE(commit.ok());
  EXPECT_NE(commit.error().message().find("rolled back"), std::string::npos) << commit.error().render();
  auto after = db->query("SELECT count(*) FROM x");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(as_int((*after)[0][0]), 0);

  // A duplicate key within a COPY batch fails that COPY, naming the table.
  auto ins = db->inserter("x", cols);
  ASSERT_TRUE(ins.ok());
  std::vector<Value> dup = {int64_t(5)};
  ASSERT_TRUE((*ins)->add(dup).ok());
  ASSERT_TRUE((*ins)->add(dup).ok());
  auto fin = (*ins)->finish();
  ASSERT_FALSE(fin.ok());
  EXPECT_NE(fin.error().render().find("COPY x"), std::string::npos) << fin.error().render();
  EXPECT_NE(fin.error().render().find("23505"), std::string::npos) << fin.error().render();
}

TEST(Postgres, ErrorsNameTheServerAndTheStatement) {
  DAGDA_NEED_POSTGRES(url);
  auto db = connect(url);
  ASSERT_TRUE(db);
  auto bad = db->query("SELEC 1");
  ASSERT_FALSE(bad.ok());
  std::string msg = bad.error().render();
  EXPECT_NE(msg.find("postgresql://"), std::string::npos) << msg;
  EXPECT_NE(msg.find("/dagda_test"), std::string::npos) << msg;
  EXPECT_NE(msg.find("SELEC 1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("42601"), std::string::npos) << msg;  // syntax_error

  std::vector<std::string_view> cols = {"a"};
  auto ins = db->inserter("no_such_table", cols);
  ASSERT_FALSE(ins.ok());
  EXPECT_NE(ins.error().render().find("no_such_table"), std::string::npos) << ins.error().render();

  std::vector<Value> one = {int64_t(1)};
  auto mismatch = db->query("SELECT ?, ?", one);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.error().message().find("2 placeholders, 1 parameters"), std::string::npos);

  // The connection is still usable after errors outside a transaction.
  auto fine = db->query("SELECT 1");
  ASSERT_TRUE(fine.ok());
}

TEST(Postgres, ConnectionErrorsNeverShowThePassword) {
  DAGDA_NEED_POSTGRES(url);
  // A database that does not exist on the real server.
  std::string nodb = url.substr(0, url.rfind('/')) + "/no_such_db";
  nodb.replace(nodb.find("://") + 3, 0, "");
  std::string with_password = nodb;
  with_password.replace(with_password.find('@'), 1, ":Sup3rS3cret@");
  auto r = open_postgres(with_password);
  ASSERT_FALSE(r.ok());
  std::string msg = r.error().render();
  EXPECT_NE(msg.find("no_such_db"), std::string::npos) << msg;
  EXPECT_NE(msg.find("127.0.0.1"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("Sup3rS3cret"), std::string::npos) << msg;

  // A port where nothing listens (the server's port + 1 is not ours either way: look for the refusal).
  auto closed = open_postgres("postgresql://dagda:Sup3rS3cret@127.0.0.1:1/dagda_test?connect_timeout=5");
  ASSERT_FALSE(closed.ok());
  std::string cm = closed.error().render();
  EXPECT_NE(cm.find("cannot connect to PostgreSQL"), std::string::npos) << cm;
  EXPECT_NE(cm.find("127.0.0.1:1"), std::string::npos) << cm;
  EXPECT_EQ(cm.find("Sup3rS3cret"), std::string::npos) << cm;

  auto garbage = open_postgres("postgresql://[::1");
  ASSERT_FALSE(garbage.ok());
}

}  // namespace
}  // namespace dagda::vulndb::sql
