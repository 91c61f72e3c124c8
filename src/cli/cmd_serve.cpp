// dagda serve [--listen ADDR:PORT] [--workers N] [--allow-path DIR]... [--tls-cert F --tls-key F]
//             [--rematch-interval S] [--notify-url URL --notify-severity S]
//             [--feed NAME]... [--feed-url FEED=URL]... [--feed-mirror DIR|URL]
// dagda worker [--workers N]
#include <fmt/format.h>

#include "cli/command.hpp"
#include "server/serve.hpp"

namespace dagda::cli {

void add_serve(CLI::App& app, Cli& cli) {
  auto opts = std::make_shared<server::ServeOptions>();
  CLI::App* sub = app.add_subcommand("serve", "Serve the REST API (/v1, see docs/server.md) with in-process workers");
  sub->add_option("--listen", opts->listen, "ADDR:PORT to listen on")->capture_default_str();
  sub->add_option("--workers", opts->workers, "Workers running checks in this process (0: none)")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  sub->add_option("--allow-path", opts->allow_paths,
                  "A folder whose files and directories checks may read (repeatable; none by default)");
  sub->add_option("--tls-cert", opts->tls_cert, "PEM certificate: serve HTTPS")->check(CLI::ExistingFile);
  sub->add_option("--tls-key", opts->tls_key, "PEM private key of --tls-cert")->check(CLI::ExistingFile);
  sub->add_option("--max-body", opts->max_body, "Largest request body in bytes")->capture_default_str();
  sub->add_option("--read-timeout", opts->read_timeout_s, "Seconds a client may take to send its request")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  sub->add_option("--threads", opts->threads, "HTTP threads")->check(CLI::Range(2, 1024))->capture_default_str();
  sub->add_option("--lease", opts->lease_seconds, "Seconds a silent worker keeps its job before another takes it")
      ->check(CLI::Range(2, 86400))
      ->capture_default_str();
  sub->add_option("--rematch-interval", opts->rematch_interval_s,
                  "Seconds between looks at the vulnerability data's import generation (0: never re-match)")
      ->check(CLI::Range(0, 86400))
      ->capture_default_str();
  sub->add_option("--notify-url", opts->notify.url,
                  "POST a JSON message here for each image a re-match found new findings in");
  sub->add_option("--notify-severity", opts->notify.severity, "The least severity --notify-url announces")
      ->capture_default_str();
  sub->add_option("--feed", opts->feeds.feeds,
                  "A feed POST /v1/vuln/update fetches (repeatable; default: every feed of `db update`)");
  sub->add_option("--feed-url", opts->feed_urls,
                  "FEED=URL: where POST /v1/vuln/update fetches a feed (as `db update --url`; repeatable)");
  sub->add_option("--feed-mirror", opts->feeds.mirror,
                  "The offline mirror POST /v1/vuln/update reads (as `db update --mirror`: a folder or an http(s) "
                  "base)");
  sub->callback([opts, &cli] {
    opts->db = cli.global.db;
    auto st = server::serve(*opts);
    if (!st.ok()) cli.exit_code = report_error(st.error());
  });

  auto workers = std::make_shared<int>(1);
  auto lease = std::make_shared<int64_t>(30);
  CLI::App* w = app.add_subcommand("worker", "Run queued checks of the --db job queue (PostgreSQL: any number of "
                                             "machines share it)");
  w->add_option("--workers", *workers, "Workers in this process")->check(CLI::Range(1, 256))->capture_default_str();
  w->add_option("--lease", *lease, "Seconds a silent worker keeps its job before another takes it")
      ->check(CLI::Range(2, 86400))
      ->capture_default_str();
  w->callback([workers, lease, &cli] {
    auto st = server::work(cli.global.db, *workers, *lease);
    if (!st.ok()) cli.exit_code = report_error(st.error());
  });
}

}  // namespace dagda::cli
