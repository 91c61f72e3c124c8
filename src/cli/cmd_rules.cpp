// dagda rules validate [FILE...] [--json]: loads Falco rule files in order, as
// `falco -V` does, and says what each rule lacks in Dagda.
// dagda rules fields [--json]: the fields Dagda supports.
#include <cstdio>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "rules/engine.hpp"
#include "rules/fields.hpp"

namespace dagda::cli {
namespace {

using nlohmann::json;

struct ValidateArgs {
  std::vector<std::string> files;
  bool json = false;
};

int write_out(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (std::fflush(stdout) != 0 || std::ferror(stdout))
    return report_error(Error(ErrorCode::io, "cannot write to standard output"));
  return kExitOk;
}

int run_validate(const ValidateArgs& args, const GlobalOptions& g) {
  std::vector<rules::RuleFile> files;
  std::vector<rules::Problem> read_problems;
  if (args.files.empty()) files.push_back(rules::default_rules());
  for (const auto& path : args.files) {
    auto f = rules::read_rule_file(path);
    if (!f.ok()) {
      read_problems.push_back(rules::Problem{rules::Severity::error, "rules.file-error", f.error().message(), path, 0, ""});
      continue;
    }
    files.push_back(std::move(*f));
  }
  rules::LoadResult res = rules::load_rules(files);
  res.problems.insert(res.problems.begin(), read_problems.begin(), read_problems.end());

  size_t active = 0, off = 0, unsupported = 0, broken = 0, other_source = 0;
  std::map<std::string, size_t> lacking;  // field -> rules that lack it
  for (const auto& r : res.rules) {
    if (r.active) ++active;
    else if (r.source != "syscall") ++other_source;
    else if (!r.unsupported.empty()) ++unsupported;
    else if (!r.enabled && r.reason == "disabled in the rules file") ++off;
    else ++broken;
    for (const auto& u : r.unsupported) ++lacking[u];
  }

  if (args.json) {
    json out = {{"schema", "dagda.rules-validate/v1"}, {"ok", res.ok()}, {"engine_version", rules::kFalcoEngineVersion}};
    out["files"] = json::array();
    for (const auto& f : files) out["files"].push_back(f.name);
    for (const auto& p : read_problems) out["files"].push_back(p.file);
    out["summary"] = {{"rules", res.rules.size()},
                      {"active", active},
                      {"disabled_in_file", off},
                      {"disabled_unsupported", unsupported},
                      {"other_source", other_source},
                      {"with_errors", broken},
                      {"lists", res.lists},
                      {"macros", res.macros},
                      {"errors", res.errors()},
                      {"warnings", res.warnings()}};
    out["problems"] = json::array();
    for (const auto& p : res.problems)
      out["problems"].push_back({{"severity", p.severity == rules::Severity::error ? "error" : "warning"},
                                 {"code", p.code},
                                 {"message", p.message},
                                 {"file", p.file},
                                 {"line", p.line ? json(p.line) : json(nullptr)},
                                 {"item", p.item}});
    out["rules"] = json::array();
    for (const auto& r : res.rules)
      out["rules"].push_back({{"name", r.name},
                              {"file", r.file},
                              {"line", r.line},
                              {"source", r.source},
                              {"priority", std::string(rules::priority_name(r.priority))},
                              {"tags", r.tags},
                              {"enabled", r.enabled},
                              {"active", r.active},
                              {"reason", r.reason.empty() ? json(nullptr) : json(r.reason)},
                              {"unsupported", r.unsupported},
                              {"event_types", r.event_types}});
    out["unsupported"] = lacking;
    int rc = write_out(out.dump(2) + "\n");
    if (rc != kExitOk) return rc;
    return res.ok() ? kExitOk : kExitFailure;
  }

  std::string text;
  for (const auto& p : res.problems) {
    if (p.severity == rules::Severity::warning && g.quiet) continue;
    text += p.render() + "\n";
  }
  text += fmt::format("{} rule{} in {} file{} ({} lists, {} macros): {} active", res.rules.size(),
                      res.rules.size() == 1 ? "" : "s", files.size() + read_problems.size(),
                      files.size() + read_problems.size() == 1 ? "" : "s", res.lists, res.macros, active);
  if (off) text += fmt::format(", {} disabled in the files", off);
  if (unsupported) text += fmt::format(", {} disabled because Dagda lacks a field they use", unsupported);
  if (other_source) text += fmt::format(", {} for event sources Dagda does not read", other_source);
  if (broken) text += fmt::format(", {} with errors", broken);
  text += fmt::format("; {} error{}, {} warning{}\n", res.errors(), res.errors() == 1 ? "" : "s", res.warnings(),
                      res.warnings() == 1 ? "" : "s");
  if (!lacking.empty()) {
    text += "lacking:";
    for (const auto& [f, n] : lacking) text += fmt::format(" {} ({} rule{})", f, n, n == 1 ? "" : "s");
    text += "\n";
  }
  int rc = write_out(text);
  if (rc != kExitOk) return rc;
  return res.ok() ? kExitOk : kExitFailure;
}

int run_fields(bool as_json) {
  if (as_json) {
    json out = json::array();
    for (const auto& f : rules::supported_fields())
      out.push_back({{"name", f.name},
                     {"type", std::string(rules::field_type_name(f.type))},
                     {"argument", f.arg == rules::ArgKind::none ? json(nullptr)
                                  : json(f.arg == rules::ArgKind::index ? "index"
                                         : f.arg == rules::ArgKind::key ? "key" : "index or key")},
                     {"description", f.description}});
    return write_out(json{{"schema", "dagda.rules-fields/v1"}, {"fields", out}}.dump(2) + "\n");
  }
  std::string text;
  for (const auto& f : rules::supported_fields())
    text += fmt::format("{:<42} {:<8} {}\n", f.name, rules::field_type_name(f.type), f.description);
  return write_out(text);
}

}  // namespace

void add_rules(CLI::App& app, Cli& cli) {
  CLI::App* cmd = app.add_subcommand("rules", "Falco-compatible runtime rules");
  cmd->require_subcommand(1);

  auto args = std::make_shared<ValidateArgs>();
  CLI::App* validate = cmd->add_subcommand(
      "validate",
      "Load rule files in order, as `falco -V` does, and report what fails or what Dagda lacks (exit 1 on errors); "
      "without FILE, Dagda's built-in default rules");
  validate->add_option("files", args->files, "Falco rule files (YAML), loaded in this order");
  validate->add_flag("--json", args->json, "Print a JSON report (dagda.rules-validate/v1)");
  validate->callback([args, &cli] { cli.exit_code = run_validate(*args, cli.global); });

  auto fields_json = std::make_shared<bool>(false);
  CLI::App* fields = cmd->add_subcommand("fields", "List the fields Dagda's rule engine supports");
  fields->add_flag("--json", *fields_json, "Print JSON");
  fields->callback([fields_json, &cli] { cli.exit_code = run_fields(*fields_json); });
}

}  // namespace dagda::cli
