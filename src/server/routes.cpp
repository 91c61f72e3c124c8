// The one table of routes, the router over it and the OpenAPI document made from it.
#include <cctype>

#include <fmt/format.h>

#include "common/version.hpp"
#include "server/api.hpp"
#include "server/handlers.hpp"

namespace dagda::server {
namespace {

using nlohmann::json;

constexpr std::string_view kEcosystem =
    "only this ecosystem's rows: npm, pypi, maven, gem, composer, golang, cargo, nuget, or DISTRO:RELEASE (debian:12)";
constexpr std::string_view kVuln =
    "one vulnerability id: the mark covers only it (default: every vulnerability of the product)";
constexpr std::string_view kFormat = "report format: json (dagda.scan/v1, default), sarif or cyclonedx";

const std::vector<Route>& table() {
  static const std::vector<Route> t = {
      {"GET", "/healthz", "", "Liveness: the process answers", healthz},
      {"GET", "/readyz", "", "Readiness: the database answers", readyz},
      {"GET", "/metrics", "admin", "Prometheus text metrics", get_metrics},
      {"GET", "/v1/openapi.json", "read", "This OpenAPI document", get_openapi},
      {"GET", "/v1/vuln/cve/{id}", "read", "A vulnerability: every source's record, exploits, KEV, EPSS, BugTraq",
       vuln_cve, 200, {}, {}, "VulnById"},
      {"GET", "/v1/vuln/advisory/{id}", "read", "An advisory (DSA, USN, GHSA...) and the packages it covers",
       vuln_advisory, 200, {}, {}, "VulnById"},
      {"GET", "/v1/vuln/products/{product}", "read", "The vulnerabilities recorded for a package", vuln_product, 200,
       {{"ecosystem", kEcosystem}}, {}, "VulnProduct"},
      {"GET", "/v1/vuln/products/{product}/{version}", "read",
       "The vulnerabilities affecting one version of a package", vuln_product, 200, {{"ecosystem", kEcosystem}}, {},
       "VulnProduct"},
      {"GET", "/v1/vuln/bid/{bid}", "read", "A BugTraq entry", vuln_bid, 200, {}, {}, "VulnBugtraqEntry"},
      {"GET", "/v1/vuln/exploit/{id}", "read", "An Exploit-DB entry", vuln_exploit, 200, {}, {}, "VulnExploitEntry"},
      {"POST", "/v1/vuln/init", "admin",
       "Queue a database update (`dagda db update` with the server's feed settings); 202 with the job", vuln_init,
       202, {}, "optional: {\"force\": true} (no conditional requests; unchanged files imported again)"},
      {"POST", "/v1/vuln/update", "admin",
       "Queue a database update (`dagda db update` with the server's feed settings); 202 with the job", vuln_init,
       202, {}, "optional: {\"force\": true} (no conditional requests; unchanged files imported again)"},
      {"GET", "/v1/vuln/init-status", "read",
       "What the vulnerability database holds, per source, and the last update run through the API",
       vuln_init_status},
      {"GET", "/v1/vuln/update-status", "read",
       "What the vulnerability database holds, per source, and the last update run through the API",
       vuln_init_status},
      {"POST", "/v1/check", "scan", "Queue a check of a source; 202 with the job", check, 202, {},
       "{\"source\": SOURCE, \"options\": {severity, ignore_unfixed, platform, lockfiles, include_os_owned, "
       "exclude_dev}}"},
      {"POST", "/v1/check/images/{ref}", "scan", "Queue a check of an image; 202 with the job", check_image, 202},
      {"POST", "/v1/check/containers/{id}", "scan", "Queue a check of a container; 202 with the job",
       check_container, 202},
      {"GET", "/v1/jobs/{id}", "read", "A job: {id, state, report_id, error}", get_job},
      {"GET", "/v1/history", "read", "Every history entry, newest first (without reports)", history_all, 200,
       {{"limit", "entries at most (default 100, at most 1000)"}}},
      {"GET", "/v1/history/{image}", "read",
       "The history of an image (by any name or its digest); with ?id= one entry's report", history_image, 200,
       {{"id", "one entry: its report"}, {"format", kFormat}}},
      {"POST", "/v1/history/{image}", "scan",
       "An agent's report: the body is the image's inventory as CycloneDX or SPDX JSON; the server matches, stores "
       "and answers with the report",
       history_post, 201, {{"format", kFormat}}, "a CycloneDX (1.4-1.6) or SPDX (2.2, 2.3) JSON document"},
      {"GET", "/v1/history/{image}/diff", "read", "Findings added and removed between two entries", history_diff, 200,
       {{"from", "the older entry's id (default: the one before the latest)"},
        {"to", "the newer entry's id (default: the latest)"}}},
      {"GET", "/v1/fp", "read", "Every false-positive mark, of every image", fp_list},
      {"GET", "/v1/history/{image}/fp", "read", "The false-positive marks of an image", fp_list},
      {"GET", "/v1/history/{image}/fp/{product}", "read", "The false-positive marks of a product in an image",
       fp_get, 200, {{"vuln", kVuln}}},
      {"PATCH", "/v1/history/{image}/fp/{product}", "scan", "Mark a product as a false positive in an image",
       fp_patch, 200, {{"vuln", kVuln}}},
      {"DELETE", "/v1/history/{image}/fp/{product}", "scan", "Remove a product's false-positive mark", fp_delete, 200,
       {{"vuln", kVuln}}},
      {"GET", "/v1/history/{image}/fp/{product}/{version}", "read",
       "The false-positive marks of a product version in an image", fp_get, 200, {{"vuln", kVuln}}},
      {"PATCH", "/v1/history/{image}/fp/{product}/{version}", "scan",
       "Mark a product version as a false positive in an image", fp_patch, 200, {{"vuln", kVuln}}},
      {"DELETE", "/v1/history/{image}/fp/{product}/{version}", "scan",
       "Remove a product version's false-positive mark", fp_delete, 200, {{"vuln", kVuln}}},
      {"GET", "/v1/docker/images", "read", "The images of the engine behind DOCKER_HOST", docker_images},
      {"GET", "/v1/docker/containers", "read", "The containers of that engine", docker_containers},
      {"GET", "/v1/docker/events", "read", "That engine's events in a time window", docker_events, 200,
       {{"since", "unix seconds (default: an hour ago)"}, {"until", "unix seconds (default: now)"}}},
      {"POST", "/v1/monitor/containers/{id}/start", "scan",
       "Open a monitor window on a running container (id, id prefix or name): the server's sensor records its "
       "alerts from now on",
       monitor_start, 201},
      {"POST", "/v1/monitor/containers/{id}/stop", "scan",
       "Close the container's monitor window: its alerts, with counts by priority", monitor_stop},
      {"GET", "/v1/monitor/events", "read", "Stored runtime alerts (Dagda's sensor and ingested Falco), oldest first",
       monitor_events, 200,
       {{"container", "a container id or id prefix"},
        {"since", "RFC 3339 time, date, unix seconds or a duration back from now (30s, 15m, 2h, 7d)"},
        {"limit", "alerts at most (default 100000)"}}},
      {"POST", "/v1/monitor/falco", "scan", "Store alerts a Falco wrote (its http_output or json_output lines)",
       monitor_falco, 201, {}, "one Falco JSON alert, an array of them, or JSON lines"},
  };
  return t;
}

std::vector<std::string_view> pattern_segments(std::string_view pattern) {
  std::vector<std::string_view> out;
  pattern.remove_prefix(1);
  while (!pattern.empty()) {
    size_t slash = pattern.find('/');
    out.push_back(pattern.substr(0, slash));
    if (slash == std::string_view::npos) break;
    pattern.remove_prefix(slash + 1);
  }
  return out;
}

bool matches(const Route& r, const std::vector<std::string>& segments, std::map<std::string, std::string>& params) {
  auto pat = pattern_segments(r.pattern);
  if (pat.size() != segments.size()) return false;
  std::map<std::string, std::string> got;
  for (size_t i = 0; i < pat.size(); ++i) {
    if (pat[i].starts_with('{')) got[std::string(pat[i].substr(1, pat[i].size() - 2))] = segments[i];
    else if (pat[i] != segments[i]) return false;
  }
  params = std::move(got);
  return true;
}

}  // namespace

std::span<const Route> routes() { return table(); }

const Route* find_route(std::string_view method, const std::vector<std::string>& segments,
                        std::map<std::string, std::string>& params, bool& path_known) {
  path_known = false;
  for (const Route& r : table()) {
    std::map<std::string, std::string> p;
    if (!matches(r, segments, p)) continue;
    path_known = true;
    if (r.method == method) {
      params = std::move(p);
      return &r;
    }
  }
  return nullptr;
}

json openapi_document() {
  json paths = json::object();
  for (const Route& r : table()) {
    json op = {{"summary", r.summary}, {"x-dagda-scope", r.scope.empty() ? "none" : r.scope}};
    std::string scope_note = r.scope.empty() ? "No token needed." : fmt::format("Needs a token of scope `{}`{}.",
                                                                                  r.scope,
                                                                                  r.scope == "admin" ? ""
                                                                                  : r.scope == "scan" ? " or admin"
                                                                                                      : ", scan or admin");
    op["description"] = scope_note;
    op["operationId"] = [&] {
      std::string id = fmt::format("{}{}", r.method, r.pattern);
      for (char& c : id)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      return id;
    }();
    if (r.scope.empty()) op["security"] = json::array();
    else op["security"] = json::array({{{"bearer", json::array()}}});
    json params = json::array();
    for (auto seg : pattern_segments(r.pattern))
      if (seg.starts_with('{'))
        params.push_back({{"name", seg.substr(1, seg.size() - 2)},
                          {"in", "path"},
                          {"required", true},
                          {"description", "one path segment, percent-encoded ('/' as %2F)"},
                          {"schema", {{"type", "string"}}}});
    for (const QueryParam& q : r.query)
      params.push_back(
          {{"name", q.name}, {"in", "query"}, {"required", false}, {"description", q.description},
           {"schema", {{"type", "string"}}}});
    if (!params.empty()) op["parameters"] = std::move(params);
    if (!r.body.empty())
      op["requestBody"] = {{"required", !r.body.starts_with("optional")},
                           {"description", r.body},
                           {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
    json responses = json::object();
    std::string ok = std::to_string(r.ok_status);
    json ok_schema = r.schema.empty() ? json{{"type", "object"}}
                                      : json{{"$ref", "#/components/schemas/" + std::string(r.schema)}};
    json ok_content = r.pattern == "/metrics" ? json{{"text/plain", {{"schema", {{"type", "string"}}}}}}
                                              : json{{"application/json", {{"schema", ok_schema}}}};
    if (r.ok_status == 501)
      responses["501"] = {{"description", "Not served by this version"},
                          {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
    else
      responses[ok] = {{"description", "Success"}, {"content", ok_content}};
    responses["default"] = {
        {"description", "An error: 400 invalid_input, 401 unauthorized, 403 forbidden, 404 not_found, 413 too_large, "
                        "5xx internal or unavailable"},
        {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
    op["responses"] = std::move(responses);
    std::string method = std::string(r.method);
    for (char& c : method) c = char(std::tolower(static_cast<unsigned char>(c)));
    paths[std::string(r.pattern)][method] = std::move(op);
  }
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "Dagda"},
            {"version", std::string(kDagdaVersion)},
            {"description", "The REST API of `dagda serve`. Every route but /healthz and /readyz needs an API token "
                            "(`dagda token create`) sent as `Authorization: Bearer TOKEN`; scopes nest: admin > scan "
                            "> read. An image reference in a path is one percent-encoded segment."}}},
          {"paths", std::move(paths)},
          {"components",
           {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
            {"schemas", openapi_schemas()}}}};
}

}  // namespace dagda::server
