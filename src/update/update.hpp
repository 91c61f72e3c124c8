// update/update.hpp: `dagda db update`. Downloads the chosen feeds into
// cache_dir()/feeds/<feed>/ (each file through a temporary file, renamed when
// complete and verified), then imports everything in ONE transaction with
// importers::import_into. A feed that fails to download, or whose files the
// import rejects, is left out and the others are imported; the database only
// ever changes by a committed transaction, and the saved ETag/Last-Modified
// state (cache_dir()/feeds/state.json) is written only after that commit.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "importers/import.hpp"
#include "update/fetch.hpp"
#include "vulndb/store.hpp"

namespace dagda::update {

struct UpdateOptions {
  std::vector<std::string> feeds;  // names; empty = every feed of the catalog
  // --url FEED=URL: replaces a feed's URLs (repeat for several files); also
  // defines a feed of files that the catalog does not know.
  std::map<std::string, std::vector<std::string>> urls;
  // --mirror: a folder laid out as <mirror>/<feed>/... (imported as is), or an
  // http(s):// base from which <base>/<feed>/<file name> is fetched.
  std::string mirror;
  bool force = false;  // no conditional requests; re-import unchanged inputs
  FetchOptions fetch;
  std::string nvd_api_key;  // NVD_API_KEY
  long nvd_delay_ms = -1;   // between NVD API requests; -1 = NIST's advice (6 s, 0.6 s with a key)
  std::string cache_dir;    // empty = dagda::cache_dir()
  // Called once per feed when its download is over, and before the import starts.
  std::function<void(const struct FeedReport&)> on_feed;
  std::function<void(size_t inputs)> on_import_start;
};

struct FeedReport {
  enum class State { downloaded, unchanged, mirror, failed };
  std::string feed;
  State state = State::failed;
  uint64_t bytes = 0;               // downloaded this time
  size_t files = 0;                 // files of the feed this time
  size_t unchanged_files = 0;       // of which 304
  std::string error;                // for failed
  std::vector<std::string> inputs;  // what goes to the import
};

struct UpdateResult {
  std::vector<FeedReport> feeds;
  importers::ImportResult import;  // empty when nothing was imported
  bool imported = false;
  bool any_failed() const {
    for (auto& f : feeds)
      if (f.state == FeedReport::State::failed) return true;
    return false;
  }
};

// Runs an update; an Error only for what stops everything (bad options, a
// second update running, the database unusable).
Result<UpdateResult> run_update(vulndb::Store& store, const UpdateOptions& opts);

// --- pieces that need no server (unit-tested) ---

// The NVD API windows from `since` to `until` (ISO 8601 UTC, "YYYY-MM-DDTHH:MM:SS"), at most 120 days each.
std::vector<std::pair<std::string, std::string>> nvd_windows(const std::string& since,
                                                             const std::string& until);
// The URL of one NVD API page.
std::string nvd_page_url(const std::string& base, uint64_t start, uint64_t per_page,
                         const std::string& mod_start, const std::string& mod_end);
// "totalResults" from the start of an NVD API response, or an error.
Result<uint64_t> nvd_total_results(std::string_view head);
// Keeps one record per CVE in a folder of NVD API pages (full-*.json, then
// delta-*.json by name): older pages lose the CVEs a newer page holds.
// Returns how many records were dropped.
Result<uint64_t> nvd_compact(const std::string& dir);
// The sha256 of a gzip file's uncompressed content (for NVD .meta checks).
Result<std::string> gunzip_sha256(const std::string& path);

}  // namespace dagda::update
