// Events per second through the rule engine, with Dagda's default rules and
// with Falco's falco_rules.yaml (../shared/data/falco/rules), on one core.
// BM_DefaultRules / BM_FalcoRules run SYNTHETIC events: a fixed mix of what a
// container's workload does most (reads and closes, library opens, execs from a
// shell, a file written under /tmp, a connection to a database port), built as a
// sensor would fill them. BM_Recorded* replay RECORDED events: the recording
// (dagda.events/v1, `dagda monitor run --record FILE`) named by
// DAGDA_EVENTS_RECORDING, made by bench/record_workload.sh from a real workload;
// without it they are skipped with a message. Reading the recording is not timed.
#include <benchmark/benchmark.h>

#include <fcntl.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rules/engine.hpp"
#include "rules/event_types.hpp"
#include "rules/recording.hpp"

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

void run_events(benchmark::State& state, const std::vector<RuleFile>& files, const std::vector<Event>& events) {
  LoadResult r = load_rules(files);
  if (!r.ok() || !r.ruleset) {
    state.SkipWithError("the rules do not load");
    return;
  }
  Engine eng(r.ruleset, {.hostname = "bench"});
  std::vector<Alert> alerts;
  for (const Event& e : events) eng.process(e, alerts);
  std::map<std::string, size_t> by_rule;
  for (const auto& a : alerts) ++by_rule[a.rule];
  std::string fired;
  for (const auto& [rule, n] : by_rule) fired += (fired.empty() ? "" : ", ") + rule + (n > 1 ? " x" + std::to_string(n) : "");
  state.SetLabel(fired.empty() ? "no alert" : "alerts: " + fired);
  const double per_pass = static_cast<double>(alerts.size());
  alerts.clear();
  size_t n = 0;
  for (auto _ : state) {
    for (const Event& e : events) eng.process(e, alerts);
    n += events.size();
    alerts.clear();
  }
  state.SetItemsProcessed(static_cast<int64_t>(n));
  state.counters["rules"] = static_cast<double>(r.ruleset->rules().size());
  state.counters["alerts_per_pass"] = per_pass;
  state.counters["events_per_pass"] = static_cast<double>(events.size());
}

const std::vector<Event>& synthetic() {
  static const Workload w;
  return w.events;
}

std::optional<RuleFile> falco_rules(benchmark::State& state) {
  const char* dir = std::getenv("DAGDA_TESTDATA");
  std::string path = std::string(dir ? dir : DAGDA_TESTDATA_DEFAULT) + "/falco/rules/falco_rules.yaml";
  auto f = read_rule_file(path);
  if (!f.ok()) {
    state.SkipWithError(("cannot read " + path).c_str());
    return std::nullopt;
  }
  return *f;
}

// The recording named by DAGDA_EVENTS_RECORDING, read once; null (and the benchmark skipped) without one.
const Recording* recording(benchmark::State& state) {
  static const auto rec = []() -> std::optional<dagda::Result<Recording>> {
    const char* path = std::getenv("DAGDA_EVENTS_RECORDING");
    if (!path || !*path) return std::nullopt;
    return read_recording_file(path);
  }();
  if (!rec) {
    state.SkipWithError("no recording: set DAGDA_EVENTS_RECORDING (bench/record_workload.sh makes one)");
    return nullptr;
  }
  if (!rec->ok()) {
    state.SkipWithError(rec->error().render().c_str());
    return nullptr;
  }
  state.counters["processes"] = static_cast<double>((*rec)->processes());
  return &**rec;
}

void BM_DefaultRules(benchmark::State& state) { run_events(state, {default_rules()}, synthetic()); }
BENCHMARK(BM_DefaultRules);

void BM_FalcoRules(benchmark::State& state) {
  if (auto f = falco_rules(state)) run_events(state, {*f}, synthetic());
}
BENCHMARK(BM_FalcoRules);

void BM_RecordedDefaultRules(benchmark::State& state) {
  if (const Recording* r = recording(state)) run_events(state, {default_rules()}, r->events);
}
BENCHMARK(BM_RecordedDefaultRules);

void BM_RecordedFalcoRules(benchmark::State& state) {
  if (const Recording* r = recording(state))
    if (auto f = falco_rules(state)) run_events(state, {*f}, r->events);
}
BENCHMARK(BM_RecordedFalcoRules);

}  // namespace
