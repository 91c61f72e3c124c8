// POST /v1/check, /v1/check/images/{ref}, /v1/check/containers/{id}; GET /v1/jobs/{id}
#include <fmt/format.h>

#include "server/handlers.hpp"
#include "server/handles.hpp"
#include "server/worker.hpp"
#include "state/jobs.hpp"

namespace dagda::server {
namespace {

using nlohmann::json;

json job_json(const state::Job& j) {
  return {{"id", j.id},
          {"kind", j.kind},
          {"state", j.state},
          {"report_id", j.report_id ? json(j.report_id) : json(nullptr)},
          {"error", j.error.empty() ? json(nullptr) : json(j.error)},
          {"attempts", j.attempts},
          {"source", json::parse(j.request, nullptr, false).value("source", "")}};
}

Reply queue(const Config& config, const std::string& source, const json& options) {
  bool forbidden = false;
  auto checked = checked_source(source, config.allow_paths, &forbidden);
  if (!checked.ok())
    return forbidden ? error_reply(403, "path_not_allowed", checked.error().render()) : error_reply(checked.error());
  auto opts = scan_options(options);
  if (!opts.ok()) return error_reply(opts.error());
  auto store = state_store(config.db);
  if (!store.ok()) return error_reply(store.error());
  json request = {{"source", *checked}, {"options", options}};
  // A path is read as resolved (symlinks, `..`), and the history also knows it by the name asked for.
  if (*checked != source) request["name"] = source;
  auto id = state::Jobs((*store)->db()).enqueue("check", request.dump());
  if (!id.ok()) return error_reply(id.error());
  Reply r = json_reply(202, {{"id", *id}, {"state", "queued"}, {"report_id", nullptr}, {"error", nullptr},
                             {"href", fmt::format("/v1/jobs/{}", *id)}});
  return r;
}

Result<json> optional_options(const Call& call) {
  if (call.body.empty()) return json::object();
  json body = json::parse(call.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return Error(ErrorCode::invalid_input, "the body is not a JSON object");
  if (body.contains("options")) return body["options"];
  return json::object();
}

}  // namespace

Reply check(const Config& config, const Call& call) {
  json body = json::parse(call.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return error_reply(400, "invalid_json", "the body is not a JSON object");
  if (!body.contains("source") || !body["source"].is_string())
    return error_reply(400, "invalid_input", "the body needs \"source\": a string");
  for (auto& [k, v] : body.items())
    if (k != "source" && k != "options")
      return error_reply(400, "invalid_input", fmt::format("unknown field \"{}\"", k.substr(0, 64)));
  return queue(config, body["source"].get<std::string>(), body.value("options", json::object()));
}

Reply check_image(const Config& config, const Call& call) {
  auto options = optional_options(call);
  if (!options.ok()) return error_reply(400, "invalid_json", options.error().render());
  return queue(config, call.params.at("ref"), *options);
}

Reply check_container(const Config& config, const Call& call) {
  auto options = optional_options(call);
  if (!options.ok()) return error_reply(400, "invalid_json", options.error().render());
  const std::string& id = call.params.at("id");
  if (id.starts_with("container:")) return queue(config, id, *options);
  return queue(config, "container:" + id, *options);
}

Reply get_job(const Config& config, const Call& call) {
  const std::string& s = call.params.at("id");
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
    return error_reply(400, "invalid_input", "a job id is a number");
  auto store = state_store(config.db);
  if (!store.ok()) return error_reply(store.error());
  auto job = state::Jobs((*store)->db()).get(std::stoll(s));
  if (!job.ok()) return error_reply(job.error());
  if (!job->has_value()) return error_reply(404, "not_found", fmt::format("no job {}", s));
  return json_reply(200, job_json(**job));
}

}  // namespace dagda::server
