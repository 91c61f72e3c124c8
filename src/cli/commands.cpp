// The one list of subcommands.
#include "cli/command.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "cli/output.hpp"

namespace dagda::cli {

void add_sbom(CLI::App& app, Cli& cli);
void add_db(CLI::App& app, Cli& cli);
void add_vuln(CLI::App& app, Cli& cli);
void add_scan(CLI::App& app, Cli& cli);
void add_version(CLI::App& app, Cli& cli);
void add_docker(CLI::App& app, Cli& cli);
void add_cache(CLI::App& app, Cli& cli);
void add_rules(CLI::App& app, Cli& cli);
void add_monitor(CLI::App& app, Cli& cli);
void add_serve(CLI::App& app, Cli& cli);
void add_token(CLI::App& app, Cli& cli);
void add_history(CLI::App& app, Cli& cli);
void add_agent(CLI::App& app, Cli& cli);

void add_commands(CLI::App& app, Cli& cli) {
  add_sbom(app, cli);
  add_scan(app, cli);
  add_db(app, cli);
  add_vuln(app, cli);
  add_version(app, cli);
  add_docker(app, cli);
  add_cache(app, cli);
  add_rules(app, cli);
  add_monitor(app, cli);
  add_serve(app, cli);
  add_token(app, cli);
  add_history(app, cli);
  add_agent(app, cli);
}

void add_global_options(CLI::App& app, GlobalOptions& g) {
  app.add_option("--db", g.db, "Vulnerability database: a SQLite path or a postgresql:// URL")
      ->envname("DAGDA_DB")
      ->check(CLI::Validator(
          [](const std::string& v) -> std::string {
            // SQLite would wait forever on a FIFO: anything but a regular file (or a new path) is refused.
            if (v.starts_with("postgresql://") || v.starts_with("postgres://")) return {};
            struct stat st{};
            if (::stat(v.c_str(), &st) != 0 || S_ISREG(st.st_mode)) return {};
            return terminal_safe(v) + ": not a regular file (a SQLite database file is expected)";
          },
          "PATH|URL"))
      ->group("Global options");
  app.add_option("--cache-dir", g.cache_dir, "Cache directory (default $XDG_CACHE_HOME/dagda)")
      ->envname("DAGDA_CACHE_DIR")
      ->each([](const std::string& v) { setenv("DAGDA_CACHE_DIR", v.c_str(), 1); })
      ->group("Global options");
  app.add_option_function<size_t>(
         "--max-packages", [](const size_t& n) { setenv("DAGDA_MAX_PACKAGES", std::to_string(n).c_str(), 1); },
         "Packages listed per image at most; past it the inventory is partial with a warning "
         "(default 100000, or DAGDA_MAX_PACKAGES; see docs/limits.md)")
      ->check(CLI::Range(size_t{1}, size_t{1000000000}))
      ->group("Global options");
  app.add_flag("-q,--quiet", g.quiet, "Print nothing but results and errors")->group("Global options");
  app.add_flag("-v,--verbose", g.verbose, "Print more about what is happening")->group("Global options");
  app.add_flag("--no-color", g.no_color, "Never colour the output")->group("Global options");
}

int report_error(const Error& e) {
  print_stderr_line(e.render());
  note_error_reported();
  return e.code() == ErrorCode::invalid_input ? kExitUsage : kExitFailure;
}

}  // namespace dagda::cli
