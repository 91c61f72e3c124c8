// Fuzzes the rule engine. What the input is depends on its first byte:
//   '#', '-' or a blank: the whole input is a rules file, for the loader and
//      compiler (Falco's real rule files are the seeds: fuzz/seeds.txt);
//   otherwise, an even byte: the rest is a condition for the parser alone;
//   an odd byte: the rest is a condition put in a rule after a few lists and
//      macros and with an exception (so that expansion runs), compiled and
//      evaluated on two events.
// Checks: the parser's error position lies inside the text, every load
// problem names the file and has a code, ok() agrees with the count of
// errors, and each active rule has a compiled filter.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "rules/ast.hpp"
#include "rules/engine.hpp"
#include "rules/event_types.hpp"

namespace {

using namespace dagda::rules;

constexpr std::string_view kPrelude =
    "- list: shells\n  items: [bash, sh, zsh]\n"
    "- list: more_shells\n  items: [shells, dash, \"/bin/ash\"]\n"
    "- macro: spawned_process\n  condition: evt.type in (execve, execveat) and evt.dir = <\n"
    "- macro: container\n  condition: container.id != host\n"
    "- macro: never_true\n  condition: evt.num = 0\n";

void check_load(const LoadResult& r, const std::string& file) {
  size_t errors = 0;
  for (const auto& p : r.problems) {
    if (p.file != file) std::abort();
    if (p.code.empty() || p.message.empty()) std::abort();
    if (p.severity == Severity::error) ++errors;
  }
  if (errors != r.errors() || r.ok() != (errors == 0)) std::abort();
  if (!r.ruleset) return;
  size_t active = 0;
  for (const auto& s : r.rules) active += s.active;
  if (active != r.ruleset->rules().size()) std::abort();
  for (const auto& c : r.ruleset->rules())
    if (!c->filter) std::abort();
}

void evaluate(const LoadResult& r) {
  if (!r.ruleset || r.ruleset->rules().empty()) return;
  Process parent;
  parent.name = "bash";
  parent.exepath = "/bin/bash";
  Process p;
  p.name = "curl";
  p.exe = "curl";
  p.exepath = "/usr/bin/curl";
  p.args = {"-s", "http://203.0.113.7:4444/x"};
  p.env = {"HOME=/root"};
  p.parent = &parent;
  Container c;
  c.id = "9656db3bb358f0e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d";
  c.name = "web";
  c.image_repository = "docker.io/library/nginx";
  c.mounts = {{"/proc", "/host/proc", "ro", false, "rprivate"}};
  Fd f;
  f.num = 3;
  f.type = FdType::ipv4;
  f.l4proto = L4Proto::tcp;
  f.role = FdRole::client;
  f.cip = IpAddr::v4(172, 17, 0, 2);
  f.sip = IpAddr::v4(203, 0, 113, 7);
  f.cport = 40000;
  f.sport = 4444;
  Engine eng(r.ruleset, {.hostname = "fuzz", .all_matches = true});
  std::vector<Alert> alerts;
  Event e;
  e.time_ns = 1715108059341081180ull;
  e.proc = &p;
  e.container = &c;
  e.type = event_type_id("execve").value_or(0);
  e.res = 0;
  eng.process(e, alerts);
  e.type = event_type_id("connect").value_or(0);
  e.fd = &f;
  e.args = {{"fd", "3", 3}};
  eng.process(e, alerts);
  for (const auto& a : alerts)
    if (a.rule.empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string_view all(reinterpret_cast<const char*>(data), size);
  std::string_view in = all.substr(1);
  const uint8_t mode = data[0];
  if (mode == '#' || mode == '-' || mode == ' ' || mode == '\n' || mode == '\t') {
    const std::string file = "fuzz.yaml";
    auto r = load_rules({RuleFile{file, std::string(all)}});  // the limits dagda rules validate has
    check_load(r, file);
    evaluate(r);
    return 0;
  }
  switch (mode % 2) {
    case 0: {
      ParseError err;
      auto e = parse_condition(in, err, 200);
      if (!e && err.pos > in.size()) std::abort();
      if (e) (void)e->clone();
      break;
    }
    default: {
      // The condition as a YAML block scalar, so that any text is a condition.
      std::string text(kPrelude);
      text += "- rule: Fuzzed\n  desc: d\n  output: \"%proc.name %fd.name %container.id\"\n  priority: WARNING\n"
              "  exceptions:\n    - name: known\n      fields: [proc.name, fd.sport]\n      values: [[wget, 80]]\n"
              "  condition: |-\n";
      size_t start = 0;
      while (start <= in.size()) {
        size_t nl = in.find('\n', start);
        std::string_view line = in.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
        text += "    ";
        text += line;
        text += '\n';
        if (nl == std::string_view::npos) break;
        start = nl + 1;
      }
      const std::string file = "fuzz.yaml";
      LoadLimits lim;
      lim.max_nodes = 20'000;
      lim.max_total_nodes = 200'000;
      auto r = load_rules({RuleFile{file, text}}, lim);
      check_load(r, file);
      evaluate(r);
      break;
    }
  }
  return 0;
}
