#include "vulndb/store.hpp"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "common/fs.hpp"
#include "common/strings.hpp"
#include "vulndb/schema.hpp"

namespace dagda::vulndb {
namespace {

using sql::Value;
namespace T = tables;

constexpr size_t kChunk = 500;  // ids per IN (...) list

std::string now_utc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string placeholders(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
  return s;
}

// The distinct lower-case forms of `ids`, and for each the ids as given.
struct IdSet {
  std::vector<std::string> keys;                              // lower case, distinct
  std::unordered_map<std::string, std::vector<std::string>> given;  // key -> ids as given
  explicit IdSet(std::span<const std::string> ids) {
    for (auto& id : ids) {
      if (id.empty()) continue;
      std::string k = lower(id);
      auto& g = given[k];
      if (g.empty()) keys.push_back(k);
      if (std::find(g.begin(), g.end(), id) == g.end()) g.push_back(id);
    }
  }
};

// Runs `sql_for(placeholders)` once per chunk of keys (repeated `repeat` times
// in the parameters, for statements with several IN lists).
Result<std::vector<sql::Row>> query_chunks(sql::Connection& db, const std::vector<std::string>& keys,
                                           const std::function<std::string(const std::string&)>& sql_for,
                                           int repeat = 1) {
  std::vector<sql::Row> out;
  for (size_t i = 0; i < keys.size(); i += kChunk) {
    size_t n = std::min(kChunk, keys.size() - i);
    std::vector<Value> p;
    for (int r = 0; r < repeat; ++r)
      for (size_t k = 0; k < n; ++k) p.emplace_back(keys[i + k]);
    DAGDA_ASSIGN_OR_RETURN(auto rows, db.query(sql_for(placeholders(n)), p));
    for (auto& row : rows) out.push_back(std::move(row));
  }
  return out;
}

// query_chunks, handing each chunk's rows to `take` before the next query: the raw rows of
// only one chunk are held at a time.
Status for_chunks(sql::Connection& db, const std::vector<std::string>& keys,
                  const std::function<std::string(const std::string&)>& sql_for,
                  const std::function<void(std::vector<sql::Row>&)>& take) {
  for (size_t i = 0; i < keys.size(); i += kChunk) {
    size_t n = std::min(kChunk, keys.size() - i);
    std::vector<Value> p(keys.begin() + static_cast<std::ptrdiff_t>(i),
                         keys.begin() + static_cast<std::ptrdiff_t>(i + n));
    DAGDA_ASSIGN_OR_RETURN(auto rows, db.query(sql_for(placeholders(n)), p));
    take(rows);
  }
  return Ok{};
}

// NVD writes "2025-05-01T12:00:00.000", others "2025-05-01T12:00:00Z" or a date.
std::string date_key(const std::string& s) { return s.substr(0, 19); }

// Keeps, per (source, lower(id)), the record with the greatest `modified`
// (then published), then the latest input.
std::vector<StoredVulnerability> newest_per_source(std::vector<StoredVulnerability> rows) {
  std::map<std::pair<std::string, std::string>, size_t> best;
  auto newer = [](const StoredVulnerability& a, const StoredVulnerability& b) {
    std::string ma = date_key(a.vuln.modified.empty() ? a.vuln.published : a.vuln.modified);
    std::string mb = date_key(b.vuln.modified.empty() ? b.vuln.published : b.vuln.modified);
    if (ma != mb) return ma > mb;
    return a.input_id > b.input_id;
  };
  std::vector<StoredVulnerability> out;
  for (auto& r : rows) {
    auto key = std::make_pair(r.source, lower(r.vuln.id));
    auto it = best.find(key);
    if (it == best.end()) {
      best.emplace(key, out.size());
      out.push_back(std::move(r));
    } else if (newer(r, out[it->second])) {
      out[it->second] = std::move(r);
    }
  }
  std::sort(out.begin(), out.end(), [](const StoredVulnerability& a, const StoredVulnerability& b) {
    if (a.source != b.source) return a.source < b.source;
    return a.vuln.id < b.vuln.id;
  });
  return out;
}

std::vector<StoredAffected> affected_rows(const std::vector<sql::Row>& rows) {
  std::vector<StoredAffected> out;
  out.reserve(rows.size());
  for (auto& r : rows) out.push_back(T::affected().read(r));
  return out;
}

class StoreSink final : public InputSink {
 public:
  StoreSink(sql::Connection& db, int64_t input_id, std::string source)
      : db_(db), input_(input_id), source_(std::move(source)) {}

  Status open() {
    DAGDA_TRY(make(vulns_, T::vulnerabilities()));
    DAGDA_TRY(make(aliases_, T::aliases()));
    DAGDA_TRY(make(related_, T::related()));
    DAGDA_TRY(make(affected_, T::affected()));
    DAGDA_TRY(make(exploits_, T::exploits()));
    DAGDA_TRY(make(exploit_cves_, T::exploit_cves()));
    DAGDA_TRY(make(kev_, T::kev()));
    DAGDA_TRY(make(epss_, T::epss()));
    DAGDA_TRY(make(bugtraq_, T::bugtraq()));
    DAGDA_TRY(make(bugtraq_cves_, T::bugtraq_cves()));
    DAGDA_TRY(make(signatures_, T::signatures()));
    return Ok{};
  }

  void source(std::string_view name) override { source_ = std::string(name); }

  void add(Vulnerability&& v) override {
    for (auto& a : v.aliases) link(*aliases_, T::aliases(), v.id, a, alias_pairs_);
    for (auto& r : v.related) link(*related_, T::related(), v.id, r, related_pairs_);
    std::string date = v.modified.empty() ? v.published : v.modified;
    put(*vulns_, T::vulnerabilities().bind(StoredVulnerability{std::move(v), source_, input_}));
    counts_[source_].vulnerabilities++;
    newest(date);
  }

  void add(Affected&& a) override {
    if (a.vuln_id.empty()) a.vuln_id = a.advisory_id;
    // A row's aliases name its vulnerability too: link them, so that every
    // name of one vulnerability finds the others.
    for (auto& al : a.aliases) link(*aliases_, T::aliases(), a.vuln_id, al, alias_pairs_);
    std::string date = a.published;
    put(*affected_, T::affected().bind(StoredAffected{std::move(a), source_, input_}));
    counts_[source_].affected++;
    newest(date);
  }

  void add(Exploit&& e) override {
    for (auto& cve : e.cves) put(*exploit_cves_, T::exploit_cves().bind(T::Link{input_, std::to_string(e.id), cve}));
    std::string date = e.date;
    put(*exploits_, T::exploits().bind(T::Stored<Exploit>{std::move(e), source_, input_}));
    counts_[source_].exploits++;
    newest(date);
  }

  void add(KevEntry&& k) override {
    std::string date = k.date_added;
    put(*kev_, T::kev().bind(T::Stored<KevEntry>{std::move(k), source_, input_}));
    counts_[source_].kev++;
    newest(date);
  }

  void add(EpssScore&& s) override {
    std::string date = s.date;
    put(*epss_, T::epss().bind(T::Stored<EpssScore>{std::move(s), source_, input_}));
    counts_[source_].epss++;
    newest(date);
  }

  void add(BugtraqEntry&& b) override {
    for (auto& cve : b.cves) put(*bugtraq_cves_, T::bugtraq_cves().bind(T::Link{input_, std::to_string(b.bid), cve}));
    std::string date = b.updated.empty() ? b.published : b.updated;
    put(*bugtraq_, T::bugtraq().bind(T::Stored<BugtraqEntry>{std::move(b), source_, input_}));
    counts_[source_].bugtraq++;
    newest(date);
  }

  void add(Signature&& s) override {
    put(*signatures_, T::signatures().bind(T::Stored<Signature>{std::move(s), source_, input_}));
    counts_[source_].signatures++;
  }

  const std::map<std::string, SourceCounts>& counts() const override { return counts_; }

  Status finish() override {
    if (failure_) return *failure_;
    for (auto* ins : {&vulns_, &aliases_, &related_, &affected_, &exploits_, &exploit_cves_, &kev_, &epss_,
                      &bugtraq_, &bugtraq_cves_, &signatures_})
      DAGDA_TRY((*ins)->finish());
    std::unique_ptr<sql::Inserter> counts_ins;
    DAGDA_TRY(make(counts_ins, T::source_counts()));
    for (auto& [src, c] : counts_) {
      T::SourceCountRow row{input_,           src,          int64_t(c.vulnerabilities), int64_t(c.affected),
                            int64_t(c.exploits), int64_t(c.kev), int64_t(c.epss),        int64_t(c.bugtraq),
                            int64_t(c.signatures), newest_[src]};
      DAGDA_TRY(counts_ins->add(T::source_counts().bind(row)));
    }
    return counts_ins->finish();
  }

 private:
  template <class R>
  Status make(std::unique_ptr<sql::Inserter>& slot, const T::Table<R>& t) {
    auto cols = t.column_names();
    DAGDA_ASSIGN_OR_RETURN(slot, db_.inserter(t.name, cols));
    return Ok{};
  }
  void put(sql::Inserter& ins, const sql::Row& row) {
    if (failure_) return;
    auto st = ins.add(row);
    if (!st.ok()) failure_ = std::move(st).error();
  }
  // One link row per distinct (id, other) pair of this input, case-insensitively.
  void link(sql::Inserter& ins, const T::Table<T::Link>& t, const std::string& id, const std::string& other,
            std::unordered_set<std::string>& seen) {
    if (id.empty() || other.empty() || iequals(id, other)) return;
    if (!seen.insert(lower(id) + '\n' + lower(other)).second) return;
    put(ins, t.bind(T::Link{input_, id, other}));
  }
  void newest(const std::string& date) {
    if (date.empty() || date[0] < '0' || date[0] > '9') return;
    auto& n = newest_[source_];
    if (date > n) n = date;
  }

  sql::Connection& db_;
  int64_t input_;
  std::string source_;
  std::unique_ptr<sql::Inserter> vulns_, aliases_, related_, affected_, exploits_, exploit_cves_, kev_, epss_,
      bugtraq_, bugtraq_cves_, signatures_;
  std::unordered_set<std::string> alias_pairs_, related_pairs_;
  std::map<std::string, SourceCounts> counts_;
  std::map<std::string, std::string> newest_;
  std::optional<Error> failure_;
};

// Tables of this database, to tell an empty or Dagda database from another application's.
Result<std::vector<std::string>> table_names(sql::Connection& c) {
  std::string q = c.dialect() == "sqlite"
                      ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                      : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                        "ORDER BY table_name";
  DAGDA_ASSIGN_OR_RETURN(auto rows, c.query(q));
  std::vector<std::string> out;
  for (auto& r : rows) out.push_back(sql::as_text(r[0]));
  return out;
}

// Tables Dagda creates in a database: the vulnerability tables, the
// false-positive marks and the state store's ("state_" names, and the
// server's history, jobs, tokens and the monitor's alerts).
bool dagda_table(std::string_view name) {
  if (name == "fp_marks" || name.starts_with("state_") || name == T::meta().name || name == T::inputs().name)
    return true;
  for (std::string_view state : {"api_tokens", "jobs", "job_results", "scan_history", "scan_history_names",
                                 "monitor_alerts"})
    if (name == state) return true;
  for (auto t : T::per_input_tables())
    if (t == name) return true;
  return false;
}

}  // namespace

std::string Store::default_path() { return data_dir() + "/vulndb.sqlite"; }

Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::open(const std::string& url_in, bool read_only) {
  std::string url = url_in.empty() ? default_path() : url_in;
  std::unique_ptr<sql::Connection> db;
  bool sqlite = !(url.starts_with("postgresql://") || url.starts_with("postgres://"));
  if (!sqlite) {
    DAGDA_ASSIGN_OR_RETURN(db, sql::open_postgres(url));
  } else {
    if (url.starts_with("sqlite://")) url = url.substr(9);
    DAGDA_ASSIGN_OR_RETURN(db, sql::open_sqlite(url, read_only));
  }
  std::unique_ptr<Store> store(new Store(url, std::move(db)));
  auto& c = *store->db_;
  DAGDA_ASSIGN_OR_RETURN(auto names, table_names(c));
  bool has_meta = std::find(names.begin(), names.end(), "meta") != names.end();
  std::string version;
  if (has_meta) {
    auto rows = c.query("SELECT value FROM meta WHERE key = 'schema_version'");
    if (rows.ok() && !rows->empty()) version = sql::as_text((*rows)[0][0]);
  }
  if (version.empty()) {
    std::vector<std::string> foreign;
    for (auto& n : names)
      if (!dagda_table(n)) foreign.push_back(n);
    if (!foreign.empty())
      return Error(ErrorCode::invalid_input,
                   fmt::format("not a Dagda vulnerability database: it holds {} table(s) of something else ({}{}); "
                               "nothing in it was changed",
                               foreign.size(), foreign[0], foreign.size() > 1 ? ", ..." : ""),
                   {.file = url});
    if (read_only)
      return Error(ErrorCode::corrupt, "not a Dagda vulnerability database (no schema version)", {.file = url});
    // An empty database (a new file, an empty PostgreSQL schema): ours to create.
    if (sqlite) DAGDA_TRY(c.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"));
    DAGDA_TRY(c.exec(schema_sql()));
    std::vector<Value> p{std::to_string(kSchemaVersion)};
    DAGDA_TRY(c.query("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", p));
    return store;
  }
  if (version != std::to_string(kSchemaVersion))
    return Error(ErrorCode::unsupported,
                 fmt::format("database schema version {} is not the {} this Dagda reads; re-create it (delete it and "
                             "run `dagda db import` or `dagda db update`)",
                             version, kSchemaVersion),
                 {.file = url});
  if (!read_only) {
    // WAL keeps readers on the previous state during an import, and an
    // interrupted import (even kill -9) rolls back on the next open.
    if (sqlite) DAGDA_TRY(c.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"));
    DAGDA_TRY(c.exec(schema_sql()));
  }
  return store;
}

Status Store::begin() { return db_->exec(db_->dialect() == "sqlite" ? "BEGIN IMMEDIATE" : "BEGIN"); }
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
    for (auto table : T::per_input_tables())
      DAGDA_TRY(db_->query(fmt::format("DELETE FROM {} WHERE input_id = ?", table), id));
    DAGDA_TRY(db_->query("DELETE FROM inputs WHERE id = ?", id));
  }
  // The generation moves with the data, in the same transaction.
  DAGDA_ASSIGN_OR_RETURN(auto bumped, db_->query("UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) "
                                                 "WHERE key = 'import_generation' RETURNING value"));
  if (bumped.empty()) DAGDA_TRY(db_->exec("INSERT INTO meta (key, value) VALUES ('import_generation', '1')"));
  DAGDA_ASSIGN_OR_RETURN(auto next, db_->query("SELECT COALESCE(MAX(id), 0) + 1 FROM inputs"));
  int64_t id = sql::as_int(next[0][0]);
  T::InputRow row{id, input, sha256, std::string(feed), std::string(data_date), now_utc()};
  DAGDA_ASSIGN_OR_RETURN(auto ins, db_->inserter(T::inputs().name, T::inputs().column_names()));
  DAGDA_TRY(ins->add(T::inputs().bind(row)));
  DAGDA_TRY(ins->finish());
  auto sink = std::make_unique<StoreSink>(*db_, id, std::string(default_source));
  DAGDA_TRY(sink->open());
  return std::unique_ptr<InputSink>(std::move(sink));
}

Result<int64_t> Store::generation() {
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_->query("SELECT MAX(CAST(value AS BIGINT)) FROM meta WHERE key = "
                                               "'import_generation'"));
  return rows.empty() ? int64_t{0} : sql::as_int(rows[0][0]);
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
  DAGDA_ASSIGN_OR_RETURN(
      auto rows,
      db_->query(fmt::format("SELECT {} FROM affected WHERE ns = ? AND package = ?", T::affected().select_list()), p));
  return affected_rows(rows);
}

Result<std::vector<StoredAffected>> Store::affected_any_namespace(std::string_view package) {
  std::vector<Value> p{std::string(package)};
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_->query(fmt::format("SELECT {} FROM affected WHERE package = ? ORDER BY ns, "
                                                           "vuln_id",
                                                           T::affected().select_list()),
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
                                                           T::affected().select_list()),
                                               p));
  return affected_rows(rows);
}

Result<std::vector<StoredAffected>> Store::affected_by_id(std::string_view id_in) {
  std::string id = lower(id_in);
  std::vector<std::string> one{std::string(id_in)};
  DAGDA_ASSIGN_OR_RETURN(auto al, aliases(one));
  std::vector<std::string> keys{id};
  if (auto it = al.find(std::string(id_in)); it != al.end())
    for (auto& a : it->second) keys.push_back(lower(a));
  std::string cols = T::affected().select_list();
  // One indexed lookup per branch (an OR across columns would scan the table).
  DAGDA_ASSIGN_OR_RETURN(auto rows, query_chunks(*db_, keys, [&](const std::string& in) {
                           return fmt::format("SELECT {0} FROM affected WHERE lower(advisory_id) IN ({1}) UNION "
                                              "SELECT {0} FROM affected WHERE lower(vuln_id) IN ({1})",
                                              cols, in);
                         }, 2));
  auto out = affected_rows(rows);
  std::sort(out.begin(), out.end(), [](const StoredAffected& a, const StoredAffected& b) {
    const Affected &x = a.affected, &y = b.affected;
    return std::tie(x.ns, x.package, x.advisory_id, x.vuln_id, a.source) <
           std::tie(y.ns, y.package, y.advisory_id, y.vuln_id, b.source);
  });
  return out;
}

Result<std::vector<StoredVulnerability>> Store::vulnerability(std::string_view id) {
  std::vector<std::string> ids{std::string(id)};
  DAGDA_ASSIGN_OR_RETURN(auto al, aliases(ids));
  if (auto it = al.find(ids[0]); it != al.end()) ids.insert(ids.end(), it->second.begin(), it->second.end());
  DAGDA_ASSIGN_OR_RETURN(auto recs, vulnerabilities(ids));
  std::vector<StoredVulnerability> all;
  std::set<std::pair<std::string, std::string>> seen;
  for (auto& [k, list] : recs)
    for (auto& r : list)
      if (seen.insert({r.source, lower(r.vuln.id)}).second) all.push_back(std::move(r));
  return newest_per_source(std::move(all));
}

Result<std::map<std::string, std::vector<StoredVulnerability>>> Store::vulnerabilities(
    std::span<const std::string> ids) {
  IdSet set(ids);
  std::string cols = T::vulnerabilities().select_list();
  std::unordered_map<std::string, std::vector<StoredVulnerability>> by_key;
  DAGDA_TRY(for_chunks(
      *db_, set.keys,
      [&](const std::string& in) {
        return fmt::format("SELECT {} FROM vulnerabilities WHERE lower(id) IN ({})", cols, in);
      },
      [&](std::vector<sql::Row>& rows) {
        for (auto& r : rows) {
          auto v = T::vulnerabilities().read(r);
          by_key[lower(v.vuln.id)].push_back(std::move(v));
        }
      }));
  // Each record's aliases and related ids, as its own input stated them.
  std::vector<std::string> found;
  for (auto& [k, list] : by_key) found.push_back(k);
  for (auto tc : {std::pair<std::string_view, std::string_view>{"aliases", "alias"}, {"related", "related"}}) {
    std::string_view table = tc.first;
    DAGDA_ASSIGN_OR_RETURN(auto links, query_chunks(*db_, found, [&](const std::string& in) {
                             return fmt::format("SELECT input_id, id, {} FROM {} WHERE lower(id) IN ({})", tc.second,
                                                tc.first, in);
                           }));
    for (auto& l : links) {
      auto it = by_key.find(lower(sql::as_text(l[1])));
      if (it == by_key.end()) continue;
      for (auto& r : it->second)
        if (r.input_id == sql::as_int(l[0]))
          (table == "aliases" ? r.vuln.aliases : r.vuln.related).push_back(sql::as_text(l[2]));
    }
  }
  std::map<std::string, std::vector<StoredVulnerability>> out;
  for (auto& [k, list] : by_key) {
    auto newest = newest_per_source(std::move(list));
    for (auto& g : set.given[k]) out[g] = newest;
  }
  return out;
}

namespace {
Result<std::map<std::string, std::set<std::string>>> links(sql::Connection& db, std::span<const std::string> ids,
                                                           std::string_view table, std::string_view col) {
  IdSet set(ids);
  DAGDA_ASSIGN_OR_RETURN(auto rows, query_chunks(db, set.keys, [&](const std::string& in) {
                           return fmt::format("SELECT id, {1} FROM {0} WHERE lower(id) IN ({2}) UNION "
                                              "SELECT {1}, id FROM {0} WHERE lower({1}) IN ({2})",
                                              table, col, in);
                         }, 2));
  std::map<std::string, std::set<std::string>> out;
  for (auto& r : rows) {
    std::string from = sql::as_text(r[0]), to = sql::as_text(r[1]);
    auto it = set.given.find(lower(from));
    if (it == set.given.end() || iequals(from, to)) continue;
    for (auto& g : it->second) out[g].insert(to);
  }
  return out;
}
}  // namespace

Result<std::map<std::string, std::set<std::string>>> Store::aliases(std::span<const std::string> ids) {
  return links(*db_, ids, "aliases", "alias");
}

Result<std::map<std::string, std::set<std::string>>> Store::related(std::span<const std::string> ids) {
  return links(*db_, ids, "related", "related");
}

Result<std::set<std::string>> Store::withdrawn(std::span<const std::string> ids) {
  DAGDA_ASSIGN_OR_RETURN(auto recs, vulnerabilities(ids));
  std::set<std::string> out;
  for (auto& [id, list] : recs)
    for (auto& r : list)
      if (r.vuln.withdrawn) out.insert(id);
  return out;
}

Result<std::map<std::string, std::vector<Exploit>>> Store::exploits(std::span<const std::string> cves) {
  IdSet set(cves);
  DAGDA_ASSIGN_OR_RETURN(auto pairs, query_chunks(*db_, set.keys, [](const std::string& in) {
                           return fmt::format("SELECT cve, exploit_id FROM exploit_cves WHERE lower(cve) IN ({})", in);
                         }));
  std::vector<std::string> ids;
  for (auto& p : pairs) ids.push_back(sql::as_text(p[1]));
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::string cols = T::exploits().select_list();
  DAGDA_ASSIGN_OR_RETURN(auto rows, query_chunks(*db_, ids, [&](const std::string& in) {
                           return fmt::format("SELECT {} FROM exploits WHERE id IN ({})", cols, in);
                         }));
  DAGDA_ASSIGN_OR_RETURN(auto all_cves, query_chunks(*db_, ids, [](const std::string& in) {
                           return fmt::format("SELECT exploit_id, cve FROM exploit_cves WHERE exploit_id IN ({})", in);
                         }));
  // The fullest record of each exploit (files_exploits.csv has a title; a CVE mapping has not), then the latest input.
  std::map<int64_t, T::Stored<Exploit>> best;
  for (auto& r : rows) {
    auto e = T::exploits().read(r);
    auto it = best.find(e.rec.id);
    if (it == best.end()) {
      best.emplace(e.rec.id, std::move(e));
      continue;
    }
    bool titled = !e.rec.title.empty(), had = !it->second.rec.title.empty();
    if ((titled && !had) || (titled == had && e.input_id > it->second.input_id)) it->second = std::move(e);
  }
  std::map<int64_t, std::set<std::string>> cves_of;
  for (auto& c : all_cves) cves_of[sql::as_int(c[0])].insert(sql::as_text(c[1]));
  for (auto& [id, e] : best) e.rec.cves.assign(cves_of[id].begin(), cves_of[id].end());
  std::map<std::string, std::vector<Exploit>> out;
  std::map<std::string, std::set<int64_t>> added;
  for (auto& p : pairs) {
    auto k = lower(sql::as_text(p[0]));
    int64_t id = sql::as_int(p[1]);
    auto e = best.find(id);
    if (e == best.end()) continue;
    for (auto& g : set.given[k])
      if (added[g].insert(id).second) out[g].push_back(e->second.rec);
  }
  for (auto& [k, list] : out)
    std::sort(list.begin(), list.end(), [](const Exploit& a, const Exploit& b) { return a.id < b.id; });
  return out;
}

Result<std::map<std::string, KevEntry>> Store::kev_entries(std::span<const std::string> cves) {
  IdSet set(cves);
  std::string cols = T::kev().select_list();
  DAGDA_ASSIGN_OR_RETURN(auto rows, query_chunks(*db_, set.keys, [&](const std::string& in) {
                           return fmt::format("SELECT {} FROM kev WHERE lower(cve) IN ({})", cols, in);
                         }));
  std::map<std::string, T::Stored<KevEntry>> best;
  for (auto& r : rows) {
    auto k = T::kev().read(r);
    auto key = lower(k.rec.cve);
    auto it = best.find(key);
    if (it == best.end() || k.input_id > it->second.input_id) best[key] = std::move(k);
  }
  std::map<std::string, KevEntry> out;
  for (auto& [k, v] : best)
    for (auto& g : set.given[k]) out[g] = v.rec;
  return out;
}

Result<std::map<std::string, EpssScore>> Store::epss_scores(std::span<const std::string> cves) {
  IdSet set(cves);
  std::string cols = T::epss().select_list();
  DAGDA_ASSIGN_OR_RETURN(auto rows, query_chunks(*db_, set.keys, [&](const std::string& in) {
                           return fmt::format("SELECT {} FROM epss WHERE lower(cve) IN ({})", cols, in);
                         }));
  std::map<std::string, T::Stored<EpssScore>> best;
  for (auto& r : rows) {
    auto s = T::epss().read(r);
    auto key = lower(s.rec.cve);
    auto it = best.find(key);
    if (it == best.end() || s.rec.date > it->second.rec.date ||
        (s.rec.date == it->second.rec.date && s.input_id > it->second.input_id))
      best[key] = std::move(s);
  }
  std::map<std::string, EpssScore> out;
  for (auto& [k, v] : best)
    for (auto& g : set.given[k]) out[g] = v.rec;
  return out;
}

Result<std::optional<Exploit>> Store::exploit(int64_t id) {
  std::vector<Value> p{id};
  DAGDA_ASSIGN_OR_RETURN(auto rows,
                         db_->query(fmt::format("SELECT {} FROM exploits WHERE id = ?", T::exploits().select_list()), p));
  if (rows.empty()) return std::optional<Exploit>();
  std::optional<T::Stored<Exploit>> best;
  for (auto& r : rows) {
    auto e = T::exploits().read(r);
    bool titled = !e.rec.title.empty();
    if (!best || (titled && best->rec.title.empty()) ||
        (titled == !best->rec.title.empty() && e.input_id > best->input_id))
      best = std::move(e);
  }
  DAGDA_ASSIGN_OR_RETURN(auto cves,
                         db_->query("SELECT DISTINCT cve FROM exploit_cves WHERE exploit_id = ? ORDER BY cve", p));
  for (auto& c : cves) best->rec.cves.push_back(sql::as_text(c[0]));
  return std::optional<Exploit>(std::move(best->rec));
}

Result<std::vector<Exploit>> Store::exploits_for(std::string_view cve) {
  std::vector<std::string> ids{std::string(cve)};
  DAGDA_ASSIGN_OR_RETURN(auto m, exploits(ids));
  auto it = m.find(ids[0]);
  return it == m.end() ? std::vector<Exploit>() : std::move(it->second);
}

Result<std::optional<KevEntry>> Store::kev(std::string_view cve) {
  std::vector<std::string> ids{std::string(cve)};
  DAGDA_ASSIGN_OR_RETURN(auto m, kev_entries(ids));
  auto it = m.find(ids[0]);
  return it == m.end() ? std::optional<KevEntry>() : std::optional<KevEntry>(std::move(it->second));
}

Result<std::optional<EpssScore>> Store::epss(std::string_view cve) {
  std::vector<std::string> ids{std::string(cve)};
  DAGDA_ASSIGN_OR_RETURN(auto m, epss_scores(ids));
  auto it = m.find(ids[0]);
  return it == m.end() ? std::optional<EpssScore>() : std::optional<EpssScore>(std::move(it->second));
}

Result<std::optional<BugtraqEntry>> Store::bugtraq(int64_t bid) {
  std::vector<Value> p{bid};
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_->query(fmt::format("SELECT {} FROM bugtraq WHERE bid = ? ORDER BY input_id DESC",
                                                           T::bugtraq().select_list()),
                                               p));
  if (rows.empty()) return std::optional<BugtraqEntry>();
  return std::optional<BugtraqEntry>(T::bugtraq().read(rows[0]).rec);
}

Result<std::vector<BugtraqEntry>> Store::bugtraq_for(std::string_view cve) {
  std::vector<Value> p{lower(cve)};
  DAGDA_ASSIGN_OR_RETURN(auto rows,
                         db_->query("SELECT DISTINCT bid FROM bugtraq_cves WHERE lower(cve) = ? ORDER BY bid", p));
  std::vector<BugtraqEntry> out;
  for (auto& r : rows) {
    DAGDA_ASSIGN_OR_RETURN(auto b, bugtraq(sql::as_int(r[0])));
    if (b) out.push_back(std::move(*b));
  }
  return out;
}

Result<std::vector<Signature>> Store::signatures(std::string_view kind) {
  std::vector<Value> p{std::string(kind)};
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_->query(fmt::format("SELECT {} FROM signatures WHERE kind = ? ORDER BY name",
                                                           T::signatures().select_list()),
                                               p));
  std::vector<Signature> out;
  for (auto& r : rows) out.push_back(T::signatures().read(r).rec);
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
