// dagda sbom SOURCE [--format table|json|cyclonedx|spdx] [-o FILE] [--platform OS/ARCH]
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "cache/layer_cache.hpp"
#include "cli/command.hpp"
#include "cli/output.hpp"
#include "cli/progress.hpp"
#include "common/fs.hpp"
#include "engine/engine.hpp"
#include "report/writer.hpp"

namespace dagda::cli {
namespace {

struct SbomArgs {
  std::string source;
  std::string format = "table";
  std::string output;
  std::string platform;
  unsigned threads = 0;
  bool lockfiles = false;
  std::string retirejs;  // retire.js repository JSON file
  bool include_os_owned = false;
  bool os_only = false;
  bool exclude_dev = false;
  std::string registry_ca, cache_max_size;
  bool insecure_registry = false, no_cache = false;
};

int run_sbom(const SbomArgs& args, const GlobalOptions& g) {
  const SbomFormat* format = find_sbom_format(args.format);
  if (!format) {
    std::vector<std::string_view> names;
    for (const SbomFormat& f : sbom_formats()) names.push_back(f.name);
    return report_error(Error(ErrorCode::invalid_input,
                              fmt::format("unknown format '{}'; choose one of: {}", args.format, fmt::join(names, ", "))));
  }
  engine::SbomOptions opts;
  opts.inventory.source.platform = args.platform;
  opts.inventory.threads = args.threads;
  opts.inventory.include_os_owned = args.include_os_owned;
  opts.inventory.exclude_dev = args.exclude_dev;
  opts.inventory.os_only = args.os_only;
  opts.inventory.lockfiles = args.lockfiles;
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
  Progress progress(g, args.source);
  auto inv = engine::sbom(args.source, opts, progress.hooks());
  progress.done();
  if (!inv.ok()) return report_error(inv.error());

  if (!g.quiet)
    for (const Warning& w : inv->warnings) print_warning(w);

  ReportOptions ro;
  bool to_terminal = args.output.empty() && ::isatty(STDOUT_FILENO);
  ro.color = to_terminal && !g.no_color && std::getenv("NO_COLOR") == nullptr;
  if (struct winsize ws{}; to_terminal && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 60)
    ro.width = ws.ws_col;
  auto text = format->write(*inv, ro);
  if (!text.ok()) return report_error(text.error());
  return write_report(args.output, *text);
}

}  // namespace

void add_sbom(CLI::App& app, Cli& cli) {
  auto args = std::make_shared<SbomArgs>();
  CLI::App* sub = app.add_subcommand("sbom", "List the OS packages in an image, without running it");
  sub->add_option("source", args->source,
                  "docker-archive:PATH, oci-archive:PATH, oci-dir:PATH, dir:PATH, rootfs-archive:PATH, fs:PATH (a "
                  "project directory), or a path detected by its content")
      ->required();
  sub->add_option("-f,--format", args->format, "table, json (dagda.sbom/v1), cyclonedx (1.6 JSON) or spdx (2.3 JSON)")
      ->capture_default_str();
  sub->add_option("-o,--output", args->output, "Write to FILE (atomically) instead of standard output");
  sub->add_option("--platform", args->platform, "OS/ARCH[/VARIANT] to pick from a multi-platform index")
      ->capture_default_str();
  sub->add_option("--threads", args->threads, "Layers read at once (default: one per core)");
  sub->add_option("--retirejs", args->retirejs,
                  "retire.js repository JSON (jsrepository.json) to recognise vendored JavaScript files");
  sub->add_flag("--include-os-owned", args->include_os_owned,
                "Also list application packages whose files an OS package installed (dropped by default)");
  sub->add_flag("--os-only", args->os_only, "Only the OS package databases (dpkg, apk, rpm): no application catalogers");
  sub->add_flag("--lockfiles", args->lockfiles,
                "Also read lockfiles (package-lock.json, go.mod, Cargo.lock, ...) in images; always on for fs:");
  sub->add_flag("--exclude-dev", args->exclude_dev,
                "Leave out dependencies lockfiles mark as development or test only (included by default)");
  add_source_flags(sub, args->registry_ca, args->insecure_registry, args->no_cache, args->cache_max_size);
  sub->callback([args, &cli] { cli.exit_code = run_sbom(*args, cli.global); });
}

}  // namespace dagda::cli
