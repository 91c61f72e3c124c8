// /v1/vuln/...: the knowledge base, as `dagda vuln` shows it.
#include <fmt/format.h>

#include "server/handlers.hpp"
#include "server/handles.hpp"
#include "state/jobs.hpp"
#include "state/tables.hpp"
#include "vulndb/evaluate.hpp"

namespace dagda::server {
namespace {

using nlohmann::json;

json record_json(const vulndb::StoredVulnerability& s) {
  const vulndb::Vulnerability& v = s.vuln;
  json cvss = json::array();
  for (auto& c : v.cvss)
    cvss.push_back({{"version", c.version}, {"vector", c.vector}, {"score", c.score}, {"severity", c.severity},
                    {"source", c.source}});
  return {{"source", s.source},     {"id", v.id},           {"aliases", v.aliases},
          {"summary", v.summary},   {"description", v.description}, {"published", v.published},
          {"modified", v.modified}, {"severity", v.severity},       {"cvss", cvss},
          {"cwes", v.cwes},         {"references", v.references},   {"withdrawn", v.withdrawn}};
}

json affected_json(const vulndb::StoredAffected& s) {
  const vulndb::Affected& a = s.affected;
  return {{"source", s.source},
          {"advisory", a.advisory_id},
          {"vulnerability", a.vuln_id},
          {"namespace", a.ns},
          {"package", a.package},
          {"status", vulndb::to_string(a.status)},
          {"fixed_version", a.fixed_version.empty() ? json(nullptr) : json(a.fixed_version)},
          {"range", vulndb::describe_range(a)},
          {"severity", a.severity}};
}

json exploit_json(const vulndb::Exploit& e) {
  return {{"id", e.id},     {"title", e.title},       {"date", e.date}, {"author", e.author},
          {"type", e.type}, {"platform", e.platform}, {"cves", e.cves}};
}

json bugtraq_json(const vulndb::BugtraqEntry& b) {
  return {{"bid", b.bid},         {"title", b.title},   {"class", b.vuln_class}, {"published", b.published},
          {"updated", b.updated}, {"credit", b.credit}, {"url", b.url},          {"remote", b.remote},
          {"local", b.local},     {"cves", b.cves},     {"vulnerable", b.vulnerable}};
}

Result<vulndb::Store*> knowledge(const Config& config) {
  DAGDA_ASSIGN_OR_RETURN(auto* e, scan_engine(config.db));
  return &e->vulndb();
}

Reply by_id(const Config& config, const Call& call, bool advisory) {
  auto db = knowledge(config);
  if (!db.ok()) return error_reply(db.error());
  const std::string& id = call.params.at("id");
  auto records = (*db)->vulnerability(id);
  if (!records.ok()) return error_reply(records.error());
  auto affected = (*db)->affected_by_id(id);
  if (!affected.ok()) return error_reply(affected.error());
  if (records->empty() && affected->empty())
    return error_reply(404, "not_found", fmt::format("{} is not in the database", id));
  json out = {{"schema", "dagda.vuln/v1"}, {"query", {{advisory ? "advisory" : "cve", id}}}};
  out["records"] = json::array();
  for (auto& r : *records) out["records"].push_back(record_json(r));
  out["affected"] = json::array();
  for (auto& a : *affected) out["affected"].push_back(affected_json(a));
  if (!advisory) {
    out["exploits"] = json::array();
    if (auto ex = (*db)->exploits_for(id); ex.ok())
      for (auto& e : *ex) out["exploits"].push_back(exploit_json(e));
    out["bugtraq"] = json::array();
    if (auto bt = (*db)->bugtraq_for(id); bt.ok())
      for (auto& b : *bt) out["bugtraq"].push_back(bugtraq_json(b));
    if (auto kev = (*db)->kev(id); kev.ok() && kev->has_value())
      out["kev"] = {{"date_added", (*kev)->date_added}, {"due_date", (*kev)->due_date},
                    {"ransomware", (*kev)->ransomware}, {"required_action", (*kev)->required_action}};
    else
      out["kev"] = nullptr;
    if (auto epss = (*db)->epss(id); epss.ok() && epss->has_value())
      out["epss"] = {{"score", (*epss)->score}, {"percentile", (*epss)->percentile}, {"date", (*epss)->date}};
    else
      out["epss"] = nullptr;
  }
  return json_reply(200, out);
}

Result<int64_t> number(const std::string& s) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
    return Error(ErrorCode::invalid_input, fmt::format("'{}' is not a number", s.substr(0, 64)));
  return std::stoll(s);
}

}  // namespace

Reply vuln_cve(const Config& c, const Call& call) { return by_id(c, call, false); }
Reply vuln_advisory(const Config& c, const Call& call) { return by_id(c, call, true); }

Reply vuln_product(const Config& config, const Call& call) {
  auto db = knowledge(config);
  if (!db.ok()) return error_reply(db.error());
  const std::string& product = call.params.at("product");
  auto it = call.params.find("version");
  auto rows = (*db)->affected_any_namespace(product);
  if (!rows.ok()) return error_reply(rows.error());
  json out = {{"schema", "dagda.vuln/v1"}, {"query", {{"product", product}}}, {"affected", json::array()}};
  if (it != call.params.end()) out["query"]["version"] = it->second;
  for (auto& r : *rows) {
    json j = affected_json(r);
    if (it != call.params.end()) {
      auto verdict = vulndb::evaluate(r.affected, it->second);
      if (!verdict.ok() || !verdict->affected) continue;
      j["match"] = {{"rule", verdict->rule}, {"comparator", verdict->comparator}};
    }
    out["affected"].push_back(std::move(j));
  }
  return json_reply(200, out);
}

Reply vuln_bid(const Config& config, const Call& call) {
  auto n = number(call.params.at("bid"));
  if (!n.ok()) return error_reply(n.error());
  auto db = knowledge(config);
  if (!db.ok()) return error_reply(db.error());
  auto b = (*db)->bugtraq(*n);
  if (!b.ok()) return error_reply(b.error());
  if (!b->has_value()) return error_reply(404, "not_found", fmt::format("BID {} is not in the database", *n));
  return json_reply(200, bugtraq_json(**b));
}

Reply vuln_exploit(const Config& config, const Call& call) {
  auto n = number(call.params.at("id"));
  if (!n.ok()) return error_reply(n.error());
  auto db = knowledge(config);
  if (!db.ok()) return error_reply(db.error());
  auto e = (*db)->exploit(*n);
  if (!e.ok()) return error_reply(e.error());
  if (!e->has_value()) return error_reply(404, "not_found", fmt::format("exploit {} is not in the database", *n));
  return json_reply(200, exploit_json(**e));
}

Reply vuln_init(const Config& config, const Call& call) {
  bool force = false;
  if (!call.body.empty()) {
    json body = json::parse(call.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return error_reply(400, "invalid_json", "the body is not a JSON object");
    for (auto& [k, v] : body.items()) {
      if (k != "force") return error_reply(400, "invalid_input", fmt::format("unknown field \"{}\"", k.substr(0, 64)));
      if (!v.is_boolean()) return error_reply(400, "invalid_input", "\"force\" must be true or false");
      force = v.get<bool>();
    }
  }
  auto store = state_store(config.db);
  if (!store.ok()) return error_reply(store.error());
  state::Jobs jobs((*store)->db());
  // One update at a time: a request while one waits or runs answers with that one.
  auto active = jobs.latest("vuln_update", true);
  if (!active.ok()) return error_reply(active.error());
  int64_t id = 0;
  std::string state = "queued";
  if (active->has_value()) {
    id = (*active)->id;
    state = (*active)->state;
  } else {
    json request = config.update_request.is_object() ? config.update_request : json::object();
    request["force"] = force;
    // One attempt: the downloads retry on their own, and a failed update is reported, not repeated.
    auto queued = jobs.enqueue("vuln_update", request.dump(), 1);
    if (!queued.ok()) return error_reply(queued.error());
    id = *queued;
  }
  return json_reply(202, {{"id", id}, {"state", state}, {"report_id", nullptr}, {"error", nullptr},
                          {"href", fmt::format("/v1/jobs/{}", id)}, {"status", "/v1/vuln/update-status"}});
}

Reply vuln_init_status(const Config& config, const Call&) {
  auto db = knowledge(config);
  if (!db.ok()) return error_reply(db.error());
  auto status = (*db)->status();
  if (!status.ok()) return error_reply(status.error());
  json sources = json::array();
  for (auto& s : *status)
    sources.push_back({{"source", s.source},
                       {"last_update", s.last_update},
                       {"newest_record", s.newest_record},
                       {"inputs", s.inputs}});
  json out = {{"status", status->empty() ? "empty" : "ready"}, {"sources", sources}, {"last_run", nullptr}};
  auto generation = (*db)->generation();
  if (!generation.ok()) return error_reply(generation.error());
  out["generation"] = *generation;
  // The last database update run through the API.
  auto store = state_store(config.db);
  if (!store.ok()) return error_reply(store.error());
  state::Jobs jobs((*store)->db());
  auto last = jobs.latest("vuln_update");
  if (!last.ok()) return error_reply(last.error());
  if (last->has_value()) {
    const state::Job& j = **last;
    json run = {{"job", j.id},
                {"state", j.state},
                {"queued", state::iso_time(j.created_at)},
                {"started", nullptr},
                {"finished", nullptr},
                {"error", j.error.empty() ? json(nullptr) : json(j.error)}};
    auto result = jobs.result(j.id);
    if (!result.ok()) return error_reply(result.error());
    json r = json::parse(*result, nullptr, false);
    if (r.is_object())
      for (auto& [k, v] : r.items())
        if (k != "error" || run["error"].is_null()) run[k] = v;
    out["last_run"] = std::move(run);
  }
  return json_reply(200, out);
}

}  // namespace dagda::server
