// NVD pieces of `dagda db update`: API 2.0 windows and page URLs, reading
// totalResults, and the .meta checksum of the retired 1.1 feeds.
#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <ctime>

#include "common/digest.hpp"
#include "update/update.hpp"

namespace dagda::update {
namespace {

constexpr int64_t kNvdWindowSeconds = 120LL * 24 * 3600;

std::string iso_utc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

std::optional<std::time_t> parse_iso_utc(const std::string& s) {
  std::tm tm{};
  const char* end = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!end || *end != '\0') return std::nullopt;
  return timegm(&tm);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> nvd_windows(const std::string& since,
                                                             const std::string& until) {
  std::vector<std::pair<std::string, std::string>> out;
  auto a = parse_iso_utc(since), b = parse_iso_utc(until);
  if (!a || !b || *a >= *b) return out;
  for (std::time_t t = *a; t < *b; t += kNvdWindowSeconds) {
    std::time_t end = std::min<std::time_t>(*b, t + kNvdWindowSeconds);
    out.emplace_back(iso_utc(t), iso_utc(end));
  }
  return out;
}

std::string nvd_page_url(const std::string& base, uint64_t start, uint64_t per_page,
                         const std::string& mod_start, const std::string& mod_end) {
  std::string url = base + "?";
  // Extended ISO 8601 with an explicit UTC offset; '+' must be percent-encoded.
  if (!mod_start.empty() && !mod_end.empty())
    url += fmt::format("lastModStartDate={}.000%2B00:00&lastModEndDate={}.000%2B00:00&", mod_start, mod_end);
  url += fmt::format("resultsPerPage={}&startIndex={}", per_page, start);
  return url;
}

Result<uint64_t> nvd_total_results(std::string_view head) {
  auto k = head.find("\"totalResults\"");
  if (k == std::string_view::npos)
    return Error(ErrorCode::corrupt, "not an NVD API response: no totalResults near the start");
  size_t i = k + 14;
  while (i < head.size() &&
         (head[i] == ' ' || head[i] == ':' || head[i] == '\n' || head[i] == '\t' || head[i] == '\r'))
    ++i;
  uint64_t n = 0;
  size_t digits = 0;
  while (i < head.size() && head[i] >= '0' && head[i] <= '9' && digits < 12)
    n = n * 10 + uint64_t(head[i++] - '0'), ++digits;
  if (digits == 0 || digits >= 12)
    return Error(ErrorCode::corrupt, "not an NVD API response: totalResults is not a number");
  return n;
}

Result<std::string> gunzip_sha256(const std::string& path) {
  gzFile gz = gzopen(path.c_str(), "rb");
  if (!gz) return Error(ErrorCode::io, "cannot open", {.file = path});
  Hasher h;
  std::string buf(1 << 20, '\0');
  for (;;) {
    int n = gzread(gz, buf.data(), unsigned(buf.size()));
    if (n < 0) {
      int err = 0;
      std::string msg = gzerror(gz, &err);
      gzclose(gz);
      return Error(ErrorCode::corrupt, fmt::format("not a valid gzip file: {}", msg), {.file = path});
    }
    if (n == 0) break;
    h.update(std::string_view(buf.data(), size_t(n)));
  }
  // gzread stops quietly at a truncated end: check the stream really ended.
  int err = 0;
  gzerror(gz, &err);
  gzclose(gz);
  if (err != Z_OK && err != Z_STREAM_END)
    return Error(ErrorCode::corrupt, "truncated gzip file", {.file = path});
  return h.hex();
}

}  // namespace dagda::update
