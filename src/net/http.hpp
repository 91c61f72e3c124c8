// net/http.hpp: a small HTTP/1.1 client (libcurl) for the Docker Engine API, over
// a Unix socket or TCP with TLS, and for the registry API. Redirects are never
// followed here: the caller decides where to go next (the registry client drops
// credentials when a redirect leaves the registry). Bodies are either collected
// up to a limit or streamed as they arrive, with a bounded buffer.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace dagda::net {

struct Tls {
  bool verify = true;     // check the server's certificate chain and name
  std::string ca_file;    // extra trusted CAs (PEM), on top of the system's
  std::string cert_file;  // client certificate (PEM), for engines and registries that ask for one
  std::string key_file;   // its private key
};

struct Connection {
  std::string unix_socket;  // when set, every request goes to this socket whatever the URL's host
  Tls tls;
  long connect_timeout_s = 30;
  long stall_timeout_s = 60;  // abort a transfer that moves under 1 byte/s for this long; 0: never
};

struct Request {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
};

struct Response {
  long status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case, in order
  std::string body;

  // The first value of header `name` (any case), or "".
  std::string header(std::string_view name) const;
  // Every value of header `name`, in order.
  std::vector<std::string> headers_named(std::string_view name) const;
};

// A response body read as it arrives. read() returns 0 at the end; a body cut
// short (fewer bytes than announced, a broken chunk, a dropped connection) is an error.
class Body {
 public:
  virtual ~Body() = default;
  virtual Result<size_t> read(char* buf, size_t n) = 0;
  // Like read(), but returns 0 with *timed_out set when nothing arrives within `timeout_ms`.
  virtual Result<size_t> read_within(char* buf, size_t n, int timeout_ms, bool* timed_out) {
    (void)timeout_ms;
    *timed_out = false;
    return read(buf, n);
  }
};

struct Streamed {
  Response head;  // status and headers; body empty
  std::unique_ptr<Body> body;
};

// Sends `req` and collects the body; a body larger than `body_limit` is an error
// (nothing past the limit is kept). Any status is returned as a Response; only
// transport failures (cannot connect, TLS refused, cut short) are errors.
Result<Response> perform(const Connection& conn, const Request& req, uint64_t body_limit);

// Sends `req` and returns once the response headers have arrived.
Result<Streamed> open(const Connection& conn, const Request& req);

// "scheme://host[:port]/path" of a URL, without user info or query, for messages.
std::string redact_url(std::string_view url);

struct UrlParts {
  std::string scheme, host;  // lower case; an IPv6 host keeps its brackets
  int port = 0;              // the explicit or default port
  std::string path;          // from the first '/', with any query
};
// Splits an absolute http(s) URL; false when it is not one.
bool parse_url(std::string_view url, UrlParts* out);
// Resolves a Location header against the URL it came from.
std::string resolve_location(std::string_view base, std::string_view location);

}  // namespace dagda::net
