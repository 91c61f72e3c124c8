// Unit tests of the monitor's parts that need no kernel sensor: container ids
// from cgroup names, /proc reading, path joining, Falco alert ingest (Falco's
// real alerts) and the alert table of the state store.
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "monitor/containers.hpp"
#include "monitor/falco_alerts.hpp"
#include "monitor/procfs.hpp"
#include "monitor/procs.hpp"
#include "state/events.hpp"
#include "support/postgres.hpp"
#include "support/testdata.hpp"
#include "vulndb/sql.hpp"

namespace dagda::monitor {
namespace {

const std::string kId = "5cd0e589137b711af6624ae10e62fb93caf749b1699d1f1b785596cb90bfa45d";

TEST(Cgroup, ContainerIdFromRuntimePatterns) {
  auto m = container_from_cgroup("libpod-" + kId, "libpod_parent");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->id, kId);
  EXPECT_EQ(m->type, "podman");
  m = container_from_cgroup("libpod-" + kId + ".scope", "machine.slice");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->id, kId);
  m = container_from_cgroup("container", "libpod-" + kId + ".scope");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->id, kId);
  m = container_from_cgroup("docker-" + kId + ".scope", "system.slice");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type, "docker");
  m = container_from_cgroup(kId, "docker");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type, "docker");
  m = container_from_cgroup("cri-containerd-" + kId + ".scope", "kubepods-besteffort.slice");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type, "containerd");
  m = container_from_cgroup("crio-" + kId + ".scope", "kubepods.slice");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type, "cri-o");
  // The host, conmon's own cgroup, and ids of the wrong length or case are not containers.
  EXPECT_FALSE(container_from_cgroup("", ""));
  EXPECT_FALSE(container_from_cgroup("user.slice", ""));
  EXPECT_FALSE(container_from_cgroup("libpod-conmon-" + kId + ".scope", ""));
  EXPECT_FALSE(container_from_cgroup("libpod-" + kId.substr(1), ""));
  EXPECT_FALSE(container_from_cgroup("docker-" + std::string(64, 'A') + ".scope", ""));
}

TEST(Cgroup, SplitImage) {
  std::string repo, tag;
  split_image("docker.io/library/debian:12", repo, tag);
  EXPECT_EQ(repo, "docker.io/library/debian");
  EXPECT_EQ(tag, "12");
  split_image("localhost:5000/app", repo, tag);
  EXPECT_EQ(repo, "localhost:5000/app");
  EXPECT_EQ(tag, "");
  split_image("alpine@sha256:abcd", repo, tag);
  EXPECT_EQ(repo, "alpine");
}

TEST(ProcFs, ReadsThisProcess) {
  auto p = read_proc(getpid());
  ASSERT_TRUE(p);
  EXPECT_EQ(p->pid, getpid());
  EXPECT_EQ(p->ppid, getppid());
  EXPECT_EQ(p->uid, getuid());
  EXPECT_FALSE(p->argv.empty());
  char buf[4096];
  ASSERT_NE(getcwd(buf, sizeof buf), nullptr);
  EXPECT_EQ(p->cwd, buf);
  EXPECT_FALSE(read_proc(-5));
  EXPECT_FALSE(read_proc(getpid(), "/nonexistent"));
}

TEST(Paths, JoinResolvesDots) {
  EXPECT_EQ(join_path("/work/", "a/../b/./c"), "/work/b/c");
  EXPECT_EQ(join_path("/work", "/etc/passwd"), "/etc/passwd");
  EXPECT_EQ(join_path("/", "../../.."), "/");
  EXPECT_EQ(join_path("", "x"), "/x");
  auto v = split_nul("a\0bb\0c", 6);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[2], "c");
}

TEST(Render, FalcoSpellingsOfExecFlagsAndSocketFamilies) {
  rules::Process p;
  EXPECT_EQ(exe_flags_text(p), "0");
  p.exe_writable = p.exe_from_memfd = true;
  EXPECT_EQ(exe_flags_text(p), "EXE_WRITABLE|EXE_FROM_MEMFD");
  p.exe_from_memfd = false;
  p.exe_upper_layer = true;
  EXPECT_EQ(exe_flags_text(p), "EXE_WRITABLE|EXE_UPPER_LAYER");
  EXPECT_EQ(socket_family_name(17), "AF_PACKET");
  EXPECT_EQ(socket_family_name(10), "AF_INET6");
  EXPECT_EQ(socket_family_name(999), "999");
}

TEST(FalcoAlerts, Rfc3339) {
  EXPECT_EQ(parse_rfc3339_ns("2024-05-07T18:54:19.341081180Z"), 1715108059341081180ull);
  EXPECT_EQ(parse_rfc3339_ns("2024-05-07T18:54:19.341081180+0000"), 1715108059341081180ull);
  EXPECT_EQ(parse_rfc3339_ns("2024-05-07T20:54:19+02:00"), 1715108059000000000ull);
  EXPECT_EQ(parse_rfc3339_ns("1970-01-01"), 0ull);
  for (const char* bad : {"", "2024-13-01T00:00:00Z", "2024-05-07T18:54:19", "2024-05-07T18:54:19.Z",
                          "2024-05-07T25:00:00Z", "yesterday", "2024-05-07T18:54:19Zjunk"})
    EXPECT_FALSE(parse_rfc3339_ns(bad)) << bad;
  uint64_t now = 1715108059000000000ull;
  EXPECT_EQ(parse_since("2h", now), now - 7200ull * 1000000000ull);
  EXPECT_EQ(parse_since("1715108059", now), now);
  EXPECT_FALSE(parse_since("2w", now));
  EXPECT_EQ(short_container_id(kId), "5cd0e589137b");
  EXPECT_EQ(short_container_id("host"), "host");
}

TEST(FalcoAlerts, RealJsonOutputLines) {
  std::string path = test::testdata("falco/alerts/elastic-integrations-falco-alerts-subset.jsonl");
  std::string text = test::slurp(path);
  ASSERT_FALSE(text.empty()) << path;
  auto r = parse_falco_alerts(text, path);
  EXPECT_TRUE(r.problems.empty()) << r.problems.front();
  ASSERT_EQ(r.alerts.size(), 6u);
  const auto& a = r.alerts[0];
  EXPECT_EQ(a.rule, "Read sensitive file untrusted");
  EXPECT_EQ(a.priority, "Warning");
  EXPECT_EQ(a.container_id, "9656db3bb358");
  EXPECT_EQ(a.time_ns, 1715108059341081180ull);
  EXPECT_EQ(a.origin, "falco");
  EXPECT_EQ(a.hostname, "97ade2b595f0");

  // One http_output body (one object, pretty-printed) and an array of them.
  auto first = nlohmann::json::parse(text.substr(0, text.find('\n')));
  auto body = parse_falco_alerts(first.dump(2), "body");
  ASSERT_EQ(body.alerts.size(), 1u);
  EXPECT_EQ(body.alerts[0].rule, a.rule);
  auto arr = parse_falco_alerts(nlohmann::json::array({first, first}).dump(), "arr");
  EXPECT_EQ(arr.alerts.size(), 2u);
}

TEST(FalcoAlerts, BadLinesAreNamed) {
  std::string text = test::slurp(test::testdata("falco/alerts/elastic-integrations-falco-alerts-subset.jsonl"));
  ASSERT_FALSE(text.empty());
  std::string first = text.substr(0, text.find('\n'));
  std::string mixed = first + "\n" + "18:54:19.341081180: Warning Sensitive file opened (text output)\n" +
                      first.substr(0, first.size() / 2) + "\n" + R"({"rule":"x","priority":"Warning","output":"o"})" +
                      "\n" + R"({"rule":"x","priority":"Warning","output":"o","time":"noon"})" + "\n[1,2]\n\n" + first;
  auto r = parse_falco_alerts(mixed, "mixed.jsonl");
  EXPECT_EQ(r.alerts.size(), 2u);
  ASSERT_EQ(r.problems.size(), 5u);
  EXPECT_EQ(r.problems[0], "mixed.jsonl:2: not JSON (Falco's json_output lines are expected)");
  EXPECT_EQ(r.problems[1], "mixed.jsonl:3: not JSON (Falco's json_output lines are expected)");
  EXPECT_EQ(r.problems[2], "mixed.jsonl:4: no \"time\"");
  EXPECT_EQ(r.problems[3], "mixed.jsonl:5: \"time\" is not an RFC 3339 time");
  EXPECT_EQ(r.problems[4], "mixed.jsonl:6: not a JSON object");
  EXPECT_TRUE(parse_falco_alerts("", "e").alerts.empty());
  EXPECT_TRUE(parse_falco_alerts(std::string(kMaxAlertLine + 10, 'x'), "long").problems.size() == 1);
}

// The alert table on one database URL: stored, deduplicated, queried by container and time.
void check_event_store(const std::string& db) {
  std::string text = test::slurp(test::testdata("falco/alerts/elastic-integrations-falco-alerts-subset.jsonl"));
  auto parsed = parse_falco_alerts(text, "alerts");
  ASSERT_EQ(parsed.alerts.size(), 6u);
  {
    auto store = state::EventStore::open(db);
    ASSERT_TRUE(store.ok()) << store.error().render();
    ASSERT_TRUE((*store)->add(parsed.alerts).ok());
    ASSERT_TRUE((*store)->add(parsed.alerts).ok());  // the same alerts again: nothing new
  }
  auto store = state::EventStore::open(db, true);
  ASSERT_TRUE(store.ok());
  auto all = (*store)->list({});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 6u);
  auto by_container = (*store)->list({.container = "9656db3bb358" + std::string(52, '0')});
  ASSERT_TRUE(by_container.ok());
  size_t want = 0;
  for (const auto& a : parsed.alerts) want += a.container_id == "9656db3bb358";
  EXPECT_EQ(by_container->size(), want);
  EXPECT_GT(want, 0u);
  auto none = (*store)->list({.container = "ffff"});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto later = (*store)->list({.since_ns = parsed.alerts.back().time_ns});
  ASSERT_TRUE(later.ok());
  ASSERT_FALSE(later->empty());
  for (const auto& a : *later) EXPECT_GE(a.time_ns, parsed.alerts.back().time_ns);
  EXPECT_LT(later->size(), 6u);
  EXPECT_EQ(nlohmann::json::parse((*all)[0].json)["rule"], (*all)[0].rule);
}

TEST(EventStore, StoresQueriesAndDeduplicates) {
  std::string dir = test::test_scratch("events");
  check_event_store(dir + "/state.sqlite");
}

// The same on PostgreSQL, in a schema of its own (libpq's options=-csearch_path).
TEST(EventStore, StoresQueriesAndDeduplicatesOnPostgres) {
  DAGDA_NEED_POSTGRES(url);
  const std::string schema = fmt::format("t_events_{}", ::getpid());
  auto admin = vulndb::sql::open_postgres(url);
  ASSERT_TRUE(admin.ok()) << admin.error().render();
  ASSERT_TRUE((*admin)->exec(fmt::format("DROP SCHEMA IF EXISTS {0} CASCADE; CREATE SCHEMA {0}", schema)).ok());
  std::string db = url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
  check_event_store(db);
  EXPECT_TRUE((*admin)->exec(fmt::format("DROP SCHEMA IF EXISTS {} CASCADE", schema)).ok());
}

}  // namespace
}  // namespace dagda::monitor
