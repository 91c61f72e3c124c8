// dagda agent --server URL --token T SOURCE [--name NAME] [--format F] [-o FILE] [--exit-code N --severity S]
// Reads SOURCE here (as `dagda sbom` does), posts its inventory to the server, which
// matches and stores it (POST /v1/history/<name>), and prints the report it answers.
#include <fmt/format.h>

#include "cache/layer_cache.hpp"
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "cli/progress.hpp"
#include "cli/remote.hpp"
#include "engine/engine.hpp"
#include "report/writer.hpp"

namespace dagda::cli {
namespace {

struct AgentArgs {
  RemoteFlags remote;
  std::string source, name, format = "table", output, platform, retirejs;
  std::vector<std::string> severity;
  bool show_suppressed = false, lockfiles = false, include_os_owned = false, exclude_dev = false;
  std::string registry_ca, cache_max_size;
  bool insecure_registry = false, no_cache = false;
  int exit_code = 0;
  unsigned threads = 0;
};

int run_agent(const AgentArgs& a, const GlobalOptions& g) {
  if (auto st = check_scan_format(a.format); !st.ok()) return report_error(st.error());
  auto severities = parse_severity_list(a.severity);
  if (!severities.ok()) return report_error(severities.error());
  auto server = a.remote.open();
  if (!server.ok()) return report_error(server.error());
  // The server and the token are checked before an image is read, which may take minutes.
  if (auto seen = server->call("GET", "/v1/history?limit=1", "read"); !seen.ok()) return report_error(seen.error());

  engine::SbomOptions opts;
  opts.inventory.source.platform = a.platform;
  opts.inventory.threads = a.threads;
  opts.inventory.lockfiles = a.lockfiles;
  opts.inventory.include_os_owned = a.include_os_owned;
  opts.inventory.exclude_dev = a.exclude_dev;
  opts.inventory.source.registry_ca = a.registry_ca;
  opts.inventory.source.insecure_registry = a.insecure_registry;
  opts.inventory.use_cache = !a.no_cache;
  if (!a.cache_max_size.empty()) {
    auto size = cache::parse_size(a.cache_max_size);
    if (!size.ok()) return report_error(size.error());
    opts.inventory.cache_max_bytes = *size;
  }
  opts.retirejs_file = a.retirejs;
  opts.cache_dir = g.cache_dir;
  Progress progress(g, a.source);
  auto inv = engine::sbom(a.source, opts, progress.hooks());
  progress.done();
  if (!inv.ok()) return report_error(inv.error());
  // The inventory travels as our CycloneDX, which the server reads back whole (layers, OS, purls).
  auto bom = find_sbom_format("cyclonedx")->write(*inv, ReportOptions{});
  if (!bom.ok()) return report_error(bom.error());

  const std::string name = a.name.empty() ? a.source : a.name;
  auto resp = server->call("POST",
                           fmt::format("/v1/history/{}?format={}", client::segment(name), server_format(a.format)),
                           "scan", std::move(*bom));
  if (!resp.ok()) return report_error(resp.error());
  RemoteReport r;
  r.text = std::move(resp->body);
  r.format = a.format;
  r.output = a.output;
  r.severities = std::move(*severities);
  r.show_suppressed = a.show_suppressed;
  r.exit_code = a.exit_code;
  return print_remote_report(r, g);
}

}  // namespace

void add_agent(CLI::App& app, Cli& cli) {
  auto a = std::make_shared<AgentArgs>();
  CLI::App* sub = app.add_subcommand(
      "agent", "Read an image here, send its inventory to a dagda server, print the report it answers");
  sub->add_option("source", a->source, "An image or project, as for `dagda sbom`")->required();
  add_remote_flags(sub, a->remote);
  sub->add_option("--name", a->name, "The name the server files the report under (default: SOURCE as typed)");
  sub->add_option("-f,--format", a->format, "table, json (dagda.scan/v1), sarif (2.1.0) or cyclonedx (the server's)")
      ->capture_default_str();
  sub->add_option("-o,--output", a->output, "Write to FILE (atomically) instead of standard output");
  sub->add_option("--severity", a->severity,
                  "Count (and list in the table) only these severities (comma list), or one word for that one "
                  "and worse")
      ->allow_extra_args(false);
  sub->add_option("--exit-code", a->exit_code, "Exit with N when findings remain (default 0)")
      ->check(CLI::Range(0, 255));
  sub->add_flag("--show-suppressed", a->show_suppressed, "List suppressed findings with their reason (table)");
  sub->add_option("--platform", a->platform, "OS/ARCH[/VARIANT] to pick from a multi-platform index");
  sub->add_flag("--lockfiles", a->lockfiles, "Also read lockfiles inside images (always on for fs:)");
  sub->add_flag("--include-os-owned", a->include_os_owned, "Keep application packages whose files an OS package owns");
  sub->add_flag("--exclude-dev", a->exclude_dev,
                "Leave out dependencies lockfiles mark as development or test only (included by default)");
  sub->add_option("--retirejs", a->retirejs, "retire.js repository JSON to recognise vendored JavaScript files");
  sub->add_option("--threads", a->threads, "Layers read at once (default: one per core)");
  add_source_flags(sub, a->registry_ca, a->insecure_registry, a->no_cache, a->cache_max_size);
  sub->callback([a, &cli] { cli.exit_code = run_agent(*a, cli.global); });
}

}  // namespace dagda::cli
