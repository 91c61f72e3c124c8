#include "net/registry.hpp"

#include <sys/stat.h>

#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/digest.hpp"

namespace dagda::net {
namespace {

using json = nlohmann::json;

bool file_exists(const std::string& p) {
  struct stat st{};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string query_escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string origin_of(const UrlParts& u) { return fmt::format("{}://{}:{}", u.scheme, u.host, u.port); }

// The registry's error document: {"errors":[{"code":"MANIFEST_UNKNOWN","message":"..."}]}.
std::string registry_error_text(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (!j.is_object()) return {};
  auto errs = j.find("errors");
  if (errs == j.end() || !errs->is_array() || errs->empty()) return {};
  const json& e = (*errs)[0];
  std::string code = e.is_object() && e.contains("code") && e["code"].is_string() ? e["code"].get<std::string>() : "";
  std::string msg =
      e.is_object() && e.contains("message") && e["message"].is_string() ? e["message"].get<std::string>() : "";
  std::string out = code.empty() ? msg : (msg.empty() ? code : code + ": " + msg);
  for (char& c : out)
    if (c == '\n' || c == '\r' || static_cast<unsigned char>(c) < 0x20) c = ' ';
  return out.substr(0, 200);
}

bool is_redirect(long s) { return s == 301 || s == 302 || s == 303 || s == 307 || s == 308; }

Result<std::string> drain_small(Body& b, size_t limit) {
  std::string out;
  char buf[4096];
  while (out.size() < limit) {
    DAGDA_ASSIGN_OR_RETURN(size_t n, b.read(buf, std::min(sizeof buf, limit - out.size())));
    if (n == 0) break;
    out.append(buf, n);
  }
  return out;
}

}  // namespace

RegistryClient::RegistryClient(ImageRef ref, RegistryOptions opts)
    : ref_(std::move(ref)), opts_(std::move(opts)), host_(ref_.api_host()) {}

std::string RegistryClient::origin() const {
  UrlParts u;
  parse_url(scheme_ + "://" + host_ + "/", &u);
  return origin_of(u);
}

Connection RegistryClient::connection_for(const std::string& host) const {
  Connection c;
  c.tls.verify = !opts_.insecure;
  c.tls.ca_file = opts_.ca_file;
  // Docker's per-registry folders: HOST[:PORT]/ca.crt, client.cert and client.key.
  size_t start = 0;
  while (start <= opts_.certs_dirs.size()) {
    size_t end = opts_.certs_dirs.find(':', start);
    if (end == std::string::npos) end = opts_.certs_dirs.size();
    std::string dir = opts_.certs_dirs.substr(start, end - start);
    start = end + 1;
    if (dir.empty() || host.find('/') != std::string::npos || host.starts_with('.')) continue;
    std::string d = dir + "/" + host;
    if (c.tls.ca_file.empty() && file_exists(d + "/ca.crt")) c.tls.ca_file = d + "/ca.crt";
    if (c.tls.cert_file.empty() && file_exists(d + "/client.cert") && file_exists(d + "/client.key")) {
      c.tls.cert_file = d + "/client.cert";
      c.tls.key_file = d + "/client.key";
    }
  }
  return c;
}

Status RegistryClient::settle_scheme() {
  std::lock_guard lock(mu_);
  if (!scheme_.empty()) return ok_status();
  Request req;
  req.url = "https://" + host_ + "/v2/";
  auto https = perform(connection_for(host_), req, 1 << 16);
  if (https.ok()) {
    scheme_ = "https";
    return ok_status();
  }
  // Docker lets loopback registries, and those named insecure, speak plain HTTP.
  if (opts_.insecure || is_loopback_host(host_)) {
    req.url = "http://" + host_ + "/v2/";
    auto plain = perform(connection_for(host_), req, 1 << 16);
    // A registry answers /v2/ with 200 or 401; a TLS server spoken to in plain HTTP says 400.
    if (plain.ok() && (plain->status == 200 || plain->status == 401)) {
      scheme_ = "http";
      return ok_status();
    }
  }
  bool tls = https.error().message().starts_with("TLS failed");
  std::string hint = opts_.insecure || !tls ? "" : " (for a registry with a private CA give --registry-ca FILE; for plain HTTP "
                                            "or an unverified certificate, --insecure-registry)";
  return Error(ErrorCode::io, fmt::format("cannot reach the registry at https://{}: {}{}", host_,
                                          https.error().message(), hint));
}

Result<RegistryClient::Answer> RegistryClient::send(const std::string& url, const std::vector<std::string>& headers,
                                                    bool with_auth, bool stream, uint64_t limit) {
  UrlParts u;
  if (!parse_url(url, &u)) return Error(ErrorCode::corrupt, fmt::format("not an http(s) URL: {}", redact_url(url)));
  Request req;
  req.url = url;
  req.headers = headers;
  if (with_auth) {
    std::lock_guard lock(mu_);
    if (!authorization_.empty()) req.headers.push_back("Authorization: " + authorization_);
  }
  Connection conn = connection_for(u.port == 443 || u.port == 80 ? u.host : fmt::format("{}:{}", u.host, u.port));
  Answer a;
  if (stream) {
    DAGDA_ASSIGN_OR_RETURN(Streamed s, open(conn, req));
    a.head = std::move(s.head);
    a.body = std::move(s.body);
  } else {
    DAGDA_ASSIGN_OR_RETURN(a.head, perform(conn, req, limit));
  }
  return a;
}

Result<RegistryClient::Answer> RegistryClient::request(const std::string& path, const std::vector<std::string>& headers,
                                                       bool stream, uint64_t limit) {
  DAGDA_TRY(settle_scheme());
  const std::string home = origin();
  std::string url = scheme_ + "://" + host_ + path;
  bool same_origin = true;
  bool auth_tried = false;
  int redirects = 0, attempt = 1;
  for (;;) {
    std::string sent_auth;
    {
      std::lock_guard lock(mu_);
      sent_auth = authorization_;
    }
    DAGDA_ASSIGN_OR_RETURN(Answer a, send(url, headers, same_origin, stream, limit));
    long st = a.head.status;
    if (is_redirect(st)) {
      std::string loc = a.head.header("location");
      if (loc.empty()) return Error(ErrorCode::corrupt, fmt::format("HTTP {} without a Location", st), {.file = redact_url(url)});
      std::string next = resolve_location(url, loc);
      UrlParts from, to;
      parse_url(url, &from);
      if (!parse_url(next, &to))
        return Error(ErrorCode::corrupt, fmt::format("redirected to something that is not an http(s) URL"),
                     {.file = redact_url(url)});
      if (from.scheme == "https" && to.scheme == "http" && !opts_.insecure)
        return Error(ErrorCode::unsupported,
                     fmt::format("redirected from HTTPS to plain HTTP ({}); refused without --insecure-registry",
                                 redact_url(next)));
      if (++redirects > 5) return Error(ErrorCode::corrupt, "more than 5 redirects", {.file = redact_url(url)});
      // Credentials go to the registry's own origin only, never to where it redirects.
      same_origin = origin_of(to) == home;
      url = next;
      continue;
    }
    if (st == 401 && same_origin && !auth_tried) {
      auth_tried = true;
      bool refreshed;
      {
        std::lock_guard lock(mu_);
        refreshed = authorization_ != sent_auth;
      }
      // Unless another request answered a challenge meanwhile, answer this one.
      if (!refreshed) DAGDA_TRY(authenticate(a.head));
      continue;
    }
    if ((st == 429 || st >= 500) && attempt < opts_.attempts) {
      long wait = 250L << attempt;
      std::string ra = a.head.header("retry-after");
      if (!ra.empty() && ra.size() < 6 && std::all_of(ra.begin(), ra.end(), [](char c) { return c >= '0' && c <= '9'; }))
        wait = std::atol(ra.c_str()) * 1000;
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(wait, opts_.max_wait_ms)));
      ++attempt;
      continue;
    }
    if (st != 200) {
      if (a.body) {
        auto text = drain_small(*a.body, 4096);
        if (text.ok()) a.head.body = std::move(*text);
      }
      Error e = same_origin ? status_error(a.head, redact_url(url))
                            : Error(st == 404 ? ErrorCode::not_found : ErrorCode::io,
                                    fmt::format("{} (where the registry {} redirected to) answered HTTP {}",
                                                redact_url(url), ref_.domain, st));
      if (attempt > 1) return Error(e.code(), fmt::format("{} (after {} tries)", e.message(), attempt), e.where());
      return e;
    }
    return a;
  }
}

Error RegistryClient::status_error(const Response& r, const std::string& what) const {
  std::string detail = registry_error_text(r.body);
  std::string status = fmt::format("HTTP {}{}", r.status, detail.empty() ? "" : " " + detail);
  switch (r.status) {
    case 401:
      if (cred_)
        return Error(ErrorCode::io, fmt::format("the registry {} rejected the configured credentials ({})", ref_.domain,
                                                status));
      return Error(ErrorCode::io,
                   fmt::format("the registry {} requires authentication and no credentials are configured for it "
                               "($DOCKER_CONFIG/config.json or $REGISTRY_AUTH_FILE) ({})",
                               ref_.domain, status));
    case 403: return Error(ErrorCode::io, fmt::format("access denied by the registry {} ({})", ref_.domain, status));
    case 404: return Error(ErrorCode::not_found, fmt::format("not found in the registry: {} ({})", what, status));
    case 429:
      return Error(ErrorCode::io, fmt::format("the registry {} is rate-limiting us ({})", ref_.domain, status));
    default:
      return Error(ErrorCode::io, fmt::format("the registry {} answered {} for {}", ref_.domain, status, what));
  }
}

Status RegistryClient::authenticate(const Response& resp) {
  std::vector<Challenge> all;
  for (const std::string& h : resp.headers_named("www-authenticate"))
    for (Challenge& c : parse_www_authenticate(h)) all.push_back(std::move(c));
  const Challenge* bearer = nullptr;
  const Challenge* basic = nullptr;
  for (const Challenge& c : all) {
    if (c.scheme == "bearer" && !bearer) bearer = &c;
    if (c.scheme == "basic" && !basic) basic = &c;
  }
  {
    std::lock_guard lock(mu_);
    if (!cred_loaded_) {
      auto c = lookup_credential(ref_.domain);
      if (!c.ok()) return std::move(c).error();
      cred_ = std::move(*c);
      cred_loaded_ = true;
    }
  }
  if (bearer) {
    auto it = bearer->params.find("realm");
    if (it == bearer->params.end())
      return Error(ErrorCode::corrupt, fmt::format("the registry {} asks for a bearer token but names no realm", ref_.domain));
    std::string realm = it->second;
    UrlParts ru;
    if (!parse_url(realm, &ru))
      return Error(ErrorCode::corrupt, fmt::format("the registry {} names a token realm that is not an http(s) URL",
                                                   ref_.domain));
    if (ru.scheme == "http" && cred_ && !opts_.insecure && !is_loopback_host(ru.host))
      return Error(ErrorCode::unsupported,
                   fmt::format("refusing to send credentials to the token service {} over plain HTTP",
                               redact_url(realm)));
    std::string service = bearer->params.count("service") ? bearer->params.at("service") : "";
    std::string scope = bearer->params.count("scope") ? bearer->params.at("scope") : "repository:" + ref_.path + ":pull";
    Request req;
    if (cred_ && !cred_->identity_token.empty()) {
      req.method = "POST";
      req.url = realm;
      req.headers.push_back("Content-Type: application/x-www-form-urlencoded");
      req.body = fmt::format("grant_type=refresh_token&client_id=dagda&service={}&scope={}&refresh_token={}",
                             query_escape(service), query_escape(scope), query_escape(cred_->identity_token));
    } else {
      req.url = realm + (realm.find('?') == std::string::npos ? "?" : "&");
      std::string q;
      if (!service.empty()) q += "service=" + query_escape(service);
      // A challenge may carry several scopes separated by spaces.
      size_t s = 0;
      while (s <= scope.size()) {
        size_t e = scope.find(' ', s);
        if (e == std::string::npos) e = scope.size();
        if (e > s) q += (q.empty() ? "" : "&") + std::string("scope=") + query_escape(scope.substr(s, e - s));
        s = e + 1;
      }
      if (cred_ && !cred_->username.empty()) {
        q += (q.empty() ? "" : "&") + std::string("account=") + query_escape(cred_->username);
        req.headers.push_back("Authorization: Basic " + base64_encode(cred_->username + ":" + cred_->password));
      }
      req.url += q;
    }
    Connection conn = connection_for(ru.port == 443 || ru.port == 80 ? ru.host : fmt::format("{}:{}", ru.host, ru.port));
    auto r = perform(conn, req, 1 << 20);
    if (!r.ok())
      return Error(r.error().code(), fmt::format("cannot get a token from {}: {}", redact_url(realm), r.error().message()));
    if (r->status != 200) {
      std::string who = cred_ ? "rejected the configured credentials" : "refused an anonymous token";
      return Error(ErrorCode::io, fmt::format("the token service {} {} (HTTP {})", redact_url(realm), who, r->status));
    }
    json j = json::parse(r->body, nullptr, false);
    std::string token;
    if (j.is_object()) {
      for (const char* key : {"token", "access_token"})
        if (j.contains(key) && j[key].is_string() && !j[key].get<std::string>().empty()) {
          token = j[key].get<std::string>();
          break;
        }
    }
    if (token.empty() || token.find_first_of("\r\n") != std::string::npos)
      return Error(ErrorCode::corrupt, fmt::format("the token service {} answered without a token", redact_url(realm)));
    std::lock_guard lock(mu_);
    authorization_ = "Bearer " + token;
    return ok_status();
  }
  if (basic) {
    if (!cred_ || cred_->username.empty())
      return Error(ErrorCode::io,
                   fmt::format("the registry {} requires a user name and password and none is configured for it "
                               "($DOCKER_CONFIG/config.json or $REGISTRY_AUTH_FILE)",
                               ref_.domain));
    if (scheme_ == "http" && !opts_.insecure && !is_loopback_host(host_))
      return Error(ErrorCode::unsupported, "refusing to send a password over plain HTTP");
    std::lock_guard lock(mu_);
    authorization_ = "Basic " + base64_encode(cred_->username + ":" + cred_->password);
    return ok_status();
  }
  return Error(ErrorCode::unsupported,
               fmt::format("the registry {} asks for authentication in a way Dagda does not speak (WWW-Authenticate: {})",
                           ref_.domain, all.empty() ? std::string("none") : all.front().scheme));
}

Result<Manifest> RegistryClient::manifest(const std::string& reference) {
  std::vector<std::string> headers = {fmt::format("Accept: {}, {}, {}, {}", kOciIndex, kDockerList, kOciManifest,
                                                  kDockerManifest)};
  std::string path = fmt::format("/v2/{}/manifests/{}", ref_.path, reference);
  auto a = request(path, headers, false, opts_.manifest_limit);
  if (!a.ok()) {
    if (a.error().message().find("byte limit") != std::string::npos)
      return Error(ErrorCode::corrupt,
                   fmt::format("the manifest is larger than {} MiB, the limit for manifests", opts_.manifest_limit >> 20));
    return std::move(a).error();
  }
  Manifest m;
  m.body = std::move(a->head.body);
  m.digest = "sha256:" + sha256_hex(m.body);
  std::string want_hex;
  if (parse_sha256_digest(reference, &want_hex) && "sha256:" + want_hex != m.digest)
    return Error(ErrorCode::corrupt,
                 fmt::format("digest mismatch: asked for {}, the manifest served is {}", reference, m.digest));
  if (std::string sent = a->head.header("docker-content-digest"); sent.starts_with("sha256:") && sent != m.digest)
    return Error(ErrorCode::corrupt,
                 fmt::format("digest mismatch: the registry says the manifest is {}, its content is {}", sent, m.digest));
  json j = json::parse(m.body, nullptr, false);
  if (!j.is_object()) return Error(ErrorCode::corrupt, "the manifest is not a JSON object");
  if (j.contains("mediaType") && j["mediaType"].is_string()) m.media_type = j["mediaType"].get<std::string>();
  if (m.media_type.empty()) {
    std::string ct = a->head.header("content-type");
    m.media_type = ct.substr(0, ct.find(';'));
  }
  return m;
}

Result<std::string> RegistryClient::blob(const std::string& digest, uint64_t limit) {
  std::string hex;
  if (!parse_sha256_digest(digest, &hex))
    return Error(ErrorCode::unsupported, fmt::format("'{}' is not a sha256 digest", digest.substr(0, 80)));
  DAGDA_ASSIGN_OR_RETURN(Answer a, request(fmt::format("/v2/{}/blobs/{}", ref_.path, digest), {}, false, limit));
  std::string actual = sha256_hex(a.head.body);
  if (actual != hex)
    return Error(ErrorCode::corrupt, fmt::format("digest mismatch: blob {} has content sha256:{}", digest, actual));
  return std::move(a.head.body);
}

Result<std::unique_ptr<Body>> RegistryClient::open_blob(const std::string& digest) {
  if (!parse_sha256_digest(digest, nullptr))
    return Error(ErrorCode::unsupported, fmt::format("'{}' is not a sha256 digest", digest.substr(0, 80)));
  DAGDA_ASSIGN_OR_RETURN(Answer a, request(fmt::format("/v2/{}/blobs/{}", ref_.path, digest), {}, true, 0));
  return std::move(a.body);
}

}  // namespace dagda::net
