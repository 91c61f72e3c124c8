#include "net/engine.hpp"

#include <cstdlib>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace dagda::net {
namespace {

using json = nlohmann::json;

Result<json> parse(std::string_view text, std::string_view what) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error(ErrorCode::corrupt, fmt::format("the engine's {} is not valid JSON", what));
  return j;
}

std::string str(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t num(const json& j, const char* key, int64_t fallback = 0) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return fallback;
  if (it->is_number_float()) return static_cast<int64_t>(it->get<double>());
  if (it->is_number_unsigned()) {
    uint64_t v = it->get<uint64_t>();
    return v > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(v);
  }
  return it->get<int64_t>();
}

std::vector<std::string> strings(const json& j, const char* key) {
  std::vector<std::string> out;
  if (!j.is_object()) return out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

struct Version {
  int major = 0, minor = 0;
};
Version parse_version(std::string_view v) {
  Version out;
  size_t dot = v.find('.');
  if (dot == std::string_view::npos) return out;
  out.major = std::atoi(std::string(v.substr(0, dot)).c_str());
  out.minor = std::atoi(std::string(v.substr(dot + 1)).c_str());
  return out;
}
}  // namespace

Result<EngineEndpoint> parse_docker_host(const std::string& host, bool tls_verify, const std::string& cert_path) {
  EngineEndpoint ep;
  ep.display = host;
  if (host.starts_with("unix://")) {
    ep.conn.unix_socket = host.substr(7);
    if (ep.conn.unix_socket.empty() || ep.conn.unix_socket.front() != '/')
      return Error(ErrorCode::invalid_input, fmt::format("DOCKER_HOST '{}' does not name an absolute socket path", host));
    ep.base_url = "http://localhost";
    return ep;
  }
  if (host.starts_with("tcp://") || host.starts_with("http://") || host.starts_with("https://")) {
    std::string rest = host.substr(host.find("://") + 3);
    while (!rest.empty() && rest.back() == '/') rest.pop_back();
    if (rest.empty() || rest.find_first_of("/?#@ ") != std::string::npos)
      return Error(ErrorCode::invalid_input, fmt::format("DOCKER_HOST '{}' is not tcp://HOST:PORT", host));
    bool tls = tls_verify || host.starts_with("https://");
    if (rest.find(':') == std::string::npos || rest.back() == ']') rest += tls ? ":2376" : ":2375";
    ep.base_url = (tls ? "https://" : "http://") + rest;
    if (tls) {
      std::string dir = cert_path;
      if (dir.empty()) {
        const char* home = std::getenv("HOME");
        dir = std::string(home ? home : "") + "/.docker";
      }
      ep.conn.tls.ca_file = dir + "/ca.pem";
      ep.conn.tls.cert_file = dir + "/cert.pem";
      ep.conn.tls.key_file = dir + "/key.pem";
    }
    return ep;
  }
  return Error(ErrorCode::unsupported,
               fmt::format("DOCKER_HOST '{}' is not supported: use unix:///PATH or tcp://HOST:PORT", host));
}

Result<EngineEndpoint> engine_from_env() {
  const char* host = std::getenv("DOCKER_HOST");
  const char* verify = std::getenv("DOCKER_TLS_VERIFY");
  const char* certs = std::getenv("DOCKER_CERT_PATH");
  return parse_docker_host(host && *host ? host : "unix:///var/run/docker.sock", verify && *verify,
                           certs ? certs : "");
}

std::string engine_path_escape(std::string_view s, bool keep_slash) {
  std::string out;
  for (unsigned char c : s) {
    bool plain = std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ':' || c == '@' ||
                 (keep_slash && c == '/');
    if (plain)
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string EngineClient::url(const std::string& path) const {
  return fmt::format("{}/v{}{}", ep_.base_url, version_, path);
}

Status EngineClient::ping() {
  if (pinged_) return ok_status();
  Request req;
  req.url = ep_.base_url + "/_ping";
  auto r = perform(ep_.conn, req, 1 << 16);
  if (!r.ok())
    return Error(ErrorCode::io, fmt::format("no container engine answers at {}: {}", ep_.display, r.error().message()));
  if (r->status != 200)
    return Error(ErrorCode::io, fmt::format("the container engine at {} answers /_ping with HTTP {}", ep_.display,
                                            r->status));
  // Speak the engine's version when it is older than ours (1.41, which Podman serves).
  Version theirs = parse_version(r->header("api-version"));
  if (theirs.major == 1 && theirs.minor > 0) {
    if (theirs.minor < 24)
      return Error(ErrorCode::unsupported,
                   fmt::format("the engine at {} speaks API {}.{}; 1.24 or later is needed", ep_.display,
                               theirs.major, theirs.minor));
    if (theirs.minor < 41) version_ = fmt::format("1.{}", theirs.minor);
  }
  pinged_ = true;
  return ok_status();
}

namespace {
Error engine_status_error(const std::string& display, long status, std::string_view body, const std::string& path) {
  std::string msg = engine_error_message(body);
  if (msg.empty()) msg = fmt::format("HTTP {}", status);
  return Error(status == 404 ? ErrorCode::not_found : ErrorCode::io,
               fmt::format("the engine at {} refused {}: {}", display, path.substr(0, path.find('?')), msg));
}
}  // namespace

Result<Response> EngineClient::get(const std::string& path, uint64_t limit) {
  DAGDA_TRY(ping());
  Request req;
  req.url = url(path);
  auto r = perform(ep_.conn, req, limit);
  if (!r.ok()) return Error(r.error().code(), fmt::format("engine at {}: {}", ep_.display, r.error().message()));
  if (r->status >= 400) return engine_status_error(ep_.display, r->status, r->body, path);
  return r;
}

Result<Streamed> EngineClient::stream(const std::string& path, long stall_timeout_s) {
  DAGDA_TRY(ping());
  Request req;
  req.url = url(path);
  Connection conn = ep_.conn;
  conn.stall_timeout_s = stall_timeout_s;
  auto s = open(conn, req);
  if (!s.ok()) return Error(s.error().code(), fmt::format("engine at {}: {}", ep_.display, s.error().message()));
  if (s->head.status >= 400) {
    std::string body;
    char buf[4096];
    while (body.size() < 4096) {
      auto n = s->body->read(buf, sizeof buf);
      if (!n.ok() || *n == 0) break;
      body.append(buf, *n);
    }
    return engine_status_error(ep_.display, s->head.status, body, path);
  }
  return s;
}

std::string engine_error_message(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  std::string m = str(j, "message");
  for (char& c : m)
    if (c == '\n' || c == '\r') c = ' ';
  return m.substr(0, 300);
}

Result<EngineImage> parse_image_inspect(std::string_view text) {
  DAGDA_ASSIGN_OR_RETURN(json j, parse(text, "image description"));
  if (!j.is_object()) return Error(ErrorCode::corrupt, "the engine's image description is not an object");
  EngineImage img;
  img.id = str(j, "Id");
  if (img.id.empty()) return Error(ErrorCode::corrupt, "the engine's image description has no Id");
  if (!img.id.starts_with("sha256:")) img.id = "sha256:" + img.id;
  img.repo_tags = strings(j, "RepoTags");
  img.repo_digests = strings(j, "RepoDigests");
  img.os = str(j, "Os");
  img.architecture = str(j, "Architecture");
  img.variant = str(j, "Variant");
  img.created = str(j, "Created");
  img.size = num(j, "Size");
  auto rootfs = j.find("RootFS");
  if (rootfs != j.end() && rootfs->is_object()) img.diff_ids = strings(*rootfs, "Layers");
  return img;
}

Result<std::vector<EngineImageSummary>> parse_image_list(std::string_view text) {
  DAGDA_ASSIGN_OR_RETURN(json j, parse(text, "image list"));
  std::vector<EngineImageSummary> out;
  if (j.is_null()) return out;
  if (!j.is_array()) return Error(ErrorCode::corrupt, "the engine's image list is not an array");
  for (const auto& e : j) {
    if (!e.is_object()) continue;
    EngineImageSummary s;
    s.id = str(e, "Id");
    s.repo_tags = strings(e, "RepoTags");
    s.repo_digests = strings(e, "RepoDigests");
    s.created = num(e, "Created");
    s.size = num(e, "Size");
    s.containers = num(e, "Containers", -1);
    out.push_back(std::move(s));
  }
  return out;
}

Result<EngineContainer> parse_container_inspect(std::string_view text) {
  DAGDA_ASSIGN_OR_RETURN(json j, parse(text, "container description"));
  if (!j.is_object()) return Error(ErrorCode::corrupt, "the engine's container description is not an object");
  EngineContainer c;
  c.id = str(j, "Id");
  if (c.id.empty()) return Error(ErrorCode::corrupt, "the engine's container description has no Id");
  c.name = str(j, "Name");
  if (c.name.starts_with('/')) c.name.erase(0, 1);
  c.image_id = str(j, "Image");
  if (!c.image_id.empty() && !c.image_id.starts_with("sha256:")) c.image_id = "sha256:" + c.image_id;
  c.created = str(j, "Created");
  auto cfg = j.find("Config");
  if (cfg != j.end()) c.image = str(*cfg, "Image");
  auto st = j.find("State");
  if (st != j.end() && st->is_object()) {
    c.status = str(*st, "Status");
    auto r = st->find("Running");
    c.running = r != st->end() && r->is_boolean() && r->get<bool>();
    c.started_at = str(*st, "StartedAt");
  }
  return c;
}

Result<std::vector<EngineContainerSummary>> parse_container_list(std::string_view text) {
  DAGDA_ASSIGN_OR_RETURN(json j, parse(text, "container list"));
  std::vector<EngineContainerSummary> out;
  if (j.is_null()) return out;
  if (!j.is_array()) return Error(ErrorCode::corrupt, "the engine's container list is not an array");
  for (const auto& e : j) {
    if (!e.is_object()) continue;
    EngineContainerSummary s;
    s.id = str(e, "Id");
    for (std::string n : strings(e, "Names")) {
      if (n.starts_with('/')) n.erase(0, 1);
      s.names.push_back(std::move(n));
    }
    s.image = str(e, "Image");
    s.image_id = str(e, "ImageID");
    s.command = str(e, "Command");
    s.state = str(e, "State");
    s.status = str(e, "Status");
    s.created = num(e, "Created");
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<FsChange>> parse_changes(std::string_view text) {
  DAGDA_ASSIGN_OR_RETURN(json j, parse(text, "list of container changes"));
  std::vector<FsChange> out;
  if (j.is_null()) return out;
  if (!j.is_array()) return Error(ErrorCode::corrupt, "the engine's list of container changes is not an array");
  for (const auto& e : j) {
    std::string path = str(e, "Path");
    int64_t kind = num(e, "Kind", -1);
    if (path.empty() || path.front() != '/' || kind < 0 || kind > 2)
      return Error(ErrorCode::corrupt, "the engine's list of container changes has an entry without a Path or Kind");
    out.push_back({std::move(path), static_cast<FsChange::Kind>(kind)});
  }
  return out;
}

Result<EngineEvent> parse_event(std::string_view text) {
  DAGDA_ASSIGN_OR_RETURN(json j, parse(text, "event"));
  if (!j.is_object()) return Error(ErrorCode::corrupt, "an engine event is not a JSON object");
  EngineEvent e;
  e.type = str(j, "Type");
  e.action = str(j, "Action");
  if (e.action.empty()) e.action = str(j, "status");
  auto actor = j.find("Actor");
  if (actor != j.end() && actor->is_object()) {
    e.id = str(*actor, "ID");
    auto attrs = actor->find("Attributes");
    if (attrs != actor->end() && attrs->is_object()) {
      e.name = str(*attrs, "name");
      e.image = str(*attrs, "image");
    }
  }
  if (e.id.empty()) e.id = str(j, "id");
  e.time = num(j, "time");
  e.time_nano = num(j, "timeNano");
  if (e.type.empty() && e.action.empty()) return Error(ErrorCode::corrupt, "an engine event has no Type or Action");
  return e;
}

}  // namespace dagda::net
