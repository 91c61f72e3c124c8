// net/registry.hpp: a client of the Registry HTTP API v2 / OCI distribution
// spec, for reading images: manifests, indexes and blobs. It answers the
// registry's WWW-Authenticate challenge (bearer token from the realm, or basic),
// follows redirects itself and sends credentials to the registry's own origin
// only, retries 429 and 5xx a little, and checks every digest it is given.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "net/auth.hpp"
#include "net/http.hpp"
#include "net/reference.hpp"

namespace dagda::net {

struct RegistryOptions {
  std::string ca_file;    // --registry-ca: trusted on top of the system's CAs
  bool insecure = false;  // --insecure-registry: plain HTTP, or HTTPS without verification
  std::string certs_dirs = "/etc/docker/certs.d:/etc/containers/certs.d";  // HOST[:PORT]/ca.crt, client.cert/.key
  uint64_t manifest_limit = 4u << 20;  // as Docker and containerd: manifests are small
  int attempts = 3;                    // tries of a request answered 429 or 5xx
  long max_wait_ms = 5000;             // longest Retry-After honoured between tries
};

struct Manifest {
  std::string media_type;  // from the body's mediaType, else the Content-Type
  std::string digest;      // "sha256:..." of the body
  std::string body;
};

inline constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kDockerList = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr const char* kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";

class RegistryClient {
 public:
  RegistryClient(ImageRef ref, RegistryOptions opts);

  const ImageRef& ref() const { return ref_; }

  // A manifest or index by tag or digest. Its digest is checked against the
  // reference when that is a digest, and against Docker-Content-Digest when sent.
  Result<Manifest> manifest(const std::string& reference);
  // A small blob (a config), whole; checked against `digest`.
  Result<std::string> blob(const std::string& digest, uint64_t limit);
  // A blob as a stream, NOT checked: the reader checks the digest as it reads.
  Result<std::unique_ptr<Body>> open_blob(const std::string& digest);

 private:
  struct Answer {
    Response head;                // body filled when not streamed
    std::unique_ptr<Body> body;   // when streamed
  };
  Result<Answer> request(const std::string& path, const std::vector<std::string>& headers, bool stream,
                         uint64_t limit);
  Result<Answer> send(const std::string& url, const std::vector<std::string>& headers, bool with_auth, bool stream,
                      uint64_t limit);
  Status settle_scheme();
  Status authenticate(const Response& challenge_response);
  Connection connection_for(const std::string& host) const;
  std::string origin() const;  // scheme://host:port of the registry
  Error status_error(const Response& r, const std::string& what) const;

  ImageRef ref_;
  RegistryOptions opts_;
  std::string host_;  // api host[:port]

  std::mutex mu_;
  std::string scheme_;         // "https" or "http", settled by the first request
  std::string authorization_;  // the Authorization header value, once authenticated
  bool cred_loaded_ = false;
  std::optional<Credential> cred_;
};

}  // namespace dagda::net
