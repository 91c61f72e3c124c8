// Events per second through the rule engine, with Dagda's default rules and
// with Falco's falco_rules.yaml (../shared/data/falco/rules). There is no
// sensor yet, so no recorded events either: the events are SYNTHETIC, a fixed
// mix of what a container's workload does most (reads and closes, library
// opens, execs from a shell, a file written under /tmp, a connection to a
// database port), built as a sensor would fill them. Most of them meet few or
// no rules, which is what the event-type index is for.
#include <benchmark/benchmark.h>

#include <fcntl.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>
#include <vector>

#include "rules/engine.hpp"
#include "rules/event_types.hpp"

namespace {

using namespace dagda::rules;

struct Workload {
  Container c;
  Process shim, shell, ls, app;
  std::deque<Fd> fds;
  std::vector<Event> events;

  Workload() {
    c.id = "9656db3bb358f0e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d";
    c.name = "web";
    c.image = "docker.io/library/python:3.12";
    c.image_repository = "docker.io/library/python";
    c.image_tag = "3.12";
    c.privileged = false;
    auto proc = [](Process& p, const char* name, const char* exe, const Process* parent, int64_t pid) {
      p.name = name;
      p.exe = exe;
      p.exepath = exe;
      p.parent = parent;
      p.pid = p.vpid = pid;
      p.user_name = "root";
      p.group_name = "root";
      p.cwd = "/app";
      p.loginuid = -1;
    };
    proc(shim, "containerd-shim", "/usr/bin/containerd-shim", nullptr, 100);
    proc(app, "python3", "/usr/local/bin/python3", &shim, 101);
    app.args = {"app.py"};
    proc(shell, "sh", "/bin/sh", &app, 102);
    shell.args = {"-c", "ls /app"};
    proc(ls, "ls", "/bin/ls", &shell, 103);
    ls.args = {"/app"};

    auto type = [](const char* n) { return event_type_id(n).value_or(0); };
    auto file = [&](const char* path, int64_t num) -> const Fd* {
      Fd& f = fds.emplace_back();
      f.num = num;
      f.type = FdType::file;
      f.name = path;
      return &f;
    };
    auto open_ev = [&](const Process& p, const char* path, uint32_t flags) {
      Event e;
      e.type = type("openat");
      e.proc = &p;
      e.container = &c;
      e.fd = file(path, 3);
      e.res = 3;
      e.open_flags = flags;
      e.args = {{"fd", "3", 3}, {"name", path, {}}, {"flags", render_open_flags(flags), flags}, {"mode", "0", 0}};
      return e;
    };
    auto simple = [&](const char* t, const Process& p, const Fd* fd) {
      Event e;
      e.type = type(t);
      e.proc = &p;
      e.container = &c;
      e.fd = fd;
      e.res = 0;
      return e;
    };
    const Fd* lib = file("/usr/lib/x86_64-linux-gnu/libc.so.6", 3);
    Fd& sock = fds.emplace_back();
    sock.num = 5;
    sock.type = FdType::ipv4;
    sock.l4proto = L4Proto::tcp;
    sock.role = FdRole::client;
    sock.cip = IpAddr::v4(10, 88, 0, 5);
    sock.sip = IpAddr::v4(10, 88, 0, 9);
    sock.cport = 40012;
    sock.sport = 5432;

    for (int i = 0; i < 8; ++i) events.push_back(simple("read", app, lib));
    for (int i = 0; i < 4; ++i) events.push_back(simple("close", app, lib));
    events.push_back(open_ev(app, "/usr/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY | O_CLOEXEC));
    events.push_back(open_ev(app, "/app/data.json", O_RDONLY));
    events.push_back(open_ev(app, "/tmp/cache.bin", O_WRONLY | O_CREAT | O_TRUNC));
    Event exec = simple("execve", ls, nullptr);
    exec.args = {{"flags", "EXE_WRITABLE", {}}};
    events.push_back(exec);
    events.push_back(simple("connect", app, &sock));
    events.push_back(simple("mmap", app, nullptr));
  }
};

void run(benchmark::State& state, const std::vector<RuleFile>& files) {
  LoadResult r = load_rules(files);
  if (!r.ok() || !r.ruleset) {
    state.SkipWithError("the rules do not load");
    return;
  }
  Workload w;
  Engine eng(r.ruleset, {.hostname = "bench"});
  std::vector<Alert> alerts;
  for (const Event& e : w.events) eng.process(e, alerts);
  std::string fired;
  for (const auto& a : alerts) fired += (fired.empty() ? "" : ", ") + a.rule;
  state.SetLabel(fired.empty() ? "no alert" : "alerts: " + fired);
  const double per_pass = static_cast<double>(alerts.size());
  alerts.clear();
  size_t n = 0;
  for (auto _ : state) {
    for (const Event& e : w.events) eng.process(e, alerts);
    n += w.events.size();
    alerts.clear();
  }
  state.SetItemsProcessed(static_cast<int64_t>(n));
  state.counters["rules"] = static_cast<double>(r.ruleset->rules().size());
  state.counters["alerts_per_pass"] = per_pass;
  state.counters["events_per_pass"] = static_cast<double>(w.events.size());
}

void BM_DefaultRules(benchmark::State& state) { run(state, {default_rules()}); }
BENCHMARK(BM_DefaultRules);

void BM_FalcoRules(benchmark::State& state) {
  const char* dir = std::getenv("DAGDA_TESTDATA");
  std::string path = std::string(dir ? dir : DAGDA_TESTDATA_DEFAULT) + "/falco/rules/falco_rules.yaml";
  auto f = read_rule_file(path);
  if (!f.ok()) {
    state.SkipWithError(("cannot read " + path).c_str());
    return;
  }
  run(state, {*f});
}
BENCHMARK(BM_FalcoRules);

}  // namespace
