// dagda: the command-line entry point. All work happens in the libraries.
#include <malloc.h>

#include <functional>
#include <new>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "common/version.hpp"

namespace {

int run(int argc, char** argv) {
  using namespace dagda::cli;
  CLI::App app{"Dagda: a Docker security suite. Reads container images as data and lists what is inside."};
  app.set_version_flag("--version", "dagda " + std::string(dagda::kDagdaVersion));
  app.require_subcommand(1);
  Cli cli;
  add_global_options(app, cli.global);
  add_commands(app, cli);
  // Global options may follow any command, however deep ("dagda version compare ... --quiet").
  std::function<void(CLI::App*)> fall_through = [&](CLI::App* a) {
    for (CLI::App* sub : a->get_subcommands({})) {
      sub->fallthrough();
      fall_through(sub);
    }
  };
  fall_through(&app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  return cli.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace dagda;
#ifdef __GLIBC__
  // glibc raises its mmap threshold after a large block is freed, so later large buffers come
  // from the heap and stay resident once freed. Fixed thresholds hand them back: peak RSS of
  // an sbom of the 2 GB image 90 -> 78 MiB (bench/README.md, issue 10).
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  mallopt(M_TRIM_THRESHOLD, 4 << 20);
#endif
  int code = cli::kExitFailure;
  // No exception ends the program with an abort: whatever a library throws becomes one
  // line on stderr and exit status 1.
  try {
    code = run(argc, argv);
  } catch (const std::bad_alloc&) {
    code = cli::report_error(Error(ErrorCode::internal, "out of memory"));
  } catch (const std::exception& e) {
    code = cli::report_error(Error(ErrorCode::internal, fmt::format("unexpected error: {}", e.what())));
  } catch (...) {
    code = cli::report_error(Error(ErrorCode::internal, "unexpected error"));
  }
  return cli::finish_output(code);
}
