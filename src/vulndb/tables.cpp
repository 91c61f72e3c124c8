#include "vulndb/tables.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/strings.hpp"

namespace dagda::vulndb::tables {
namespace {

using json = nlohmann::json;
using sql::Value;

// ---- binding helpers ----

// Text as stored: valid UTF-8 without NUL; empty is NULL.
Value text(const std::string& s) {
  if (s.empty()) return Value{};
  if (is_clean_utf8(s)) return Value{s};
  return Value{repair_utf8(s)};
}
// A NOT NULL text column: empty stays "".
Value text_nn(const std::string& s) { return is_clean_utf8(s) ? Value{s} : Value{repair_utf8(s)}; }
Value integer(int64_t v) { return Value{v}; }
Value real(double v) { return Value{v}; }

std::string_view event_name(version::OsvEvent::Kind k) {
  switch (k) {
    case version::OsvEvent::introduced: return "introduced";
    case version::OsvEvent::fixed: return "fixed";
    case version::OsvEvent::last_affected: return "last_affected";
    case version::OsvEvent::limit: return "limit";
  }
  return "introduced";
}

std::string ranges_json(const std::vector<version::OsvRange>& ranges) {
  if (ranges.empty()) return "";
  json out = json::array();
  for (auto& r : ranges) {
    json ev = json::array();
    for (auto& e : r.events) ev.push_back({{std::string(event_name(e.kind)), repair_utf8(e.version)}});
    out.push_back({{"type", repair_utf8(r.type)}, {"events", ev}});
  }
  return out.dump();
}

std::vector<version::OsvRange> parse_ranges(const std::string& s) {
  std::vector<version::OsvRange> out;
  if (s.empty()) return out;
  json j = json::parse(s, nullptr, false);
  if (!j.is_array()) return out;
  for (auto& r : j) {
    if (!r.is_object()) continue;
    version::OsvRange range;
    range.type = r.value("type", "");
    for (auto& e : r.value("events", json::array())) {
      if (!e.is_object()) continue;
      for (auto& [k, v] : e.items()) {
        version::OsvEvent ev{version::OsvEvent::introduced, v.is_string() ? v.get<std::string>() : ""};
        if (k == "fixed") ev.kind = version::OsvEvent::fixed;
        else if (k == "last_affected") ev.kind = version::OsvEvent::last_affected;
        else if (k == "limit") ev.kind = version::OsvEvent::limit;
        range.events.push_back(std::move(ev));
      }
    }
    out.push_back(std::move(range));
  }
  return out;
}

std::string cvss_json(const std::vector<Cvss>& v) {
  if (v.empty()) return "";
  json out = json::array();
  for (auto& c : v) {
    json e = {{"version", repair_utf8(c.version)}, {"vector", repair_utf8(c.vector)}, {"score", c.score},
              {"severity", repair_utf8(c.severity)}, {"source", repair_utf8(c.source)}};
    if (c.computed) e["computed"] = true;
    out.push_back(std::move(e));
  }
  return out.dump();
}

std::vector<Cvss> parse_cvss(const std::string& s) {
  std::vector<Cvss> out;
  if (s.empty()) return out;
  json j = json::parse(s, nullptr, false);
  if (!j.is_array()) return out;
  for (auto& c : j) {
    if (!c.is_object()) continue;
    Cvss x{c.value("version", ""), c.value("vector", ""), c.value("score", 0.0), c.value("severity", ""),
           c.value("source", "")};
    x.computed = c.value("computed", false);
    out.push_back(std::move(x));
  }
  return out;
}

std::string sql_type(Type t) {
  switch (t) {
    case Type::text: return "TEXT";
    case Type::integer: return "BIGINT";
    case Type::real: return "DOUBLE PRECISION";
  }
  return "TEXT";
}

// Column builders for the common cases, so that each column is one line.
#define TEXT(NAME, NN, FIELD)                                                        \
  Column<Row> {                                                                      \
    NAME, Type::text, NN, [](const Row& r) { return NN ? text_nn(r.FIELD) : text(r.FIELD); }, \
        [](Row& r, const Value& v) { r.FIELD = sql::as_text(v); }                    \
  }
#define INT(NAME, FIELD)                                                                 \
  Column<Row> {                                                                          \
    NAME, Type::integer, true, [](const Row& r) { return integer(int64_t(r.FIELD)); },   \
        [](Row& r, const Value& v) { r.FIELD = decltype(r.FIELD)(sql::as_int(v)); }      \
  }
#define REAL(NAME, FIELD)                                                                    \
  Column<Row> {                                                                              \
    NAME, Type::real, true, [](const Row& r) { return real(r.FIELD); },                      \
        [](Row& r, const Value& v) { r.FIELD = sql::as_double(v); }                          \
  }
#define LIST(NAME, FIELD)                                                                           \
  Column<Row> {                                                                                     \
    NAME, Type::text, false, [](const Row& r) { return text(list_json(r.FIELD)); },                 \
        [](Row& r, const Value& v) { r.FIELD = json_list(v); }                                      \
  }

}  // namespace

std::string list_json(const std::vector<std::string>& v) {
  if (v.empty()) return "";
  json out = json::array();
  for (auto& s : v) out.push_back(repair_utf8(s));
  return out.dump();
}

std::vector<std::string> json_list(const Value& v) {
  std::string s = sql::as_text(v);
  std::vector<std::string> out;
  if (s.empty()) return out;
  json j = json::parse(s, nullptr, false);
  if (!j.is_array()) return out;
  for (auto& e : j)
    if (e.is_string()) out.push_back(e.get<std::string>());
  return out;
}

template <class R>
std::string Table<R>::create_sql() const {
  std::string s = fmt::format("CREATE TABLE IF NOT EXISTS {} (", name);
  for (size_t i = 0; i < columns.size(); ++i)
    s += fmt::format("{}{} {}{}", i ? ", " : "", columns[i].name, sql_type(columns[i].type),
                     columns[i].not_null ? " NOT NULL" : "");
  s += ");\n";
  for (auto& ix : indexes)
    s += fmt::format("CREATE INDEX IF NOT EXISTS {}_{} ON {} ({});\n", name, ix.name, name, ix.expression);
  return s;
}

template <class R>
std::vector<std::string_view> Table<R>::column_names() const {
  std::vector<std::string_view> out;
  for (auto& c : columns) out.push_back(c.name);
  return out;
}

template <class R>
std::string Table<R>::select_list(std::string_view alias) const {
  std::string s;
  for (size_t i = 0; i < columns.size(); ++i)
    s += fmt::format("{}{}{}{}", i ? ", " : "", alias, alias.empty() ? "" : ".", columns[i].name);
  return s;
}

template <class R>
sql::Row Table<R>::bind(const R& r) const {
  sql::Row row;
  row.reserve(columns.size());
  for (auto& c : columns) row.push_back(c.bind(r));
  return row;
}

template <class R>
R Table<R>::read(const sql::Row& row, size_t offset) const {
  R r{};
  for (size_t i = 0; i < columns.size() && offset + i < row.size(); ++i) columns[i].read(r, row[offset + i]);
  return r;
}

// ---- the tables ----

const Table<MetaRow>& meta() {
  using Row = MetaRow;
  static const Table<Row> t{"meta", {TEXT("key", true, key), TEXT("value", true, value)}, {}, false};
  return t;
}

const Table<InputRow>& inputs() {
  using Row = InputRow;
  static const Table<Row> t{"inputs",
                            {INT("id", id), TEXT("path", true, path), TEXT("sha256", true, sha256),
                             TEXT("feed", true, feed), TEXT("data_date", true, data_date),
                             TEXT("imported_at", true, imported_at)},
                            {{"path", "path"}},
                            false};
  return t;
}

const Table<SourceCountRow>& source_counts() {
  using Row = SourceCountRow;
  static const Table<Row> t{"source_counts",
                            {INT("input_id", input_id), TEXT("source", true, source),
                             INT("vulnerabilities", vulnerabilities), INT("affected", affected),
                             INT("exploits", exploits), INT("kev", kev), INT("epss", epss), INT("bugtraq", bugtraq),
                             INT("signatures", signatures), TEXT("newest", true, newest)},
                            {{"input", "input_id"}}};
  return t;
}

const Table<StoredVulnerability>& vulnerabilities() {
  using Row = StoredVulnerability;
  static const Table<Row> t{
      "vulnerabilities",
      {INT("input_id", input_id), TEXT("source", true, source), TEXT("id", true, vuln.id),
       TEXT("summary", false, vuln.summary), TEXT("description", false, vuln.description),
       TEXT("published", false, vuln.published), TEXT("modified", false, vuln.modified),
       TEXT("severity", false, vuln.severity),
       Column<Row>{"cvss", Type::text, false, [](const Row& r) { return text(cvss_json(r.vuln.cvss)); },
                   [](Row& r, const Value& v) { r.vuln.cvss = parse_cvss(sql::as_text(v)); }},
       LIST("cwes", vuln.cwes), LIST("refs", vuln.references), LIST("scope", vuln.scope),
       INT("withdrawn", vuln.withdrawn)},
      {{"id", "lower(id)"}, {"input", "input_id"}}};
  return t;
}

namespace {
Table<Link> link_table(std::string_view name, std::string_view id_col, std::string_view other_col, Type id_type,
                       std::vector<Index> indexes) {
  using Row = Link;
  Column<Row> id = id_type == Type::integer
                       ? Column<Row>{id_col, Type::integer, true,
                                     [](const Row& r) { return integer(std::strtoll(r.id.c_str(), nullptr, 10)); },
                                     [](Row& r, const Value& v) { r.id = sql::as_text(v); }}
                       : Column<Row>{id_col, Type::text, true, [](const Row& r) { return text_nn(r.id); },
                                     [](Row& r, const Value& v) { r.id = sql::as_text(v); }};
  return Table<Row>{name,
                    {INT("input_id", input_id), id,
                     Column<Row>{other_col, Type::text, true, [](const Row& r) { return text_nn(r.other); },
                                 [](Row& r, const Value& v) { r.other = sql::as_text(v); }}},
                    std::move(indexes)};
}
}  // namespace

const Table<Link>& aliases() {
  static const Table<Link> t =
      link_table("aliases", "id", "alias", Type::text, {{"id", "lower(id)"}, {"alias", "lower(alias)"}, {"input", "input_id"}});
  return t;
}

const Table<Link>& related() {
  static const Table<Link> t = link_table("related", "id", "related", Type::text,
                                          {{"id", "lower(id)"}, {"related", "lower(related)"}, {"input", "input_id"}});
  return t;
}

const Table<StoredAffected>& affected() {
  using Row = StoredAffected;
  static const Table<Row> t{
      "affected",
      {INT("input_id", input_id), TEXT("source", true, source), TEXT("advisory_id", true, affected.advisory_id),
       TEXT("vuln_id", true, affected.vuln_id), LIST("aliases", affected.aliases), TEXT("ns", true, affected.ns),
       TEXT("package", true, affected.package),
       Column<Row>{"status", Type::text, true,
                   [](const Row& r) { return Value{std::string(to_string(r.affected.status))}; },
                   [](Row& r, const Value& v) {
                     r.affected.status = status_from_string(sql::as_text(v)).value_or(AffectedStatus::affected);
                   }},
       TEXT("fixed_version", false, affected.fixed_version), LIST("fixes", affected.fixes),
       Column<Row>{"ranges", Type::text, false, [](const Row& r) { return text(ranges_json(r.affected.ranges)); },
                   [](Row& r, const Value& v) { r.affected.ranges = parse_ranges(sql::as_text(v)); }},
       LIST("versions", affected.versions), TEXT("native_range", false, affected.constraint),
       TEXT("severity", false, affected.severity), TEXT("note", false, affected.note),
       TEXT("published", false, affected.published)},
      {{"key", "ns, package"},
       {"package", "package"},
       {"vuln", "lower(vuln_id)"},
       {"advisory", "lower(advisory_id)"},
       {"input", "input_id"}}};
  return t;
}

const Table<Stored<Exploit>>& exploits() {
  using Row = Stored<Exploit>;
  static const Table<Row> t{"exploits",
                            {INT("input_id", input_id), TEXT("source", true, source), INT("id", rec.id),
                             TEXT("title", false, rec.title), TEXT("published", false, rec.date),
                             TEXT("author", false, rec.author), TEXT("type", false, rec.type),
                             TEXT("platform", false, rec.platform), TEXT("file", false, rec.file)},
                            {{"id", "id"}, {"input", "input_id"}}};
  return t;
}

const Table<Link>& exploit_cves() {
  static const Table<Link> t = link_table("exploit_cves", "exploit_id", "cve", Type::integer,
                                          {{"cve", "lower(cve)"}, {"exploit", "exploit_id"}, {"input", "input_id"}});
  return t;
}

const Table<Stored<KevEntry>>& kev() {
  using Row = Stored<KevEntry>;
  static const Table<Row> t{
      "kev",
      {INT("input_id", input_id), TEXT("source", true, source), TEXT("cve", true, rec.cve),
       TEXT("vendor", false, rec.vendor), TEXT("product", false, rec.product), TEXT("name", false, rec.name),
       TEXT("date_added", false, rec.date_added), TEXT("description", false, rec.description),
       TEXT("required_action", false, rec.required_action), TEXT("due_date", false, rec.due_date),
       TEXT("ransomware", false, rec.ransomware), TEXT("notes", false, rec.notes), LIST("cwes", rec.cwes)},
      {{"cve", "lower(cve)"}, {"input", "input_id"}}};
  return t;
}

const Table<Stored<EpssScore>>& epss() {
  using Row = Stored<EpssScore>;
  static const Table<Row> t{"epss",
                            {INT("input_id", input_id), TEXT("source", true, source), TEXT("cve", true, rec.cve),
                             REAL("score", rec.score), REAL("percentile", rec.percentile),
                             TEXT("scored", false, rec.date)},
                            {{"cve", "lower(cve)"}, {"input", "input_id"}}};
  return t;
}

const Table<Stored<BugtraqEntry>>& bugtraq() {
  using Row = Stored<BugtraqEntry>;
  static const Table<Row> t{
      "bugtraq",
      {INT("input_id", input_id), TEXT("source", true, source), INT("bid", rec.bid), TEXT("title", false, rec.title),
       TEXT("vuln_class", false, rec.vuln_class), TEXT("published", false, rec.published),
       TEXT("updated", false, rec.updated), TEXT("credit", false, rec.credit), TEXT("url", false, rec.url),
       INT("is_remote", rec.remote), INT("is_local", rec.local), LIST("cves", rec.cves),
       LIST("vulnerable", rec.vulnerable)},
      {{"bid", "bid"}, {"input", "input_id"}}};
  return t;
}

const Table<Link>& bugtraq_cves() {
  static const Table<Link> t =
      link_table("bugtraq_cves", "bid", "cve", Type::integer, {{"cve", "lower(cve)"}, {"input", "input_id"}});
  return t;
}

const Table<Stored<Signature>>& signatures() {
  using Row = Stored<Signature>;
  static const Table<Row> t{"signatures",
                            {INT("input_id", input_id), TEXT("source", true, source), TEXT("kind", true, rec.kind),
                             TEXT("name", true, rec.name), TEXT("body", true, rec.body)},
                            {{"input", "input_id"}}};
  return t;
}

std::string schema_sql() {
  std::string s;
  s += meta().create_sql();
  s += inputs().create_sql();
  s += source_counts().create_sql();
  s += vulnerabilities().create_sql();
  s += aliases().create_sql();
  s += related().create_sql();
  s += affected().create_sql();
  s += exploits().create_sql();
  s += exploit_cves().create_sql();
  s += kev().create_sql();
  s += epss().create_sql();
  s += bugtraq().create_sql();
  s += bugtraq_cves().create_sql();
  s += signatures().create_sql();
  return s;
}

std::vector<std::string_view> per_input_tables() {
  return {vulnerabilities().name, aliases().name, related().name, affected().name,   exploits().name,
          exploit_cves().name,    kev().name,     epss().name,    bugtraq().name,    bugtraq_cves().name,
          signatures().name,      source_counts().name};
}

template struct Table<MetaRow>;
template struct Table<InputRow>;
template struct Table<SourceCountRow>;
template struct Table<StoredVulnerability>;
template struct Table<Link>;
template struct Table<StoredAffected>;
template struct Table<Stored<Exploit>>;
template struct Table<Stored<KevEntry>>;
template struct Table<Stored<EpssScore>>;
template struct Table<Stored<BugtraqEntry>>;
template struct Table<Stored<Signature>>;

}  // namespace dagda::vulndb::tables
