#include "net/auth.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/fs.hpp"

extern char** environ;

namespace dagda::net {
namespace {

using json = nlohmann::json;

bool tchar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string str(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "https://Host:5000/v1/" -> "host:5000".
std::string key_host(std::string_view key) {
  if (size_t p = key.find("://"); p != std::string_view::npos) key.remove_prefix(p + 3);
  key = key.substr(0, key.find('/'));
  return lower(std::string(key));
}

}  // namespace

std::vector<Challenge> parse_www_authenticate(std::string_view v) {
  std::vector<Challenge> out;
  size_t i = 0;
  auto skip_ws = [&] {
    while (i < v.size() && (v[i] == ' ' || v[i] == '\t')) ++i;
  };
  auto token = [&] {
    size_t s = i;
    while (i < v.size() && tchar(v[i])) ++i;
    return std::string(v.substr(s, i - s));
  };
  while (i < v.size()) {
    skip_ws();
    while (i < v.size() && (v[i] == ',' || v[i] == ' ')) ++i;
    std::string scheme = token();
    if (scheme.empty()) {
      ++i;  // junk: skip a character
      continue;
    }
    Challenge ch;
    ch.scheme = lower(scheme);
    // Parameters until a token not followed by '=' (the next challenge's scheme).
    for (;;) {
      skip_ws();
      while (i < v.size() && v[i] == ',') {
        ++i;
        skip_ws();
      }
      size_t save = i;
      std::string name = token();
      skip_ws();
      if (name.empty() || i >= v.size() || v[i] != '=') {
        i = save;
        break;
      }
      ++i;
      skip_ws();
      std::string value;
      if (i < v.size() && v[i] == '"') {
        ++i;
        while (i < v.size() && v[i] != '"') {
          if (v[i] == '\\' && i + 1 < v.size()) ++i;
          value += v[i++];
        }
        if (i < v.size()) ++i;
      } else {
        size_t s = i;
        while (i < v.size() && v[i] != ',' && v[i] != ' ' && v[i] != '\t') ++i;
        value = std::string(v.substr(s, i - s));
      }
      ch.params[lower(name)] = std::move(value);
    }
    out.push_back(std::move(ch));
    if (out.size() > 16) break;
  }
  return out;
}

Result<AuthConfig> parse_auth_config(std::string_view text, const std::string& name) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Error(ErrorCode::corrupt, "not a JSON object (a docker config.json or auth.json)", {.file = name});
  AuthConfig cfg;
  if (auto a = j.find("auths"); a != j.end() && a->is_object()) {
    for (const auto& [key, entry] : a->items()) {
      if (!entry.is_object()) continue;
      Credential c;
      if (std::string auth = str(entry, "auth"); !auth.empty()) {
        auto decoded = base64_decode(auth);
        size_t colon = decoded ? decoded->find(':') : std::string::npos;
        if (!decoded || colon == std::string::npos)
          return Error(ErrorCode::corrupt,
                       fmt::format("the \"auth\" of '{}' is not base64 of USER:PASSWORD", key.substr(0, 100)),
                       {.file = name});
        c.username = decoded->substr(0, colon);
        c.password = decoded->substr(colon + 1);
      }
      if (c.username.empty()) c.username = str(entry, "username");
      if (c.password.empty()) c.password = str(entry, "password");
      c.identity_token = str(entry, "identitytoken");
      cfg.auths.emplace(key, std::move(c));
    }
  }
  if (auto h = j.find("credHelpers"); h != j.end() && h->is_object())
    for (const auto& [key, helper] : h->items())
      if (helper.is_string()) cfg.cred_helpers.emplace(key, helper.get<std::string>());
  cfg.creds_store = str(j, "credsStore");
  return cfg;
}

Result<Credential> parse_helper_output(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Error(ErrorCode::corrupt, "the credential helper's answer is not a JSON object");
  Credential c;
  c.username = str(j, "Username");
  std::string secret = str(j, "Secret");
  // A helper returns "<token>" as the user name when the secret is an identity token.
  if (c.username == "<token>") {
    c.username.clear();
    c.identity_token = secret;
  } else {
    c.password = secret;
  }
  if (c.username.empty() && c.password.empty() && c.identity_token.empty())
    return Error(ErrorCode::corrupt, "the credential helper's answer has no Username or Secret");
  return c;
}

std::optional<Credential> find_auth(const AuthConfig& cfg, const std::string& host) {
  std::string want = lower(host);
  bool hub = want == "docker.io";
  for (const auto& [key, cred] : cfg.auths) {
    std::string h = key_host(key);
    if (h == want || (hub && (h == "index.docker.io" || h == "registry-1.docker.io"))) return cred;
  }
  return std::nullopt;
}

namespace {

// Runs `docker-credential-NAME get` with the server URL on stdin; its answer, or nullopt when it
// has no credential for the server.
Result<std::optional<Credential>> run_helper(const std::string& helper, const std::string& server) {
  for (char c : helper)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
      return Error(ErrorCode::invalid_input, fmt::format("credential helper name '{}' is not valid", helper.substr(0, 60)));
  std::string program = "docker-credential-" + helper;
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return Error(ErrorCode::io, "cannot create a pipe for the credential helper");
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(in[0]), ::close(in[1]);
    return Error(ErrorCode::io, "cannot create a pipe for the credential helper");
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (devnull >= 0) posix_spawn_file_actions_adddup2(&fa, devnull, 2);
  char* argv[] = {program.data(), const_cast<char*>("get"), nullptr};
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, program.c_str(), &fa, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(in[0]);
  ::close(out[1]);
  if (devnull >= 0) ::close(devnull);
  if (rc != 0) {
    ::close(in[1]);
    ::close(out[0]);
    return Error(ErrorCode::not_found,
                 fmt::format("cannot run the credential helper {}: {}", program, std::strerror(rc)));
  }
  {
    // A helper that exits without reading must not kill us with SIGPIPE: block it while writing
    // and take back any that became pending.
    sigset_t pipe_set, old_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
    std::string input = server + "\n";
    ssize_t w = ::write(in[1], input.data(), input.size());
    (void)w;
    ::close(in[1]);
    timespec zero{0, 0};
    while (sigtimedwait(&pipe_set, nullptr, &zero) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
  }
  std::string answer;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool timed_out = false;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{out[0], POLLIN, 0};
    int pr = ::poll(&p, 1, static_cast<int>(left.count()));
    if (pr < 0 && errno == EINTR) continue;
    if (pr <= 0) {
      timed_out = pr == 0;
      break;
    }
    char buf[4096];
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
    if (answer.size() > (1u << 20)) break;
  }
  ::close(out[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) return Error(ErrorCode::io, fmt::format("the credential helper {} did not answer within 30 s", program));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    // "credentials not found in native keychain": no credential, not a failure.
    if (answer.find("not found") != std::string::npos) return std::optional<Credential>();
    return Error(ErrorCode::io, fmt::format("the credential helper {} failed (exit status {})", program,
                                            WIFEXITED(status) ? WEXITSTATUS(status) : -1));
  }
  auto cred = parse_helper_output(answer);
  if (!cred.ok()) return Error(cred.error().code(), fmt::format("{}: {}", program, cred.error().message()));
  return std::optional<Credential>(std::move(*cred));
}

std::string helper_server_url(const std::string& host) {
  return host == "docker.io" ? "https://index.docker.io/v1/" : host;
}

Result<std::optional<Credential>> from_config(const AuthConfig& cfg, const std::string& host) {
  for (const auto& [key, helper] : cfg.cred_helpers)
    if (key_host(key) == lower(host) || (host == "docker.io" && key_host(key) == "index.docker.io"))
      return run_helper(helper, helper_server_url(host));
  if (auto c = find_auth(cfg, host); c && (!c->username.empty() || !c->identity_token.empty()))
    return std::optional<Credential>(*c);
  if (!cfg.creds_store.empty()) return run_helper(cfg.creds_store, helper_server_url(host));
  return std::optional<Credential>();
}

Result<std::optional<AuthConfig>> load_config(const std::string& path) {
  auto text = read_file(path, 16u << 20);
  if (!text.ok()) {
    if (text.error().code() == ErrorCode::not_found) return std::optional<AuthConfig>();
    return std::move(text).error();
  }
  DAGDA_ASSIGN_OR_RETURN(AuthConfig cfg, parse_auth_config(*text, path));
  return std::optional<AuthConfig>(std::move(cfg));
}

}  // namespace

Result<std::optional<Credential>> lookup_credential(const std::string& host) {
  if (const char* f = std::getenv("REGISTRY_AUTH_FILE"); f && *f) {
    DAGDA_ASSIGN_OR_RETURN(auto cfg, load_config(f));
    if (cfg) {
      DAGDA_ASSIGN_OR_RETURN(auto c, from_config(*cfg, host));
      if (c) return c;
    }
  }
  std::string dir;
  if (const char* d = std::getenv("DOCKER_CONFIG"); d && *d) {
    dir = d;
  } else {
    const char* home = std::getenv("HOME");
    if (!home || !*home) return std::optional<Credential>();
    dir = std::string(home) + "/.docker";
  }
  DAGDA_ASSIGN_OR_RETURN(auto cfg, load_config(dir + "/config.json"));
  if (!cfg) return std::optional<Credential>();
  return from_config(*cfg, host);
}

std::string base64_encode(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8) | uint8_t(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < in.size()) {
    uint32_t v = uint32_t(uint8_t(in[i])) << 16;
    if (i + 1 < in.size()) v |= uint32_t(uint8_t(in[i + 1])) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  while (!in.empty() && (in.back() == '=' || in.back() == '\n' || in.back() == '\r')) in.remove_suffix(1);
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if (bits >= 6) return std::nullopt;  // a lone trailing character
  return out;
}

}  // namespace dagda::net
