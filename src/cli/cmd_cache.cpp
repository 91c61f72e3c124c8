// dagda cache status|clean [--json]: the per-layer cache in the cache directory.
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cache/layer_cache.hpp"
#include "cli/command.hpp"
#include "common/fs.hpp"

namespace dagda::cli {
namespace {

std::string mib(uint64_t b) { return fmt::format("{:.1f} MiB", static_cast<double>(b) / (1 << 20)); }

int out(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (std::fflush(stdout) != 0) return report_error(Error(ErrorCode::io, "cannot write to standard output"));
  return kExitOk;
}

}  // namespace

void add_cache(CLI::App& app, Cli& cli) {
  auto json = std::make_shared<bool>(false);
  CLI::App* sub = app.add_subcommand("cache", "The per-layer cache (results of reading each layer, by diff id)");
  sub->require_subcommand(1);
  CLI::App* status = sub->add_subcommand("status", "Where the cache is, how many layers it holds and its size");
  status->add_flag("--json", *json, "JSON instead of text");
  status->callback([json, &cli] {
    auto s = cache::cache_status(cache_dir());
    if (!s.ok()) return void(cli.exit_code = report_error(s.error()));
    if (*json) {
      nlohmann::ordered_json j = {{"dir", s->dir},
                                  {"layers", s->layer_entries},
                                  {"layer_bytes", s->layer_bytes},
                                  {"inventories", s->inventory_entries},
                                  {"inventory_bytes", s->inventory_bytes},
                                  {"scanner_results", s->scan_entries},
                                  {"scanner_result_bytes", s->scan_bytes},
                                  {"records", s->other_entries},
                                  {"record_bytes", s->other_bytes},
                                  {"default_max_bytes", cache::kDefaultMaxBytes}};
      cli.exit_code = out(j.dump(2) + "\n");
      return;
    }
    cli.exit_code = out(fmt::format("cache directory: {}\nlayers: {} ({})\ninventories: {} ({})\nscanner results: {} ({})\nother records: {} ({})\n"
                                    "size bound: {} (default; --cache-max-size on scan and sbom)\n",
                                    s->dir, s->layer_entries, mib(s->layer_bytes), s->inventory_entries,
                                    mib(s->inventory_bytes), s->scan_entries, mib(s->scan_bytes), s->other_entries,
                                    mib(s->other_bytes), mib(cache::kDefaultMaxBytes)));
  });
  CLI::App* clean = sub->add_subcommand("clean", "Remove every cached layer, result and record");
  clean->callback([&cli] {
    auto n = cache::cache_clean(cache_dir());
    if (!n.ok()) return void(cli.exit_code = report_error(n.error()));
    if (!cli.global.quiet) cli.exit_code = out(fmt::format("removed {} cache files from {}\n", *n, cache_dir()));
  });
}

}  // namespace dagda::cli
