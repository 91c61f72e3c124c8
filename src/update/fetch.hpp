// update/fetch.hpp: downloading one URL into a file, safely. The body goes to
// a temporary file beside the destination and is renamed into place only when
// it is complete (the length the server announced, no transfer error) and its
// SHA-256 matches the expected one when given; otherwise the temporary file is
// removed and the destination is left as it was. Conditional requests
// (If-None-Match / If-Modified-Since) turn an unchanged file into a 304.
#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace dagda::update {

// Bounds of one download (docs/limits.md). Each is an error naming the URL when reached.
struct FetchOptions {
  int attempts = 4;        // tries for a transient failure (network, 429, 5xx)
  long backoff_ms = 1000;  // first wait between tries; doubles each time
  long connect_timeout_s = 30;
  // The whole download, every try and every wait included (--download-timeout): a server
  // that trickles bytes or keeps asking to retry later ends here.
  long deadline_s = 3600;
  long min_speed_bytes = 1024;      // abort a try that stays under this many bytes/s ...
  long stall_timeout_s = 60;        // ... for this long
  long max_retry_wait_s = 60;       // a longer Retry-After is cut to this
  uint64_t max_bytes = 4ull << 30;  // refuse bodies larger than this (--max-download-size)
  // A compressed download (gzip, zstd or xz, by content, whatever the Content-Encoding or
  // name) is expanded once as a stream before it is kept, and refused when it expands past
  // `max_expanded_bytes`, or past `max_ratio` times its size once over `ratio_floor` bytes
  // (a bomb: a few MB that inflate to GBs). Nothing is held in memory while checking.
  uint64_t max_expanded_bytes = 64ull << 30;
  uint64_t max_ratio = 100;
  uint64_t ratio_floor = 64ull << 20;
  std::string user_agent = "dagda";
  // Told what is being waited for (a Retry-After, a backoff), before each wait.
  std::function<void(const std::string& message)> on_wait;
};

struct FetchRequest {
  std::string url;
  std::string dest;                  // the file to write (its folder must exist)
  std::string etag;                  // sent as If-None-Match when not empty
  std::string last_modified;         // sent as If-Modified-Since when not empty
  std::string expect_sha256;         // hex; the download fails unless it matches
  std::vector<std::string> headers;  // extra request headers, "Name: value"
  // Checks the complete temporary file before it is renamed into place.
  std::function<Status(const std::string& tmp_path)> verify;
};

struct FetchResult {
  bool not_modified = false;  // 304: dest was not touched
  long http_status = 0;
  uint64_t bytes = 0;
  std::string sha256;  // of what was written
  std::string etag, last_modified;
  int attempts = 0;
};

// Downloads req.url into req.dest. http(s):// and file:// URLs.
Result<FetchResult> fetch(const FetchRequest& req, const FetchOptions& opts = {});

// Downloads a small document (an index, a checksum file) into memory.
Result<std::string> fetch_text(const std::string& url, const std::vector<std::string>& headers = {},
                               const FetchOptions& opts = {}, uint64_t limit = 64u << 20);

// --- pieces that need no server (unit-tested) ---

// The sha256 from an NVD JSON 1.1 feed's .meta file ("sha256:HEX" line), or an error.
Result<std::string> parse_nvd_meta_sha256(std::string_view meta);
// The first hash in a sha256sum-style file ("HEX  name" or just "HEX"), or an error.
Result<std::string> parse_sha256_file(std::string_view text);
// The value of a response header line ("ETag: \"x\"\r\n" -> "\"x\""), when it is `name`.
std::optional<std::string> header_value(std::string_view line, std::string_view name);
// Whether a failure is worth retrying: network errors, 408, 429 and 5xx.
bool transient_http_status(long status);
// Seconds to wait from a Retry-After value: delta seconds, or an HTTP date (seconds from
// `now`, 0 when past); nullopt for anything else.
std::optional<long> parse_retry_after(std::string_view value, std::time_t now = 0);
// Checks how far a downloaded file expands when it is compressed (see FetchOptions); ok for
// an uncompressed file. Streams: memory stays a few buffers whatever the expansion.
Status check_expansion(const std::string& path, const FetchOptions& opts, const std::string& name);
// A safe file name for a URL: its last path component without query, or `fallback`.
std::string file_name_for_url(std::string_view url, std::string_view fallback);

}  // namespace dagda::update
