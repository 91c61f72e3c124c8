#include "vulndb/store.hpp"

#include <array>
#include <chrono>
#include <ctime>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/fs.hpp"
#include "vulndb/schema.hpp"

namespace dagda::vulndb {
namespace {

using json = nlohmann::json;
using sql::Value;

constexpr std::array<std::string_view, 10> kOwnedTables = {"vulnerabilities", "aliases", "affected",   "exploits",
                                                           "exploit_cves",    "kev",     "epss",       "bugtraq",
                                                           "bugtraq_cves",    "signatures"};

std::string now_utc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Value text(const std::string& s) { return s.empty() ? Value{} : Value{s}; }

std::string list_json(const std::vector<std::string>& v) { return v.empty() ? std::string() : json(v).dump(); }

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
    for (auto& e : r.events) ev.push_back({{std::string(event_name(e.kind)), e.version}});
    out.push_back({{"type", r.type}, {"events", ev}});
  }
  return out.dump();
}

std::vector<version::OsvRange> parse_ranges(const std::string& s) {
  std::vector<version::OsvRange> out;
  if (s.empty()) return out;
  json j = json::parse(s, nullptr, false);
  if (!j.is_array()) return out;
  for (auto& r : j) {
    version::OsvRange range;
    range.type = r.value("type", "");
    for (auto& e : r.value("events", json::array())) {
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
  for (auto& c : v)
    out.push_back({{"version", c.version}, {"vector", c.vector}, {"score", c.score}, {"severity", c.severity},
                   {"source", c.source}});
  return out.dump();
}

std::vector<Cvss> parse_cvss(const std::string& s) {
  std::vector<Cvss> out;
  if (s.empty()) return out;
  json j = json::parse(s, nullptr, false);
  if (!j.is_array()) return out;
  for (auto& c : j)
    out.push_back(Cvss{c.value("version", ""), c.value("vector", ""), c.value("score", 0.0), c.value("severity", ""),
                       c.value("source", "")});
  return out;
}

class StoreSink final : public InputSink {
 public:
  StoreSink(sql::Connection& db, int64_t input_id, std::string source) : db_(db), input_(input_id), source_(std::move(source)) {}

  Status open() {
    auto make = [&](std::unique_ptr<sql::Inserter>& slot, std::string_view table,
                    std::initializer_list<std::string_view> cols) -> Status {
      std::vector<std::string_view> c(cols);
      DAGDA_ASSIGN_OR_RETURN(slot, db_.inserter(table, c));
      return Ok{};
    };
    DAGDA_TRY(make(vulns_, "vulnerabilities",
                   {"input_id", "source", "id", "summary", "description", "published", "modified", "severity", "cvss",
                    "cwes", "refs", "withdrawn"}));
    DAGDA_TRY(make(aliases_, "aliases", {"input_id", "id", "alias"}));
    DAGDA_TRY(make(affected_, "affected",
                   {"input_id", "source", "advisory_id", "vuln_id", "aliases", "ns", "package", "status",
                    "fixed_version", "ranges", "versions", "native_range", "severity", "note", "published"}));
    DAGDA_TRY(make(exploits_, "exploits",
                   {"input_id", "source", "id", "title", "published", "author", "type", "platform", "file"}));
    DAGDA_TRY(make(exploit_cves_, "exploit_cves", {"input_id", "exploit_id", "cve"}));
    DAGDA_TRY(make(kev_, "kev",
                   {"input_id", "source", "cve", "vendor", "product", "name", "date_added", "description",
                    "required_action", "due_date", "ransomware", "notes", "cwes"}));
    DAGDA_TRY(make(epss_, "epss", {"input_id", "source", "cve", "score", "percentile", "scored"}));
    DAGDA_TRY(make(bugtraq_, "bugtraq",
                   {"input_id", "source", "bid", "title", "vuln_class", "published", "updated", "credit", "url",
                    "is_remote", "is_local", "cves", "vulnerable"}));
    DAGDA_TRY(make(bugtraq_cves_, "bugtraq_cves", {"input_id", "bid", "cve"}));
    DAGDA_TRY(make(signatures_, "signatures", {"input_id", "source", "kind", "name", "body"}));
    return Ok{};
  }

  void source(std::string_view name) override { source_ = std::string(name); }

  void add(Vulnerability&& v) override {
    put(*vulns_, {input_, source_, v.id, text(v.summary), text(v.description), text(v.published), text(v.modified),
                  text(v.severity), text(cvss_json(v.cvss)), text(list_json(v.cwes)), text(list_json(v.references)),
                  int64_t(v.withdrawn)});
    for (auto& a : v.aliases)
      if (a != v.id) put(*aliases_, {input_, v.id, a});
    auto& c = counts_[source_];
    c.vulnerabilities++;
    newest(v.modified.empty() ? v.published : v.modified);
  }

  void add(Affected&& a) override {
    put(*affected_, {input_, source_, a.advisory_id, a.vuln_id.empty() ? a.advisory_id : a.vuln_id,
                     text(list_json(a.aliases)), a.ns, a.package, std::string(to_string(a.status)),
                     text(a.fixed_version), text(ranges_json(a.ranges)), text(list_json(a.versions)),
                     text(a.constraint), text(a.severity), text(a.note), text(a.published)});
    counts_[source_].affected++;
    newest(a.published);
  }

  void add(Exploit&& e) override {
    put(*exploits_, {input_, source_, e.id, text(e.title), text(e.date), text(e.author), text(e.type),
                     text(e.platform), text(e.file)});
    for (auto& cve : e.cves) put(*exploit_cves_, {input_, e.id, cve});
    counts_[source_].exploits++;
    newest(e.date);
  }

  void add(KevEntry&& k) override {
    put(*kev_, {input_, source_, k.cve, text(k.vendor), text(k.product), text(k.name), text(k.date_added),
                text(k.description), text(k.required_action), text(k.due_date), text(k.ransomware), text(k.notes),
                text(list_json(k.cwes))});
    counts_[source_].kev++;
    newest(k.date_added);
  }

  void add(EpssScore&& s) override {
    put(*epss_, {input_, source_, s.cve, s.score, s.percentile, text(s.date)});
    counts_[source_].epss++;
    newest(s.date);
  }

  void add(BugtraqEntry&& b) override {
    put(*bugtraq_, {input_, source_, b.bid, text(b.title), text(b.vuln_class), text(b.published), text(b.updated),
                    text(b.credit), text(b.url), int64_t(b.remote), int64_t(b.local), text(list_json(b.cves)),
                    text(list_json(b.vulnerable))});
    for (auto& cve : b.cves) put(*bugtraq_cves_, {input_, b.bid, cve});
    counts_[source_].bugtraq++;
    newest(b.updated.empty() ? b.published : b.updated);
  }

  void add(Signature&& s) override {
    put(*signatures_, {input_, source_, s.kind, s.name, s.body});
    counts_[source_].signatures++;
  }

  const std::map<std::string, SourceCounts>& counts() const override { return counts_; }

  Status finish() override {
    if (failure_) return *failure_;
    for (auto* ins : {&vulns_, &aliases_, &affected_, &exploits_, &exploit_cves_, &kev_, &epss_, &bugtraq_,
                      &bugtraq_cves_, &signatures_})
      DAGDA_TRY((*ins)->finish());
    DAGDA_ASSIGN_OR_RETURN(auto counts_ins,
                           db_.inserter("source_counts", std::vector<std::string_view>{
                                                             "input_id", "source", "vulnerabilities", "affected",
                                                             "exploits", "kev", "epss", "bugtraq", "signatures",
                                                             "newest"}));
    for (auto& [src, c] : counts_) {
      std::vector<Value> row{input_,         src,          int64_t(c.vulnerabilities), int64_t(c.affected),
                             int64_t(c.exploits), int64_t(c.kev), int64_t(c.epss),  int64_t(c.bugtraq),
                             int64_t(c.signatures), newest_[src]};
      DAGDA_TRY(counts_ins->add(row));
    }
    return counts_ins->finish();
  }

 private:
  void put(sql::Inserter& ins, std::initializer_list<Value> row) {
    if (failure_) return;
    std::vector<Value> r(row);
    auto st = ins.add(r);
    if (!st.ok()) failure_ = std::move(st).error();
  }
  void newest(const std::string& date) {
    if (date.empty() || date[0] < '0' || date[0] > '9') return;
    auto& n = newest_[source_];
    if (date > n) n = date;
  }

  sql::Connection& db_;
  int64_t input_;
  std::string source_;
  std::unique_ptr<sql::Inserter> vulns_, aliases_, affected_, exploits_, exploit_cves_, kev_, epss_, bugtraq_,
      bugtraq_cves_, signatures_;
  std::map<std::string, SourceCounts> counts_;
  std::map<std::string, std::string> newest_;
  std::optional<Error> failure_;
};

StoredAffected affected_from_row(const sql::Row& r) {
  // Column order of kAffectedColumns.
  StoredAffected s;
  s.source = sql::as_text(r[0]);
  Affected& a = s.affected;
  a.advisory_id = sql::as_text(r[1]);
  a.vuln_id = sql::as_text(r[2]);
  a.aliases = json_list(r[3]);
  a.ns = sql::as_text(r[4]);
  a.package = sql::as_text(r[5]);
  a.status = status_from_string(sql::as_text(r[6])).value_or(AffectedStatus::affected);
  a.fixed_version = sql::as_text(r[7]);
  a.ranges = parse_ranges(sql::as_text(r[8]));
  a.versions = json_list(r[9]);
  a.constraint = sql::as_text(r[10]);
  a.severity = sql::as_text(r[11]);
  a.note = sql::as_text(r[12]);
  a.published = sql::as_text(r[13]);
  return s;
}

constexpr std::string_view kAffectedColumns =
    "source, advisory_id, vuln_id, aliases, ns, package, status, fixed_version, ranges, versions, native_range, "
    "severity, note, published";

std::vector<StoredAffected> affected_rows(const std::vector<sql::Row>& rows) {
  std::vector<StoredAffected> out;
  out.reserve(rows.size());
  for (auto& r : rows) out.push_back(affected_from_row(r));
  return out;
}

}  // namespace

std::string Store::default_path() { return data_dir() + "/vulndb.sqlite"; }

Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::open(const std::string& url_in, bool read_only) {
  std::string url = url_in.empty() ? default_path() : url_in;
  std::unique_ptr<sql::Connection> db;
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    DAGDA_ASSIGN_OR_RETURN(db, sql::open_postgres(url));
  } else {
    if (url.starts_with("sqlite://")) url = url.substr(9);
    DAGDA_ASSIGN_OR_RETURN(db, sql::open_sqlite(url, read_only));
  }
  std::unique_ptr<Store> store(new Store(url, std::move(db)));
  auto& c = *store->db_;
  if (!read_only) {
    DAGDA_TRY(c.exec(schema_sql()));
    DAGDA_ASSIGN_OR_RETURN(auto rows, c.query("SELECT value FROM meta WHERE key = 'schema_version'"));
    if (rows.empty()) {
      std::vector<Value> p{std::string(std::to_string(kSchemaVersion))};
      DAGDA_TRY(c.query("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", p));
    }
  }
  auto rows = c.query("SELECT value FROM meta WHERE key = 'schema_version'");
  if (!rows.ok() || rows->empty())
    return Error(ErrorCode::corrupt, "not a Dagda vulnerability database (no schema version)", {.file = url});
  if (sql::as_text((*rows)[0][0]) != std::to_string(kSchemaVersion))
    return Error(ErrorCode::unsupported,
                 fmt::format("database schema version {} is not the {} this Dagda reads; re-create it",
                             sql::as_text((*rows)[0][0]), kSchemaVersion),
                 {.file = url});
  return store;
}

Status Store::begin() {
  return db_->exec(db_->dialect() == "sqlite" ? "BEGIN IMMEDIATE" : "BEGIN");
}
Status Store::commit() { return db_->exec("COMMIT"); }
void Store::rollback() { (void)db_->exec("ROLLBACK"); }

Result<std::string> Store::input_digest(const std::string& input) {
  std::vector<Value> p{input};
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_->query("SELECT sha256 FROM inputs WHERE path = ?", p));
  return rows.empty() ? std::string() : sql::as_text(rows[0][0]);
}

Result<std::unique_ptr<InputSink>> Store::replace_input(const std::string& input, const std::string& sha256,
                                                        std::string_view default_source, std::string_view feed,
                                                        std::string_view data_date) {
  std::vector<Value> p{input};
  DAGDA_ASSIGN_OR_RETURN(auto old, db_->query("SELECT id FROM inputs WHERE path = ?", p));
  if (!old.empty()) {
    std::vector<Value> id{old[0][0]};
    for (auto table : kOwnedTables)
      DAGDA_TRY(db_->query(fmt::format("DELETE FROM {} WHERE input_id = ?", table), id));
    DAGDA_TRY(db_->query("DELETE FROM source_counts WHERE input_id = ?", id));
    DAGDA_TRY(db_->query("DELETE FROM inputs WHERE id = ?", id));
  }
  DAGDA_ASSIGN_OR_RETURN(auto next, db_->query("SELECT COALESCE(MAX(id), 0) + 1 FROM inputs"));
  int64_t id = sql::as_int(next[0][0]);
  std::vector<Value> row{id, input, sha256, std::string(feed), std::string(data_date), now_utc()};
  DAGDA_TRY(db_->query("INSERT INTO inputs (id, path, sha256, feed, data_date, imported_at) VALUES (?, ?, ?, ?, ?, ?)",
                       row));
  auto sink = std::make_unique<StoreSink>(*db_, id, std::string(default_source));
  DAGDA_TRY(sink->open());
  return std::unique_ptr<InputSink>(std::move(sink));
}

Result<std::vector<SourceStatus>> Store::status() {
  DAGDA_ASSIGN_OR_RETURN(
      auto rows,
      db_->query("SELECT c.source, SUM(c.vulnerabilities), SUM(c.affected), SUM(c.exploits), SUM(c.kev), "
                 "SUM(c.epss), SUM(c.bugtraq), SUM(c.signatures), MAX(i.imported_at), MAX(c.newest) "
                 "FROM source_counts c JOIN inputs i ON i.id = c.input_id GROUP BY c.source ORDER BY c.source"));
  DAGDA_ASSIGN_OR_RETURN(auto inputs, db_->query("SELECT DISTINCT c.source, i.path FROM source_counts c JOIN inputs i "
                                                 "ON i.id = c.input_id ORDER BY c.source, i.path"));
  std::vector<SourceStatus> out;
  for (auto& r : rows) {
    SourceStatus s;
    s.source = sql::as_text(r[0]);
    s.counts = SourceCounts{uint64_t(sql::as_int(r[1])), uint64_t(sql::as_int(r[2])), uint64_t(sql::as_int(r[3])),
                            uint64_t(sql::as_int(r[4])), uint64_t(sql::as_int(r[5])), uint64_t(sql::as_int(r[6])),
                            uint64_t(sql::as_int(r[7]))};
    s.last_update = sql::as_text(r[8]);
    s.newest_record = sql::as_text(r[9]);
    for (auto& i : inputs)
      if (sql::as_text(i[0]) == s.source) s.inputs.push_back(sql::as_text(i[1]));
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<StoredAffected>> Store::affected(std::string_view ns, std::string_view package) {
  std::vector<Value> p{std::string(ns), std::string(package)};
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_->query(fmt::format("SELECT {} FROM affected WHERE ns = ? AND package = ?",
                                                           kAffectedColumns),
                                               p));
  return affected_rows(rows);
}

Result<std::vector<StoredAffected>> Store::affected_any_namespace(std::string_view package) {
  std::vector<Value> p{std::string(package)};
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_->query(fmt::format("SELECT {} FROM affected WHERE package = ? ORDER BY ns, "
                                                           "vuln_id",
                                                           kAffectedColumns),
                                               p));
  return affected_rows(rows);
}

Result<std::vector<StoredAffected>> Store::affected_with_suffix(std::string_view ns, std::string_view suffix) {
  std::string pattern = "%";
  for (char c : suffix) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  std::vector<Value> p{std::string(ns), pattern};
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_->query(fmt::format("SELECT {} FROM affected WHERE ns = ? AND package LIKE ? "
                                                           "ESCAPE '\\' ORDER BY package, vuln_id",
                                                           kAffectedColumns),
                                               p));
  return affected_rows(rows);
}

Result<std::vector<StoredAffected>> Store::affected_by_id(std::string_view id) {
  std::vector<Value> p{std::string(id), std::string(id), std::string(id)};
  DAGDA_ASSIGN_OR_RETURN(
      auto rows,
      // One indexed lookup per branch (an OR across columns would scan the table).
      db_->query(fmt::format("SELECT {0} FROM affected WHERE advisory_id = ? UNION SELECT {0} FROM affected WHERE "
                             "vuln_id IN (SELECT ? UNION SELECT id FROM aliases WHERE alias = ?) "
                             "ORDER BY ns, package, advisory_id",
                             kAffectedColumns),
                 p));
  return affected_rows(rows);
}

Result<std::vector<StoredVulnerability>> Store::vulnerability(std::string_view id) {
  std::vector<Value> p{std::string(id), std::string(id), std::string(id)};
  DAGDA_ASSIGN_OR_RETURN(
      auto rows,
      db_->query("SELECT v.source, v.id, v.summary, v.description, v.published, v.modified, v.severity, v.cvss, "
                 "v.cwes, v.refs, v.withdrawn, v.input_id FROM vulnerabilities v WHERE v.id IN (SELECT ? UNION "
                 "SELECT id FROM aliases WHERE alias = ? UNION SELECT alias FROM aliases WHERE id = ?) "
                 "ORDER BY v.source, v.id",
                 p));
  std::vector<StoredVulnerability> out;
  for (auto& r : rows) {
    StoredVulnerability s;
    s.source = sql::as_text(r[0]);
    Vulnerability& v = s.vuln;
    v.id = sql::as_text(r[1]);
    v.summary = sql::as_text(r[2]);
    v.description = sql::as_text(r[3]);
    v.published = sql::as_text(r[4]);
    v.modified = sql::as_text(r[5]);
    v.severity = sql::as_text(r[6]);
    v.cvss = parse_cvss(sql::as_text(r[7]));
    v.cwes = json_list(r[8]);
    v.references = json_list(r[9]);
    v.withdrawn = sql::as_int(r[10]) != 0;
    std::vector<Value> q{v.id, r[11]};
    // "+ 0" keeps the planner on the id index (the input index would scan a whole feed).
    DAGDA_ASSIGN_OR_RETURN(auto al, db_->query("SELECT alias FROM aliases WHERE id = ? AND input_id + 0 = ?", q));
    for (auto& a : al) v.aliases.push_back(sql::as_text(a[0]));
    out.push_back(std::move(s));
  }
  return out;
}

namespace {
Exploit exploit_from_row(const sql::Row& r) {
  Exploit e;
  e.id = sql::as_int(r[0]);
  e.title = sql::as_text(r[1]);
  e.date = sql::as_text(r[2]);
  e.author = sql::as_text(r[3]);
  e.type = sql::as_text(r[4]);
  e.platform = sql::as_text(r[5]);
  e.file = sql::as_text(r[6]);
  return e;
}
}  // namespace

Result<std::optional<Exploit>> Store::exploit(int64_t id) {
  std::vector<Value> p{id};
  // Prefer the fullest record (files_exploits.csv has a title; a CVE mapping has not).
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_->query("SELECT id, title, published, author, type, platform, file FROM "
                                               "exploits WHERE id = ? ORDER BY (title IS NULL), input_id DESC",
                                               p));
  if (rows.empty()) return std::optional<Exploit>();
  Exploit e = exploit_from_row(rows[0]);
  DAGDA_ASSIGN_OR_RETURN(auto cves,
                         db_->query("SELECT DISTINCT cve FROM exploit_cves WHERE exploit_id = ? ORDER BY cve", p));
  for (auto& c : cves) e.cves.push_back(sql::as_text(c[0]));
  return std::optional<Exploit>(std::move(e));
}

Result<std::vector<Exploit>> Store::exploits_for(std::string_view cve) {
  std::vector<Value> p{std::string(cve)};
  DAGDA_ASSIGN_OR_RETURN(auto ids,
                         db_->query("SELECT DISTINCT exploit_id FROM exploit_cves WHERE cve = ? ORDER BY exploit_id", p));
  std::vector<Exploit> out;
  for (auto& r : ids) {
    DAGDA_ASSIGN_OR_RETURN(auto e, exploit(sql::as_int(r[0])));
    if (e) out.push_back(std::move(*e));
  }
  return out;
}

Result<std::optional<KevEntry>> Store::kev(std::string_view cve) {
  std::vector<Value> p{std::string(cve)};
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_->query("SELECT cve, vendor, product, name, date_added, description, "
                                               "required_action, due_date, ransomware, notes, cwes FROM kev WHERE "
                                               "cve = ? ORDER BY input_id DESC",
                                               p));
  if (rows.empty()) return std::optional<KevEntry>();
  auto& r = rows[0];
  KevEntry k{sql::as_text(r[0]), sql::as_text(r[1]), sql::as_text(r[2]), sql::as_text(r[3]), sql::as_text(r[4]),
             sql::as_text(r[5]), sql::as_text(r[6]), sql::as_text(r[7]), sql::as_text(r[8]), sql::as_text(r[9]),
             json_list(r[10])};
  return std::optional<KevEntry>(std::move(k));
}

Result<std::optional<EpssScore>> Store::epss(std::string_view cve) {
  std::vector<Value> p{std::string(cve)};
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_->query("SELECT cve, score, percentile, scored FROM epss WHERE cve = ? "
                                               "ORDER BY scored DESC, input_id DESC",
                                               p));
  if (rows.empty()) return std::optional<EpssScore>();
  auto& r = rows[0];
  return std::optional<EpssScore>(
      EpssScore{sql::as_text(r[0]), sql::as_double(r[1]), sql::as_double(r[2]), sql::as_text(r[3])});
}

namespace {
BugtraqEntry bugtraq_from_row(const sql::Row& r) {
  BugtraqEntry b;
  b.bid = sql::as_int(r[0]);
  b.title = sql::as_text(r[1]);
  b.vuln_class = sql::as_text(r[2]);
  b.published = sql::as_text(r[3]);
  b.updated = sql::as_text(r[4]);
  b.credit = sql::as_text(r[5]);
  b.url = sql::as_text(r[6]);
  b.remote = sql::as_int(r[7]) != 0;
  b.local = sql::as_int(r[8]) != 0;
  b.cves = json_list(r[9]);
  b.vulnerable = json_list(r[10]);
  return b;
}
constexpr std::string_view kBugtraqColumns =
    "bid, title, vuln_class, published, updated, credit, url, is_remote, is_local, cves, vulnerable";
}  // namespace

Result<std::optional<BugtraqEntry>> Store::bugtraq(int64_t bid) {
  std::vector<Value> p{bid};
  DAGDA_ASSIGN_OR_RETURN(
      auto rows,
      db_->query(fmt::format("SELECT {} FROM bugtraq WHERE bid = ? ORDER BY input_id DESC", kBugtraqColumns), p));
  if (rows.empty()) return std::optional<BugtraqEntry>();
  return std::optional<BugtraqEntry>(bugtraq_from_row(rows[0]));
}

Result<std::vector<BugtraqEntry>> Store::bugtraq_for(std::string_view cve) {
  std::vector<Value> p{std::string(cve)};
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_->query("SELECT DISTINCT bid FROM bugtraq_cves WHERE cve = ? ORDER BY bid", p));
  std::vector<BugtraqEntry> out;
  for (auto& r : rows) {
    DAGDA_ASSIGN_OR_RETURN(auto b, bugtraq(sql::as_int(r[0])));
    if (b) out.push_back(std::move(*b));
  }
  return out;
}

Result<std::vector<Signature>> Store::signatures(std::string_view kind) {
  std::vector<Value> p{std::string(kind)};
  DAGDA_ASSIGN_OR_RETURN(auto rows,
                         db_->query("SELECT kind, name, body FROM signatures WHERE kind = ? ORDER BY name", p));
  std::vector<Signature> out;
  for (auto& r : rows) out.push_back(Signature{sql::as_text(r[0]), sql::as_text(r[1]), sql::as_text(r[2])});
  return out;
}

Result<std::vector<std::string>> Store::namespaces() {
  // One index seek per namespace (a hand-made skip scan): DISTINCT over the whole
  // index would read every affected row's key, hundreds of MB on a full database.
  std::vector<std::string> out;
  std::string last;
  for (;;) {
    std::vector<Value> p{last};
    DAGDA_ASSIGN_OR_RETURN(auto rows, db_->query("SELECT ns FROM affected WHERE ns > ? ORDER BY ns LIMIT 1", p));
    if (rows.empty()) break;
    last = sql::as_text(rows[0][0]);
    out.push_back(last);
  }
  return out;
}

}  // namespace dagda::vulndb
