// client/server.hpp: talking to a `dagda serve` (docs/server.md) from the CLI: the
// agent and the --server remote mode. Every answer that is not a success becomes
// an Error that names the server, what was asked and what the server said.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.hpp"
#include "net/http.hpp"

namespace dagda::client {

struct ServerOptions {
  std::string url;     // http(s)://host:port, with or without a trailing '/'
  std::string token;   // the API token (Authorization: Bearer)
  std::string cacert;  // extra trusted CAs (PEM), on top of the system's
  long timeout_s = 120;  // per request: connecting, and a transfer that stalls
};

class Server {
 public:
  // Checks the URL and that a token is given.
  static Result<Server> open(ServerOptions opts);

  // METHOD PATH (from "/v1/...", already percent-encoded, with any query) with `body`
  // (sent as JSON). A 2xx answer is returned; anything else is an Error: cannot connect,
  // 401 (the token), 403 (`scope`, the scope the route needs, is named), or the server's
  // JSON error code and message. 404 is ErrorCode::not_found.
  Result<net::Response> call(std::string_view method, const std::string& path, std::string_view scope,
                             std::string body = {}) const;
  // The same, with the answer parsed as JSON (an error when it is not).
  Result<nlohmann::json> call_json(std::string_view method, const std::string& path, std::string_view scope,
                                   std::string body = {}) const;

  const std::string& url() const { return base_; }

 private:
  explicit Server(ServerOptions opts, std::string base) : opts_(std::move(opts)), base_(std::move(base)) {}
  ServerOptions opts_;
  std::string base_;  // the URL without a trailing '/'
};

// One path segment: everything but RFC 3986 unreserved characters percent-encoded
// ("registry:ghcr.io/a/b:1" -> "registry%3Aghcr.io%2Fa%2Fb%3A1").
std::string segment(std::string_view s);

}  // namespace dagda::client
