// server/api.hpp: the REST API of `dagda serve`, independent of the HTTP
// library: a request is a Call, an answer a Reply. Every route is one row of
// routes() (method, path pattern, scope, handler); the router and the OpenAPI
// document are both made from that one table.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.hpp"

namespace dagda::server {

class MonitorService;

struct Config {
  std::string db;                      // SQLite path or postgresql:// URL
  MonitorService* monitor = nullptr;   // monitor windows (serve --no-monitor: none)
  std::vector<std::string> allow_paths;  // canonical folders whose files a check may read
  std::string cache_dir;
  nlohmann::json update_request;  // a database update job's request: serve's feed settings (vuln_update.hpp)
};

struct Call {
  std::string method;
  std::string target;                      // the raw request target
  std::vector<std::string> segments;       // the path's segments, each percent-decoded
  std::map<std::string, std::string> query;  // decoded
  std::map<std::string, std::string> params;  // the route's {placeholders}
  std::string body, accept, content_type;
  std::string token_name, token_scope;
};

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

Reply json_reply(int status, const nlohmann::json& j);
// An error body: {"error": {"code": CODE, "message": MESSAGE}}. Codes are stable.
Reply error_reply(int status, std::string_view code, std::string_view message);
// The reply for a failed Result: status and code from the error's kind.
Reply error_reply(const Error& e);

struct QueryParam {
  std::string_view name, description;
};

struct Route {
  std::string_view method;   // GET, POST, PATCH, DELETE
  std::string_view pattern;  // "/v1/history/{image}/fp/{product}"
  std::string_view scope;    // "" (anonymous), read, scan, admin
  std::string_view summary;
  Reply (*handler)(const Config& config, const Call& call);
  int ok_status = 200;
  std::vector<QueryParam> query = {};
  std::string_view body = {};  // what the request body is, when it has one
  std::string_view schema = {};  // the success answer's schema in openapi_schemas(), when it has one
};

std::span<const Route> routes();
// Splits a request target's path into percent-decoded segments; false when an
// escape is malformed or a segment decodes to a NUL byte or is empty.
bool split_path(std::string_view target, std::vector<std::string>& segments);
// The route for METHOD and SEGMENTS, with its placeholders filled in `params`;
// nullptr when none. `path_known` says whether the path exists for another method.
const Route* find_route(std::string_view method, const std::vector<std::string>& segments,
                        std::map<std::string, std::string>& params, bool& path_known);

// The OpenAPI 3 document of routes().
nlohmann::json openapi_document();
// Its components/schemas (openapi_schemas.cpp).
nlohmann::json openapi_schemas();

// Counters for /metrics, shared by the HTTP threads.
struct Metrics {
  std::atomic<uint64_t> requests{0}, errors_4xx{0}, errors_5xx{0}, duration_us{0};
  std::atomic<uint64_t> jobs_done{0}, jobs_failed{0}, jobs_requeued{0};
};
Metrics& metrics();

// Where a check reads its source, and whether the server may: docker:,
// container: and registry: sources are allowed; a file or directory only under
// one of `allow_paths`. The source as the engine should open it, or why not
// (`forbidden` set when the path exists in the request but is not allowed).
Result<std::string> checked_source(const std::string& source, const std::vector<std::string>& allow_paths,
                                   bool* forbidden);

// A name as stored in the history: an image reference, a file name; no
// control characters, no "." or "..", at most 512 bytes.
Status valid_image_name(std::string_view image);

}  // namespace dagda::server
