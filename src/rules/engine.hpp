// rules/engine.hpp: Falco rule files loaded, checked and compiled, and events
// evaluated against them.
//
//   auto loaded = rules::load_rules({*rules::read_rule_file("falco_rules.yaml")});
//   if (!loaded.ok()) ... loaded.problems name the file and line of each error
//   rules::Engine engine(loaded.ruleset, {.hostname = "node1"});
//   engine.process(event, alerts);   // alerts in Falco's JSON shape
//
// Files load in order, as `falco -r a.yaml -r b.yaml` does: later files append
// to or override the lists, macros and rules of earlier ones.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "rules/event.hpp"
#include "rules/filter.hpp"
#include "rules/output.hpp"

namespace dagda::rules {

// The Falco engine version whose rule syntax Dagda reads (required_engine_version
// above it is a load error).
inline constexpr const char* kFalcoEngineVersion = "0.63.0";

enum class Severity : uint8_t { error, warning };

// One problem found while loading: an error makes the load fail (exit 1 for
// `dagda rules validate`); a warning does not.
struct Problem {
  Severity severity = Severity::error;
  std::string code;     // stable: rules.syntax-error, rules.unsupported-field, ... (docs/warnings.md)
  std::string message;
  std::string file;
  uint32_t line = 0;    // 0: not known
  std::string item;     // "rule 'Terminal shell in container'", "macro 'container'", "list 'x'", or ""
  std::string render() const;  // "FILE:LINE: error: rule 'X': message [code]"
};

struct RuleStatus {
  std::string name, file, source;
  uint32_t line = 0;
  Priority priority = Priority::debug;
  std::vector<std::string> tags;
  bool enabled = true;   // as the rule files say
  bool active = false;   // compiled and evaluated on events
  std::string reason;    // why it is not active
  std::vector<std::string> unsupported;  // the fields, transformers or source it lacks
  size_t event_types = 0;                // how many event types it is indexed under
};

struct RuleFile {
  std::string name;     // a path, or a label such as "<dagda default rules>"
  std::string content;
};
// Reads a rule file (at most 16 MiB).
Result<RuleFile> read_rule_file(const std::string& path);
// Dagda's own default rules (rules/dagda_rules.yaml, built in).
RuleFile default_rules();

struct LoadLimits {
  uint32_t max_depth = 1000;             // condition nesting as written, as Falco's loader
  uint32_t max_expanded_depth = 1000;    // condition nesting once macros are expanded (deeper
                                         // recursion overflowed an 8 MiB stack in a sanitizer build)
  uint64_t max_nodes = 100'000;          // a condition after macro and exception expansion
  uint64_t max_total_nodes = 2'000'000;  // every condition of a load, after expansion
  uint64_t max_list_items = 1'000'000;   // a list after nested lists are expanded
};

class RuleSet;

struct LoadResult {
  std::vector<Problem> problems;
  std::vector<RuleStatus> rules;
  size_t lists = 0, macros = 0;
  // The active rules, compiled. Present even when there were errors (then it
  // holds the rules that compiled); callers that need a clean load check ok().
  std::shared_ptr<const RuleSet> ruleset;
  bool ok() const;
  size_t errors() const;
  size_t warnings() const;
};

LoadResult load_rules(const std::vector<RuleFile>& files, const LoadLimits& limits = {});

struct CompiledRule {
  std::string name;
  Priority priority = Priority::debug;
  std::vector<std::string> tags;
  std::string source;
  NodePtr filter;
  OutputFormat output;
  uint32_t order = 0;  // definition order
};

class RuleSet {
 public:
  const std::vector<std::unique_ptr<CompiledRule>>& rules() const { return rules_; }
  // The rules an event of this type meets, in definition order.
  const std::vector<const CompiledRule*>& candidates(EventTypeId type) const;
  size_t slots() const { return slots_; }
  // Fields every alert carries besides the rule's own (Falco's container plugin
  // adds these): container.id, container.name, container.image.repository and
  // the dagda.* fields.
  const OutputFormat& extra_fields() const { return extra_; }
  const OutputFormat& prefix() const { return prefix_; }

 private:
  friend class Compiler;
  std::vector<std::unique_ptr<CompiledRule>> rules_;
  std::vector<std::vector<const CompiledRule*>> by_type_;
  std::vector<const CompiledRule*> none_;
  OutputFormat extra_, prefix_;
  size_t slots_ = 0;
};

struct EngineOptions {
  std::string hostname;          // evt.hostname and the alert's hostname
  DagdaProvider provider;        // fills dagda.* fields; may be empty
  bool all_matches = false;      // Falco's rule_matching: false = first (Falco's default), true = all
};

// Evaluates events against a RuleSet. One Engine per thread.
class Engine {
 public:
  Engine(std::shared_ptr<const RuleSet> rules, EngineOptions opts);
  // Appends an alert for the first (or every) rule the event matches; returns how many.
  size_t process(const Event& e, std::vector<Alert>& out);
  // Only the names of the matching rules (no output formatting), for benchmarks and tests.
  size_t match(const Event& e, std::vector<const CompiledRule*>& out);
  Alert make_alert(const CompiledRule& r, const Event& e);

 private:
  std::shared_ptr<const RuleSet> rules_;
  EngineOptions opts_;
  EvalContext ctx_;
};

}  // namespace dagda::rules
