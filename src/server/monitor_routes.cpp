// /v1/monitor/...: monitor windows on containers (start/stop), the stored alerts, and
// alerts posted by a Falco the user already runs (its http_output).
#include <map>

#include <fmt/format.h>

#include "monitor/falco_alerts.hpp"
#include "rules/engine.hpp"
#include "server/handlers.hpp"
#include "server/monitor_service.hpp"
#include "state/events.hpp"

namespace dagda::server {
namespace {

using nlohmann::json;

json window_json(const MonitorWindow& w) {
  json j = {{"container", {{"id", w.container_id}, {"name", w.name}}}, {"started", rules::iso8601_utc(w.started_ns)}};
  if (w.stopped_ns) j["stopped"] = rules::iso8601_utc(w.stopped_ns);
  return j;
}

Reply no_monitor() {
  return error_reply(503, "unavailable", "this server does not run monitor windows");
}

}  // namespace

Reply monitor_start(const Config& config, const Call& call) {
  if (!config.monitor) return no_monitor();
  auto w = config.monitor->start(call.params.at("id"));
  if (!w.ok()) return error_reply(w.error());
  return json_reply(201, window_json(*w));
}

Reply monitor_stop(const Config& config, const Call& call) {
  if (!config.monitor) return no_monitor();
  auto w = config.monitor->stop(call.params.at("id"));
  if (!w.ok()) return error_reply(w.error());
  auto store = state::EventStore::open(config.db, true);
  if (!store.ok()) return error_reply(store.error());
  state::AlertQuery q;
  q.container = w->container_id;
  q.since_ns = w->started_ns;
  auto alerts = (*store)->list(q);
  if (!alerts.ok()) return error_reply(alerts.error());
  json out = window_json(*w);
  std::map<std::string, size_t> counts;
  json list = json::array();
  for (const auto& a : *alerts) {
    if (a.time_ns > w->stopped_ns || a.origin != "dagda") continue;
    ++counts[a.priority];
    list.push_back(monitor::stored_alert_json(a));
  }
  out["counts"] = counts;
  out["count"] = list.size();
  out["alerts"] = std::move(list);
  return json_reply(200, out);
}

Reply monitor_events(const Config& config, const Call& call) {
  state::AlertQuery q;
  if (auto it = call.query.find("container"); it != call.query.end()) q.container = it->second;
  if (auto it = call.query.find("since"); it != call.query.end()) {
    auto t = monitor::parse_since(it->second, monitor::unix_now_ns());
    if (!t)
      return error_reply(400, "invalid_input",
                         "?since= is an RFC 3339 time, a date, unix seconds or a duration (30s, 15m, 2h, 7d)");
    q.since_ns = *t;
  }
  if (auto it = call.query.find("limit"); it != call.query.end()) {
    const std::string& s = it->second;
    if (s.empty() || s.size() > 6 || s.find_first_not_of("0123456789") != std::string::npos || std::stoul(s) == 0)
      return error_reply(400, "invalid_input", "?limit= is a number from 1 to 999999");
    q.limit = std::stoul(s);
  }
  auto store = state::EventStore::open(config.db, true);
  if (!store.ok()) return error_reply(store.error());
  auto alerts = (*store)->list(q);
  if (!alerts.ok()) return error_reply(alerts.error());
  json list = json::array();
  for (const auto& a : *alerts) list.push_back(monitor::stored_alert_json(a));
  return json_reply(200, {{"schema", "dagda.monitor-events/v1"}, {"count", list.size()}, {"alerts", std::move(list)}});
}

Reply monitor_falco(const Config& config, const Call& call) {
  auto parsed = monitor::parse_falco_alerts(call.body, "the request body");
  if (parsed.alerts.empty()) {
    std::string why = parsed.problems.empty() ? "the body holds no alert" : parsed.problems.front();
    return error_reply(400, "invalid_input", why);
  }
  auto store = state::EventStore::open(config.db);
  if (!store.ok()) return error_reply(store.error());
  if (auto st = (*store)->add(parsed.alerts); !st.ok()) return error_reply(st.error());
  return json_reply(201, {{"stored", parsed.alerts.size()}, {"skipped", parsed.problems}});
}

}  // namespace dagda::server
