// state/history.hpp: the history of every analysis. Each entry keeps the
// reports (dagda.scan/v1 JSON, SARIF, CycloneDX: the CycloneDX document is
// also the inventory a later re-match reads), the policy, the timings and
// the job that made it. An image is found by its digest and by every name it
// was seen under.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.hpp"
#include "vulndb/sql.hpp"

namespace dagda::state {

struct ScanRecord {
  int64_t id = 0;
  int64_t job_id = 0;  // 0: not made by a job (CLI, agent)
  std::string image;   // the name the scan was asked for
  std::string digest;  // the image id (config digest), else the manifest digest; empty for directories
  std::vector<std::string> names;  // every name it was seen under (the request and the image's tags)
  std::string origin;              // "server", "agent", "cli", "rematch"
  int64_t created_at = 0;          // seconds since the epoch
  int64_t duration_ms = 0;
  std::string policy;   // JSON: the scan options that shaped the findings
  std::string summary;  // JSON: the report's summary
  // Empty in listings; filled by History::get.
  std::string report_json, report_sarif, report_cyclonedx;
};

// Limits on what is stored, so one entry cannot fill the database.
inline constexpr size_t kMaxNames = 64;

class History {
 public:
  explicit History(vulndb::sql::Connection& db) : db_(db) {}
  Status ensure_schema();

  // Stores an entry; its id.
  Result<int64_t> add(const ScanRecord& r);
  Result<std::optional<ScanRecord>> get(int64_t id);
  // Entries of IMAGE (a name it was seen under, or its digest), newest first;
  // every entry when IMAGE is empty. Without the reports.
  Result<std::vector<ScanRecord>> list(std::string_view image = {}, int64_t limit = 1000);
  // The newest entry of every image digest (or name, for entries without one).
  Result<std::vector<ScanRecord>> latest_per_image();

 private:
  vulndb::sql::Connection& db_;
};

// What changed from one report (dagda.scan/v1 JSON) to another: the findings
// added and removed, by vulnerability id and package name and version.
Result<nlohmann::json> diff_reports(std::string_view from_json, std::string_view to_json);

}  // namespace dagda::state
