// dagda scan SOURCE [--format table|json|sarif|cyclonedx] [-o FILE] [--severity LIST] [--ignore-unfixed]
//   [--ignorefile FILE] [--vex FILE] [--exit-code N] [--show-suppressed] [--scanners LIST] [--secret-config FILE]
// dagda fp add|list|remove IMAGE|'*' PACKAGE[:VERSION] [VULN_ID]
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "cache/layer_cache.hpp"
#include "cli/command.hpp"
#include "cli/progress.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "common/fs.hpp"
#include "engine/engine.hpp"
#include "report/scan_writer.hpp"

namespace dagda::cli {
namespace {

struct ScanArgs {
  std::string source, format = "table", output, platform, ignorefile, vex, retirejs, scanners, secret_config;
  std::vector<std::string> severity;
  bool ignore_unfixed = false, show_suppressed = false, lockfiles = false, include_os_owned = false;
  bool exclude_dev = false;
  std::string registry_ca, cache_max_size;
  bool insecure_registry = false, no_cache = false;
  int exit_code = 0;
  unsigned threads = 0;
};

int run_scan(const ScanArgs& args, const GlobalOptions& g) {
  const ScanFormat* format = find_scan_format(args.format);
  if (!format) {
    std::vector<std::string_view> names;
    for (const ScanFormat& f : scan_formats()) names.push_back(f.name);
    return report_error(Error(ErrorCode::invalid_input,
                              fmt::format("unknown format '{}'; choose one of: {}", args.format, fmt::join(names, ", "))));
  }
  engine::ScanOptions opts;
  auto severities = parse_severity_list(args.severity);
  if (!severities.ok()) return report_error(severities.error());
  opts.policy.severities = std::move(*severities);
  opts.policy.ignore_unfixed = args.ignore_unfixed;
  opts.policy.ignorefile = args.ignorefile;
  opts.policy.vex = args.vex;
  opts.inventory.source.platform = args.platform;
  opts.inventory.threads = args.threads;
  opts.inventory.lockfiles = args.lockfiles;
  opts.inventory.include_os_owned = args.include_os_owned;
  opts.inventory.exclude_dev = args.exclude_dev;
  opts.inventory.source.registry_ca = args.registry_ca;
  opts.inventory.source.insecure_registry = args.insecure_registry;
  opts.inventory.use_cache = !args.no_cache;
  if (!args.cache_max_size.empty()) {
    auto size = cache::parse_size(args.cache_max_size);
    if (!size.ok()) return report_error(size.error());
    opts.inventory.cache_max_bytes = *size;
  }
  opts.retirejs_file = args.retirejs;
  opts.cache_dir = g.cache_dir;
  opts.scanners = args.scanners;
  opts.secret_config = args.secret_config;

  auto eng = engine::Engine::open({g.db});
  if (!eng.ok()) return report_error(eng.error());
  Progress progress(g, args.source);
  auto result = (*eng)->scan(args.source, opts, progress.hooks());
  progress.done();
  if (!result.ok()) return report_error(result.error());

  if (!g.quiet) {
    for (const Warning& w : result->inventory.warnings) print_warning(w);
    for (const Warning& w : result->warnings) print_warning(w);
  }
  ScanReportOptions ro;
  ro.show_suppressed = args.show_suppressed;
  ro.warnings_on_stderr = !g.quiet;
  bool to_terminal = args.output.empty() && ::isatty(STDOUT_FILENO);
  ro.color = to_terminal && !g.no_color && std::getenv("NO_COLOR") == nullptr;
  if (struct winsize ws{}; to_terminal && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 60)
    ro.width = ws.ws_col;
  auto text = format->write(*result, ro);
  if (!text.ok()) return report_error(text.error());
  if (int w = write_report(args.output, *text); w != kExitOk) return w;
  size_t remaining = 0;
  for (auto& f : result->findings) remaining += !f.suppressed;
  return remaining > 0 ? args.exit_code : kExitOk;
}

struct FpArgs {
  std::string image, package, vuln;
};

Result<state::FpMark> fp_mark(const FpArgs& a) {
  state::FpMark m;
  m.image = a.image;
  auto colon = a.package.find(':');
  m.package = a.package.substr(0, colon);
  if (colon != std::string::npos) m.version = a.package.substr(colon + 1);
  m.vuln_id = a.vuln;
  if (m.image.empty() || m.package.empty())
    return Error(ErrorCode::invalid_input, "give IMAGE (or '*') and PACKAGE[:VERSION]");
  return m;
}

}  // namespace

void add_scan(CLI::App& app, Cli& cli) {
  auto a = std::make_shared<ScanArgs>();
  CLI::App* sub = app.add_subcommand("scan", "Find the vulnerable packages in an image or project");
  sub->add_option("source", a->source, "An image or project, as for `dagda sbom`")->required();
  sub->add_option("-f,--format", a->format, "table, json (dagda.scan/v1), sarif (2.1.0) or cyclonedx (with vulnerabilities)")
      ->capture_default_str();
  sub->add_option("-o,--output", a->output, "Write to FILE (atomically) instead of standard output");
  sub->add_option("--severity", a->severity,
                  "Report only these severities (comma list), or one word for that one and worse")
      ->allow_extra_args(false);
  sub->add_option("--scanners", a->scanners,
                  "Scanners to run: vuln, secret, config (comma-separated; default vuln; see docs/scanners.md)");
  sub->add_option("--secret-config", a->secret_config, "YAML file of custom secret rules and allow-lists (docs/scanners.md)");
  sub->add_flag("--ignore-unfixed", a->ignore_unfixed, "Hide findings that have no fixed version yet");
  sub->add_option("--ignorefile", a->ignorefile, "YAML list of ignored vulnerabilities (see docs/policy.md)");
  sub->add_option("--vex", a->vex, "OpenVEX document: not_affected and fixed statements suppress findings");
  sub->add_option("--exit-code", a->exit_code, "Exit with N when findings remain after suppressions (default 0)")
      ->check(CLI::Range(0, 255));
  sub->add_flag("--show-suppressed", a->show_suppressed, "List suppressed findings with their reason");
  sub->add_option("--platform", a->platform, "OS/ARCH[/VARIANT] to pick from a multi-platform index");
  sub->add_flag("--lockfiles", a->lockfiles, "Also read lockfiles inside images (always on for fs:)");
  sub->add_flag("--include-os-owned", a->include_os_owned, "Keep application packages whose files an OS package owns");
  sub->add_flag("--exclude-dev", a->exclude_dev,
                "Leave out dependencies lockfiles mark as development or test only (included by default)");
  sub->add_option("--retirejs", a->retirejs, "retire.js repository file (default: the one imported into the database)");
  sub->add_option("--threads", a->threads, "Layers read at once (default: one per core)");
  add_source_flags(sub, a->registry_ca, a->insecure_registry, a->no_cache, a->cache_max_size);
  sub->callback([a, &cli] { cli.exit_code = run_scan(*a, cli.global); });

  auto fa = std::make_shared<FpArgs>();
  CLI::App* fp = app.add_subcommand("fp", "Mark false positives: later scans of the image hide them");
  fp->require_subcommand(1);
  auto add_args = [&](CLI::App* c, bool need) {
    c->add_option("image", fa->image, "Image as scanned (input, tag or id) or '*' for every image")->required(need);
    c->add_option("package", fa->package, "PACKAGE or PACKAGE:VERSION")->required(need);
    c->add_option("vuln", fa->vuln, "Vulnerability id (default: every vulnerability of the package)");
  };
  CLI::App* fadd = fp->add_subcommand("add", "Add a mark");
  add_args(fadd, true);
  fadd->callback([fa, &cli] {
    auto m = fp_mark(*fa);
    if (!m.ok()) return void(cli.exit_code = report_error(m.error()));
    auto store = state::Store::open(cli.global.db);
    if (!store.ok()) return void(cli.exit_code = report_error(store.error()));
    auto st = (*store)->add_fp(*m);
    if (!st.ok()) return void(cli.exit_code = report_error(st.error()));
  });
  CLI::App* frm = fp->add_subcommand("remove", "Remove a mark");
  add_args(frm, true);
  frm->callback([fa, &cli] {
    auto m = fp_mark(*fa);
    if (!m.ok()) return void(cli.exit_code = report_error(m.error()));
    auto store = state::Store::open(cli.global.db);
    if (!store.ok()) return void(cli.exit_code = report_error(store.error()));
    auto n = (*store)->remove_fp(*m);
    if (!n.ok()) return void(cli.exit_code = report_error(n.error()));
    if (*n == 0) cli.exit_code = report_error(Error(ErrorCode::not_found, "no such mark"));
  });
  CLI::App* fls = fp->add_subcommand("list", "List marks (of one image, or all)");
  fls->add_option("image", fa->image, "Only this image's marks");
  fls->callback([fa, &cli] {
    auto store = state::Store::open(cli.global.db, true);
    if (!store.ok()) return void(cli.exit_code = report_error(store.error()));
    auto marks = (*store)->list_fp(fa->image);
    if (!marks.ok()) return void(cli.exit_code = report_error(marks.error()));
    for (auto& m : *marks)
      std::puts(fmt::format("{}\t{}{}\t{}\t{}", m.image, m.package, m.version.empty() ? "" : ":" + m.version,
                            m.vuln_id.empty() ? "*" : m.vuln_id, m.created_at)
                    .c_str());
  });
}

}  // namespace dagda::cli
