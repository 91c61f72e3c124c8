#include "net/http.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

namespace dagda::net {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

constexpr size_t kMaxHeaderBytes = 256 << 10;  // all headers of one response
constexpr size_t kStreamBuffer = 1 << 20;       // a streamed body waits here for the reader

// One transfer: the easy handle, its request headers and what has arrived.
struct Transfer {
  CURL* easy = nullptr;
  curl_slist* req_headers = nullptr;
  std::string url, request_body, unix_socket;
  char errbuf[CURL_ERROR_SIZE] = {0};

  Response head;
  bool headers_done = false;
  size_t header_bytes = 0;
  bool header_overflow = false;

  // Body: collected whole (limit) or buffered for a streaming reader.
  bool streaming = false;
  std::string body;
  size_t body_off = 0;  // streaming: bytes of `body` already handed out
  uint64_t limit = 0;
  uint64_t received = 0;
  bool too_big = false;
  bool paused = false;

  ~Transfer() {
    if (easy) curl_easy_cleanup(easy);
    curl_slist_free_all(req_headers);
  }
};

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  t->header_bytes += len;
  if (t->header_bytes > kMaxHeaderBytes) {
    t->header_overflow = true;
    return 0;
  }
  std::string_view line(data, len);
  if (line.starts_with("HTTP/")) {
    // A new response (after a 100 Continue): forget the previous one's headers.
    t->head.headers.clear();
    t->head.reason.clear();
    t->headers_done = false;
    std::string_view rest = line.substr(std::min(line.size(), line.find(' ') + 1));
    rest = trim(rest);
    t->head.status = std::strtol(std::string(rest.substr(0, 3)).c_str(), nullptr, 10);
    if (rest.size() > 4) t->head.reason = std::string(trim(rest.substr(4)));
    return len;
  }
  if (trim(line).empty()) {
    if (t->head.status >= 200) t->headers_done = true;
    return len;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos)
    t->head.headers.emplace_back(lower(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
  return len;
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  if (t->streaming) {
    // Keep at most about one buffer waiting; past that, pause until the reader catches up.
    if (t->body.size() - t->body_off >= kStreamBuffer) {
      t->paused = true;
      return CURL_WRITEFUNC_PAUSE;
    }
    if (t->body_off > 0 && t->body_off == t->body.size()) {
      t->body.clear();
      t->body_off = 0;
    }
    t->body.append(data, len);
    t->received += len;
    return len;
  }
  if (t->received + len > t->limit) {
    t->too_big = true;
    return 0;  // aborts the transfer
  }
  t->body.append(data, len);
  t->received += len;
  return len;
}

Status setup(Transfer& t, const Connection& conn, const Request& req) {
  global_init();
  t.easy = curl_easy_init();
  if (!t.easy) return Error(ErrorCode::internal, "curl_easy_init failed");
  t.url = req.url;
  CURL* c = t.easy;
  curl_easy_setopt(c, CURLOPT_URL, t.url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, t.errbuf);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, conn.connect_timeout_s);
  if (conn.stall_timeout_s > 0) {
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, conn.stall_timeout_s);
  }
  curl_easy_setopt(c, CURLOPT_USERAGENT, "dagda/0.1");
  // Bodies are digested as they arrive: no transfer decoding that would change them.
  curl_easy_setopt(c, CURLOPT_HTTP_CONTENT_DECODING, 0L);
  t.unix_socket = conn.unix_socket;
  if (!conn.unix_socket.empty()) curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, t.unix_socket.c_str());
  if (!conn.tls.verify) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  } else if (!conn.tls.ca_file.empty()) {
    // The extra CA file and the system's store both count.
    curl_easy_setopt(c, CURLOPT_CAINFO, conn.tls.ca_file.c_str());
    curl_easy_setopt(c, CURLOPT_CAPATH, "/etc/ssl/certs");
  }
  if (!conn.tls.cert_file.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, conn.tls.cert_file.c_str());
  if (!conn.tls.key_file.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, conn.tls.key_file.c_str());
  for (const std::string& h : req.headers) t.req_headers = curl_slist_append(t.req_headers, h.c_str());
  // No "Expect: 100-continue" round trip for small bodies.
  t.req_headers = curl_slist_append(t.req_headers, "Expect:");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, t.req_headers);
  if (req.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (req.method == "POST" || !req.body.empty()) {
    t.request_body = req.body;
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, t.request_body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t.request_body.size()));
    if (req.method != "POST") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  } else if (req.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  return ok_status();
}

Error transport_error(const Transfer& t, CURLcode rc) {
  std::string where = redact_url(t.url);
  if (t.header_overflow) return Error(ErrorCode::corrupt, "the response headers are too large", {.file = where});
  std::string detail = t.errbuf[0] ? std::string(t.errbuf) : std::string(curl_easy_strerror(rc));
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == '\r')) detail.pop_back();
  switch (rc) {
    case CURLE_PARTIAL_FILE:
      return Error(ErrorCode::corrupt, fmt::format("the response was cut short after {} bytes ({})", t.received, detail),
                   {.file = where});
    case CURLE_COULDNT_CONNECT:
      if (!t.unix_socket.empty()) {
        long os_errno = 0;
        curl_easy_getinfo(t.easy, CURLINFO_OS_ERRNO, &os_errno);
        return Error(ErrorCode::io,
                     fmt::format("cannot connect to the socket {}: {}", t.unix_socket,
                                 os_errno ? std::strerror(static_cast<int>(os_errno)) : detail.c_str()));
      }
      return Error(ErrorCode::io, fmt::format("cannot connect: {}", detail), {.file = where});
    case CURLE_COULDNT_RESOLVE_HOST:
      return Error(ErrorCode::io, fmt::format("cannot connect: {}", detail), {.file = where});
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
      return Error(ErrorCode::io, fmt::format("TLS failed: {}", detail), {.file = where});
    default:
      return Error(ErrorCode::io, detail, {.file = where});
  }
}

class CurlBody final : public Body {
 public:
  CurlBody(std::unique_ptr<Transfer> t, CURLM* multi) : t_(std::move(t)), multi_(multi) {}
  ~CurlBody() override {
    curl_multi_remove_handle(multi_, t_->easy);
    curl_multi_cleanup(multi_);
  }

  // Runs the transfer until `ready()` holds or it ends.
  template <typename Ready>
  Status pump(Ready ready) {
    while (!ready()) {
      if (done_) return ok_status();
      if (t_->paused && t_->body_off >= t_->body.size()) {
        t_->paused = false;
        curl_easy_pause(t_->easy, CURLPAUSE_CONT);
        continue;
      }
      int running = 0;
      CURLMcode mc = curl_multi_perform(multi_, &running);
      if (mc != CURLM_OK) return Error(ErrorCode::io, curl_multi_strerror(mc), {.file = redact_url(t_->url)});
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi_, &left))
        if (msg->msg == CURLMSG_DONE) {
          done_ = true;
          result_ = msg->data.result;
        }
      if (done_ || ready()) continue;
      if (!t_->paused) curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
    }
    return ok_status();
  }

  Status wait_headers() {
    DAGDA_TRY(pump([&] { return t_->headers_done; }));
    if (!t_->headers_done) return transport_error(*t_, result_ == CURLE_OK ? CURLE_GOT_NOTHING : result_);
    return ok_status();
  }

  Result<size_t> read(char* buf, size_t n) override {
    if (n == 0) return size_t{0};
    DAGDA_TRY(pump([&] { return t_->body_off < t_->body.size(); }));
    if (t_->body_off < t_->body.size()) {
      size_t k = std::min(n, t_->body.size() - t_->body_off);
      std::memcpy(buf, t_->body.data() + t_->body_off, k);
      t_->body_off += k;
      return k;
    }
    if (result_ != CURLE_OK) return transport_error(*t_, result_);
    return size_t{0};
  }

  Result<size_t> read_within(char* buf, size_t n, int timeout_ms, bool* timed_out) override {
    *timed_out = false;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    bool late = false;
    DAGDA_TRY(pump([&] {
      late = std::chrono::steady_clock::now() >= deadline;
      return t_->body_off < t_->body.size() || late;
    }));
    if (t_->body_off >= t_->body.size() && late && !done_) {
      *timed_out = true;
      return size_t{0};
    }
    return read(buf, n);
  }

  Response& head() { return t_->head; }

 private:
  std::unique_ptr<Transfer> t_;
  CURLM* multi_;
  bool done_ = false;
  CURLcode result_ = CURLE_OK;
};

}  // namespace

std::string Response::header(std::string_view name) const {
  std::string key = lower(name);
  for (const auto& [k, v] : headers)
    if (k == key) return v;
  return {};
}

std::vector<std::string> Response::headers_named(std::string_view name) const {
  std::string key = lower(name);
  std::vector<std::string> out;
  for (const auto& [k, v] : headers)
    if (k == key) out.push_back(v);
  return out;
}

Result<Response> perform(const Connection& conn, const Request& req, uint64_t body_limit) {
  Transfer t;
  t.limit = body_limit;
  DAGDA_TRY(setup(t, conn, req));
  CURLcode rc = curl_easy_perform(t.easy);
  if (t.too_big)
    return Error(ErrorCode::corrupt, fmt::format("the response body is larger than the {} byte limit", body_limit),
                 {.file = redact_url(t.url)});
  if (rc != CURLE_OK) return transport_error(t, rc);
  Response r = std::move(t.head);
  r.body = std::move(t.body);
  return r;
}

Result<Streamed> open(const Connection& conn, const Request& req) {
  auto t = std::make_unique<Transfer>();
  t->streaming = true;
  DAGDA_TRY(setup(*t, conn, req));
  CURLM* multi = curl_multi_init();
  if (!multi) return Error(ErrorCode::internal, "curl_multi_init failed");
  curl_multi_add_handle(multi, t->easy);
  auto body = std::make_unique<CurlBody>(std::move(t), multi);
  DAGDA_TRY(body->wait_headers());
  Streamed s;
  s.head = body->head();
  s.body = std::move(body);
  return s;
}

bool parse_url(std::string_view url, UrlParts* out) {
  UrlParts p;
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) return false;
  p.scheme = lower(url.substr(0, sep));
  if (p.scheme != "http" && p.scheme != "https") return false;
  std::string_view rest = url.substr(sep + 3);
  size_t slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  p.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view host = authority, port;
  if (authority.starts_with('[')) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return false;
    host = authority.substr(0, close + 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return false;
      port = authority.substr(close + 2);
    }
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return false;
  p.host = lower(host);
  if (port.empty()) {
    p.port = p.scheme == "https" ? 443 : 80;
  } else {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return false;
    p.port = std::atoi(std::string(port).c_str());
    if (p.port <= 0 || p.port > 65535) return false;
  }
  *out = std::move(p);
  return true;
}

std::string redact_url(std::string_view url) {
  UrlParts p;
  if (!parse_url(url, &p)) return std::string(url.substr(0, std::min<size_t>(url.size(), 200)));
  std::string path = p.path.substr(0, p.path.find_first_of("?#"));
  bool default_port = (p.scheme == "https" && p.port == 443) || (p.scheme == "http" && p.port == 80);
  return fmt::format("{}://{}{}{}", p.scheme, p.host, default_port ? "" : ":" + std::to_string(p.port), path);
}

std::string resolve_location(std::string_view base, std::string_view location) {
  location = trim(location);
  if (location.find("://") != std::string_view::npos) return std::string(location);
  UrlParts b;
  if (!parse_url(base, &b)) return std::string(location);
  std::string origin = fmt::format("{}://{}:{}", b.scheme, b.host, b.port);
  if (location.starts_with("//")) return b.scheme + ":" + std::string(location);
  if (location.starts_with('/')) return origin + std::string(location);
  std::string dir = b.path.substr(0, b.path.find_first_of("?#"));
  dir = dir.substr(0, dir.rfind('/') + 1);
  return origin + dir + std::string(location);
}

}  // namespace dagda::net
