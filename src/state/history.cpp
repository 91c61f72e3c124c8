#include "state/history.hpp"

#include <map>
#include <set>

#include <fmt/format.h>

#include "state/tables.hpp"

namespace dagda::state {
namespace {

using nlohmann::json;
using vulndb::sql::as_int;
using vulndb::sql::as_text;
using vulndb::sql::Value;

constexpr std::string_view kDdl = R"sql(
CREATE TABLE IF NOT EXISTS scan_history (
  id {id}, job_id BIGINT NOT NULL, image TEXT NOT NULL, digest TEXT NOT NULL, origin TEXT NOT NULL,
  created_at BIGINT NOT NULL, duration_ms BIGINT NOT NULL, policy TEXT NOT NULL, summary TEXT NOT NULL,
  report_json TEXT NOT NULL, report_sarif TEXT NOT NULL, report_cyclonedx TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS scan_history_names (scan_id BIGINT NOT NULL, name TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS scan_history_digest ON scan_history (digest);
CREATE INDEX IF NOT EXISTS scan_history_names_name ON scan_history_names (name);
CREATE INDEX IF NOT EXISTS scan_history_names_scan ON scan_history_names (scan_id);
)sql";

constexpr std::string_view kColumns = "id, job_id, image, digest, origin, created_at, duration_ms, policy, summary";

ScanRecord from_row(const vulndb::sql::Row& r) {
  ScanRecord s;
  s.id = as_int(r[0]);
  s.job_id = as_int(r[1]);
  s.image = as_text(r[2]);
  s.digest = as_text(r[3]);
  s.origin = as_text(r[4]);
  s.created_at = as_int(r[5]);
  s.duration_ms = as_int(r[6]);
  s.policy = as_text(r[7]);
  s.summary = as_text(r[8]);
  return s;
}

Status load_names(vulndb::sql::Connection& db, ScanRecord& s) {
  std::vector<Value> p{s.id};
  DAGDA_ASSIGN_OR_RETURN(auto rows, db.query("SELECT name FROM scan_history_names WHERE scan_id = ? ORDER BY name", p));
  for (auto& r : rows) s.names.push_back(as_text(r[0]));
  return Ok{};
}

}  // namespace

Status History::ensure_schema() { return create_tables(db_, kDdl); }

Result<int64_t> History::add(const ScanRecord& r) {
  std::set<std::string> names(r.names.begin(), r.names.end());
  if (!r.image.empty()) names.insert(r.image);
  if (names.size() > kMaxNames)
    return Error(ErrorCode::invalid_input, fmt::format("a history entry has at most {} names", kMaxNames));
  std::vector<Value> p{r.job_id,      r.image,  r.digest,  r.origin,       r.created_at ? r.created_at : now_seconds(),
                       r.duration_ms, r.policy.empty() ? "{}" : r.policy,  r.summary.empty() ? "{}" : r.summary,
                       r.report_json, r.report_sarif,     r.report_cyclonedx};
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_.query("INSERT INTO scan_history (job_id, image, digest, origin, created_at, "
                                              "duration_ms, policy, summary, report_json, report_sarif, "
                                              "report_cyclonedx) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                              "RETURNING id",
                                              p));
  int64_t id = as_int(rows.at(0)[0]);
  for (auto& n : names) {
    std::vector<Value> q{id, n};
    DAGDA_TRY(db_.query("INSERT INTO scan_history_names (scan_id, name) VALUES (?, ?)", q));
  }
  return id;
}

Result<std::optional<ScanRecord>> History::get(int64_t id) {
  std::vector<Value> p{id};
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_.query(fmt::format("SELECT {}, report_json, report_sarif, report_cyclonedx "
                                                          "FROM scan_history WHERE id = ?",
                                                          kColumns),
                                              p));
  if (rows.empty()) return std::optional<ScanRecord>{};
  ScanRecord s = from_row(rows[0]);
  s.report_json = as_text(rows[0][9]);
  s.report_sarif = as_text(rows[0][10]);
  s.report_cyclonedx = as_text(rows[0][11]);
  DAGDA_TRY(load_names(db_, s));
  return std::optional<ScanRecord>{std::move(s)};
}

Result<std::vector<ScanRecord>> History::list(std::string_view image, int64_t limit) {
  std::vector<vulndb::sql::Row> rows;
  if (image.empty()) {
    std::vector<Value> p{limit};
    DAGDA_ASSIGN_OR_RETURN(rows, db_.query(fmt::format("SELECT {} FROM scan_history ORDER BY id DESC LIMIT ?",
                                                       kColumns),
                                           p));
  } else {
    // The entries seen under the name, and every entry of the digests seen under it.
    std::string name(image);
    std::vector<Value> p{name, name, name, limit};
    DAGDA_ASSIGN_OR_RETURN(
        rows, db_.query(fmt::format("SELECT {} FROM scan_history WHERE digest = ? OR id IN (SELECT scan_id FROM "
                                    "scan_history_names WHERE name = ?) OR (digest <> '' AND digest IN (SELECT "
                                    "h.digest FROM scan_history h JOIN scan_history_names n ON n.scan_id = h.id "
                                    "WHERE n.name = ?)) ORDER BY id DESC LIMIT ?",
                                    kColumns),
                        p));
  }
  std::vector<ScanRecord> out;
  for (auto& r : rows) {
    out.push_back(from_row(r));
    DAGDA_TRY(load_names(db_, out.back()));
  }
  return out;
}

Result<std::vector<ScanRecord>> History::latest_per_image() {
  DAGDA_ASSIGN_OR_RETURN(auto rows,
                         db_.query(fmt::format("SELECT {} FROM scan_history WHERE id IN (SELECT max(id) FROM "
                                               "scan_history GROUP BY CASE WHEN digest = '' THEN image ELSE digest "
                                               "END) ORDER BY id",
                                               kColumns)));
  std::vector<ScanRecord> out;
  for (auto& r : rows) {
    out.push_back(from_row(r));
    DAGDA_TRY(load_names(db_, out.back()));
  }
  return out;
}

Result<json> diff_reports(std::string_view from_json, std::string_view to_json) {
  auto findings = [](std::string_view text, const char* which) -> Result<std::map<std::string, json>> {
    json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("findings") || !doc["findings"].is_array())
      return Error(ErrorCode::corrupt, fmt::format("the {} report is not a dagda.scan/v1 document", which));
    std::map<std::string, json> out;
    for (auto& f : doc["findings"]) {
      if (!f.is_object()) continue;
      const json& pkg = f.value("package", json::object());
      auto text_of = [](const json& j, const char* k) {
        return j.is_object() && j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
      };
      json key = {{"id", text_of(f, "id")},
                  {"package", text_of(pkg, "name")},
                  {"version", text_of(pkg, "version")},
                  {"severity", text_of(f, "severity")},
                  {"fixed_version", f.contains("fixed_version") ? f["fixed_version"] : json(nullptr)}};
      out.emplace(fmt::format("{}\x1f{}\x1f{}", key["id"].get<std::string>(), key["package"].get<std::string>(),
                              key["version"].get<std::string>()),
                  std::move(key));
    }
    return out;
  };
  DAGDA_ASSIGN_OR_RETURN(auto a, findings(from_json, "first"));
  DAGDA_ASSIGN_OR_RETURN(auto b, findings(to_json, "second"));
  json added = json::array(), removed = json::array();
  for (auto& [k, v] : b)
    if (!a.count(k)) added.push_back(v);
  for (auto& [k, v] : a)
    if (!b.count(k)) removed.push_back(v);
  const size_t unchanged = b.size() - added.size();
  return json{{"added", std::move(added)}, {"removed", std::move(removed)}, {"unchanged", unchanged}};
}

}  // namespace dagda::state
