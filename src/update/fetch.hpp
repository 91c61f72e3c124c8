// update/fetch.hpp: downloading one URL into a file, safely. The body goes to
// a temporary file beside the destination and is renamed into place only when
// it is complete (the length the server announced, no transfer error) and its
// SHA-256 matches the expected one when given; otherwise the temporary file is
// removed and the destination is left as it was. Conditional requests
// (If-None-Match / If-Modified-Since) turn an unchanged file into a 304.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace dagda::update {

struct FetchOptions {
  int attempts = 4;        // tries for a transient failure (network, 429, 5xx)
  long backoff_ms = 1000;  // first wait between tries; doubles each time
  long connect_timeout_s = 30;
  long stall_timeout_s = 60;        // abort when under 1 byte/s for this long
  uint64_t max_bytes = 8ull << 30;  // refuse bodies larger than this
  std::string user_agent = "dagda";
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
// Seconds to wait from a Retry-After value (delta seconds only); nullopt otherwise.
std::optional<long> parse_retry_after(std::string_view value);
// A safe file name for a URL: its last path component without query, or `fallback`.
std::string file_name_for_url(std::string_view url, std::string_view fallback);

}  // namespace dagda::update
