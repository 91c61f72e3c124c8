// net/auth.hpp: registry credentials and the HTTP authentication they answer.
// Credentials come from $REGISTRY_AUTH_FILE (Podman's auth.json) or
// $DOCKER_CONFIG/config.json (default ~/.docker/config.json): `auths` entries,
// `credHelpers` and `credsStore` (run as `docker-credential-NAME get`). They are
// never logged and never put in error messages.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace dagda::net {

// One challenge of a WWW-Authenticate header: `Bearer realm="...",service="..."`.
struct Challenge {
  std::string scheme;                         // lower case: "bearer", "basic"
  std::map<std::string, std::string> params;  // names in lower case
};
// Every challenge in one header value (several may share it). Malformed parts are skipped.
std::vector<Challenge> parse_www_authenticate(std::string_view value);

struct Credential {
  std::string username, password;
  std::string identity_token;  // an OAuth refresh token (docker login with a token), when given
};

// A docker config.json / containers auth.json, parsed.
struct AuthConfig {
  std::map<std::string, Credential> auths;         // key as written: "host", "https://host/v1/"
  std::map<std::string, std::string> cred_helpers;  // host -> helper name
  std::string creds_store;
};
// Parses the JSON text; `name` names it in errors.
Result<AuthConfig> parse_auth_config(std::string_view json, const std::string& name);
// The output of `docker-credential-NAME get` ({"Username", "Secret"}).
Result<Credential> parse_helper_output(std::string_view json);
// The `auths` entry for a registry host: keys may be "host", "https://host", "http://host/v1/", ...
// (docker.io also as "https://index.docker.io/v1/").
std::optional<Credential> find_auth(const AuthConfig& cfg, const std::string& host);

// The credential for a registry host (as in an image reference: "docker.io", "localhost:5000"),
// or nullopt when none is configured. An unreadable or malformed file is an error.
Result<std::optional<Credential>> lookup_credential(const std::string& host);

std::string base64_encode(std::string_view in);
// Decodes standard base64 (padding optional); nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view in);

}  // namespace dagda::net
