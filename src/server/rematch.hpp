// server/rematch.hpp: re-matching the history when the vulnerability data
// changes. `dagda serve` looks at the import generation (vulndb::Store::
// generation) every --rematch-interval seconds and after a database update job;
// when it moved, one server queues a "rematch" job (state/rematch.hpp). A
// worker runs it: the stored inventory (the CycloneDX report) of each image's
// latest entry is matched again, without reading the image, and when findings
// were added or removed a new entry (origin "rematch") is stored. Images that
// gained findings at or above --notify-severity are announced to --notify-url.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.hpp"
#include "engine/engine.hpp"
#include "state/store.hpp"

namespace dagda::server {

struct NotifyOptions {
  std::string url;                // empty: no webhook
  std::string severity = "high";  // the least severity announced
  int attempts = 5;               // POSTs per image, at most
  int64_t first_delay_ms = 1000;  // doubled after each failed attempt
};
// The webhook settings as a job request carries them, and back.
nlohmann::json notify_json(const NotifyOptions& n);
NotifyOptions notify_from_json(const nlohmann::json& j);

// Compares the data's generation with the history's mark and queues the
// re-match job when this caller moved the mark; the job id or 0.
Result<int64_t> queue_rematch_if_needed(const std::string& db, const NotifyOptions& notify);

struct RematchSummary {
  int64_t generation = 0;
  int images = 0, changed = 0, skipped = 0, notified = 0;
  int64_t last_entry = 0;  // the newest entry stored, 0 when none
};

// Runs a re-match job's request over every image's latest entry. `cancel` stops
// between images (a cancelled run is an error; running it again is harmless:
// images already re-matched show no change the second time).
// The entries it stores carry `job_id`.
Result<RematchSummary> rematch_history(state::Store& store, engine::Engine& eng, const nlohmann::json& request,
                                       int64_t job_id, const engine::CancelToken& cancel);

// POSTs `body` as JSON to `url`, retried with backoff on a transport error or a
// status outside 2xx; every attempt is logged. Fails after the last attempt.
Status post_webhook(const NotifyOptions& n, const nlohmann::json& body, const engine::CancelToken& cancel);

}  // namespace dagda::server
