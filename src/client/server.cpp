// The HTTP side of the agent and the remote mode, on net/http.hpp (libcurl).
#include "client/server.hpp"

#include <fmt/format.h>

#include "report/scan_common.hpp"

namespace dagda::client {

using nlohmann::json;

namespace {

// Reports of big images run to tens of MiB; nothing the server answers is larger.
constexpr uint64_t kBodyLimit = 512ull << 20;

// The server's {"error": {"code", "message"}}, or empty strings when the body is not one.
std::pair<std::string, std::string> error_of(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("error") || !j["error"].is_object()) return {};
  const json& e = j["error"];
  auto str = [&](const char* k) { return e.contains(k) && e[k].is_string() ? e[k].get<std::string>() : std::string(); };
  return {str("code"), str("message")};
}

}  // namespace

std::string segment(std::string_view s) { return report::percent_encode(s); }

Result<Server> Server::open(ServerOptions opts) {
  net::UrlParts parts;
  if (opts.url.empty())
    return Error(ErrorCode::invalid_input, "no server: give --server URL (or set DAGDA_SERVER)");
  if (!net::parse_url(opts.url, &parts) || parts.host.empty())
    return Error(ErrorCode::invalid_input,
                 fmt::format("--server {}: not an http:// or https:// URL", net::redact_url(opts.url)));
  if (parts.path.find('?') != std::string::npos || parts.path.find('#') != std::string::npos)
    return Error(ErrorCode::invalid_input,
                 fmt::format("--server {}: a server URL has no query or fragment", net::redact_url(opts.url)));
  if (opts.token.empty())
    return Error(ErrorCode::invalid_input,
                 "no API token: give --token TOKEN (or set DAGDA_TOKEN); `dagda token create` on the server makes one");
  if (opts.token.find_first_of("\r\n") != std::string::npos)
    return Error(ErrorCode::invalid_input, "the API token contains a line break");
  std::string base = opts.url;
  while (base.ends_with('/')) base.pop_back();
  return Server(std::move(opts), std::move(base));
}

Result<net::Response> Server::call(std::string_view method, const std::string& path, std::string_view scope,
                                   std::string body) const {
  net::Connection conn;
  conn.tls.ca_file = opts_.cacert;
  conn.connect_timeout_s = std::min(opts_.timeout_s, 30L);
  conn.stall_timeout_s = opts_.timeout_s;
  net::Request req;
  req.method = std::string(method);
  req.url = base_ + path;
  req.headers.push_back("Authorization: Bearer " + opts_.token);
  req.headers.push_back("Accept: application/json");
  if (method != "GET" && method != "HEAD") {
    // The server wants a Content-Length even on an empty POST, PATCH or DELETE.
    req.headers.push_back("Content-Type: application/json");
    if (body.empty()) req.headers.push_back("Content-Length: 0");
  }
  req.body = std::move(body);
  const std::string what = fmt::format("{} {}", method, net::redact_url(base_ + path));
  auto resp = net::perform(conn, req, kBodyLimit);
  if (!resp.ok())
    return resp.error().wrap(fmt::format("cannot reach the dagda server at {}", net::redact_url(base_)));
  if (resp->status >= 200 && resp->status < 300) return resp;

  auto [code, message] = error_of(resp->body);
  std::string said = code.empty() ? fmt::format("HTTP {} without a dagda error body", resp->status)
                                  : fmt::format("{} {}: {}", resp->status, code, message);
  if (resp->status == 401)
    return Error(ErrorCode::invalid_input,
                 fmt::format("{}: the server refused the token ({}); give a valid one with --token or DAGDA_TOKEN",
                             what, said));
  if (resp->status == 403 && (code == "forbidden" || code.empty()))
    return Error(ErrorCode::invalid_input,
                 fmt::format("{}: the token's scope is too small: this needs a token of scope '{}' ({})", what,
                             scope, said));
  if (resp->status == 403 && code == "path_not_allowed")
    return Error(ErrorCode::invalid_input,
                 fmt::format("{}: {} (a file path is read on the server's disk: the server must be started with "
                             "--allow-path for its folder)",
                             what, said));
  if (resp->status == 404) return Error(ErrorCode::not_found, fmt::format("{}: {}", what, said));
  if (resp->status == 400 || resp->status == 413 || resp->status == 422)
    return Error(ErrorCode::invalid_input, fmt::format("{}: {}", what, said));
  if (resp->status == 501) return Error(ErrorCode::unsupported, fmt::format("{}: {}", what, said));
  return Error(ErrorCode::io, fmt::format("{}: the server failed: {}", what, said));
}

Result<json> Server::call_json(std::string_view method, const std::string& path, std::string_view scope,
                               std::string body) const {
  DAGDA_ASSIGN_OR_RETURN(auto resp, call(method, path, scope, std::move(body)));
  json j = json::parse(resp.body, nullptr, false);
  if (j.is_discarded())
    return Error(ErrorCode::corrupt,
                 fmt::format("{} {}: the server's answer is not JSON", method, net::redact_url(base_ + path)));
  return j;
}

}  // namespace dagda::client
