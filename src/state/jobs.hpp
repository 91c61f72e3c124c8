// state/jobs.hpp: the job queue of `dagda serve` and `dagda worker`. A worker
// claims the oldest queued job with a lease, renews the lease while it works
// and completes or fails the job only while it still holds it; a job whose
// lease ran out (its worker died) is claimed again by another worker, up to
// its attempt limit. On PostgreSQL any number of processes share the queue
// (the claim uses FOR UPDATE SKIP LOCKED); on SQLite the processes of one
// machine do (the claim runs under SQLite's write lock).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "vulndb/sql.hpp"

namespace dagda::state {

struct Job {
  int64_t id = 0;
  std::string kind;     // "check"
  std::string request;  // JSON: what to do
  std::string state;    // queued, running, done, failed
  int64_t report_id = 0;  // the history entry of a done job
  std::string error;      // why a failed job failed (or the last attempt's error)
  int64_t attempts = 0, max_attempts = 0;
  std::string worker;
  int64_t lease_until = 0, created_at = 0, updated_at = 0;
};

class Jobs {
 public:
  explicit Jobs(vulndb::sql::Connection& db) : db_(db) {}
  Status ensure_schema();

  Result<int64_t> enqueue(const std::string& kind, const std::string& request, int64_t max_attempts = 3);
  Result<std::optional<Job>> get(int64_t id);
  // The oldest job ready to run, now leased to `worker` for `lease_seconds`:
  // a queued one or a running one whose lease has expired. Jobs that used up
  // their attempts with an expired lease are marked failed on the way.
  Result<std::optional<Job>> claim(const std::string& worker, int64_t lease_seconds);
  // Extends the lease; false when the worker no longer holds the job.
  Result<bool> renew(int64_t id, const std::string& worker, int64_t lease_seconds);
  // Marks the job done with the report that `store_report` adds, in one
  // transaction: when the worker lost the job, nothing is stored and the
  // answer is false.
  Result<bool> complete(int64_t id, const std::string& worker, const std::function<Result<int64_t>()>& store_report);
  // Records a failure: queued again while attempts remain and `retry`, else failed.
  Result<bool> fail(int64_t id, const std::string& worker, const std::string& error, bool retry);
  // Gives the job back unfinished (shutdown): queued, the attempt not counted.
  Result<bool> release(int64_t id, const std::string& worker);
  // Jobs per state.
  Result<std::map<std::string, int64_t>> counts();
  // The newest job of a kind; with `active`, only a queued or running one.
  Result<std::optional<Job>> latest(const std::string& kind, bool active = false);

  // What a job that makes no history entry produced (JSON), kept beside it.
  Status set_result(int64_t id, const std::string& result);
  Result<std::string> result(int64_t id);  // "" when none

 private:
  vulndb::sql::Connection& db_;
};

}  // namespace dagda::state
