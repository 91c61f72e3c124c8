// server/vuln_update.hpp: `POST /v1/vuln/init` and `/v1/vuln/update` queue a
// job of kind "vuln_update" that runs the code of `dagda db update`
// (update::run_update) with the feed settings `dagda serve` was given; its
// outcome (per feed) is kept beside the job for `GET /v1/vuln/update-status`.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.hpp"
#include "server/rematch.hpp"

namespace dagda::server {

struct FeedSettings {
  std::vector<std::string> feeds;                        // --feed: empty = every feed of db update
  std::map<std::string, std::vector<std::string>> urls;  // --feed-url FEED=URL
  std::string mirror;                                    // --feed-mirror DIR|URL
};
// Parses `FEED=URL` arguments into `out`.
Status parse_feed_urls(const std::vector<std::string>& args, FeedSettings& out);

// The request of an update job: the feed settings, and the re-match to queue
// after it (with the webhook settings) when `rematch`.
nlohmann::json update_request(const FeedSettings& feeds, bool rematch, const NotifyOptions& notify);

// Runs an update job's request against the database: the outcome as JSON
// (feeds: [{feed, state, bytes, files, unchanged_files, error}], imported,
// records, changed_inputs, unchanged_inputs, warnings, generation); an Error
// only when nothing could run (the database, another update running).
Result<nlohmann::json> run_database_update(const std::string& db, const nlohmann::json& request);

}  // namespace dagda::server
