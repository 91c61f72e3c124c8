// /v1/docker/images|containers|events: the engine behind DOCKER_HOST, read only.
#include <algorithm>
#include <ctime>

#include <fmt/format.h>

#include "net/engine.hpp"
#include "server/handlers.hpp"

namespace dagda::server {
namespace {

using nlohmann::json;

Result<std::string> engine_get(const std::string& path) {
  DAGDA_ASSIGN_OR_RETURN(auto ep, net::engine_from_env());
  net::EngineClient client(std::move(ep));
  DAGDA_TRY(client.ping());
  DAGDA_ASSIGN_OR_RETURN(auto resp, client.get(path, 32u << 20));
  return resp.body;
}

Reply engine_error(const Error& e) { return error_reply(502, "engine_unavailable", e.render()); }

Result<int64_t> seconds(const Call& call, const std::string& name, int64_t fallback) {
  auto it = call.query.find(name);
  if (it == call.query.end()) return fallback;
  const std::string& s = it->second;
  if (s.empty() || s.size() > 12 || s.find_first_not_of("0123456789") != std::string::npos)
    return Error(ErrorCode::invalid_input, fmt::format("?{}= is unix seconds", name));
  return std::stoll(s);
}

}  // namespace

Reply docker_images(const Config&, const Call&) {
  auto body = engine_get("/images/json");
  if (!body.ok()) return engine_error(body.error());
  auto images = net::parse_image_list(*body);
  if (!images.ok()) return engine_error(images.error());
  json out = json::array();
  for (auto& i : *images)
    out.push_back({{"id", i.id}, {"tags", i.repo_tags}, {"digests", i.repo_digests}, {"created", i.created},
                   {"size", i.size}});
  return json_reply(200, {{"images", out}});
}

Reply docker_containers(const Config&, const Call&) {
  auto body = engine_get("/containers/json?all=1");
  if (!body.ok()) return engine_error(body.error());
  auto list = net::parse_container_list(*body);
  if (!list.ok()) return engine_error(list.error());
  json out = json::array();
  for (auto& c : *list) out.push_back({{"id", c.id}, {"names", c.names}, {"image", c.image}, {"state", c.state}});
  return json_reply(200, {{"containers", out}});
}

Reply docker_events(const Config&, const Call& call) {
  int64_t now = int64_t(std::time(nullptr));
  auto since = seconds(call, "since", now - 3600);
  auto until = seconds(call, "until", now);
  if (!since.ok()) return error_reply(since.error());
  if (!until.ok()) return error_reply(until.error());
  if (*until > now) *until = now;
  // Podman's API answers a window that ends now or earlier with only part of its events (none,
  // when it ends now); one that ends in the future with all of them, once that moment is past.
  // So the engine is asked up to a second after the window, and what lies after it is dropped.
  auto body = engine_get(fmt::format("/events?since={}&until={}", *since, std::min(*until + 1, now + 1)));
  if (!body.ok()) return engine_error(body.error());
  // One JSON object per line.
  json out = json::array();
  std::string text = *body;
  size_t at = 0;
  while (at < text.size()) {
    size_t nl = text.find('\n', at);
    std::string line = text.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
    at = nl == std::string::npos ? text.size() : nl + 1;
    if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
    json e = json::parse(line, nullptr, false);
    if (e.is_discarded()) return error_reply(502, "engine_unavailable", "the engine sent an event that is not JSON");
    if (e.is_object() && e.contains("time") && e["time"].is_number_integer() && e["time"].get<int64_t>() > *until)
      continue;
    out.push_back(std::move(e));
  }
  return json_reply(200, {{"events", out}});
}

}  // namespace dagda::server
