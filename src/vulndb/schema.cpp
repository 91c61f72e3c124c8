#include "vulndb/schema.hpp"

namespace dagda::vulndb {

// Every row carries input_id: the input it came from (its provenance), so a
// re-import replaces exactly what that input brought. JSON columns hold lists.
// Matching reads affected by (ns, package) first; the other indexes serve
// `dagda vuln` lookups by id.
std::string_view schema_sql() {
  return R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS inputs (
  id BIGINT PRIMARY KEY, path TEXT NOT NULL UNIQUE, sha256 TEXT NOT NULL, feed TEXT NOT NULL,
  data_date TEXT NOT NULL, imported_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS source_counts (
  input_id BIGINT NOT NULL, source TEXT NOT NULL, vulnerabilities BIGINT NOT NULL, affected BIGINT NOT NULL,
  exploits BIGINT NOT NULL, kev BIGINT NOT NULL, epss BIGINT NOT NULL, bugtraq BIGINT NOT NULL,
  signatures BIGINT NOT NULL, newest TEXT NOT NULL, PRIMARY KEY (input_id, source));
CREATE TABLE IF NOT EXISTS vulnerabilities (
  input_id BIGINT NOT NULL, source TEXT NOT NULL, id TEXT NOT NULL, summary TEXT, description TEXT,
  published TEXT, modified TEXT, severity TEXT, cvss TEXT, cwes TEXT, refs TEXT, withdrawn INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS vulnerabilities_id ON vulnerabilities (id);
CREATE INDEX IF NOT EXISTS vulnerabilities_input ON vulnerabilities (input_id);
CREATE TABLE IF NOT EXISTS aliases (input_id BIGINT NOT NULL, id TEXT NOT NULL, alias TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS aliases_id ON aliases (id);
CREATE INDEX IF NOT EXISTS aliases_alias ON aliases (alias);
CREATE INDEX IF NOT EXISTS aliases_input ON aliases (input_id);
CREATE TABLE IF NOT EXISTS affected (
  input_id BIGINT NOT NULL, source TEXT NOT NULL, advisory_id TEXT NOT NULL, vuln_id TEXT NOT NULL,
  aliases TEXT, ns TEXT NOT NULL, package TEXT NOT NULL, status TEXT NOT NULL, fixed_version TEXT,
  ranges TEXT, versions TEXT, native_range TEXT, severity TEXT, note TEXT, published TEXT);
CREATE INDEX IF NOT EXISTS affected_key ON affected (ns, package);
CREATE INDEX IF NOT EXISTS affected_package ON affected (package);
CREATE INDEX IF NOT EXISTS affected_vuln ON affected (vuln_id);
CREATE INDEX IF NOT EXISTS affected_advisory ON affected (advisory_id);
CREATE INDEX IF NOT EXISTS affected_input ON affected (input_id);
CREATE TABLE IF NOT EXISTS exploits (
  input_id BIGINT NOT NULL, source TEXT NOT NULL, id BIGINT NOT NULL, title TEXT, published TEXT,
  author TEXT, type TEXT, platform TEXT, file TEXT);
CREATE INDEX IF NOT EXISTS exploits_id ON exploits (id);
CREATE INDEX IF NOT EXISTS exploits_input ON exploits (input_id);
CREATE TABLE IF NOT EXISTS exploit_cves (input_id BIGINT NOT NULL, exploit_id BIGINT NOT NULL, cve TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS exploit_cves_cve ON exploit_cves (cve);
CREATE INDEX IF NOT EXISTS exploit_cves_input ON exploit_cves (input_id);
CREATE TABLE IF NOT EXISTS kev (
  input_id BIGINT NOT NULL, source TEXT NOT NULL, cve TEXT NOT NULL, vendor TEXT, product TEXT, name TEXT,
  date_added TEXT, description TEXT, required_action TEXT, due_date TEXT, ransomware TEXT, notes TEXT, cwes TEXT);
CREATE INDEX IF NOT EXISTS kev_cve ON kev (cve);
CREATE INDEX IF NOT EXISTS kev_input ON kev (input_id);
CREATE TABLE IF NOT EXISTS epss (
  input_id BIGINT NOT NULL, source TEXT NOT NULL, cve TEXT NOT NULL, score DOUBLE PRECISION NOT NULL,
  percentile DOUBLE PRECISION NOT NULL, scored TEXT);
CREATE INDEX IF NOT EXISTS epss_cve ON epss (cve);
CREATE INDEX IF NOT EXISTS epss_input ON epss (input_id);
CREATE TABLE IF NOT EXISTS bugtraq (
  input_id BIGINT NOT NULL, source TEXT NOT NULL, bid BIGINT NOT NULL, title TEXT, vuln_class TEXT,
  published TEXT, updated TEXT, credit TEXT, url TEXT, is_remote INTEGER, is_local INTEGER, cves TEXT, vulnerable TEXT);
CREATE INDEX IF NOT EXISTS bugtraq_bid ON bugtraq (bid);
CREATE INDEX IF NOT EXISTS bugtraq_input ON bugtraq (input_id);
CREATE TABLE IF NOT EXISTS bugtraq_cves (input_id BIGINT NOT NULL, bid BIGINT NOT NULL, cve TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS bugtraq_cves_cve ON bugtraq_cves (cve);
CREATE INDEX IF NOT EXISTS bugtraq_cves_input ON bugtraq_cves (input_id);
CREATE TABLE IF NOT EXISTS signatures (
  input_id BIGINT NOT NULL, source TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS signatures_input ON signatures (input_id);
)sql";
}

// Tables whose rows belong to an input (deleted when the input is replaced).
}  // namespace dagda::vulndb
