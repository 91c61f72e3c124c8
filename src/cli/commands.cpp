// The one list of subcommands.
#include "cli/command.hpp"

#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

namespace dagda::cli {

void add_sbom(CLI::App& app, Cli& cli);
void add_db(CLI::App& app, Cli& cli);
void add_vuln(CLI::App& app, Cli& cli);
void add_scan(CLI::App& app, Cli& cli);
void add_version(CLI::App& app, Cli& cli);
void add_rules(CLI::App& app, Cli& cli);

void add_commands(CLI::App& app, Cli& cli) {
  add_sbom(app, cli);
  add_scan(app, cli);
  add_db(app, cli);
  add_vuln(app, cli);
  add_version(app, cli);
  add_rules(app, cli);
}

void add_global_options(CLI::App& app, GlobalOptions& g) {
  app.add_option("--db", g.db, "Vulnerability database: a SQLite path or a postgresql:// URL")
      ->envname("DAGDA_DB")
      ->group("Global options");
  app.add_option("--cache-dir", g.cache_dir, "Cache directory (default $XDG_CACHE_HOME/dagda)")
      ->envname("DAGDA_CACHE_DIR")
      ->each([](const std::string& v) { setenv("DAGDA_CACHE_DIR", v.c_str(), 1); })
      ->group("Global options");
  app.add_flag("-q,--quiet", g.quiet, "Print nothing but results and errors")->group("Global options");
  app.add_flag("-v,--verbose", g.verbose, "Print more about what is happening")->group("Global options");
  app.add_flag("--no-color", g.no_color, "Never colour the output")->group("Global options");
}

int report_error(const Error& e) {
  std::fflush(stdout);
  std::fputs(fmt::format("dagda: {}\n", e.render()).c_str(), stderr);
  return e.code() == ErrorCode::invalid_input ? kExitUsage : kExitFailure;
}

}  // namespace dagda::cli
