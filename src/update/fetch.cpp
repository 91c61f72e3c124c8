#include "update/fetch.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <vector>
#include <filesystem>
#include <mutex>
#include <thread>

#include "common/digest.hpp"
#include "common/error.hpp"
#include "source/stream.hpp"

namespace dagda::update {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

bool is_hex64(std::string_view s) {
  return s.size() == 64 &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// One transfer's state, shared with libcurl's callbacks.
struct Transfer {
  CURL* curl = nullptr;
  int fd = -1;  // the temporary file, or -1 when collecting in memory
  std::string* memory = nullptr;
  uint64_t limit = 0;
  uint64_t bytes = 0;
  bool too_big = false;
  bool write_failed = false;
  int write_errno = 0;
  Hasher hasher;
  long status = 0;  // of the last response seen (redirects reset it)
  std::string reason;
  std::string etag, last_modified, retry_after;
  std::string error_body;  // the start of a non-200 body, for the message
};

using Clock = std::chrono::steady_clock;

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    t->etag.clear(), t->last_modified.clear(), t->retry_after.clear(), t->reason.clear();
    auto sp = line.find(' ');
    if (sp != std::string_view::npos) {
      std::string rest = trim(line.substr(sp + 1));
      t->status = std::strtol(rest.c_str(), nullptr, 10);
      auto sp2 = rest.find(' ');
      if (sp2 != std::string::npos) t->reason = rest.substr(sp2 + 1);
    }
  } else if (auto v = header_value(line, "etag")) {
    t->etag = *v;
  } else if (auto lm = header_value(line, "last-modified")) {
    t->last_modified = *lm;
  } else if (auto ra = header_value(line, "retry-after")) {
    t->retry_after = *ra;
  } else if (auto cl = header_value(line, "content-length"); cl && (t->status == 200 || t->status == 0)) {
    // Refuse an announced body over the limit before any of it arrives.
    errno = 0;
    unsigned long long n = std::strtoull(cl->c_str(), nullptr, 10);
    if (errno == 0 && n > t->limit) {
      t->too_big = true;
      return 0;  // aborts the transfer
    }
  }
  return size * n;
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  bool ok_status = t->status == 200 || t->status == 0;  // 0: file:// has no status line
  if (!ok_status) {
    if (t->error_body.size() < 200) t->error_body.append(data, std::min(len, 200 - t->error_body.size()));
    return len;
  }
  if (t->bytes + len > t->limit) {
    t->too_big = true;
    return 0;  // aborts the transfer
  }
  if (t->memory) {
    t->memory->append(data, len);
  } else {
    size_t off = 0;
    while (off < len) {
      ssize_t w = ::write(t->fd, data + off, len - off);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        t->write_failed = true;
        t->write_errno = errno;
        return 0;
      }
      off += size_t(w);
    }
    t->hasher.update(std::string_view(data, len));
  }
  t->bytes += len;
  return len;
}

bool transient_curl(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

struct CurlHeaders {
  curl_slist* list = nullptr;
  ~CurlHeaders() { curl_slist_free_all(list); }
  void add(const std::string& h) { list = curl_slist_append(list, h.c_str()); }
};

struct Attempt {
  bool retry = false;
  long wait_ms = 0;
  std::string wait_reason;  // what the wait is for, e.g. "the server's Retry-After: 100000"
  std::optional<Error> error;
};

long ms_left(Clock::time_point deadline) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
}

// One HTTP exchange into `t` (file or memory). Returns an error description and whether to retry.
Attempt run_once(const std::string& url, Transfer& t, const std::vector<std::string>& headers,
                 const FetchOptions& opts, Clock::time_point deadline) {
  Attempt a;
  long left = ms_left(deadline);
  if (left <= 0) {
    a.error = Error(ErrorCode::io, fmt::format("no answer within the {} s deadline (--download-timeout)", opts.deadline_s),
                    {.file = url});
    return a;
  }
  CURL* c = curl_easy_init();
  if (!c) {
    a.error = Error(ErrorCode::internal, "curl_easy_init failed", {.file = url});
    return a;
  }
  t.curl = c;
  char errbuf[CURL_ERROR_SIZE] = {0};
  CurlHeaders hl;
  for (auto& h : headers) hl.add(h);
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, opts.connect_timeout_s);
  // The try ends at the download's deadline however the bytes trickle in.
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, left);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, opts.min_speed_bytes);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, opts.stall_timeout_s);
  // The body is kept as sent: a Content-Encoding is not undone in memory (check_expansion
  // bounds what a compressed download expands to, as a stream).
  curl_easy_setopt(c, CURLOPT_HTTP_CONTENT_DECODING, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, opts.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl.list);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  CURLcode rc = curl_easy_perform(c);
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  curl_off_t expected = -1;
  curl_easy_getinfo(c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &expected);
  curl_easy_cleanup(c);
  t.curl = nullptr;
  if (code != 0) t.status = code;

  if (t.too_big) {
    a.error = Error(ErrorCode::unsupported,
                    fmt::format("the download is larger than the {} byte limit", t.limit), {.file = url});
    return a;
  }
  if (t.write_failed) {
    a.error = Error(ErrorCode::io, fmt::format("cannot write the download: {}", std::strerror(t.write_errno)),
                    {.file = url});
    return a;
  }
  if (rc == CURLE_OPERATION_TIMEDOUT && ms_left(deadline) <= 0) {
    a.error = Error(ErrorCode::io,
                    fmt::format("the download did not finish within the {} s deadline (--download-timeout); {} "
                                "bytes arrived",
                                opts.deadline_s, t.bytes),
                    {.file = url});
    return a;
  }
  if (rc != CURLE_OK) {
    a.retry = transient_curl(rc);
    a.error = Error(ErrorCode::io,
                    fmt::format("download failed after {} bytes: {}", t.bytes,
                                errbuf[0] ? errbuf : curl_easy_strerror(rc)),
                    {.file = url});
    return a;
  }
  if (t.status == 304) return a;
  if (t.status != 200 && t.status != 0) {
    a.retry = transient_http_status(t.status);
    if (auto ra = parse_retry_after(t.retry_after, std::time(nullptr))) {
      a.wait_ms = std::min(*ra, opts.max_retry_wait_s) * 1000;
      a.wait_reason = *ra > opts.max_retry_wait_s
                          ? fmt::format("the server's Retry-After: {} (cut to {} s)", terminal_safe(t.retry_after),
                                        opts.max_retry_wait_s)
                          : fmt::format("the server's Retry-After: {}", terminal_safe(t.retry_after));
    }
    std::string body = trim(t.error_body);
    for (auto& ch : body)
      if (ch == '\n' || ch == '\r') ch = ' ';
    a.error = Error(t.status == 404 ? ErrorCode::not_found : ErrorCode::io,
                    fmt::format("HTTP {}{}{}", t.status, t.reason.empty() ? "" : " " + t.reason,
                                body.empty() ? "" : ": " + body.substr(0, 120)),
                    {.file = url});
    return a;
  }
  // libcurl reports a short body as CURLE_PARTIAL_FILE; check again (no
  // content encoding is asked for, so the announced length is the body's).
  if (expected >= 0 && uint64_t(expected) != t.bytes) {
    a.retry = true;
    a.error = Error(ErrorCode::io, fmt::format("download cut short: {} of {} bytes", t.bytes, expected),
                    {.file = url});
  }
  return a;
}

// Waits before the next try, saying so; an error when the wait would pass the deadline.
std::optional<Error> wait_before_retry(int attempt, const Attempt& a, const FetchOptions& opts,
                                       Clock::time_point deadline, const std::string& url) {
  long ms = a.wait_ms > 0 ? a.wait_ms : opts.backoff_ms << std::min(attempt - 1, 6);
  ms = std::min(ms, opts.max_retry_wait_s * 1000);
  if (ms >= ms_left(deadline))
    return Error(a.error->code(),
                 fmt::format("{}; {}no time is left for another try within the {} s deadline (--download-timeout)",
                             a.error->message(), a.wait_reason.empty() ? "" : a.wait_reason + ", but ",
                             opts.deadline_s),
                 a.error->where());
  if (opts.on_wait)
    opts.on_wait(fmt::format("waiting {} s before try {} of {} for {} ({}; {})", (ms + 999) / 1000, attempt + 1,
                             opts.attempts, url, a.error->message(),
                             a.wait_reason.empty() ? "backoff" : a.wait_reason));
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  return std::nullopt;
}

}  // namespace

Result<FetchResult> fetch(const FetchRequest& req, const FetchOptions& opts) {
  global_init();
  namespace fs = std::filesystem;
  std::string tmp = fmt::format("{}.part-{}", req.dest, ::getpid());
  std::vector<std::string> headers = req.headers;
  std::error_code ec;
  bool have_dest = fs::exists(req.dest, ec);
  if (have_dest && !req.etag.empty()) headers.push_back("If-None-Match: " + req.etag);
  if (have_dest && !req.last_modified.empty()) headers.push_back("If-Modified-Since: " + req.last_modified);
  FetchResult out;
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(opts.deadline_s);
  for (int attempt = 1;; ++attempt) {
    out.attempts = attempt;
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
      return Error(ErrorCode::io, fmt::format("cannot create: {}", std::strerror(errno)), {.file = tmp});
    Transfer t;
    t.fd = fd;
    t.limit = opts.max_bytes;
    Attempt a = run_once(req.url, t, headers, opts, deadline);
    bool synced = a.error || t.status == 304 || ::fsync(fd) == 0;
    ::close(fd);
    if (!a.error && !synced)
      a.error = Error(ErrorCode::io, fmt::format("fsync failed: {}", std::strerror(errno)), {.file = tmp});
    if (a.error) {
      ::unlink(tmp.c_str());
      if (a.retry && attempt < opts.attempts) {
        if (auto late = wait_before_retry(attempt, a, opts, deadline, req.url)) a.error = std::move(late);
        else continue;
      }
      Error e = *a.error;
      if (attempt > 1)
        return Error(e.code(), fmt::format("{} (after {} attempts)", e.message(), attempt), e.where());
      return e;
    }
    out.http_status = t.status;
    out.etag = t.etag;
    out.last_modified = t.last_modified;
    if (t.status == 304) {
      ::unlink(tmp.c_str());
      out.not_modified = true;
      return out;
    }
    out.bytes = t.bytes;
    out.sha256 = t.hasher.hex();
    if (!req.expect_sha256.empty() && lower(req.expect_sha256) != out.sha256) {
      ::unlink(tmp.c_str());
      return Error(ErrorCode::corrupt,
                   fmt::format("checksum mismatch: the source publishes sha256 {}, the download has {}",
                               lower(req.expect_sha256), out.sha256),
                   {.file = req.url});
    }
    if (auto x = check_expansion(tmp, opts, req.url); !x.ok()) {
      ::unlink(tmp.c_str());
      return std::move(x).error();
    }
    if (req.verify) {
      auto v = req.verify(tmp);
      if (!v.ok()) {
        ::unlink(tmp.c_str());
        Error e = std::move(v).error();
        if (e.where().file.empty()) e.in_file(req.url);
        return e;
      }
    }
    if (::rename(tmp.c_str(), req.dest.c_str()) != 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      return Error(ErrorCode::io, fmt::format("cannot rename into place: {}", std::strerror(err)),
                   {.file = req.dest});
    }
    return out;
  }
}

Result<std::string> fetch_text(const std::string& url, const std::vector<std::string>& headers,
                               const FetchOptions& opts, uint64_t limit) {
  global_init();
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(opts.deadline_s);
  for (int attempt = 1;; ++attempt) {
    std::string body;
    Transfer t;
    t.memory = &body;
    t.limit = std::min(limit, opts.max_bytes);
    Attempt a = run_once(url, t, headers, opts, deadline);
    if (!a.error) return body;
    if (a.retry && attempt < opts.attempts) {
      if (auto late = wait_before_retry(attempt, a, opts, deadline, url)) return *late;
      continue;
    }
    return *a.error;
  }
}

Result<std::string> parse_nvd_meta_sha256(std::string_view meta) {
  size_t pos = 0;
  while (pos < meta.size()) {
    size_t end = meta.find('\n', pos);
    if (end == std::string_view::npos) end = meta.size();
    std::string line = trim(meta.substr(pos, end - pos));
    pos = end + 1;
    if (line.size() > 7 && lower(line.substr(0, 7)) == "sha256:") {
      std::string hex = lower(trim(line.substr(7)));
      if (!is_hex64(hex)) return Error(ErrorCode::corrupt, "the .meta sha256 line is not 64 hex digits");
      return hex;
    }
  }
  return Error(ErrorCode::corrupt, "no sha256: line in the .meta file");
}

Result<std::string> parse_sha256_file(std::string_view text) {
  std::string s = trim(text);
  size_t end = 0;
  while (end < s.size() && !std::isspace(static_cast<unsigned char>(s[end]))) ++end;
  std::string hex = lower(s.substr(0, end));
  if (!is_hex64(hex))
    return Error(ErrorCode::corrupt, "the checksum file does not start with a sha256 (64 hex digits)");
  return hex;
}

std::optional<std::string> header_value(std::string_view line, std::string_view name) {
  auto colon = line.find(':');
  if (colon == std::string_view::npos || colon != name.size()) return std::nullopt;
  for (size_t i = 0; i < colon; ++i)
    if (std::tolower(static_cast<unsigned char>(line[i])) !=
        std::tolower(static_cast<unsigned char>(name[i])))
      return std::nullopt;
  return trim(line.substr(colon + 1));
}

bool transient_http_status(long status) {
  return status == 408 || status == 429 || (status >= 500 && status <= 599);
}

std::optional<long> parse_retry_after(std::string_view value, std::time_t now) {
  std::string v = trim(value);
  if (v.empty()) return std::nullopt;
  if (std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    // Delta seconds; anything past a year is as good as forever (and is cut by the caller).
    if (v.size() > 9) return 999999999L;
    return std::strtol(v.c_str(), nullptr, 10);
  }
  time_t when = curl_getdate(v.c_str(), nullptr);  // an HTTP date
  if (when < 0) return std::nullopt;
  return now > 0 && when > now ? static_cast<long>(std::min<std::time_t>(when - now, 999999999)) : 0L;
}

Status check_expansion(const std::string& path, const FetchOptions& opts, const std::string& name) {
  DAGDA_ASSIGN_OR_RETURN(auto file, HostFile::open(path, name));
  char head[6] = {};
  ssize_t n = ::pread(file->fd(), head, sizeof head, 0);
  if (n <= 0) return ok_status();
  Compression c = sniff_compression({head, static_cast<size_t>(n)});
  if (c != Compression::gzip && c != Compression::zstd && c != Compression::xz) return ok_status();
  const uint64_t size = file->size();
  DAGDA_ASSIGN_OR_RETURN(auto in, decompress_stream(file_range_stream(file, 0, size, name), name,
                                                    opts.max_expanded_bytes));
  std::vector<char> buf(1 << 20);
  uint64_t total = 0;
  for (;;) {
    auto got = in->read(buf.data(), buf.size());
    if (!got.ok()) {
      Error e = std::move(got).error();
      return Error(e.code(), fmt::format("the {} download is refused: {}", to_string(c), e.message()),
                   {.file = name});
    }
    if (*got == 0) break;
    total += *got;
    if (total > opts.ratio_floor && total / std::max<uint64_t>(size, 1) > opts.max_ratio)
      return Error(ErrorCode::corrupt,
                   fmt::format("the {} download of {} bytes expands to more than {} bytes ({}:1 past the {}:1 limit); "
                               "refused as a decompression bomb",
                               to_string(c), size, total, total / std::max<uint64_t>(size, 1), opts.max_ratio),
                   {.file = name});
  }
  return ok_status();
}

std::string file_name_for_url(std::string_view url, std::string_view fallback) {
  std::string_view u = url;
  if (auto q = u.find_first_of("?#"); q != std::string_view::npos) u = u.substr(0, q);
  if (auto scheme = u.find("://"); scheme != std::string_view::npos) u = u.substr(scheme + 3);
  auto slash = u.rfind('/');
  std::string_view name = slash == std::string_view::npos ? std::string_view() : u.substr(slash + 1);
  std::string out;
  for (char c : name)
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
  if (out.empty() || out == "." || out == ".." || out.front() == '.') return std::string(fallback);
  return out;
}

}  // namespace dagda::update
