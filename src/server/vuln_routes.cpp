// /v1/vuln/...: the knowledge base, answered with the document `dagda vuln --json` prints.
#include <fmt/format.h>

#include "match/vuln_query.hpp"
#include "server/handlers.hpp"
#include "server/handles.hpp"
#include "state/jobs.hpp"
#include "state/tables.hpp"

namespace dagda::server {
namespace {

using nlohmann::json;

Result<vulndb::Store*> knowledge(const Config& config) {
  DAGDA_ASSIGN_OR_RETURN(auto* e, scan_engine(config.db));
  return &e->vulndb();
}

// The document `dagda vuln --json` prints (match/vuln_query.hpp), from the server's database.
Reply answer(const Config& config, const VulnQuery& query) {
  auto db = knowledge(config);
  if (!db.ok()) return error_reply(db.error());
  auto doc = vuln_document(**db, query);
  if (!doc.ok()) return error_reply(doc.error());
  return json_reply(200, *doc);
}

Result<int64_t> number(const std::string& s) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
    return Error(ErrorCode::invalid_input, fmt::format("'{}' is not a number", s.substr(0, 64)));
  return std::stoll(s);
}

}  // namespace

Reply vuln_cve(const Config& c, const Call& call) {
  return answer(c, {.kind = VulnQuery::Kind::cve, .id = call.params.at("id")});
}

Reply vuln_advisory(const Config& c, const Call& call) {
  return answer(c, {.kind = VulnQuery::Kind::advisory, .id = call.params.at("id")});
}

Reply vuln_product(const Config& c, const Call& call) {
  VulnQuery q{.kind = VulnQuery::Kind::product, .product = call.params.at("product")};
  if (auto it = call.params.find("version"); it != call.params.end()) q.version = it->second;
  if (auto it = call.query.find("ecosystem"); it != call.query.end()) q.ecosystem = it->second;
  return answer(c, q);
}

Reply vuln_bid(const Config& c, const Call& call) {
  auto n = number(call.params.at("bid"));
  if (!n.ok()) return error_reply(n.error());
  return answer(c, {.kind = VulnQuery::Kind::bugtraq, .number = *n});
}

Reply vuln_exploit(const Config& c, const Call& call) {
  auto n = number(call.params.at("id"));
  if (!n.ok()) return error_reply(n.error());
  return answer(c, {.kind = VulnQuery::Kind::exploit, .number = *n});
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
