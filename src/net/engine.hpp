// net/engine.hpp: the Docker Engine API (Podman's API service speaks the same)
// behind DOCKER_HOST: unix:// (default /var/run/docker.sock) or tcp:// with
// DOCKER_TLS_VERIFY / DOCKER_CERT_PATH. Only reads: images, containers, their
// changes and exports, events. Nothing is ever started, stopped or written.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "net/http.hpp"

namespace dagda::net {

struct EngineEndpoint {
  std::string display;   // "unix:///var/run/docker.sock", "tcp://host:2376"
  std::string base_url;  // "http://localhost" for a socket, "https://host:2376"
  Connection conn;
};

// DOCKER_HOST (default unix:///var/run/docker.sock) and, for tcp://,
// DOCKER_TLS_VERIFY and DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem; default ~/.docker).
Result<EngineEndpoint> engine_from_env();
// Parses one DOCKER_HOST value; `tls_verify` and `cert_path` as the variables give them.
Result<EngineEndpoint> parse_docker_host(const std::string& host, bool tls_verify, const std::string& cert_path);

class EngineClient {
 public:
  explicit EngineClient(EngineEndpoint ep) : ep_(std::move(ep)) {}
  const std::string& describe() const { return ep_.display; }

  // GET /_ping: fails with a clear error when nothing answers; settles the API version.
  Status ping();
  // GET PATH (e.g. "/images/json") of the negotiated API version. A status >= 400
  // is an error carrying the engine's message (not_found for 404).
  Result<Response> get(const std::string& path, uint64_t limit = 64u << 20);
  // The same, with the body streamed (an export, the event stream). `stall_timeout_s`: how long
  // the engine may send nothing (Podman writes a whole export to a file before it sends a byte);
  // 0 waits for ever (the event stream).
  Result<Streamed> stream(const std::string& path, long stall_timeout_s = 900);

 private:
  std::string url(const std::string& path) const;
  EngineEndpoint ep_;
  std::string version_ = "1.41";
  bool pinged_ = false;
};

// Percent-encodes what the Engine API takes in a path segment (an image name may keep '/', ':' and '@').
std::string engine_path_escape(std::string_view s, bool keep_slash);

// ---- the Engine API's JSON, parsed (no network: unit-tested and fuzzed) ----

struct EngineImage {
  std::string id;  // "sha256:..."
  std::vector<std::string> repo_tags, repo_digests;
  std::string os, architecture, variant;
  std::vector<std::string> diff_ids;  // RootFS.Layers
  std::string created;                // as the engine writes it (RFC 3339)
  int64_t size = 0;
};
Result<EngineImage> parse_image_inspect(std::string_view json);

struct EngineImageSummary {
  std::string id;
  std::vector<std::string> repo_tags, repo_digests;
  int64_t created = 0;  // unix seconds
  int64_t size = 0;
  int64_t containers = -1;  // -1 when the engine does not say
};
Result<std::vector<EngineImageSummary>> parse_image_list(std::string_view json);

struct EngineContainer {
  std::string id, name;     // name without the leading '/'
  std::string image;        // as the container was created from ("alpine:3.20")
  std::string image_id;     // "sha256:..."
  std::string status;       // "running", "exited", ...
  bool running = false;
  std::string created, started_at;
};
Result<EngineContainer> parse_container_inspect(std::string_view json);

struct EngineContainerSummary {
  std::string id;
  std::vector<std::string> names;
  std::string image, image_id, command, state, status;
  int64_t created = 0;
};
Result<std::vector<EngineContainerSummary>> parse_container_list(std::string_view json);

struct FsChange {
  enum class Kind { modified = 0, added = 1, deleted = 2 };
  std::string path;  // absolute, as the engine gives it
  Kind kind = Kind::modified;
};
// GET /containers/ID/changes ("null" when nothing changed).
Result<std::vector<FsChange>> parse_changes(std::string_view json);

struct EngineEvent {
  std::string type, action, id;  // "container", "start", the actor's id
  std::string name, image;       // from the actor's attributes, when present
  int64_t time = 0;              // unix seconds
  int64_t time_nano = 0;
};
// One object of the /events stream.
Result<EngineEvent> parse_event(std::string_view json);

// The engine's {"message": "..."} error body, or "" when it has none.
std::string engine_error_message(std::string_view body);

}  // namespace dagda::net
