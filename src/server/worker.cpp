#include "server/worker.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "match/policy.hpp"
#include "report/scan_writer.hpp"
#include "server/api.hpp"
#include "server/handles.hpp"
#include "server/rematch.hpp"
#include "server/vuln_update.hpp"
#include "state/tables.hpp"
#include "state/jobs.hpp"

namespace dagda::server {

void log_line(const nlohmann::json& j) {
  std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  (void)!::write(STDERR_FILENO, line.data(), line.size());
}

namespace {

using nlohmann::json;

// Renews the lease every third of it; cancels the scan when the lease is lost.
class LeaseKeeper {
 public:
  LeaseKeeper(const WorkerOptions& opts, int64_t job, engine::CancelToken& cancel)
      : thread_([this, &opts, job, &cancel] {
          auto store = state::Store::open(opts.db);
          std::unique_lock lock(mu_);
          while (!done_) {
            cv_.wait_for(lock, std::chrono::seconds(std::max<int64_t>(1, opts.lease_seconds / 3)));
            if (done_ || !store.ok()) break;
            auto held = state::Jobs((*store)->db()).renew(job, opts.name, opts.lease_seconds);
            if (held.ok() && !*held) {
              lost_ = true;
              cancel.cancel();
              break;
            }
          }
        }) {}
  ~LeaseKeeper() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  bool lost() const { return lost_.load(); }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::atomic<bool> lost_{false};
  std::thread thread_;
};

// Cancels `cancel` when `stop` is set, until destroyed.
class StopWatch {
 public:
  StopWatch(const std::atomic<bool>& stop, engine::CancelToken& cancel)
      : thread_([this, &stop, &cancel] {
          while (watching_.load() && !stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
          if (stop.load()) cancel.cancel();
        }) {}
  ~StopWatch() {
    watching_ = false;
    thread_.join();
  }

 private:
  std::atomic<bool> watching_{true};
  std::thread thread_;
};

void fail_job(const WorkerOptions& opts, state::Jobs& jobs, const state::Job& job, const Error& e, bool retry) {
  (void)jobs.fail(job.id, opts.name, e.render(), retry);
  ++metrics().jobs_failed;
  log_line({{"event", "job_failed"}, {"job", job.id}, {"worker", opts.name}, {"error", e.render()}});
}

// Runs `body` holding the job's lease and, given `stop`, cancelling it when the worker stops.
// nullopt when the lease was lost meanwhile: the job is another worker's now, to be left alone.
template <typename Body>
auto run_leased(const WorkerOptions& opts, const state::Job& job, const std::atomic<bool>* stop,
                engine::CancelToken& cancel, Body&& body) -> std::optional<decltype(body())> {
  std::optional<decltype(body())> out;
  bool lost = false;
  {
    std::optional<StopWatch> watch;
    if (stop) watch.emplace(*stop, cancel);
    LeaseKeeper lease(opts, job.id, cancel);
    out.emplace(body());
    lost = lease.lost();
  }
  if (!lost) return out;
  log_line({{"event", "job_lost"}, {"job", job.id}, {"worker", opts.name}});
  return std::nullopt;
}

// A job cancelled because its worker is stopping goes back to the queue, for another worker.
bool requeue_if_stopping(const WorkerOptions& opts, state::Jobs& jobs, const state::Job& job, const Error& e,
                         const std::atomic<bool>& stop) {
  if (e.code() != ErrorCode::cancelled || !stop.load()) return false;
  (void)jobs.release(job.id, opts.name);
  ++metrics().jobs_requeued;
  log_line({{"event", "job_requeued"}, {"job", job.id}, {"worker", opts.name}});
  return true;
}

// A "rematch" job: every image's latest entry matched again (server/rematch.hpp).
void run_rematch(const WorkerOptions& opts, state::Store& store, const state::Job& job, const std::atomic<bool>& stop) {
  state::Jobs jobs(store.db());
  auto fail = [&](const Error& e, bool retry) { fail_job(opts, jobs, job, e, retry); };
  json req = json::parse(job.request, nullptr, false);
  if (!req.is_object()) return fail(Error(ErrorCode::invalid_input, "the job's request is not a re-match"), false);
  auto eng = scan_engine(opts.db);
  if (!eng.ok()) return fail(eng.error(), true);
  engine::CancelToken cancel;
  auto summary = run_leased(opts, job, &stop, cancel, [&] { return rematch_history(store, **eng, req, job.id, cancel); });
  if (!summary) return;
  if (!summary->ok()) {
    if (requeue_if_stopping(opts, jobs, job, summary->error(), stop)) return;
    return fail(summary->error(), true);
  }
  const RematchSummary& sum = **summary;
  auto done = jobs.complete(job.id, opts.name, [&]() -> Result<int64_t> { return sum.last_entry; });
  if (!done.ok()) return fail(done.error(), true);
  if (*done) {
    ++metrics().jobs_done;
    log_line({{"event", "job_done"}, {"job", job.id}, {"worker", opts.name}, {"kind", "rematch"},
              {"generation", sum.generation}, {"images", sum.images}, {"changed", sum.changed},
              {"skipped", sum.skipped}, {"notified", sum.notified}});
  }
}

// A "vuln_update" job: `dagda db update` with the server's feed settings, then
// the re-match when the data changed. It runs to its end even at shutdown (an
// update is one transaction; its downloads have their own timeouts).
void run_vuln_update(const WorkerOptions& opts, state::Store& store, const state::Job& job) {
  state::Jobs jobs(store.db());
  json req = json::parse(job.request, nullptr, false);
  json outcome = {{"started", state::iso_time(state::now_seconds())}};
  (void)jobs.set_result(job.id, outcome.dump());
  auto fail = [&](const Error& e) {
    outcome["finished"] = state::iso_time(state::now_seconds());
    outcome["error"] = e.render();
    (void)jobs.set_result(job.id, outcome.dump());
    (void)jobs.fail(job.id, opts.name, e.render(), false);
    ++metrics().jobs_failed;
    log_line({{"event", "job_failed"}, {"job", job.id}, {"worker", opts.name}, {"error", e.render()}});
  };
  if (!req.is_object()) return fail(Error(ErrorCode::invalid_input, "the job's request is not a database update"));
  engine::CancelToken unused;
  auto leased = run_leased(opts, job, nullptr, unused, [&] { return run_database_update(opts.db, req); });
  if (!leased) return;
  Result<json>& result = *leased;
  if (!result.ok()) return fail(result.error());
  result->update(outcome);
  (*result)["finished"] = state::iso_time(state::now_seconds());
  auto done = jobs.complete(job.id, opts.name, [&]() -> Result<int64_t> {
    DAGDA_TRY(jobs.set_result(job.id, result->dump()));
    return int64_t{0};
  });
  if (!done.ok()) return fail(done.error());
  if (*done) {
    ++metrics().jobs_done;
    log_line({{"event", "job_done"}, {"job", job.id}, {"worker", opts.name}, {"kind", "vuln_update"},
              {"records", (*result)["records"]}, {"generation", (*result)["generation"]}});
  }
  if (req.value("rematch", false)) {
    auto queued = queue_rematch_if_needed(opts.db, notify_from_json(req.value("notify", json::object())));
    if (!queued.ok()) log_line({{"event", "rematch_error"}, {"error", queued.error().render()}});
  }
}

void run_one(const WorkerOptions& opts, state::Store& store, const state::Job& job, const std::atomic<bool>& stop) {
  if (job.kind == "rematch") return run_rematch(opts, store, job, stop);
  if (job.kind == "vuln_update") return run_vuln_update(opts, store, job);
  state::Jobs jobs(store.db());
  auto fail = [&](const Error& e, bool retry) { fail_job(opts, jobs, job, e, retry); };
  json req = json::parse(job.request, nullptr, false);
  if (req.is_discarded() || !req.is_object() || !req.contains("source") || !req["source"].is_string())
    return fail(Error(ErrorCode::invalid_input, "the job's request is not a check"), false);
  auto options = scan_options(req.value("options", json::object()));
  if (!options.ok()) return fail(options.error(), false);
  auto eng = scan_engine(opts.db);
  if (!eng.ok()) return fail(eng.error(), true);

  engine::CancelToken cancel;
  auto started = std::chrono::steady_clock::now();
  auto scanned = run_leased(opts, job, &stop, cancel, [&] {
    engine::Hooks hooks;
    hooks.cancel = &cancel;
    return (*eng)->scan(req["source"].get<std::string>(), *options, hooks);
  });
  if (!scanned) return;
  Result<ScanResult>& result = *scanned;
  if (!result.ok()) {
    if (requeue_if_stopping(opts, jobs, job, result.error(), stop)) return;
    return fail(result.error(), result.error().code() == ErrorCode::io);
  }
  auto record = history_record(*result, req["source"].get<std::string>(), req.value("options", json::object()).dump(),
                               "server");
  if (!record.ok()) return fail(record.error(), false);
  if (req.contains("name") && req["name"].is_string()) {
    std::string asked = req["name"].get<std::string>();
    auto& names = record->names;
    if (asked != record->image && std::find(names.begin(), names.end(), asked) == names.end()) {
      names.insert(names.begin(), std::move(asked));
      if (names.size() >= state::kMaxNames) names.pop_back();
    }
  }
  record->job_id = job.id;
  record->duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  auto done = jobs.complete(job.id, opts.name, [&]() { return state::History(store.db()).add(*record); });
  if (!done.ok()) return fail(done.error(), true);
  if (*done) {
    ++metrics().jobs_done;
    log_line({{"event", "job_done"}, {"job", job.id}, {"worker", opts.name}, {"ms", record->duration_ms}});
  }
}

}  // namespace

std::string worker_name(int index) {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return fmt::format("{}:{}:{}", host, ::getpid(), index);
}

Result<engine::ScanOptions> scan_options(const json& options) {
  engine::ScanOptions o;
  if (!options.is_object()) return Error(ErrorCode::invalid_input, "\"options\" must be an object");
  auto want = [](bool ok, std::string_view key, std::string_view type) -> Status {
    if (ok) return Ok{};
    return Error(ErrorCode::invalid_input, fmt::format("option \"{}\" must be {}", key, type));
  };
  for (auto& [k, v] : options.items()) {
    if (k == "severity") {
      std::vector<std::string> words;
      if (v.is_string()) words.push_back(v.get<std::string>());
      else if (v.is_array())
        for (auto& w : v) {
          DAGDA_TRY(want(w.is_string(), k, "a severity or a list of them"));
          words.push_back(w.get<std::string>());
        }
      else DAGDA_TRY(want(false, k, "a severity or a list of them"));
      for (auto& w : words) {
        for (char& c : w) c = char(std::tolower(static_cast<unsigned char>(c)));
        if (severity_rank(w) == 0 && w != "unknown")
          return Error(ErrorCode::invalid_input, fmt::format("unknown severity '{}'", w.substr(0, 40)));
        o.policy.severities.push_back(w);
      }
    } else if (k == "ignore_unfixed") {
      DAGDA_TRY(want(v.is_boolean(), k, "true or false"));
      o.policy.ignore_unfixed = v.get<bool>();
    } else if (k == "platform") {
      DAGDA_TRY(want(v.is_string(), k, "a string"));
      o.inventory.source.platform = v.get<std::string>();
    } else if (k == "lockfiles" || k == "include_os_owned" || k == "exclude_dev") {
      DAGDA_TRY(want(v.is_boolean(), k, "true or false"));
      (k == "lockfiles" ? o.inventory.lockfiles
                        : k == "include_os_owned" ? o.inventory.include_os_owned : o.inventory.exclude_dev) =
          v.get<bool>();
    } else {
      return Error(ErrorCode::invalid_input,
                   fmt::format("unknown option \"{}\"; known: severity, ignore_unfixed, platform, lockfiles, "
                               "include_os_owned, exclude_dev",
                               k.substr(0, 64)));
    }
  }
  return o;
}

Result<state::ScanRecord> history_record(const ScanResult& result, const std::string& image,
                                         const std::string& policy_json, const std::string& origin) {
  state::ScanRecord r;
  r.image = image;
  const SourceInfo& src = result.inventory.source;
  r.digest = !src.image_id.empty() ? src.image_id : src.manifest_digest;
  for (auto& n : image_names(src))
    if (!n.empty() && r.names.size() < state::kMaxNames - 1) r.names.push_back(n);
  r.origin = origin;
  r.policy = policy_json;
  ScanReportOptions ro;
  for (auto [name, out] : {std::pair{"json", &r.report_json}, std::pair{"sarif", &r.report_sarif},
                           std::pair{"cyclonedx", &r.report_cyclonedx}}) {
    const ScanFormat* f = find_scan_format(name);
    if (!f) return Error(ErrorCode::internal, fmt::format("no {} report writer", name));
    DAGDA_ASSIGN_OR_RETURN(*out, f->write(result, ro));
  }
  json doc = json::parse(r.report_json, nullptr, false);
  r.summary = doc.is_object() && doc.contains("summary") ? doc["summary"].dump() : "{}";
  return r;
}

void run_worker(const WorkerOptions& opts, const std::atomic<bool>& stop) {
  while (!stop.load()) {
    auto store = state_store(opts.db);
    Result<std::optional<state::Job>> job = store.ok() ? state::Jobs((*store)->db()).claim(opts.name, opts.lease_seconds)
                                                       : Result<std::optional<state::Job>>(store.error());
    if (!job.ok()) {
      log_line({{"event", "worker_error"}, {"worker", opts.name}, {"error", job.error().render()}});
      std::this_thread::sleep_for(std::chrono::seconds(1));
      continue;
    }
    if (!job->has_value()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(opts.poll_ms));
      continue;
    }
    log_line({{"event", "job_claimed"}, {"job", (*job)->id}, {"worker", opts.name}, {"attempt", (*job)->attempts}});
    run_one(opts, **store, **job, stop);
  }
}

}  // namespace dagda::server
