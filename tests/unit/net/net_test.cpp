// The parsers of the net module: image references (Docker's normalisation),
// WWW-Authenticate challenges, docker config.json / auth.json, credential
// helper answers, the Engine API's JSON (responses recorded from Podman 4.3's
// Docker-compatible API in tests/data/engine), DOCKER_HOST and URLs.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "net/auth.hpp"
#include "net/engine.hpp"
#include "net/http.hpp"
#include "net/reference.hpp"
#include "support/testdata.hpp"

namespace dagda::net {
namespace {

std::string engine_sample(const std::string& name) {
  return test::slurp(test::source_dir() + "/tests/data/engine/" + name);
}

TEST(Reference, NormalisesAsDocker) {
  struct Case {
    const char* in;
    const char* full;
    const char* api_host;
  };
  const Case cases[] = {
      {"alpine", "docker.io/library/alpine:latest", "registry-1.docker.io"},
      {"alpine:3.10", "docker.io/library/alpine:3.10", "registry-1.docker.io"},
      {"library/alpine:3.10", "docker.io/library/alpine:3.10", "registry-1.docker.io"},
      {"docker.io/alpine", "docker.io/library/alpine:latest", "registry-1.docker.io"},
      {"index.docker.io/library/alpine:edge", "docker.io/library/alpine:edge", "registry-1.docker.io"},
      {"bitnami/nginx:1.25", "docker.io/bitnami/nginx:1.25", "registry-1.docker.io"},
      {"localhost/app", "localhost/app:latest", "localhost"},
      {"localhost:5000/app:1", "localhost:5000/app:1", "localhost:5000"},
      {"127.0.0.1:5000/team/app:v1.2.3", "127.0.0.1:5000/team/app:v1.2.3", "127.0.0.1:5000"},
      {"ghcr.io/owner/repo/sub:tag", "ghcr.io/owner/repo/sub:tag", "ghcr.io"},
      {"[::1]:5000/app:1", "[::1]:5000/app:1", "[::1]:5000"},
      {"Registry.Example.COM/app:1", "registry.example.com/app:1", "registry.example.com"},
      // A host known by its capitals alone keeps them (fuzzing found "B/http" read back as docker.io/b/http).
      {"B/http", "B/http:latest", "B"},
      {"LOCALHOST/app", "localhost/app:latest", "localhost"},
      {"my_app__x/a-b--c.d:1", "docker.io/my_app__x/a-b--c.d:1", "registry-1.docker.io"},
  };
  for (const Case& c : cases) {
    auto r = parse_reference(c.in);
    ASSERT_TRUE(r.ok()) << c.in << ": " << r.error().render();
    EXPECT_EQ(r->full(), c.full) << c.in;
    EXPECT_EQ(r->api_host(), c.api_host) << c.in;
    auto again = parse_reference(r->full());
    ASSERT_TRUE(again.ok()) << r->full();
    EXPECT_EQ(again->full(), r->full()) << c.in;
  }
  std::string digest = "sha256:" + std::string(64, 'a');
  auto d = parse_reference("alpine@" + digest);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->tag, "");
  EXPECT_EQ(d->reference(), digest);
  auto both = parse_reference("localhost:5000/app:1@" + digest);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->tag, "1");
  EXPECT_EQ(both->reference(), digest);  // the digest wins
}

TEST(Reference, RefusesWhatDockerRefuses) {
  for (const char* bad : {"", "Alpine", "alpine:", ":tag", "/abs/path", "a//b", "app:-tag", "app@sha256:12",
                          "host:99999/app", "host:/app", "a..b", "app:tag with space", "-app", "app_", "app/"}) {
    auto r = parse_reference(bad);
    EXPECT_FALSE(r.ok()) << "'" << bad << "' was accepted as " << (r.ok() ? r->full() : "");
    if (!r.ok()) {
      EXPECT_EQ(r.error().code(), ErrorCode::invalid_input);
    }
  }
  EXPECT_FALSE(parse_reference(std::string(600, 'a')).ok());
  EXPECT_FALSE(parse_reference("app:" + std::string(129, 't')).ok());
}

TEST(Reference, LoopbackHosts) {
  for (const char* h : {"localhost", "localhost:5000", "127.0.0.1", "127.0.0.1:5000", "127.1.2.3:80", "[::1]:5000", "::1"})
    EXPECT_TRUE(is_loopback_host(h)) << h;
  for (const char* h : {"localhost.example.com", "128.0.0.1", "127.0.0", "10.0.0.1:5000", "[::2]:5000", "example.com"})
    EXPECT_FALSE(is_loopback_host(h)) << h;
}

TEST(Auth, ParsesChallenges) {
  auto c = parse_www_authenticate(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull")");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].scheme, "bearer");
  EXPECT_EQ(c[0].params["realm"], "https://auth.docker.io/token");
  EXPECT_EQ(c[0].params["service"], "registry.docker.io");
  EXPECT_EQ(c[0].params["scope"], "repository:library/alpine:pull");

  auto two = parse_www_authenticate(R"(Basic realm="Registry Realm", Bearer realm="https://x/t",  error="invalid_token")");
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].scheme, "basic");
  EXPECT_EQ(two[0].params["realm"], "Registry Realm");
  EXPECT_EQ(two[1].scheme, "bearer");
  EXPECT_EQ(two[1].params["error"], "invalid_token");

  auto quoted = parse_www_authenticate(R"(Bearer realm="a\"b",service=plain)");
  ASSERT_EQ(quoted.size(), 1u);
  EXPECT_EQ(quoted[0].params["realm"], "a\"b");
  EXPECT_EQ(quoted[0].params["service"], "plain");

  // Hostile or broken values end without a crash, with what can be read.
  EXPECT_TRUE(parse_www_authenticate("").empty());
  parse_www_authenticate(R"(Bearer realm="unterminated)");
  parse_www_authenticate(",,,==\"\"\\");
  EXPECT_LE(parse_www_authenticate(std::string(10000, 'a') + " " + std::string(10000, ',')).size(), 17u);
}

TEST(Auth, DockerConfigEntries) {
  std::string cfg = R"({
    "auths": {
      "https://index.docker.io/v1/": {"auth": ")" + base64_encode("hubuser:hub:pass") + R"("},
      "localhost:5000": {"username": "u5000", "password": "p5000"},
      "http://registry.example.com/v2/": {"identitytoken": "refresh-me"}
    },
    "credHelpers": {"gcr.io": "gcloud"},
    "credsStore": "desktop"
  })";
  auto c = parse_auth_config(cfg, "config.json");
  ASSERT_TRUE(c.ok()) << c.error().render();
  auto hub = find_auth(*c, "docker.io");
  ASSERT_TRUE(hub);
  EXPECT_EQ(hub->username, "hubuser");
  EXPECT_EQ(hub->password, "hub:pass");  // only the first ':' separates
  auto local = find_auth(*c, "localhost:5000");
  ASSERT_TRUE(local);
  EXPECT_EQ(local->password, "p5000");
  auto ex = find_auth(*c, "registry.example.com");
  ASSERT_TRUE(ex);
  EXPECT_EQ(ex->identity_token, "refresh-me");
  EXPECT_FALSE(find_auth(*c, "localhost:5001"));
  EXPECT_EQ(c->cred_helpers.at("gcr.io"), "gcloud");
  EXPECT_EQ(c->creds_store, "desktop");

  auto bad = parse_auth_config(R"({"auths": {"x": {"auth": "not base64!"}}})", "cfg.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().render().find("not base64!"), std::string::npos) << "a secret ended up in a message";
  EXPECT_NE(bad.error().render().find("cfg.json"), std::string::npos);
  EXPECT_FALSE(parse_auth_config("[1]", "x").ok());
  EXPECT_FALSE(parse_auth_config("{", "x").ok());
}

TEST(Auth, HelperAnswers) {
  auto a = parse_helper_output(R"({"ServerURL":"localhost:5000","Username":"bob","Secret":"s3"})");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->username, "bob");
  EXPECT_EQ(a->password, "s3");
  auto t = parse_helper_output(R"({"Username":"<token>","Secret":"refresh"})");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->identity_token, "refresh");
  EXPECT_TRUE(t->username.empty());
  EXPECT_FALSE(parse_helper_output("{}").ok());
  EXPECT_FALSE(parse_helper_output("credentials not found in native keychain").ok());
}

TEST(Auth, LooksUpConfigFilesAndHelpers) {
  std::string dir = test::test_scratch("auth");
  std::string docker = dir + "/docker";
  std::filesystem::create_directories(docker);
  std::ofstream(docker + "/config.json") << R"({"auths": {"reg.test:5000": {"auth": ")" +
                                               base64_encode("alice:wonder") + R"("}},
     "credHelpers": {"helped.test": "dagdatest"}})";
  // A credential helper speaking the documented protocol: the server URL on stdin, JSON on stdout.
  std::string bin = dir + "/bin";
  std::filesystem::create_directories(bin);
  std::ofstream(bin + "/docker-credential-dagdatest")
      << "#!/bin/sh\nread server\nif [ \"$server\" = helped.test ]; then\n"
         "  printf '{\"ServerURL\":\"%s\",\"Username\":\"helper-user\",\"Secret\":\"helper-secret\"}' \"$server\"\n"
         "else echo 'credentials not found in native keychain'; exit 1; fi\n";
  std::filesystem::permissions(bin + "/docker-credential-dagdatest", std::filesystem::perms::owner_all);
  std::string old_path = std::getenv("PATH") ? std::getenv("PATH") : "";
  setenv("PATH", (bin + ":" + old_path).c_str(), 1);
  setenv("DOCKER_CONFIG", docker.c_str(), 1);
  unsetenv("REGISTRY_AUTH_FILE");

  auto a = lookup_credential("reg.test:5000");
  ASSERT_TRUE(a.ok()) << a.error().render();
  ASSERT_TRUE(*a);
  EXPECT_EQ((*a)->username, "alice");
  auto h = lookup_credential("helped.test");
  ASSERT_TRUE(h.ok()) << h.error().render();
  ASSERT_TRUE(*h);
  EXPECT_EQ((*h)->password, "helper-secret");
  auto none = lookup_credential("other.test");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);

  // $REGISTRY_AUTH_FILE (Podman's auth.json) is read first.
  std::ofstream(dir + "/auth.json") << R"({"auths": {"reg.test:5000": {"auth": ")" + base64_encode("podman:pw") + R"("}}})";
  setenv("REGISTRY_AUTH_FILE", (dir + "/auth.json").c_str(), 1);
  auto p = lookup_credential("reg.test:5000");
  ASSERT_TRUE(p.ok() && *p);
  EXPECT_EQ((*p)->username, "podman");

  // A damaged file is an error naming it.
  std::ofstream(dir + "/auth.json", std::ios::trunc) << "{not json";
  auto broken = lookup_credential("reg.test:5000");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().render().find("auth.json"), std::string::npos);
  unsetenv("REGISTRY_AUTH_FILE");
  unsetenv("DOCKER_CONFIG");
  setenv("PATH", old_path.c_str(), 1);
}

TEST(Auth, Base64) {
  for (std::string s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", "user:pass", std::string("\0\xff\x10", 3)})
    EXPECT_EQ(base64_decode(base64_encode(s)), s);
  EXPECT_EQ(base64_encode("user:pass"), "dXNlcjpwYXNz");
  EXPECT_FALSE(base64_decode("a"));
  EXPECT_FALSE(base64_decode("ab$c"));
}

TEST(Engine, DockerHost) {
  auto unix_ep = parse_docker_host("unix:///run/podman/podman.sock", false, "");
  ASSERT_TRUE(unix_ep.ok());
  EXPECT_EQ(unix_ep->conn.unix_socket, "/run/podman/podman.sock");
  auto tcp = parse_docker_host("tcp://10.0.0.5", false, "");
  ASSERT_TRUE(tcp.ok());
  EXPECT_EQ(tcp->base_url, "http://10.0.0.5:2375");
  auto tls = parse_docker_host("tcp://engine.test:2376", true, "/certs");
  ASSERT_TRUE(tls.ok());
  EXPECT_EQ(tls->base_url, "https://engine.test:2376");
  EXPECT_EQ(tls->conn.tls.ca_file, "/certs/ca.pem");
  EXPECT_EQ(tls->conn.tls.cert_file, "/certs/cert.pem");
  EXPECT_EQ(tls->conn.tls.key_file, "/certs/key.pem");
  EXPECT_FALSE(parse_docker_host("npipe:////./pipe/docker_engine", false, "").ok());
  EXPECT_FALSE(parse_docker_host("ssh://user@host", false, "").ok());
  EXPECT_FALSE(parse_docker_host("unix://relative.sock", false, "").ok());
  EXPECT_FALSE(parse_docker_host("tcp://host/path", false, "").ok());
}

TEST(Engine, PodmanResponses) {
  auto img = parse_image_inspect(engine_sample("podman-4.3-image-inspect.json"));
  ASSERT_TRUE(img.ok()) << img.error().render();
  EXPECT_TRUE(img->id.starts_with("sha256:"));
  EXPECT_EQ(img->diff_ids.size(), 3u);
  EXPECT_EQ(img->os, "linux");
  EXPECT_EQ(img->architecture, "amd64");
  ASSERT_FALSE(img->repo_tags.empty());

  auto list = parse_image_list(engine_sample("podman-4.3-images.json"));
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].repo_tags, img->repo_tags);

  auto c = parse_container_inspect(engine_sample("podman-4.3-container-inspect.json"));
  ASSERT_TRUE(c.ok()) << c.error().render();
  EXPECT_EQ(c->name, "dagda-test-capture");
  EXPECT_EQ(c->image_id, img->id);
  EXPECT_TRUE(c->running);

  auto cl = parse_container_list(engine_sample("podman-4.3-containers.json"));
  ASSERT_TRUE(cl.ok());
  ASSERT_EQ(cl->size(), 1u);
  EXPECT_EQ((*cl)[0].names.at(0), "dagda-test-capture");

  auto ch = parse_changes(engine_sample("podman-4.3-changes.json"));
  ASSERT_TRUE(ch.ok());
  bool added = false, deleted = false;
  for (const FsChange& f : *ch) {
    added = added || (f.path == "/etc/hostname.new" && f.kind == FsChange::Kind::added);
    deleted = deleted || (f.path == "/usr/share/doc/jq" && f.kind == FsChange::Kind::deleted);
  }
  EXPECT_TRUE(added);
  EXPECT_TRUE(deleted);

  std::string events = engine_sample("podman-4.3-events.jsonl");
  auto ev = parse_event(events.substr(0, events.find('\n')));
  ASSERT_TRUE(ev.ok()) << ev.error().render();
  EXPECT_FALSE(ev->action.empty());
  EXPECT_GT(ev->time, 0);
}

TEST(Engine, OddResponses) {
  EXPECT_TRUE(parse_changes("null").ok());
  EXPECT_TRUE(parse_changes("null")->empty());
  EXPECT_TRUE(parse_image_list("null").ok());
  EXPECT_FALSE(parse_changes(R"([{"Path":"relative","Kind":1}])").ok());
  EXPECT_FALSE(parse_changes(R"([{"Path":"/x","Kind":7}])").ok());
  EXPECT_FALSE(parse_image_inspect(R"({"RepoTags":[]})").ok());
  EXPECT_FALSE(parse_image_inspect("[").ok());
  EXPECT_FALSE(parse_container_inspect("{}").ok());
  EXPECT_FALSE(parse_event("42").ok());
  auto wrong_types = parse_image_inspect(R"({"Id":"abc","RepoTags":"x","RootFS":{"Layers":[1,"sha256:x"]},"Size":-1.5})");
  ASSERT_TRUE(wrong_types.ok());
  EXPECT_EQ(wrong_types->id, "sha256:abc");
  EXPECT_TRUE(wrong_types->repo_tags.empty());
  EXPECT_EQ(wrong_types->diff_ids.size(), 1u);
  EXPECT_EQ(engine_error_message(R"({"message":"no such image\nreally"})"), "no such image really");
  EXPECT_EQ(engine_path_escape("localhost/a:b@sha256:c", true), "localhost/a:b@sha256:c");
  EXPECT_EQ(engine_path_escape("a b?c#/", false), "a%20b%3Fc%23%2F");
}

TEST(Http, Urls) {
  UrlParts u;
  ASSERT_TRUE(parse_url("https://User:pw@Reg.Example:5000/v2/x?q=1", &u));
  EXPECT_EQ(u.scheme, "https");
  EXPECT_EQ(u.host, "reg.example");
  EXPECT_EQ(u.port, 5000);
  EXPECT_EQ(u.path, "/v2/x?q=1");
  EXPECT_EQ(redact_url("https://user:secret@reg.example/v2/x?token=abc"), "https://reg.example/v2/x");
  ASSERT_TRUE(parse_url("http://[::1]:8080/", &u));
  EXPECT_EQ(u.host, "[::1]");
  EXPECT_EQ(u.port, 8080);
  EXPECT_FALSE(parse_url("ftp://x/", &u));
  EXPECT_FALSE(parse_url("http://:80/", &u));
  EXPECT_FALSE(parse_url("http://x:0/", &u));
  EXPECT_FALSE(parse_url("http://x:99999/", &u));
  EXPECT_EQ(resolve_location("https://reg.test/v2/a/blobs/x", "/storage/b?sig=1"), "https://reg.test:443/storage/b?sig=1");
  EXPECT_EQ(resolve_location("https://reg.test/v2/a/blobs/x", "https://cdn.test/b"), "https://cdn.test/b");
  EXPECT_EQ(resolve_location("https://reg.test/v2/a/blobs/x", "//cdn.test/b"), "https://cdn.test/b");
  EXPECT_EQ(resolve_location("http://reg.test:5000/v2/a/blobs/x", "y"), "http://reg.test:5000/v2/a/blobs/y");
}

}  // namespace
}  // namespace dagda::net
