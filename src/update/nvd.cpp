// NVD pieces of `dagda db update`: API 2.0 windows and page URLs, reading
// totalResults, one record per CVE across pages, and the .meta checksum of
// the retired 1.1 feeds.
#include <fmt/format.h>
#include <simdjson.h>
#include <zlib.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <unordered_map>

#include "common/digest.hpp"
#include "common/fs.hpp"
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

Result<uint64_t> nvd_compact(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if ((name.starts_with("full-") || name.starts_with("delta-")) && name.ends_with(".json"))
      files.push_back(it->path().string());
  }
  if (ec) return Error(ErrorCode::io, fmt::format("cannot list: {}", ec.message()), {.file = dir});
  // full-* before delta-*, deltas by time stamp and window: later files hold newer records.
  std::sort(files.begin(), files.end(), [](const std::string& a, const std::string& b) {
    bool fa = fs::path(a).filename().string().starts_with("full-");
    bool fb = fs::path(b).filename().string().starts_with("full-");
    if (fa != fb) return fa;
    return a < b;
  });
  simdjson::dom::parser parser;
  std::unordered_map<std::string, size_t> newest;  // CVE id -> index of the file with its newest record
  auto cve_id = [](simdjson::dom::element item) -> std::string_view {
    std::string_view id;
    if (item["cve"]["id"].get(id) != simdjson::SUCCESS) return {};
    return id;
  };
  for (size_t i = 0; i < files.size(); ++i) {
    simdjson::dom::element root;
    if (parser.load(files[i]).get(root) != simdjson::SUCCESS)
      return Error(ErrorCode::corrupt, "not valid JSON (an NVD API page)", {.file = files[i]});
    simdjson::dom::array list;
    if (root["vulnerabilities"].get(list) != simdjson::SUCCESS)
      return Error(ErrorCode::corrupt, "an NVD API page without a vulnerabilities list", {.file = files[i]});
    for (auto item : list)
      if (auto id = cve_id(item); !id.empty()) newest[std::string(id)] = i;
  }
  uint64_t dropped = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    simdjson::dom::element root;
    if (parser.load(files[i]).get(root) != simdjson::SUCCESS)
      return Error(ErrorCode::corrupt, "not valid JSON (an NVD API page)", {.file = files[i]});
    simdjson::dom::array list;
    if (root["vulnerabilities"].get(list) != simdjson::SUCCESS) continue;
    std::vector<std::string> kept;
    uint64_t gone = 0;
    for (auto item : list) {
      auto id = cve_id(item);
      if (!id.empty() && newest[std::string(id)] != i) {
        ++gone;
        continue;
      }
      kept.push_back(simdjson::minify(item));
    }
    if (gone == 0) continue;
    dropped += gone;
    std::string_view stamp;
    if (root["timestamp"].get(stamp) != simdjson::SUCCESS) stamp = "";
    std::string out = fmt::format(
        "{{\"resultsPerPage\":{},\"startIndex\":0,\"totalResults\":{},\"format\":\"NVD_CVE\",\"version\":\"2."
        "0\","
        "\"timestamp\":\"{}\",\"vulnerabilities\":[",
        kept.size(), kept.size(), stamp);
    for (size_t k = 0; k < kept.size(); ++k) {
      if (k) out += ',';
      out += kept[k];
    }
    out += "]}\n";
    DAGDA_TRY(write_file_atomic(files[i], out));
  }
  return dropped;
}

}  // namespace dagda::update
