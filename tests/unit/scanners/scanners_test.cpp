// The secret scanner and the configuration checks on texts: AWS's documented example keys, a
// PEM key made by openssl here, a secret cut by a window boundary, binaries, placeholders,
// hostile streams (bounded), custom rules, Dockerfiles, and --scanners parsing.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <set>
#include <thread>
#include <atomic>

#include "scanners/image_checks.hpp"
#include "scanners/keyword_filter.hpp"
#include "scanners/secret.hpp"
#include "scanners/selection.hpp"

namespace dagda::scanners {
namespace {

std::unique_ptr<SecretScanner> scanner(SecretLimits limits = {}, const SecretConfig& config = {}) {
  auto s = SecretScanner::create(config, limits);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().render());
  return std::move(s).value();
}

std::vector<SecretHit> scan(const SecretScanner& s, std::string_view text, std::string_view path = "srv/x.txt") {
  std::vector<SecretHit> out;
  s.scan(text, path, 1, out);
  return out;
}

std::vector<std::string> rules_of(const std::vector<SecretHit>& hits) {
  std::vector<std::string> out;
  for (const auto& h : hits) out.push_back(h.rule);
  return out;
}

// Streams `text` through a sink in chunks of `chunk` bytes, its size told to the sink or not;
// returns the hits and how much was taken.
std::pair<std::vector<SecretHit>, uint64_t> stream(const SecretScanner& s, const std::string& path,
                                                   std::string_view text, size_t chunk, bool size_known = true) {
  std::vector<SecretHit> hits;
  auto sink = s.sink(path, size_known ? text.size() : 0, [&](std::vector<SecretHit> h) { hits = std::move(h); });
  uint64_t fed = 0;
  if (!sink) return {hits, 0};
  for (size_t p = 0; p < text.size(); p += chunk) {
    fed += std::min(chunk, text.size() - p);
    if (!sink->feed(text.substr(p, chunk))) break;
  }
  sink->finish();
  return {hits, fed};
}

std::vector<unsigned> keyword_ids(const KeywordFilter& f, std::string_view text) {
  std::vector<unsigned> ids;
  EXPECT_TRUE(f.match(text, ids));
  return ids;
}

TEST(KeywordFilter, CaseSharedIdsAndPieces) {
  auto made = KeywordFilter::create({{"AKIA", 1, false}, {"ASIA", 1, false}, {"password", 2, true},
                                     {"eyJ", 3, false}, {std::string("nul\0key", 7), 4, false}});
  ASSERT_TRUE(made.ok()) << made.error().render();
  const KeywordFilter& f = **made;
  using Ids = std::vector<unsigned>;
  EXPECT_EQ(keyword_ids(f, ""), Ids{});
  EXPECT_EQ(keyword_ids(f, "nothing to see"), Ids{});
  EXPECT_EQ(keyword_ids(f, "PassWord=1 ASIA AKIA akia"), (Ids{1, 2}));  // each id once, sorted
  EXPECT_EQ(keyword_ids(f, "akia asia EYJ eyj"), Ids{});                   // exact keywords mind case
  EXPECT_EQ(keyword_ids(f, "x PASSWORD"), Ids{2});
  EXPECT_EQ(keyword_ids(f, std::string("a nul\0key b", 11)), Ids{4});
  EXPECT_EQ(keyword_ids(f, "eyJhbGciOi"), Ids{3});

  // Pieces of 16 bytes overlapping by the longest keyword less one: a keyword across any
  // boundary is found, wherever it stands in a long text.
  auto small = KeywordFilter::create({{"password", 7, true}, {"AKIA", 8, false}}, 16);
  ASSERT_TRUE(small.ok());
  for (size_t at = 0; at < 64; ++at) {
    std::string text(80, '.');
    text.replace(at, 8, "PASSWORD");
    EXPECT_EQ(keyword_ids(**small, text), Ids{7}) << "at " << at;
    std::string akia(80, '-');
    akia.replace(at, 4, "AKIA");
    EXPECT_EQ(keyword_ids(**small, akia), Ids{8}) << "at " << at;
  }
  EXPECT_EQ(keyword_ids(**small, std::string(100, 'P')), Ids{});

  // Nothing to find: no database, every text matches nothing.
  auto none = KeywordFilter::create({});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(keyword_ids(**none, "password AKIA"), Ids{});
  EXPECT_FALSE(KeywordFilter::create({{"", 1, false}}).ok());
  EXPECT_FALSE(KeywordFilter::create({{"longer than the piece", 1, false}}, 4).ok());
}

TEST(KeywordFilter, ManyThreadsAtOnce) {
  auto made = KeywordFilter::create({{"token", 1, true}, {"ghp_", 2, false}});
  ASSERT_TRUE(made.ok());
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        std::vector<unsigned> ids;
        const bool both = (i + t) % 2 == 0;
        (**made).match(both ? "a TOKEN and ghp_x" : "a TOKEN only", ids);
        if (ids != (both ? std::vector<unsigned>{1, 2} : std::vector<unsigned>{1})) ++wrong;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

// Rules run where their keywords occur, in the case the rule asks for: the case-blind AWS secret
// rule finds its keyword in capitals, and a custom rule's keyword matches in any case.
TEST(Secrets, KeywordsSelectRulesInTheirCase) {
  auto s = scanner();
  auto hits = scan(*s, "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", "srv/env.sh");
  EXPECT_EQ(rules_of(hits), std::vector<std::string>{"aws-secret-access-key"});
  // "akia" in lower case is not an access key id (the rule minds case, and so does its keyword).
  EXPECT_TRUE(scan(*s, "akiaiosfodnn7example\n").empty());
  SecretConfig config;
  config.rules.push_back({"dgt", "Dagda test token", "high", {"dgt-"}, R"(\b((?i:dgt)-[0-9a-f]{32})\b)"});
  auto custom = scanner({}, config);
  EXPECT_EQ(rules_of(scan(*custom, "DGT-0123456789abcdef0123456789abcdef\n")), std::vector<std::string>{"dgt"});
}

TEST(Secrets, AwsDocumentedExampleKeysAreFoundAndMasked) {
  auto s = scanner();
  // From AWS's documentation (the example access key pair).
  auto hits = scan(*s,
                   "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                   "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
                   "root/.aws/credentials");
  ASSERT_EQ(rules_of(hits), (std::vector<std::string>{"aws-access-key-id", "aws-secret-access-key"}));
  EXPECT_EQ(hits[0].line, 2u);
  EXPECT_EQ(hits[1].line, 3u);
  for (const auto& h : hits) {
    EXPECT_EQ(h.evidence.find("AKIAIOSFODNN7EXAMPLE"), std::string::npos) << h.evidence;
    EXPECT_EQ(h.evidence.find("wJalrXUtnFEMI/K7MDENG"), std::string::npos) << h.evidence;
  }
  EXPECT_NE(hits[0].evidence.find("AKIA****"), std::string::npos) << hits[0].evidence;
}

TEST(Secrets, OpensslPrivateKeyIsFound) {
  FILE* p = ::popen("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null", "r");
  ASSERT_NE(p, nullptr);
  std::string pem;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) pem.append(buf, n);
  ASSERT_EQ(::pclose(p), 0) << "openssl genpkey failed";
  ASSERT_NE(pem.find("PRIVATE KEY"), std::string::npos);
  auto s = scanner();
  auto hits = scan(*s, "some text\n" + pem, "etc/app/key.pem");
  ASSERT_EQ(rules_of(hits), std::vector<std::string>{"private-key"});
  EXPECT_EQ(hits[0].line, 3u);  // the body starts on the line after BEGIN
  const std::string body_line = pem.substr(pem.find('\n') + 1, 30);
  EXPECT_EQ(hits[0].evidence.find(body_line), std::string::npos);
  // A public key or a certificate is not a secret.
  EXPECT_TRUE(scan(*s, "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n").empty());
}

TEST(Secrets, SecretAcrossAWindowBoundaryIsFoundOnce) {
  SecretLimits small;
  small.window = 4096;
  small.overlap = 512;
  auto s = scanner(small);
  for (size_t at : {4000u, 4090u, 4096u, 4600u, 4990u, 9000u}) {
    std::string text(at, 'a');
    for (size_t i = 80; i < text.size(); i += 81) text[i] = '\n';
    text += " AKIAIOSFODNN7EXAMPLE ";
    text += std::string(5000, 'b');
    const uint64_t line = 1 + static_cast<uint64_t>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
    // In chunks, its size known or not, and in one chunk (more than a window: buffered all the same).
    for (auto [chunk, known] : {std::pair{size_t{1000}, true}, {size_t{1000}, false}, {text.size(), true}}) {
      auto [hits, fed] = stream(*s, "srv/data.txt", text, chunk, known);
      ASSERT_EQ(hits.size(), 1u) << "at " << at << " chunk " << chunk << " known " << known;
      EXPECT_EQ(hits[0].line, line);
      EXPECT_EQ(fed, text.size());
    }
  }
}

// A small file that arrives whole is scanned where it lies: the same hits, lines and evidence as
// when it streams past in pieces.
TEST(Secrets, WholeSmallFileFindsWhatAStreamFinds) {
  auto s = scanner();
  const std::string text =
      "# deploy settings\n[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
      "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
      "api_token = ghp_0123456789abcdefghijklmnopqrstuvwxyz\n";
  auto whole = stream(*s, "srv/app/settings.ini", text, text.size(), true).first;
  auto pieces = stream(*s, "srv/app/settings.ini", text, 7, false).first;
  ASSERT_EQ(rules_of(whole), (std::vector<std::string>{"aws-access-key-id", "aws-secret-access-key", "github-token"}));
  ASSERT_EQ(whole.size(), pieces.size());
  for (size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(whole[i].rule, pieces[i].rule);
    EXPECT_EQ(whole[i].line, pieces[i].line);
    EXPECT_EQ(whole[i].evidence, pieces[i].evidence);
    EXPECT_EQ(whole[i].secret_digest, pieces[i].secret_digest);
  }
  // A binary that arrives whole is still skipped.
  std::string binary("\x7f" "ELF\0\0\0AKIAIOSFODNN7EXAMPLE", 27);
  EXPECT_TRUE(stream(*s, "usr/bin/tool", binary, binary.size(), true).first.empty());
}

TEST(Secrets, BinariesAndDocumentationAreSkipped) {
  auto s = scanner();
  std::string binary("\x7f" "ELF\0\0\0", 7);
  binary += "AKIAIOSFODNN7EXAMPLE";
  EXPECT_TRUE(stream(*s, "usr/bin/tool", binary, 64).first.empty());
  EXPECT_EQ(s->sink("usr/share/doc/aws/README", 0, [](auto) {}), nullptr);
  EXPECT_EQ(s->sink("usr/lib/python3/dist-packages/x/tests/key.pem", 0, [](auto) {}), nullptr);
  EXPECT_NE(s->sink("srv/app/.env", 0, [](auto) {}), nullptr);
}

TEST(Secrets, HostileStreamsAreBounded) {
  SecretLimits lim;
  lim.max_file_bytes = 8u << 20;
  auto s = scanner(lim);
  // Text-looking random bytes (no NUL), far past the bound: the sink stops taking them.
  std::mt19937 rng(7);
  std::string chunk(1 << 16, ' ');
  for (char& c : chunk) c = static_cast<char>(' ' + rng() % 94);
  std::vector<SecretHit> hits;
  auto sink = s->sink("srv/huge.txt", 0, [&](auto h) { hits = std::move(h); });
  uint64_t fed = 0;
  const auto t0 = std::chrono::steady_clock::now();
  while (fed < (2ull << 30) && sink->feed(chunk)) fed += chunk.size();
  sink->finish();
  EXPECT_LE(fed, lim.max_file_bytes);
  EXPECT_EQ(s->truncated_files(), 1u);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(60));
  // One very long line full of keywords: found at most 100 times per rule and window, evidence cut short.
  std::string line;
  for (int i = 0; i < 20000; ++i) line += "password=Xk9mQ2vL7pR4zT ";
  auto many = scan(*s, line, "etc/app.conf");
  EXPECT_LE(many.size(), 100u);
  for (const auto& h : many) EXPECT_LT(h.evidence.size(), 200u);
}

TEST(Secrets, PasswordsInConfigFilesNotPlaceholders) {
  auto s = scanner();
  EXPECT_EQ(rules_of(scan(*s, "db:\n  password: \"Xk9#mQ2vL7!pR4z\"\n", "etc/app/config.yaml")),
            std::vector<std::string>{"password-in-config"});
  EXPECT_TRUE(scan(*s, "password=changeme123\npassword=${DB_PASSWORD}\ntoken: <your-token>\n", "etc/app.conf").empty());
  // Only configuration files: the same line in a C source is not reported.
  EXPECT_TRUE(scan(*s, "password=Xk9#mQ2vL7!pR4z\n", "src/main.c").empty());
  EXPECT_EQ(rules_of(scan(*s, "//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789\n",
                          "root/.npmrc")),
            std::vector<std::string>{"npm-access-token"});
  EXPECT_EQ(rules_of(scan(*s, "//registry.example.com/:_auth=dXNlcjpTM2NyM3RQYXNz\n", "home/u/.npmrc")),
            std::vector<std::string>{"npmrc-auth"});
  EXPECT_EQ(rules_of(scan(*s, "[pypi]\nusername = someone\npassword = Q8r!tz0Pw\n", "root/.pypirc")),
            std::vector<std::string>{"pypirc-password"});
  EXPECT_EQ(rules_of(scan(*s, R"({"auths":{"registry.example.com":{"auth":"dXNlcjpTM2NyM3RQYXNz"}}})",
                          "root/.docker/config.json")),
            std::vector<std::string>{"docker-config-auth"});
}

TEST(Secrets, EnvEntries) {
  auto s = scanner();
  std::vector<SecretHit> hits;
  s->scan_env("DB_PASSWORD=Xk9mQ2vL7pR4zT", hits);
  s->scan_env("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin", hits);
  s->scan_env("API_TOKEN=changeme", hits);
  s->scan_env("GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345", hits);
  ASSERT_EQ(rules_of(hits), (std::vector<std::string>{"env-secret", "github-token"}));
  EXPECT_EQ(hits[0].evidence, "DB_PASSWORD=**************");
}

TEST(Secrets, CustomRulesAndAllowLists) {
  auto c = parse_secret_config(
      "rules:\n  - id: ticket\n    keywords: [dgt-]\n    regex: '\\b(DGT-[0-9a-f]{8})\\b'\n    severity: low\n"
      "disable: [jwt]\nallow_values: ['EXAMPLE$']\n",
      "secrets.yaml");
  ASSERT_TRUE(c.ok()) << c.error().render();
  auto s = scanner({}, *c);
  auto hits = scan(*s, "DGT-0123abcd AKIAIOSFODNN7EXAMPLE eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U");
  ASSERT_EQ(rules_of(hits), std::vector<std::string>{"ticket"});
  EXPECT_EQ(hits[0].severity, "low");
  for (const char* bad : {"rules:\n  - id: x\n    regex: '(['\n", "rules: 3\n", "allow_paths: ['(']\n",
                          "nonsense: 1\n", "rules:\n  - regex: a\n", "rules:\n  - id: x\n    regex: a\n    severity: huge\n",
                          "rules:\n  - id: x\n    regex: '(a)(b)'\n", "a: &a [*a]\n"}) {
    auto r = parse_secret_config(bad, "bad.yaml");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().render().find("bad.yaml"), std::string::npos) << r.error().render();
  }
}

TEST(Checks, Dockerfile) {
  auto s = scanner();
  const std::string df =
      "# syntax=docker/dockerfile:1\n"
      "FROM golang:1.22 AS build\n"
      "RUN go build -o /app .\n"
      "FROM debian\n"                                             // 4: no tag
      "ADD https://example.com/tool.tgz /opt/\n"                  // 5
      "RUN apt-get update && apt-get install -y \\\n"             // 6
      "      curl\n"
      "RUN chmod 4755 /usr/local/bin/helper && chmod o+w /srv/x\n"  // 8
      "ENV DB_PASSWORD=Xk9mQ2vL7pR4zT\n"                          // 9
      "EXPOSE 8080 22/tcp\n"                                      // 10
      "USER root\n";                                              // 11
  auto found = dockerfile_findings(df, "Dockerfile", "", s.get());
  std::vector<std::pair<std::string, uint64_t>> got;
  for (const auto& f : found) got.emplace_back(f.id, f.line);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::pair<std::string, uint64_t>>{{"DG-IMG-001", 11}, {"DG-IMG-002", 0},
                                                                {"DG-IMG-003", 5},  {"DG-IMG-004", 9},
                                                                {"DG-IMG-005", 6},  {"DG-IMG-006", 8},
                                                                {"DG-IMG-007", 8},  {"DG-IMG-008", 10},
                                                                {"DG-IMG-009", 4}}));
  for (const auto& f : found) EXPECT_EQ(f.evidence.find("Xk9mQ2vL7pR4zT"), std::string::npos);
  const std::string good =
      "FROM debian:12.5 AS base\nFROM base\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
      "USER 1000\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n";
  EXPECT_TRUE(dockerfile_findings(good, "Dockerfile", "", s.get()).empty());
  EXPECT_TRUE(is_dockerfile("src/Dockerfile") && is_dockerfile("Containerfile") && is_dockerfile("app.Dockerfile"));
  EXPECT_FALSE(is_dockerfile("src/Dockerfile.go.txt/x"));
  // Hostile: a long run of continuation lines and no newline at the end.
  std::string hostile = "FROM x:1\nRUN a";
  for (int i = 0; i < 200000; ++i) hostile += " \\\n b";
  EXPECT_FALSE(dockerfile_findings(hostile, "Dockerfile", "", s.get()).empty());
}

TEST(Checks, ImageSettings) {
  SourceInfo src;
  src.layers.push_back(LayerInfo{.index = 0, .diff_id = "sha256:aa"});
  src.settings.present = true;
  src.settings.user = "0:0";
  src.settings.exposed_ports = {"80/tcp", "2375/tcp"};
  src.settings.labels = {{"org.opencontainers.image.base.name", "docker.io/library/debian:latest"}};
  src.settings.history = {{"/bin/sh -c #(nop) ADD https://example.com/x.tgz /opt/", -1},
                          {"/bin/sh -c echo hi", 0}};
  std::vector<std::string> ids;
  for (const auto& f : settings_findings(src, nullptr)) ids.push_back(f.id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"DG-IMG-001", "DG-IMG-002", "DG-IMG-003", "DG-IMG-008", "DG-IMG-009"}));
  src.settings = {};
  EXPECT_TRUE(settings_findings(src, nullptr).empty());  // no image config: nothing to say
}

TEST(Checks, FilesystemWatchSeesOnlyWhatIsLeft) {
  FsWatch w;
  LayerInfo l0{.index = 0, .diff_id = "sha256:l0"}, l1{.index = 1, .diff_id = "sha256:l1"},
      l2{.index = 2, .diff_id = "sha256:l2"};
  w.see(l0, {"usr/bin/passwd", LayerEntry::Kind::file, 10, 04755});
  w.see(l1, {"usr/local/bin/a", LayerEntry::Kind::file, 10, 04755});
  w.see(l1, {"usr/local/bin/b", LayerEntry::Kind::file, 10, 02755});
  w.see(l1, {"srv/open", LayerEntry::Kind::file, 10, 0666});
  w.see(l1, {"var/lib/apt/lists/deb.debian.org_Packages", LayerEntry::Kind::file, 10, 0644});
  w.see(l2, {"usr/local/bin/b", LayerEntry::Kind::whiteout, 0, 0});
  w.see(l2, {"srv/open", LayerEntry::Kind::file, 10, 0644});
  Inventory inv;
  inv.source.layers = {l0, l1, l2};
  Package passwd;
  passwd.ecosystem = "deb";
  passwd.files = {"/usr/bin/passwd"};
  inv.packages.push_back(passwd);
  std::vector<std::tuple<std::string, std::string, std::string>> got;
  for (const auto& f : w.findings(inv)) got.emplace_back(f.id, f.target, f.layer);
  std::sort(got.begin(), got.end());
  using T = std::tuple<std::string, std::string, std::string>;
  EXPECT_EQ(got, (std::vector<T>{T{"DG-IMG-005", "var/lib/apt/lists", "sha256:l1"},
                                 T{"DG-IMG-006", "usr/local/bin/a", "sha256:l1"}}));
}

TEST(Selection, Parse) {
  auto s = parse_selection("secret,vuln");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(selection_names(*s), (std::vector<std::string>{"vuln", "secret"}));
  EXPECT_FALSE(parse_selection("vuln,,secret").ok());
  EXPECT_FALSE(parse_selection("virus").ok());
  EXPECT_TRUE(selection_names(Selection{}).empty());
  EXPECT_EQ(selection_names(default_selection(false)), (std::vector<std::string>{"vuln", "secret", "config"}));
  EXPECT_EQ(selection_names(default_selection(true)), (std::vector<std::string>{"vuln", "secret", "config", "malware"}));
}

// A layer's part of the filesystem watch, saved for the cache and restored in another scan (where
// the layer may sit at another index), gives the same findings; damaged bytes are refused whole.
TEST(Checks, FilesystemWatchSavesAndRestoresEachLayer) {
  LayerInfo l0{.index = 0, .diff_id = "sha256:l0"}, l1{.index = 1, .diff_id = "sha256:l1"},
      l2{.index = 2, .diff_id = "sha256:l2"};
  FsWatch w;
  w.see(l1, {"usr/local/bin/a", LayerEntry::Kind::file, 10, 04755});
  w.see(l1, {"usr/local/bin/b", LayerEntry::Kind::file, 10, 02755});
  w.see(l1, {"var/lib/apt/lists/deb.debian.org_Packages", LayerEntry::Kind::file, 10, 0644});
  w.see(l2, {"usr/local/bin/b", LayerEntry::Kind::whiteout, 0, 0});
  w.see(l2, {"var/lib/apt", LayerEntry::Kind::opaque, 0, 0});
  std::string b1, b2, empty;
  w.save(1, b1);
  w.save(2, b2);
  w.save(0, empty);  // a layer that showed nothing
  FsWatch back;
  EXPECT_TRUE(back.restore(0, empty));
  EXPECT_TRUE(back.restore(1, b1));
  EXPECT_TRUE(back.restore(2, b2));
  Inventory inv;
  inv.source.layers = {l0, l1, l2};
  auto ids = [&](const FsWatch& fw) {
    std::vector<std::pair<std::string, std::string>> got;
    for (const auto& f : fw.findings(inv)) got.emplace_back(f.target, f.layer);
    std::sort(got.begin(), got.end());
    return got;
  };
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ(ids(w), (std::vector<P>{P{"usr/local/bin/a", "sha256:l1"}}));
  EXPECT_EQ(ids(back), ids(w));
  // Without the later layer (dropped), what it hid is back.
  back.drop(2);
  EXPECT_EQ(ids(back).size(), 3u);
  for (size_t cut = 0; cut < b1.size(); ++cut) EXPECT_FALSE(back.restore(1, b1.substr(0, cut))) << cut;
  EXPECT_FALSE(back.restore(1, b1 + "x"));
}

// The rule set's digest moves with any change a custom rule file can make, and only then.
TEST(SecretRules, DigestFollowsTheRuleSet) {
  SecretConfig none;
  auto one = parse_secret_config("rules:\n  - id: t\n    regex: 'DGT-[0-9]{8}'\n", "a.yaml");
  ASSERT_TRUE(one.ok());
  auto other = parse_secret_config("rules:\n  - id: t\n    regex: 'DGT-[0-9]{9}'\n", "b.yaml");
  ASSERT_TRUE(other.ok());
  auto allow = parse_secret_config("allow_values: ['EXAMPLE$']\n", "c.yaml");
  ASSERT_TRUE(allow.ok());
  auto disable = parse_secret_config("disable: [jwt]\n", "d.yaml");
  ASSERT_TRUE(disable.ok());
  std::set<std::string> digests{secret_rules_digest(none), secret_rules_digest(*one), secret_rules_digest(*other),
                                secret_rules_digest(*allow), secret_rules_digest(*disable)};
  EXPECT_EQ(digests.size(), 5u);
  EXPECT_EQ(secret_rules_digest(*one), secret_rules_digest(*one));
  SecretLimits small;
  small.max_file_bytes = 1024;
  EXPECT_NE(secret_rules_digest(none, small), secret_rules_digest(none));
}

}  // namespace
}  // namespace dagda::scanners
