#include "server/rematch.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "client/scan_report.hpp"
#include "match/finding.hpp"
#include "net/http.hpp"
#include "server/handles.hpp"
#include "server/worker.hpp"
#include "source/sbom_document.hpp"
#include "state/history.hpp"
#include "state/rematch.hpp"
#include "state/tables.hpp"

namespace dagda::server {
namespace {

using nlohmann::json;

int64_t ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
}

// Sleeps `ms`, waking early when cancelled; false when cancelled.
bool pause(int64_t ms, const engine::CancelToken& cancel) {
  for (int64_t slept = 0; slept < ms; slept += 100) {
    if (cancel.cancelled()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int64_t>(100, ms - slept)));
  }
  return !cancel.cancelled();
}

}  // namespace

json notify_json(const NotifyOptions& n) {
  return {{"url", n.url}, {"severity", n.severity}, {"attempts", n.attempts}, {"first_delay_ms", n.first_delay_ms}};
}

NotifyOptions notify_from_json(const json& j) {
  NotifyOptions n;
  if (!j.is_object()) return n;
  if (j.contains("url") && j["url"].is_string()) n.url = j["url"].get<std::string>();
  if (j.contains("severity") && j["severity"].is_string()) n.severity = j["severity"].get<std::string>();
  if (j.contains("attempts") && j["attempts"].is_number_integer())
    n.attempts = std::clamp(j["attempts"].get<int>(), 1, 20);
  if (j.contains("first_delay_ms") && j["first_delay_ms"].is_number_integer())
    n.first_delay_ms = std::clamp<int64_t>(j["first_delay_ms"].get<int64_t>(), 0, 600000);
  return n;
}

Result<int64_t> queue_rematch_if_needed(const std::string& db, const NotifyOptions& notify) {
  DAGDA_ASSIGN_OR_RETURN(auto* eng, scan_engine(db));
  DAGDA_ASSIGN_OR_RETURN(int64_t generation, eng->vulndb().generation());
  DAGDA_ASSIGN_OR_RETURN(auto* store, state_store(db));
  json request = {{"generation", generation}, {"notify", notify_json(notify)}};
  DAGDA_ASSIGN_OR_RETURN(int64_t job, state::RematchMark(store->db()).advance(generation, request.dump()));
  if (job) log_line({{"event", "rematch_queued"}, {"job", job}, {"generation", generation}});
  return job;
}

Result<RematchSummary> rematch_history(state::Store& store, engine::Engine& eng, const json& request,
                                       int64_t job_id, const engine::CancelToken& cancel) {
  RematchSummary s;
  if (request.contains("generation") && request["generation"].is_number_integer())
    s.generation = request["generation"].get<int64_t>();
  NotifyOptions notify = notify_from_json(request.value("notify", json::object()));
  const int least = severity_rank(notify.severity);
  state::History history(store.db());
  DAGDA_ASSIGN_OR_RETURN(auto latest, history.latest_per_image());
  std::vector<json> announcements;
  for (const auto& brief : latest) {
    if (cancel.cancelled()) return Error(ErrorCode::cancelled, "the re-match was cancelled");
    ++s.images;
    auto skip = [&](const std::string& why) {
      ++s.skipped;
      log_line({{"event", "rematch_skipped"}, {"entry", brief.id}, {"image", brief.image}, {"reason", why}});
    };
    DAGDA_ASSIGN_OR_RETURN(auto old, history.get(brief.id));
    if (!old) continue;  // removed meanwhile
    auto started = std::chrono::steady_clock::now();
    auto inventory = read_sbom_document(old->report_cyclonedx, fmt::format("history entry {}", old->id));
    if (!inventory.ok()) {
      skip(inventory.error().render());
      continue;
    }
    json policy = json::parse(old->policy, nullptr, false);
    auto options = scan_options(policy.is_object() ? policy : json::object());
    if (!options.ok()) {
      skip(options.error().render());
      continue;
    }
    inventory->source.input = old->image;
    engine::Hooks hooks;
    hooks.cancel = &cancel;
    DAGDA_ASSIGN_OR_RETURN(auto result, eng.match(std::move(*inventory), *options, hooks));
    // A re-match concerns vulnerabilities: what the other scanners found in the image's layers
    // (the stored inventory has none to look into) is carried over from the entry as it was.
    auto before = client::read_scan_report(old->report_json, fmt::format("history entry {}", old->id));
    if (!before.ok()) {
      skip(before.error().render());
      continue;
    }
    for (Finding& f : before->findings)
      if (f.kind != kKindVuln) result.findings.push_back(std::move(f));
    for (const std::string& name : before->scanners)
      if (std::find(result.scanners.begin(), result.scanners.end(), name) == result.scanners.end())
        result.scanners.push_back(name);
    DAGDA_ASSIGN_OR_RETURN(auto record, history_record(result, old->image, old->policy, "rematch"));
    record.digest = old->digest;
    record.names = old->names;
    DAGDA_ASSIGN_OR_RETURN(json diff, state::diff_reports(old->report_json, record.report_json));
    if (diff["added"].empty() && diff["removed"].empty()) continue;
    record.duration_ms = ms_since(started);
    record.job_id = job_id;
    DAGDA_ASSIGN_OR_RETURN(int64_t id, history.add(record));
    ++s.changed;
    s.last_entry = id;
    log_line({{"event", "rematch_entry"}, {"entry", id}, {"previous", old->id}, {"image", old->image},
              {"added", diff["added"].size()}, {"removed", diff["removed"].size()}});
    if (notify.url.empty()) continue;
    json worse = json::array();
    for (auto& f : diff["added"])
      if (severity_rank(f.value("severity", "")) >= least) worse.push_back(f);
    if (worse.empty()) continue;
    announcements.push_back({{"event", "rematch"},
                             {"image", old->image},
                             {"names", old->names},
                             {"digest", old->digest.empty() ? json(nullptr) : json(old->digest)},
                             {"history_id", id},
                             {"previous_id", old->id},
                             {"generation", s.generation},
                             {"severity", notify.severity},
                             {"findings", std::move(worse)},
                             {"removed", diff["removed"].size()}});
  }
  // The entries are stored first: a webhook that never answers delays nothing but itself.
  for (auto& a : announcements) {
    a["time"] = state::iso_time(state::now_seconds());
    if (post_webhook(notify, a, cancel).ok()) ++s.notified;
  }
  return s;
}

Status post_webhook(const NotifyOptions& n, const json& body, const engine::CancelToken& cancel) {
  net::Connection conn;
  conn.connect_timeout_s = 10;
  conn.stall_timeout_s = 10;
  net::Request req;
  req.method = "POST";
  req.url = n.url;
  req.headers = {"Content-Type: application/json", "User-Agent: dagda-serve"};
  req.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  int64_t delay = n.first_delay_ms;
  std::string last;
  for (int attempt = 1; attempt <= n.attempts; ++attempt) {
    auto r = net::perform(conn, req, 1u << 20);
    if (r.ok() && r->status >= 200 && r->status < 300) {
      log_line({{"event", "notify_sent"}, {"url", net::redact_url(n.url)}, {"image", body.value("image", "")},
                {"attempt", attempt}, {"status", r->status}});
      return Ok{};
    }
    last = r.ok() ? fmt::format("HTTP {}", r->status) : r.error().render();
    log_line({{"event", "notify_failed"}, {"url", net::redact_url(n.url)}, {"image", body.value("image", "")},
              {"attempt", attempt}, {"of", n.attempts}, {"error", last}});
    if (attempt == n.attempts || !pause(delay, cancel)) break;
    delay = std::min<int64_t>(delay * 2, 60000);
  }
  return Error(ErrorCode::io, fmt::format("the webhook {} was not delivered: {}", net::redact_url(n.url), last));
}

}  // namespace dagda::server
