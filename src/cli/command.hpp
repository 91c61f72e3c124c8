// cli/command.hpp: how a subcommand plugs into the `dagda` executable. Each
// command is one cli/cmd_NAME.cpp exposing `void add_NAME(CLI::App&, Cli&)`;
// cli/commands.cpp lists them.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "common/error.hpp"

namespace dagda::cli {

// Exit statuses of PRODUCT.md: 0 success, 1 failure, 2 usage error; scan adds --exit-code.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct GlobalOptions {
  std::string db;         // --db / DAGDA_DB
  std::string cache_dir;  // --cache-dir / DAGDA_CACHE_DIR
  bool quiet = false;
  bool verbose = false;
  bool no_color = false;
};

struct Cli {
  GlobalOptions global;
  int exit_code = kExitOk;
};

// Adds the global options to `app` so they are accepted before or after a command.
void add_global_options(CLI::App& app, GlobalOptions& g);
// Adds every subcommand.
void add_commands(CLI::App& app, Cli& cli);

// The options of `scan` and `sbom` for where images come from and the per-layer cache:
// --registry-ca, --insecure-registry, --no-cache, --cache-max-size.
void add_source_flags(CLI::App* sub, std::string& registry_ca, bool& insecure_registry, bool& no_cache,
                      std::string& cache_max_size);

// Prints "dagda: <error>" on stderr (one line) and returns kExitFailure, or
// kExitUsage for invalid_input errors.
int report_error(const Error& e);

}  // namespace dagda::cli
