// server/serve.hpp: `dagda serve`: the HTTP server over the API table, its
// in-process workers, and a graceful stop on SIGINT/SIGTERM.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "server/api.hpp"
#include "server/rematch.hpp"
#include "server/vuln_update.hpp"

namespace dagda::server {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  std::string db;
  int workers = 1;
  std::vector<std::string> allow_paths;
  std::string tls_cert, tls_key;
  size_t max_body = 16u << 20;  // bytes
  int read_timeout_s = 10, write_timeout_s = 30;
  int threads = 16;  // HTTP threads
  int64_t lease_seconds = 30;
  int rematch_interval_s = 60;  // how often the import generation is compared; 0: never
  NotifyOptions notify;
  FeedSettings feeds;                  // what POST /v1/vuln/update fetches
  std::vector<std::string> feed_urls;  // --feed-url FEED=URL, parsed into feeds.urls
};

// Serves until SIGINT or SIGTERM; then stops taking requests, gives running
// jobs back to the queue and returns.
Status serve(const ServeOptions& opts);
// `dagda worker`: only the workers, until SIGINT or SIGTERM.
Status work(const std::string& db, int workers, int64_t lease_seconds);

// Answers one call: authentication, routing, the handler (exceptions become 500).
Reply handle(const Config& config, Call& call, const std::string& authorization);

}  // namespace dagda::server
