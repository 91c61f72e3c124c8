// `dagda version compare ECO A B` and `dagda version satisfies ECO VERSION RANGE`:
// the version rules behind every finding, on the command line.
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "common/version.hpp"
#include "version/comparator.hpp"

namespace dagda::cli {
namespace {

struct VersionArgs {
  std::string ecosystem, a, b;
};

std::string ecosystem_list() {
  std::string out;
  for (const auto& c : version::comparators()) {
    if (!out.empty()) out += ", ";
    out += c.name;
  }
  return out;
}

const version::Comparator* lookup(const std::string& eco) {
  const version::Comparator* c = version::find_comparator(eco);
  if (!c)
    report_error(Error(ErrorCode::invalid_input,
                       fmt::format("unknown ecosystem \"{}\" (known: {})", eco, ecosystem_list())));
  return c;
}

}  // namespace

void add_version(CLI::App& app, Cli& cli) {
  CLI::App* cmd = app.add_subcommand(
      "version", "Print Dagda's version; `version compare|satisfies` apply an ecosystem's own version rules");
  cmd->require_subcommand(0, 1);
  cmd->callback([cmd, &cli] {
    if (!cmd->get_subcommands().empty()) return;
    std::puts(fmt::format("dagda {}", kDagdaVersion).c_str());
    cli.exit_code = kExitOk;
  });
  std::string eco_help = "Ecosystem: " + ecosystem_list() + " (or an OSV name: Debian, PyPI, Go, ...)";

  auto args = std::make_shared<VersionArgs>();
  CLI::App* compare = cmd->add_subcommand("compare", "Print <, = or > as A is older, the same or newer than B");
  compare->add_option("ecosystem", args->ecosystem, eco_help)->required();
  compare->add_option("a", args->a, "First version")->required();
  compare->add_option("b", args->b, "Second version")->required();
  compare->callback([&cli, args] {
    const version::Comparator* c = lookup(args->ecosystem);
    if (!c) {
      cli.exit_code = kExitUsage;
      return;
    }
    Result<int> r = c->compare(args->a, args->b);
    if (!r.ok()) {
      cli.exit_code = report_error(r.error());
      return;
    }
    std::puts(*r < 0 ? "<" : (*r > 0 ? ">" : "="));
    cli.exit_code = kExitOk;
  });

  auto sargs = std::make_shared<VersionArgs>();
  CLI::App* sat = cmd->add_subcommand(
      "satisfies", "Print yes (exit 0) if VERSION is in RANGE, written in the ecosystem's syntax, else no (exit 1)");
  sat->add_option("ecosystem", sargs->ecosystem, eco_help)->required();
  sat->add_option("version", sargs->a, "The version")->required();
  sat->add_option("range", sargs->b, "The range, e.g. \">=1.0, <2.0\", \"^1.2\", \"[1.0,2.0)\"")->required();
  sat->callback([&cli, sargs] {
    const version::Comparator* c = lookup(sargs->ecosystem);
    if (!c) {
      cli.exit_code = kExitUsage;
      return;
    }
    Result<bool> r = c->satisfies(sargs->a, sargs->b);
    if (!r.ok()) {
      cli.exit_code = report_error(r.error());
      return;
    }
    std::puts(*r ? "yes" : "no");
    cli.exit_code = *r ? kExitOk : kExitFailure;
  });
}

}  // namespace dagda::cli
