// server/worker.hpp: runs the queued checks. `dagda serve --workers N` runs N
// in its process; `dagda worker` runs one on its own. A worker holds a job by
// a lease it renews from a second thread; when the lease is lost the scan is
// cancelled and its result dropped, and at shutdown the job is given back.
#pragma once

#include <atomic>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.hpp"
#include "engine/engine.hpp"
#include "match/finding.hpp"
#include "state/history.hpp"

namespace dagda::server {

struct WorkerOptions {
  std::string db;
  std::string name;            // unique among the workers sharing the queue
  int64_t lease_seconds = 30;  // a worker silent this long is taken over
  int64_t poll_ms = 500;       // how often an idle worker looks at the queue
};

// Writes one JSON line on stderr (the access log and the workers' events); never fails.
void log_line(const nlohmann::json& j);

// Runs jobs until `stop` is set.
void run_worker(const WorkerOptions& opts, const std::atomic<bool>& stop);

// A worker name unique across machines: host, process, thread number.
std::string worker_name(int index);

// The scan options of a check request's "options" object; unknown keys and
// wrong types are invalid_input.
Result<engine::ScanOptions> scan_options(const nlohmann::json& options);

// A history entry for a scan result: the three reports, digest, names, summary.
Result<state::ScanRecord> history_record(const ScanResult& result, const std::string& image,
                                         const std::string& policy_json, const std::string& origin);

}  // namespace dagda::server
