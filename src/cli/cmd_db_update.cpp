// dagda db update [--feed NAME]... [--url FEED=URL]... [--mirror DIR|URL] [--force]
// Downloads the official feeds (update/feeds.cpp) and imports them in one
// transaction. One line per feed, then the import summary; exit 1 when any
// feed failed (the others are still imported).
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "update/feeds.hpp"
#include "update/update.hpp"
#include "vulndb/store.hpp"

namespace dagda::cli {
namespace {

struct UpdateArgs {
  std::vector<std::string> feeds;
  std::vector<std::string> urls;
  std::string mirror;
  bool force = false;
  int retries = 3;
  long download_timeout = update::FetchOptions{}.deadline_s;
  uint64_t max_download_size = update::FetchOptions{}.max_bytes;
};

// Feed lines carry server text (errors, bodies): escaped like every other line.
void say(const std::string& line) {
  std::string out = terminal_safe(line) + "\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
}

std::string feed_line(const update::FeedReport& r) {
  using S = update::FeedReport::State;
  switch (r.state) {
    case S::downloaded:
      if (r.files > 1)
        return fmt::format("{}: downloaded {} bytes ({} of {} files changed, {} unchanged (304))", r.feed,
                           r.bytes, r.files - r.unchanged_files, r.files, r.unchanged_files);
      return fmt::format("{}: downloaded {} bytes", r.feed, r.bytes);
    case S::unchanged:
      return fmt::format("{}: unchanged (304)", r.feed);
    case S::mirror:
      return fmt::format("{}: from the mirror {}", r.feed, r.inputs.empty() ? "" : r.inputs.front());
    case S::failed:
      return fmt::format("{}: failed: {}", r.feed, r.error);
  }
  return r.feed;
}

int run_update(const UpdateArgs& a, const GlobalOptions& g) {
  update::UpdateOptions opts;
  opts.feeds = a.feeds;
  opts.mirror = a.mirror;
  opts.force = a.force;
  opts.fetch.attempts = std::max(1, a.retries + 1);
  opts.fetch.deadline_s = a.download_timeout;
  opts.fetch.max_bytes = a.max_download_size;
  if (!g.quiet) opts.fetch.on_wait = [](const std::string& msg) { print_stderr_line(msg); };
  if (const char* key = std::getenv("NVD_API_KEY")) opts.nvd_api_key = key;
  for (auto& u : a.urls) {
    auto eq = u.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == u.size())
      return report_error(Error(ErrorCode::invalid_input, fmt::format("--url wants FEED=URL, got '{}'", u)));
    opts.urls[u.substr(0, eq)].push_back(u.substr(eq + 1));
  }
  auto store = vulndb::Store::open(g.db);
  if (!store.ok()) return report_error(store.error());
  opts.on_feed = [](const update::FeedReport& r) { say(feed_line(r)); };
  opts.on_import_start = [&](size_t n) {
    if (!g.quiet)
      std::fputs(fmt::format("dagda: importing {} input(s) into {}\n", n, (*store)->url()).c_str(), stderr);
  };
  auto r = update::run_update(**store, opts);
  if (!r.ok()) return report_error(r.error());
  if (r->imported) {
    uint64_t total = 0;
    size_t changed = 0, unchanged = 0;
    for (auto& in : r->import.inputs) {
      if (in.unchanged) {
        ++unchanged;
        continue;
      }
      ++changed;
      for (auto& [src, n] : in.records) total += n;
    }
    say(fmt::format("import: {} records from {} changed input(s); {} input(s) unchanged, skipped", total,
                    changed, unchanged));
    if (!g.quiet)
      for (auto& w : r->import.warnings)
        std::fputs(fmt::format("dagda: warning: {}\n", w.render()).c_str(), stderr);
  } else if (r->any_failed()) {
    say("import: nothing imported; the database is unchanged");
  }
  return r->any_failed() ? kExitFailure : kExitOk;
}

}  // namespace

void add_db_update(CLI::App& db, Cli& cli) {
  auto a = std::make_shared<UpdateArgs>();
  std::string feeds;
  for (auto& f : update::all_feeds()) feeds += fmt::format("\n  {:<16} {}", f.name, f.description);
  CLI::App* up = db.add_subcommand("update", "Download the official feeds and import them (one transaction)");
  up->footer("Feeds:" + feeds +
             "\n\nNVD_API_KEY (environment) is sent to the NVD API, which then allows more requests.");
  up->add_option("--feed", a->feeds, "Update only this feed (repeatable; default: every feed)");
  up->add_option("--url", a->urls,
                 "FEED=URL: fetch the feed from this URL instead (repeatable, several files per feed)");
  up->add_option("--mirror", a->mirror,
                 "An offline mirror: a folder holding <mirror>/<feed>/..., or an http(s) base serving "
                 "<base>/<feed>/<file>");
  up->add_flag("--force", a->force, "Download without conditional requests and re-import unchanged files");
  up->add_option("--retries", a->retries, "Retries of a failed download (default 3, with backoff)")
      ->check(CLI::Range(0, 20));
  up->add_option("--download-timeout", a->download_timeout,
                 "SECONDS one download may take in all, retries and waits included (default 3600)")
      ->check(CLI::Range(1L, 7L * 24 * 3600));
  up->add_option("--max-download-size", a->max_download_size,
                 "BYTES one download may have at most, e.g. 500MB, 4GB (default 4GB); a compressed download "
                 "must also expand to no more than 100 times its size past 64 MB")
      ->transform(CLI::AsSizeValue(false))
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 50));
  up->callback([a, &cli] { cli.exit_code = run_update(*a, cli.global); });
}

}  // namespace dagda::cli
