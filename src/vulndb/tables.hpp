// vulndb/tables.hpp: every table of the vulnerability database, declared once:
// its columns, how a record binds to a row and how a row reads back. The SQL
// schema, the inserts and the selects of vulndb/store.cpp are made from these
// declarations, for SQLite and PostgreSQL alike.
//
// Text is repaired to valid UTF-8 without NUL bytes when it binds
// (common/strings.hpp repair_utf8): whatever an importer read, the database
// holds text that PostgreSQL accepts and JSON writers can print.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vulndb/record.hpp"
#include "vulndb/sql.hpp"

namespace dagda::vulndb {

// Rows as stored: a record with its provenance (the input it came from and
// the source that named it; see Store::replace_input).
struct StoredVulnerability {
  Vulnerability vuln;
  std::string source;
  int64_t input_id = 0;
};

struct StoredAffected {
  Affected affected;
  std::string source;
  int64_t input_id = 0;
};

}  // namespace dagda::vulndb

namespace dagda::vulndb::tables {

enum class Type { text, integer, real };

// One column: its SQL name and type, and how it binds from / reads into R.
template <class R>
struct Column {
  std::string_view name;
  Type type;
  bool not_null;
  sql::Value (*bind)(const R&);
  void (*read)(R&, const sql::Value&);
};

struct Index {
  std::string_view name;
  std::string_view expression;  // "lower(id)", "ns, package", ...
};

template <class R>
struct Table {
  std::string_view name;
  std::vector<Column<R>> columns;
  std::vector<Index> indexes;
  bool per_input = true;  // rows belong to an input (input_id), replaced with it

  // CREATE TABLE and CREATE INDEX statements (IF NOT EXISTS).
  std::string create_sql() const;
  std::vector<std::string_view> column_names() const;
  // "a.c1, a.c2, ..." (alias "" gives bare names), in declaration order.
  std::string select_list(std::string_view alias = {}) const;
  sql::Row bind(const R& r) const;
  // Reads the columns of select_list() starting at row[offset].
  R read(const sql::Row& row, size_t offset = 0) const;
};

// Per-input link rows: a record's list of ids, one row each.
struct Link {
  int64_t input_id = 0;
  std::string id;     // the record's id (vulnerability id, exploit id, BugTraq id as text)
  std::string other;  // the alias, related id or CVE
};

struct InputRow {
  int64_t id = 0;
  std::string path, sha256, feed, data_date, imported_at;
};

struct SourceCountRow {
  int64_t input_id = 0;
  std::string source;
  int64_t vulnerabilities = 0, affected = 0, exploits = 0, kev = 0, epss = 0, bugtraq = 0, signatures = 0;
  std::string newest;
};

struct MetaRow {
  std::string key, value;
};

template <class R>
struct Stored {
  R rec;
  std::string source;
  int64_t input_id = 0;
};

const Table<MetaRow>& meta();
const Table<InputRow>& inputs();
const Table<SourceCountRow>& source_counts();
const Table<StoredVulnerability>& vulnerabilities();
const Table<Link>& aliases();  // id -> alias: two names of one vulnerability
const Table<Link>& related();  // id -> related: linked records that are not the same vulnerability
const Table<StoredAffected>& affected();
const Table<Stored<Exploit>>& exploits();
const Table<Link>& exploit_cves();  // exploit id -> CVE
const Table<Stored<KevEntry>>& kev();
const Table<Stored<EpssScore>>& epss();
const Table<Stored<BugtraqEntry>>& bugtraq();
const Table<Link>& bugtraq_cves();  // BugTraq id -> CVE
const Table<Stored<Signature>>& signatures();

// Every table's statements, plus the false-positive marks table (not a
// vulndb table: kept as it was until it moves to the state store).
std::string schema_sql();
// The tables whose rows belong to an input, for Store::replace_input.
std::vector<std::string_view> per_input_tables();

// JSON columns: lists of strings, OSV ranges, CVSS entries.
std::string list_json(const std::vector<std::string>& v);
std::vector<std::string> json_list(const sql::Value& v);

}  // namespace dagda::vulndb::tables
