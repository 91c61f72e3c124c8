// dagda monitor run [--rules FILE]... [--container ID]... [--json]: watches the
// system's processes with the eBPF sensor (or the reduced fallback), prints
// alerts as Falco does and stores them in the state store.
// dagda monitor replay FILE [--rules FILE]... [--json]: a recording (run --record)
// evaluated again, e.g. against other rules.
// dagda monitor ingest FILE|-: stores alerts Falco wrote (json_output, http_output).
// dagda monitor events [--container ID] [--since T] [--json]: the stored alerts.
// dagda monitor start|stop CONTAINER [--server URL] [--token T]: a monitor window
// recorded by a running `dagda serve`; stop prints counts by priority and the alerts.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "cli/remote.hpp"
#include "monitor/falco_alerts.hpp"
#include "monitor/monitor.hpp"
#include "rules/engine.hpp"
#include "rules/recording.hpp"
#include "state/events.hpp"

namespace dagda::cli {
namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop.store(true); }

struct RunArgs {
  std::vector<std::string> rules, containers;
  bool json = false;
  std::string sensor = "auto";
  bool no_vulns = false;
  bool no_store = false;
  std::string record;
};

// The rule files given (our default rules when none), loaded; their problems printed (warnings
// with --verbose). An error when a file cannot be read or the rules do not load.
Result<rules::LoadResult> load_monitor_rules(const std::vector<std::string>& paths, const GlobalOptions& g) {
  std::vector<rules::RuleFile> files;
  if (paths.empty()) files.push_back(rules::default_rules());
  for (const auto& path : paths) {
    DAGDA_ASSIGN_OR_RETURN(rules::RuleFile f, rules::read_rule_file(path));
    files.push_back(std::move(f));
  }
  rules::LoadResult loaded = rules::load_rules(files);
  for (const auto& p : loaded.problems)
    if (p.severity == rules::Severity::error || g.verbose) print_stderr_line(p.render());
  if (!loaded.ok())
    return Error(ErrorCode::invalid_input, fmt::format("the rules did not load ({} errors)", loaded.errors()));
  return loaded;
}

int run_monitor(const RunArgs& args, const GlobalOptions& g) {
  auto loaded_r = load_monitor_rules(args.rules, g);
  if (!loaded_r.ok()) return report_error(loaded_r.error());
  rules::LoadResult& loaded = *loaded_r;
  size_t active = 0;
  for (const auto& r : loaded.rules) active += r.active ? 1 : 0;
  if (!g.quiet) print_stderr_line(fmt::format("{} rules active of {} loaded", active, loaded.rules.size()));

  std::unique_ptr<state::EventStore> store;
  if (!args.no_store) {
    auto st = state::EventStore::open(g.db);
    if (!st.ok()) return report_error(st.error());
    store = std::move(*st);
  }
  bool store_failed = false;

  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  monitor::MonitorOptions opts;
  opts.rules = loaded.ruleset;
  opts.containers = args.containers;
  opts.sensor = args.sensor;
  opts.db = g.db;
  opts.match_vulns = !args.no_vulns;
  opts.hostname = host;
  opts.stop = &g_stop;
  opts.record = args.record;
  bool write_failed = false;
  opts.on_alert = [&](const rules::Alert& a) {
    nlohmann::json j = a.to_json();
    if (store && !store_failed) {
      if (auto st = store->add({monitor::stored_alert(a)}); !st.ok()) {
        store_failed = true;
        print_stderr_line("warning: alerts are no longer stored: " + st.error().message());
      }
    }
    std::string line = args.json ? j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) : a.output;
    line += '\n';
    if (!write_stdout(line).ok() && !write_failed) {
      write_failed = true;
      g_stop.store(true);
    }
  };
  opts.on_notice = [&](const std::string& s) {
    if (s == "monitor ready" || !g.quiet) print_stderr_line(s);
  };
  struct sigaction sa{};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto st = monitor::run_monitor(opts);
  if (!st.ok()) return report_error(st.error());
  print_stderr_line(fmt::format("monitor stopped: sensor {}, {} events, {} alerts, {} events dropped", st->sensor,
                                st->events, st->alerts, st->dropped));
  if (write_failed) return report_error(Error(ErrorCode::io, "cannot write to standard output"));
  return kExitOk;
}

struct ReplayArgs {
  std::string file;
  std::vector<std::string> rules;
  bool json = false;
};

int run_replay(const ReplayArgs& args, const GlobalOptions& g) {
  auto loaded_r = load_monitor_rules(args.rules, g);
  if (!loaded_r.ok()) return report_error(loaded_r.error());
  rules::LoadResult& loaded = *loaded_r;
  auto rec = rules::read_recording_file(args.file);
  if (!rec.ok()) return report_error(rec.error());
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  rules::Engine engine(loaded.ruleset, {.hostname = host});
  std::vector<rules::Alert> alerts;
  uint64_t count = 0;
  for (const auto& e : rec->events) {
    alerts.clear();
    engine.process(e, alerts);
    for (const auto& a : alerts) {
      ++count;
      std::string line = args.json ? a.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) : a.output;
      line += '\n';
      if (!write_stdout(line).ok()) return report_error(Error(ErrorCode::io, "cannot write to standard output"));
    }
  }
  if (!g.quiet) print_stderr_line(fmt::format("replayed {} events: {} alerts", rec->events.size(), count));
  return kExitOk;
}

Result<std::string> read_input(const std::string& path) {
  constexpr size_t kMax = 256u << 20;
  std::FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (!f) return Error(ErrorCode::not_found, fmt::format("cannot open: {}", std::strerror(errno)), {.file = path});
  std::string data;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    data.append(buf, n);
    if (data.size() > kMax) {
      if (f != stdin) std::fclose(f);
      return Error(ErrorCode::invalid_input, "larger than 256 MiB: split it", {.file = path});
    }
  }
  bool err = std::ferror(f);
  if (f != stdin) std::fclose(f);
  if (err) return Error(ErrorCode::io, "read error", {.file = path});
  return data;
}

int run_ingest(const std::string& path, const GlobalOptions& g) {
  auto _data_r = read_input(path);
  if (!_data_r.ok()) return report_error(_data_r.error());
  auto data = std::move(*_data_r);
  auto parsed = monitor::parse_falco_alerts(data, path == "-" ? "<stdin>" : path);
  for (const auto& p : parsed.problems) print_stderr_line("error: " + p);
  if (!parsed.alerts.empty()) {
    auto _store_r = state::EventStore::open(g.db);
  if (!_store_r.ok()) return report_error(_store_r.error());
  auto store = std::move(*_store_r);
    if (auto st = store->add(parsed.alerts); !st.ok()) return report_error(st.error());
  }
  if (!g.quiet || !parsed.problems.empty())
    print_stderr_line(fmt::format("{} alerts ingested{}", parsed.alerts.size(),
                                  parsed.problems.empty() ? "" : fmt::format(", {} skipped", parsed.problems.size())));
  return parsed.problems.empty() ? kExitOk : kExitFailure;
}

struct EventsArgs {
  std::string container, since;
  bool json = false;
};

int run_events(const EventsArgs& args, const GlobalOptions& g) {
  state::AlertQuery q;
  q.container = args.container;
  if (!args.since.empty()) {
    auto t = monitor::parse_since(args.since, monitor::unix_now_ns());
    if (!t)
      return report_error(Error(ErrorCode::invalid_input,
                                "--since: expected an RFC 3339 time, a date, unix seconds or a duration (30s, 15m, 2h, 7d)"));
    q.since_ns = *t;
  }
  auto _store_r = state::EventStore::open(g.db, true);
  if (!_store_r.ok()) return report_error(_store_r.error());
  auto store = std::move(*_store_r);
  auto _alerts_r = store->list(q);
  if (!_alerts_r.ok()) return report_error(_alerts_r.error());
  auto alerts = std::move(*_alerts_r);
  std::string out;
  if (args.json) {
    nlohmann::json j = {{"schema", "dagda.monitor-events/v1"}, {"count", alerts.size()}, {"alerts", nlohmann::json::array()}};
    for (const auto& a : alerts) j["alerts"].push_back(monitor::stored_alert_json(a));
    out = j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  } else {
    for (const auto& a : alerts)
      out += fmt::format("{} {} {} container={} origin={}\n  {}\n", rules::iso8601_utc(a.time_ns), a.priority, a.rule,
                         a.container_id.empty() ? "host" : a.container_id, a.origin, terminal_safe(a.output));
    if (alerts.empty() && !g.quiet) print_stderr_line("no alerts stored");
  }
  return write_report("", out);
}

struct WindowArgs {
  std::string container;
  RemoteFlags remote;
  bool json = false;
};

// POST /v1/monitor/containers/<id>/start|stop on the server the user names.
Result<nlohmann::json> window_call(const WindowArgs& args, std::string_view action) {
  if (!args.remote.remote())
    return Error(ErrorCode::invalid_input,
                 fmt::format("monitor {} needs a running `dagda serve`: give --server URL or set DAGDA_SERVER", action));
  DAGDA_ASSIGN_OR_RETURN(client::Server server, args.remote.open());
  return server.call_json("POST", fmt::format("/v1/monitor/containers/{}/{}", client::segment(args.container), action),
                          "scan");
}

int run_window(const WindowArgs& args, std::string_view action, const GlobalOptions& g) {
  auto body = window_call(args, action);
  if (!body.ok()) return report_error(body.error());
  const nlohmann::json& j = *body;
  if (args.json) return write_report("", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  std::string name = j.contains("container") ? j["container"].value("name", "") : "";
  std::string id = j.contains("container") ? j["container"].value("id", "") : "";
  if (action == "start") {
    if (!g.quiet)
      print_stderr_line(fmt::format("monitoring {} ({}) since {}", terminal_safe(name), id, j.value("started", "")));
    return kExitOk;
  }
  std::string out = fmt::format("{} ({}): {} alerts from {} to {}\n", terminal_safe(name), id, j.value("count", 0),
                                j.value("started", ""), j.value("stopped", ""));
  if (j.contains("counts") && j["counts"].is_object())
    for (const auto& [priority, n] : j["counts"].items()) out += fmt::format("  {:<14} {}\n", priority, n.dump());
  if (j.contains("alerts") && j["alerts"].is_array())
    for (const auto& e : j["alerts"]) {
      const nlohmann::json& a = e.contains("alert") ? e["alert"] : e;
      if (!a.is_object()) continue;
      out += fmt::format("{} {} {}\n  {}\n", a.value("time", ""), a.value("priority", ""), a.value("rule", ""),
                         terminal_safe(a.value("output", "")));
    }
  return write_report("", out);
}

}  // namespace

void add_monitor(CLI::App& app, Cli& cli) {
  CLI::App* cmd = app.add_subcommand("monitor", "Runtime monitoring of containers with Falco-compatible rules");
  cmd->require_subcommand(1);

  auto args = std::make_shared<RunArgs>();
  CLI::App* run = cmd->add_subcommand(
      "run",
      "Watch processes in the foreground (eBPF sensor; without eBPF, exec/exit only) and print alerts until "
      "interrupted; without --rules, Dagda's default rules");
  run->add_option("--rules", args->rules, "Falco rule file (YAML); repeat to load several, in order");
  run->add_option("--container", args->containers, "Only this container (id, id prefix or name); repeatable");
  run->add_flag("--json", args->json, "Alerts as JSON lines, in Falco's json_output shape");
  run->add_option("--sensor", args->sensor, "auto (eBPF, else the process connector), ebpf, or proc")
      ->check(CLI::IsMember({"auto", "ebpf", "proc"}));
  run->add_flag("--no-vulns", args->no_vulns,
                "Do not match images against the database (dagda.pkg.vulns and dagda.pkg.kev stay unknown)");
  run->add_flag("--no-store", args->no_store, "Do not store the alerts in the state store (--db)");
  run->add_option("--record", args->record,
                  "Also write every event the rules saw to FILE, one JSON object a line (dagda.events/v1)");
  run->callback([args, &cli] { cli.exit_code = run_monitor(*args, cli.global); });

  auto rp = std::make_shared<ReplayArgs>();
  CLI::App* replay = cmd->add_subcommand(
      "replay", "Evaluate the events of a recording (monitor run --record) again and print the alerts");
  replay->add_option("file", rp->file, "A recording (dagda.events/v1 JSON lines)")->required();
  replay->add_option("--rules", rp->rules, "Falco rule file (YAML); repeat to load several; default: Dagda's rules");
  replay->add_flag("--json", rp->json, "Alerts as JSON lines, in Falco's json_output shape");
  replay->callback([rp, &cli] { cli.exit_code = run_replay(*rp, cli.global); });

  auto in_path = std::make_shared<std::string>();
  CLI::App* ingest = cmd->add_subcommand(
      "ingest", "Store alerts Falco wrote (json_output lines, or http_output bodies) in the state store");
  ingest->add_option("file", *in_path, "A file of Falco JSON alerts, or - for standard input")->required();
  ingest->callback([in_path, &cli] { cli.exit_code = run_ingest(*in_path, cli.global); });

  auto ev = std::make_shared<EventsArgs>();
  CLI::App* events = cmd->add_subcommand("events", "List the stored alerts, oldest first");
  events->add_option("--container", ev->container, "Only this container (id or id prefix)");
  events->add_option("--since", ev->since, "Only alerts since T: RFC 3339, a date, unix seconds, or 30s/15m/2h/7d ago");
  events->add_flag("--json", ev->json, "Print JSON (dagda.monitor-events/v1)");
  events->callback([ev, &cli] { cli.exit_code = run_events(*ev, cli.global); });

  for (std::string_view action : {"start", "stop"}) {
    auto w = std::make_shared<WindowArgs>();
    CLI::App* sub = cmd->add_subcommand(
        std::string(action), action == "start"
                                 ? "Open a monitor window on a running container, recorded by a running `dagda serve`"
                                 : "Close a container's monitor window: counts by priority and the alerts");
    sub->add_option("container", w->container, "Container id, id prefix or name")->required();
    add_remote_flags(sub, w->remote);
    if (action == "stop") sub->add_flag("--json", w->json, "Print the server's JSON answer");
    sub->callback([w, action, &cli] { cli.exit_code = run_window(*w, action, cli.global); });
  }
}

}  // namespace dagda::cli
