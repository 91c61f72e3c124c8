// Loading rule files: Falco's item semantics (appends, overrides, exceptions,
// versions, sources), and hostile or broken files: every problem names the
// file and line, the load fails cleanly, and time and memory stay bounded.
#include <gtest/gtest.h>

#include <chrono>

#include "rules_test_util.hpp"

namespace dagda::rules::test {
namespace {

const Problem* find_problem(const LoadResult& r, const std::string& code) {
  for (const auto& p : r.problems)
    if (p.code == code) return &p;
  return nullptr;
}

// One execve event of `name` (comm and exepath) with `parent`, in a container.
struct Exec {
  World w;
  Event e;
  Exec(const std::string& name, const std::string& parent = "bash", bool in_container = true) {
    Process& pp = w.proc(parent, "/bin/" + parent);
    Process& p = w.proc(name, "/usr/bin/" + name, {"-x"}, &pp);
    e.type = type_of("execve");
    e.proc = &p;
    if (in_container) e.container = &w.container();
    e.time_ns = 1715108059341081180ull;
  }
};

std::vector<std::string> fired(const LoadResult& r, const Event& e) {
  Engine eng(r.ruleset, {.hostname = "h", .all_matches = true});
  std::vector<const CompiledRule*> m;
  eng.match(e, m);
  std::vector<std::string> names;
  for (auto* c : m) names.push_back(c->name);
  return names;
}

TEST(RulesLoader, YamlSyntaxErrorNamesFileAndLine) {
  auto r = load_text("- rule: a\n  desc: x\n  condition: [unclosed\n", "broken.yaml");
  ASSERT_FALSE(r.ok());
  const Problem* p = find_problem(r, "rules.yaml-error");
  ASSERT_TRUE(p) << problems_text(r);
  EXPECT_EQ(p->file, "broken.yaml");
  EXPECT_GT(p->line, 0u);
  EXPECT_NE(p->render().find("broken.yaml:"), std::string::npos);
}

TEST(RulesLoader, StructureErrors) {
  EXPECT_FALSE(load_text("rule: not a sequence\n").ok());
  auto r = load_text("- just a string\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problems[0].line, 1u);
  r = load_text(
      "- list: ok\n  items: [a]\n"
      "- rule: no output\n  desc: d\n  condition: proc.name=a\n  priority: WARNING\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(problems_text(r).find(":3: error: rule 'no output': the item has no 'output' key"), std::string::npos)
      << problems_text(r);
  r = load_text("- rule: r\n  desc: d\n  condition: proc.name=a\n  output: o\n  priority: LOUD\n");
  EXPECT_NE(problems_text(r).find("invalid priority 'LOUD'"), std::string::npos) << problems_text(r);
  // An empty file and an empty document are fine.
  EXPECT_TRUE(load_text("").ok());
  EXPECT_TRUE(load_text("# only a comment\n").ok());
}

TEST(RulesLoader, UnknownKeysAndItemsWarn) {
  auto r = load_text(
      "- rule: r\n  desc: d\n  condition: proc.name=a\n  output: o\n  priority: info\n  colour: red\n"
      "- banana: yes\n");
  EXPECT_TRUE(r.ok()) << problems_text(r);
  EXPECT_TRUE(find_problem(r, "rules.unknown-key"));
  EXPECT_TRUE(find_problem(r, "rules.unknown-item"));
  EXPECT_EQ(status(r, "r")->priority, Priority::informational);
}

TEST(RulesLoader, UnknownFieldIsAnErrorWithTheConditionLine) {
  auto r = load_text(
      "- rule: typo\n"
      "  desc: d\n"
      "  condition: >\n"
      "    evt.type = execve and proc.nmae = bash\n"
      "  output: o\n"
      "  priority: WARNING\n",
      "typo.yaml");
  ASSERT_FALSE(r.ok());
  const Problem* p = find_problem(r, "rules.unknown-field");
  ASSERT_TRUE(p) << problems_text(r);
  EXPECT_EQ(p->file, "typo.yaml");
  EXPECT_EQ(p->line, 3u);
  EXPECT_EQ(p->item, "rule 'typo'");
  EXPECT_NE(p->message.find("proc.nmae"), std::string::npos);
  EXPECT_FALSE(status(r, "typo")->active);
}

TEST(RulesLoader, FieldFalcoKnowsDisablesTheRuleWithAWarning) {
  auto r = load_text(
      "- rule: dns\n  desc: d\n  condition: evt.type=connect and fd.sip.name = example.com\n  output: o\n"
      "  priority: NOTICE\n"
      "- rule: fine\n  desc: d\n  condition: evt.type=connect and fd.sport = 22\n  output: o %k8s.pod.name\n"
      "  priority: NOTICE\n");
  EXPECT_TRUE(r.ok()) << problems_text(r);
  const RuleStatus* s = status(r, "dns");
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->active);
  EXPECT_EQ(s->unsupported, std::vector<std::string>{"fd.sip.name"});
  const Problem* p = find_problem(r, "rules.unsupported-field");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->severity, Severity::warning);
  EXPECT_NE(p->message.find("DNS"), std::string::npos) << p->message;
  // An output field Falco knows and Dagda does not prints <NA>; the rule stays active.
  EXPECT_TRUE(status(r, "fine")->active);
  EXPECT_TRUE(find_problem(r, "rules.unsupported-output-field"));
}

TEST(RulesLoader, UnknownEventTypeAndArgument) {
  auto r = load_text("- rule: r\n  desc: d\n  condition: evt.type = exceve\n  output: o\n  priority: INFO\n");
  EXPECT_TRUE(find_problem(r, "rules.unknown-event-type")) << problems_text(r);
  r = load_text("- rule: r\n  desc: d\n  condition: evt.arg.nosucharg = 1\n  output: o\n  priority: INFO\n");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(problems_text(r).find("nosucharg"), std::string::npos);
}

TEST(RulesLoader, BadValuesAndOperators) {
  auto check = [](const std::string& cond, const std::string& code) {
    auto r = load_text("- rule: r\n  desc: d\n  condition: " + cond + "\n  output: o\n  priority: INFO\n");
    EXPECT_TRUE(find_problem(r, code)) << cond << "\n" << problems_text(r);
  };
  check("proc.pid = abc", "rules.bad-value");
  check("proc.tty contains 1", "rules.bad-operator");
  check("container.privileged = yes", "rules.bad-value");
  check("fd.sip = 300.1.1.1", "rules.bad-value");
  check("fd.net = 10.0.0.0/99", "rules.bad-value");
  check("proc.name regex '('", "rules.bad-value");
  check("fd.sport = 70000", "rules.bad-value");
  check("proc.name bcontains 41", "rules.bad-operator");
  check("proc.name = val(proc.pid)", "rules.bad-operator");
  check("tolower(proc.pid) = 1", "rules.syntax-error");
  check("proc.aname[x] = a", "rules.syntax-error");
  check("proc.name[1] = a", "rules.syntax-error");
  check("container.label = a", "rules.syntax-error");
}

TEST(RulesLoader, MacroLoopIsAnErrorNamingTheMacros) {
  // b is redefined after c, so it may see c: b -> c -> b.
  auto r = load_text(
      "- macro: a\n  condition: proc.name = x\n"
      "- macro: b\n  condition: a\n"
      "- macro: c\n  condition: b and proc.pid > 1\n"
      "- macro: b\n  condition: c\n"
      "- rule: r\n  desc: d\n  condition: evt.type = execve and b\n  output: o\n  priority: INFO\n",
      "loop.yaml");
  ASSERT_FALSE(r.ok());
  const Problem* p = find_problem(r, "rules.macro-loop");
  ASSERT_TRUE(p) << problems_text(r);
  EXPECT_EQ(p->file, "loop.yaml");
  EXPECT_GT(p->line, 0u);
  EXPECT_NE(p->message.find("b -> c -> b"), std::string::npos) << p->message;
  EXPECT_FALSE(status(r, "r")->active);
  // A macro may not refer to itself.
  r = load_text("- macro: m\n  condition: m or proc.name=a\n"
                "- rule: r\n  desc: d\n  condition: m\n  output: o\n  priority: INFO\n");
  EXPECT_FALSE(r.ok());
}

TEST(RulesLoader, UndefinedAndLaterMacros) {
  auto r = load_text("- rule: r\n  desc: d\n  condition: evt.type=open and nosuchmacro\n  output: o\n  priority: INFO\n");
  EXPECT_TRUE(find_problem(r, "rules.undefined-macro")) << problems_text(r);
  // A macro may only use macros defined before it (Falco's visibility); a rule may use any.
  r = load_text(
      "- macro: early\n  condition: late\n"
      "- macro: late\n  condition: proc.name = x\n"
      "- rule: r\n  desc: d\n  condition: late\n  output: o\n  priority: INFO\n");
  const Problem* p = find_problem(r, "rules.undefined-macro");
  ASSERT_TRUE(p) << problems_text(r);
  EXPECT_EQ(p->item, "macro 'early'");
  EXPECT_TRUE(status(r, "r")->active);
}

TEST(RulesLoader, NestedListsExpand) {
  auto r = load_text(
      "- list: l0\n  items: [a]\n"
      "- list: l1\n  items: [l0, b]\n"
      "- list: l2\n  items: [l1, '\"c d\"']\n"
      "- rule: r\n  desc: d\n  condition: evt.type = execve and proc.name in (l2, e)\n  output: o\n  priority: INFO\n");
  ASSERT_TRUE(r.ok()) << problems_text(r);
  for (const char* n : {"a", "b", "c d", "e"}) {
    Exec x(n);
    EXPECT_EQ(fired(r, x.e), std::vector<std::string>{"r"}) << n;
  }
  Exec other("l0");
  EXPECT_TRUE(fired(r, other.e).empty());
}

TEST(RulesLoader, ListLoopThroughAppendIsAnError) {
  auto r = load_text(
      "- list: a\n  items: [x]\n"
      "- list: b\n  items: [a]\n"
      "- list: a\n  items: [b]\n  override:\n    items: append\n"
      "- rule: r\n  desc: d\n  condition: proc.name in (a)\n  output: o\n  priority: INFO\n");
  EXPECT_TRUE(find_problem(r, "rules.list-loop")) << problems_text(r);
  EXPECT_FALSE(r.ok());
}

TEST(RulesLoader, AppendsAndOverrides) {
  auto r = load_rules({RuleFile{"base.yaml",
                                "- list: progs\n  items: [a]\n"
                                "- macro: m\n  condition: proc.name in (progs)\n"
                                "- rule: R\n  desc: d\n  condition: evt.type = execve and m\n"
                                "  output: first %proc.name\n  priority: WARNING\n  tags: [t1]\n"},
                       RuleFile{"local.yaml",
                                "- list: progs\n  items: [b]\n  override:\n    items: append\n"
                                "- macro: m\n  condition: or proc.name = c\n  override:\n    condition: append\n"
                                "- rule: R\n  condition: and not proc.pname = init\n  output: more\n  tags: [t2]\n"
                                "  override:\n    condition: append\n    output: append\n    tags: append\n"
                                "- rule: R\n  priority: CRITICAL\n  override:\n    priority: replace\n"}});
  ASSERT_TRUE(r.ok()) << problems_text(r);
  const RuleStatus* s = status(r, "R");
  EXPECT_EQ(s->priority, Priority::critical);
  EXPECT_EQ(s->tags, (std::vector<std::string>{"t1", "t2"}));
  for (const char* n : {"a", "b", "c"}) {
    Exec x(n);
    EXPECT_EQ(fired(r, x.e).size(), 1u) << n;
  }
  Exec by_init("a", "init");
  EXPECT_TRUE(fired(r, by_init.e).empty());
  // The appended output.
  Exec x("a");
  Engine eng(r.ruleset, {.hostname = "h"});
  std::vector<Alert> alerts;
  eng.process(x.e, alerts);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_NE(alerts[0].output.find("first a more"), std::string::npos) << alerts[0].output;
  EXPECT_EQ(alerts[0].priority, Priority::critical);
}

TEST(RulesLoader, ReplaceAndEnabled) {
  auto r = load_text(
      "- rule: R\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: INFO\n"
      "- rule: R\n  condition: evt.type = execve and proc.name = z\n  override:\n    condition: replace\n"
      "- rule: S\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: INFO\n"
      "- rule: S\n  enabled: false\n");
  ASSERT_TRUE(r.ok()) << problems_text(r);
  EXPECT_TRUE(find_problem(r, "rules.deprecated"));
  EXPECT_FALSE(status(r, "S")->active);
  EXPECT_EQ(status(r, "S")->reason, "disabled in the rules file");
  Exec a("a"), z("z");
  EXPECT_TRUE(fired(r, a.e).empty());
  EXPECT_EQ(fired(r, z.e), std::vector<std::string>{"R"});
}

TEST(RulesLoader, OverrideErrors) {
  auto r = load_text("- rule: nothere\n  condition: x\n  override:\n    condition: append\n");
  EXPECT_TRUE(find_problem(r, "rules.no-previous")) << problems_text(r);
  r = load_text(
      "- rule: R\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: INFO\n"
      "- rule: R\n  priority: INFO\n  override:\n    priority: append\n");
  EXPECT_NE(problems_text(r).find("cannot be appended"), std::string::npos) << problems_text(r);
  r = load_text(
      "- rule: R\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: INFO\n"
      "- rule: R\n  condition: and a\n  output: x\n  override:\n    condition: append\n");
  EXPECT_NE(problems_text(r).find("unexpected key 'output'"), std::string::npos) << problems_text(r);
  r = load_text("- list: l\n  items: [a]\n  append: true\n  override:\n    items: append\n");
  EXPECT_FALSE(r.ok());
}

TEST(RulesLoader, Exceptions) {
  auto r = load_text(
      "- list: allowed_images\n  items: [docker.io/library/nginx]\n"
      "- rule: R\n  desc: d\n  condition: evt.type = execve and container.id != host\n  output: o\n"
      "  priority: INFO\n"
      "  exceptions:\n"
      "    - name: by_name\n      fields: proc.name\n      values: [trusted, '\"with space\"']\n"
      "    - name: by_image_and_parent\n      fields: [container.image.repository, proc.pname]\n"
      "      comps: [in, startswith]\n      values:\n        - [allowed_images, syst]\n"
      "- rule: R\n  exceptions:\n    - name: by_name\n      values: [also]\n"
      "  override:\n    exceptions: append\n");
  ASSERT_TRUE(r.ok()) << problems_text(r);
  Exec plain("tool");
  EXPECT_EQ(fired(r, plain.e).size(), 1u);
  Exec t("trusted"), s("with space"), also("also");
  EXPECT_TRUE(fired(r, t.e).empty());
  EXPECT_TRUE(fired(r, s.e).empty());
  EXPECT_TRUE(fired(r, also.e).empty());
  Exec bysys("tool", "systemd");  // nginx image and parent starting with "syst"
  EXPECT_TRUE(fired(r, bysys.e).empty());
  Exec bybash("tool", "bash");
  EXPECT_EQ(fired(r, bybash.e).size(), 1u);
  // Mismatched lengths and bad comps are errors.
  r = load_text(
      "- rule: R\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: INFO\n"
      "  exceptions:\n    - name: x\n      fields: [proc.name, proc.pname]\n      comps: [=]\n");
  EXPECT_NE(problems_text(r).find("equal length"), std::string::npos) << problems_text(r);
  r = load_text(
      "- rule: R\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: INFO\n"
      "  exceptions:\n    - name: x\n      fields: proc.name\n      comps: '='\n      values: [a]\n");
  EXPECT_FALSE(r.ok());
}

TEST(RulesLoader, EngineAndPluginVersions) {
  EXPECT_TRUE(load_text("- required_engine_version: 17\n").ok());
  EXPECT_TRUE(load_text("- required_engine_version: 0.57.0\n").ok());
  auto r = load_text("- required_engine_version: 0.99.0\n", "new.yaml");
  const Problem* p = find_problem(r, "rules.engine-version");
  ASSERT_TRUE(p) << problems_text(r);
  EXPECT_EQ(p->line, 1u);
  EXPECT_FALSE(load_text("- required_engine_version: banana\n").ok());
  r = load_text("- required_plugin_versions:\n    - name: container\n      version: 0.4.0\n");
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.problems.empty()) << problems_text(r);
  r = load_text("- required_plugin_versions:\n    - name: k8saudit\n      version: 0.7.0\n");
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(find_problem(r, "rules.plugin-not-provided"));
  EXPECT_FALSE(load_text("- required_plugin_versions:\n    - name: x\n      version: nope\n").ok());
}

TEST(RulesLoader, OtherSourcesAreCheckedNotRun) {
  auto r = load_text(
      "- rule: K\n  desc: d\n  condition: ka.verb = create and ka.target.resource = pods\n"
      "  output: o %ka.user.name\n  priority: WARNING\n  source: k8s_audit\n"
      "- rule: Bad\n  desc: d\n  condition: ka.nosuch = x\n  output: o\n  priority: WARNING\n  source: k8s_audit\n"
      "- rule: Strange\n  desc: d\n  condition: x.y = z\n  output: o\n  priority: WARNING\n  source: martian\n");
  EXPECT_FALSE(r.ok());  // ka.nosuch
  EXPECT_TRUE(find_problem(r, "rules.unknown-field"));
  const RuleStatus* k = status(r, "K");
  ASSERT_TRUE(k);
  EXPECT_FALSE(k->active);
  EXPECT_EQ(k->unsupported, std::vector<std::string>{"source k8s_audit"});
  EXPECT_TRUE(find_problem(r, "rules.unsupported-source"));
  EXPECT_TRUE(find_problem(r, "rules.unknown-source"));
  // A field of another source in a syscall rule is unknown.
  r = load_text("- rule: R\n  desc: d\n  condition: ka.verb = x\n  output: o\n  priority: INFO\n");
  EXPECT_TRUE(find_problem(r, "rules.unknown-field"));
}

TEST(RulesLoader, OutputErrors) {
  auto r = load_text("- rule: R\n  desc: d\n  condition: evt.type=open\n  output: 100% sure\n  priority: INFO\n");
  EXPECT_TRUE(find_problem(r, "rules.output-error")) << problems_text(r);
  r = load_text("- rule: R\n  desc: d\n  condition: evt.type=open\n  output: x %proc.nosuch\n  priority: INFO\n");
  EXPECT_TRUE(find_problem(r, "rules.unknown-field")) << problems_text(r);
  r = load_text("- rule: R\n  desc: d\n  condition: evt.type=open\n  output: ends with %\n  priority: INFO\n");
  EXPECT_FALSE(r.ok());
  r = load_text("- rule: R\n  desc: d\n  condition: evt.type=open\n  output: x %fd.net\n  priority: INFO\n");
  EXPECT_FALSE(r.ok());
}

// ---- hostile and huge input ----

TEST(RulesLoader, BillionLaughsFailsCleanly) {
  std::string y = "- list: l0\n  items: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i <= 9; ++i) {
    y += "- list: l" + std::to_string(i) + "\n  items: &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) y += (j ? ", *a" : "*a") + std::to_string(i - 1);
    y += "]\n";
  }
  auto t0 = std::chrono::steady_clock::now();
  auto r = load_text(y, "laughs.yaml");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20));
  ASSERT_FALSE(r.ok());
  const Problem* p = find_problem(r, "rules.yaml-error");
  ASSERT_TRUE(p) << problems_text(r);
  EXPECT_NE(p->message.find("aliases"), std::string::npos) << p->message;
}

TEST(RulesLoader, ExponentialMacrosAndListsFailCleanly) {
  std::string y = "- macro: m0\n  condition: proc.name = a\n";
  for (int i = 1; i <= 40; ++i)
    y += "- macro: m" + std::to_string(i) + "\n  condition: m" + std::to_string(i - 1) + " or m" +
         std::to_string(i - 1) + "\n";
  y += "- rule: R\n  desc: d\n  condition: evt.type = execve and m40\n  output: o\n  priority: INFO\n";
  auto t0 = std::chrono::steady_clock::now();
  auto r = load_text(y);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(30));
  EXPECT_TRUE(find_problem(r, "rules.too-large")) << problems_text(r).substr(0, 2000);
  EXPECT_FALSE(status(r, "R")->active);

  std::string l = "- list: l0\n  items: [a, b]\n";
  for (int i = 1; i <= 40; ++i)
    l += "- list: l" + std::to_string(i) + "\n  items: [l" + std::to_string(i - 1) + ", l" + std::to_string(i - 1) + "]\n";
  l += "- rule: R\n  desc: d\n  condition: proc.name in (l40)\n  output: o\n  priority: INFO\n";
  t0 = std::chrono::steady_clock::now();
  r = load_text(l);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(30));
  EXPECT_TRUE(find_problem(r, "rules.too-large")) << problems_text(r).substr(0, 2000);
}

TEST(RulesLoader, DeepMacroChainIsBounded) {
  // 6000 macros, each wrapping the one before: deeper than Dagda expands.
  std::string y = "- macro: m0\n  condition: proc.name = a\n";
  for (int i = 1; i <= 6000; ++i)
    y += "- macro: m" + std::to_string(i) + "\n  condition: (m" + std::to_string(i - 1) + " and proc.pid > 0)\n";
  y += "- rule: R\n  desc: d\n  condition: evt.type = execve and m6000\n  output: o\n  priority: INFO\n";
  // 300 macros deep (600 levels once expanded) is still within the 1000-level bound.
  y += "- rule: S\n  desc: d\n  condition: evt.type = execve and m300\n  output: o\n  priority: INFO\n";
  auto r = load_text(y);
  EXPECT_TRUE(find_problem(r, "rules.too-large")) << problems_text(r).substr(0, 2000);
  EXPECT_FALSE(status(r, "R")->active);
  ASSERT_TRUE(status(r, "S")->active) << status(r, "S")->reason;
  Exec a("a");
  EXPECT_EQ(fired(r, a.e), std::vector<std::string>{"S"});
}

TEST(RulesLoader, TenThousandRules) {
  std::string y = "- list: names\n  items: [";
  for (int i = 0; i < 100; ++i) y += (i ? ", n" : "n") + std::to_string(i);
  y += "]\n- macro: spawned\n  condition: evt.type in (execve, execveat)\n";
  for (int i = 0; i < 10000; ++i) {
    y += "- rule: rule " + std::to_string(i) + "\n  desc: generated\n  condition: spawned and proc.name = p" +
         std::to_string(i) + " and not proc.pname in (names)";
    if (i % 3 == 0) y += " and fd.name startswith /etc/";
    y += "\n  output: hit %proc.name %proc.cmdline %container.id\n  priority: " +
         std::string(i % 2 ? "WARNING" : "NOTICE") + "\n  tags: [gen]\n";
  }
  auto t0 = std::chrono::steady_clock::now();
  auto r = load_text(y, "10k.yaml");
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(took, std::chrono::seconds(120));  // a hang bound, not a timing assertion
  ASSERT_TRUE(r.ok()) << problems_text(r).substr(0, 2000);
  EXPECT_EQ(r.rules.size(), 10000u);
  size_t active = 0;
  for (const auto& s : r.rules) active += s.active;
  EXPECT_EQ(active, 10000u);
  Exec x("p4243");
  EXPECT_EQ(fired(r, x.e), std::vector<std::string>{"rule 4243"});
  // An open event meets none of them (indexed by event type).
  Event open = x.e;
  open.type = type_of("openat");
  EXPECT_TRUE(r.ruleset->candidates(open.type).empty());
  EXPECT_EQ(r.ruleset->candidates(x.e.type).size(), 10000u);
}

TEST(RulesLoader, HugeList) {
  std::string y = "- list: big\n  items: [";
  for (int i = 0; i < 200000; ++i) y += (i ? ", x" : "x") + std::to_string(i);
  y += "]\n- rule: R\n  desc: d\n  condition: evt.type = execve and proc.name in (big)\n  output: o\n"
       "  priority: INFO\n";
  auto t0 = std::chrono::steady_clock::now();
  auto r = load_text(y);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(60));
  ASSERT_TRUE(r.ok()) << problems_text(r);
  Exec hit("x199999"), miss("x200000");
  EXPECT_EQ(fired(r, hit.e).size(), 1u);
  EXPECT_TRUE(fired(r, miss.e).empty());
}

TEST(RulesLoader, DeepYamlFailsCleanly) {
  std::string y = "- list: l\n  items: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  auto r = load_text(y);
  EXPECT_FALSE(r.ok());
  const Problem* p = find_problem(r, "rules.yaml-error");
  ASSERT_TRUE(p) << problems_text(r);
  EXPECT_NE(p->message.find("nested too deeply"), std::string::npos) << p->message;
  EXPECT_EQ(p->line, 2u);
}

TEST(RulesLoader, DeeplyNestedConditionFailsCleanly) {
  std::string cond = std::string(5000, '(') + "proc.name = a" + std::string(5000, ')');
  auto r = load_text("- rule: R\n  desc: d\n  condition: \"" + cond + "\"\n  output: o\n  priority: INFO\n");
  const Problem* p = find_problem(r, "rules.syntax-error");
  ASSERT_TRUE(p) << problems_text(r);
  EXPECT_NE(p->message.find("nested too deeply"), std::string::npos);
}

TEST(RulesLoader, BinaryGarbageFailsCleanly) {
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk += static_cast<char>((i * 7919) % 256);
  auto r = load_text(junk);
  EXPECT_FALSE(r.ok());
}

TEST(RulesLoader, ReadRuleFileErrors) {
  auto missing = read_rule_file("/nonexistent/rules.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::not_found);
  auto dir = read_rule_file("/");
  ASSERT_FALSE(dir.ok());
}

}  // namespace
}  // namespace dagda::rules::test
