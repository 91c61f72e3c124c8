// node-core importer on the real files of is-my-node-vulnerable (core.json) and
// node-version-audit (rules-v1.json). Counts and, for the audit rules, which CVEs hold a
// version come from tests/integration/counts/node-core.py; for the core index, which
// advisories hold a version comes from Debian's node-semver (the library
// is-my-node-vulnerable itself uses). The version is a real Node.js release from the data.
#include "feed_run.hpp"
#include "vulndb/namespace.hpp"

#include <algorithm>
#include <iterator>
#include <ranges>
#include <set>
#include <sstream>

namespace dagda::importers {
namespace {

std::string core_path() {
  return test::testdata("vulndb/node-core/is-my-node-vulnerable-1.6.1-core.json");
}
std::string rules_path() {
  return test::testdata("vulndb/node-core/node-version-audit-rules-v1.json");
}

// "NSWG-CORE-K VERSION" for every advisory of the core index and every Node.js release of the
// audit rules that the advisory holds as is-my-node-vulnerable decides: node-semver says the
// release satisfies `vulnerable` and not `patched`.
std::set<std::string> node_semver_affected() {
  std::string js =
      "const s=require('semver');const d=require(process.argv[1]);"
      "const rel=Object.keys(require(process.argv[2]).releases);"
      "for (const [k,a] of Object.entries(d)) for (const v of rel) "
      "if (a.vulnerable && s.satisfies(v, a.vulnerable) && !(a.patched && s.satisfies(v, a.patched))) "
      "console.log('NSWG-CORE-'+k+' '+v)";
  int st = 0;
  std::string out = test::run_command("NODE_PATH=/usr/share/nodejs node -e \"" + js + "\" '" + core_path() + "' '" +
                                          rules_path() + "'",
                                      &st);
  EXPECT_EQ(st, 0) << out;
  std::set<std::string> ids;
  size_t pos = 0;
  while (pos < out.size()) {
    size_t nl = out.find('\n', pos);
    if (nl == std::string::npos) nl = out.size();
    if (nl > pos) ids.insert(out.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return ids;
}

TEST(NodeCoreImporter, RealFilesAndMatching) {
  // 18.20.4: a release of the audit rules' `releases` and Debian 12's nodejs.
  const std::string version = "18.20.4";
  feedtest::Run run;
  feedtest::import_into(run, {core_path(), rules_path()}, "node-core");
  ASSERT_TRUE(run.errors.empty()) << run.errors[0];
  EXPECT_EQ(run.detected["node-core"], 2u);
  auto want = feedtest::expected("node-core", {core_path(), rules_path(), "--at", version});
  EXPECT_EQ(run.sink.out.vulns.size(), want["vulnerabilities"].get<size_t>());
  EXPECT_EQ(run.sink.out.affected.size(), want["affected"].get<size_t>());

  const auto* cmp = vulndb::comparator_for("runtime");
  ASSERT_NE(cmp, nullptr);
  std::set<std::string> core_hit, rules_hit;
  for (const auto& a : run.sink.out.affected) {
    EXPECT_EQ(a.ns, "runtime");
    EXPECT_EQ(a.package, "node");
    auto r = cmp->satisfies(version, a.constraint);
    ASSERT_TRUE(r.ok()) << a.advisory_id << ": " << a.constraint;
    if (!*r) continue;
    if (a.advisory_id.starts_with("NSWG-CORE-"))
      core_hit.insert(a.advisory_id);
    else
      rules_hit.insert(a.vuln_id);
  }
  std::set<std::string> rules_want;
  for (const auto& c : want["affected_at"][version]) rules_want.insert(c.get<std::string>());
  EXPECT_EQ(rules_hit, rules_want);
  EXPECT_FALSE(rules_want.empty());
  (void)core_hit;  // the core index of this date patches 18.20.4 everywhere: checked for all releases below

  // Every advisory of the core index against every Node.js release there is, as node-semver decides.
  std::set<std::string> releases;
  {
    // A stream, not std::views::split: Clang 14 with libstdc++ 12 cannot instantiate it.
    std::istringstream lines(test::run_command("jq -r '.releases | keys[]' '" + rules_path() + "'"));
    for (std::string line; std::getline(lines, line);)
      if (!line.empty()) releases.insert(line);
  }
  ASSERT_GT(releases.size(), 600u);
  std::set<std::string> got_pairs;
  for (const auto& a : run.sink.out.affected) {
    if (!a.advisory_id.starts_with("NSWG-CORE-")) continue;
    for (const auto& v : releases) {
      auto r = cmp->satisfies(v, a.constraint);
      ASSERT_TRUE(r.ok()) << a.constraint;
      if (*r) got_pairs.insert(a.advisory_id + " " + v);
    }
  }
  std::set<std::string> want_pairs = node_semver_affected();
  ASSERT_GT(want_pairs.size(), 1000u);
  std::vector<std::string> extra, missing;
  std::set_difference(got_pairs.begin(), got_pairs.end(), want_pairs.begin(), want_pairs.end(), std::back_inserter(extra));
  std::set_difference(want_pairs.begin(), want_pairs.end(), got_pairs.begin(), got_pairs.end(),
                      std::back_inserter(missing));
  EXPECT_TRUE(extra.empty()) << extra.size() << " extra, first " << extra[0];
  EXPECT_TRUE(missing.empty()) << missing.size() << " missing, first " << missing[0];

  // A row's fixed version is outside its range, and so is the latest release of the line.
  for (const auto& a : run.sink.out.affected) {
    if (!a.fixed_version.empty()) {
      auto r = cmp->satisfies(a.fixed_version, a.constraint);
      EXPECT_TRUE(r.ok() && !*r) << a.vuln_id << " " << a.constraint << " fixed " << a.fixed_version;
    }
  }
}

TEST(NodeCoreImporter, BadInputs) {
  feedtest::error_of("node-core", "[]");
  feedtest::error_of("node-core", "{\"1\": {\"cve\": [], ");
  feedtest::error_of("node-core", "{\"cves\": 3, \"releases\": {}}");
  std::string core = test::slurp(core_path());
  std::string rules = test::slurp(rules_path());
  feedtest::truncations("node-core", core);
  feedtest::truncations("node-core", rules);
  // Odd records are skipped with a warning.
  vulndb::CollectSink sink;
  Diagnostics diag;
  const ImporterInfo* imp = find_importer("node-core");
  ASSERT_NE(imp, nullptr);
  ASSERT_TRUE(imp->parse(Entry{"x.json", "{\"1\": 7, \"2\": {\"cve\": [\"CVE-2020-1\"], \"vulnerable\": \"\"}}"}, sink,
                         diag)
                  .ok());
  ASSERT_TRUE(imp->parse(Entry{"y.json", "{\"cves\": {\"x\": {\"id\": \"nope\"}}, \"releases\": {\"v1\": {}}}"},
                         sink, diag)
                  .ok());
  std::multiset<std::string> codes;
  for (const auto& w : diag.take_all()) codes.insert(w.code);
  EXPECT_EQ(codes, (std::multiset<std::string>{"node-core.bad-advisory", "node-core.no-range", "node-core.bad-advisory",
                                               "node-core.bad-release"}));
  // Detection: the npm index and a single core advisory are not this importer's.
  EXPECT_EQ(imp->detect("index.json", "{\"1\": {\"module_name\": \"a\", \"vulnerable\": \"1\", \"cve\": []}}"), 0);
  EXPECT_EQ(imp->detect("1.json", "{\"cve\": [], \"vulnerable\": \"8.x\", \"patched\": \"^8.1\"}"), 0);
  EXPECT_EQ(imp->detect("core.json", core.substr(0, 4096)), 3);
  EXPECT_EQ(imp->detect("rules-v1.json", rules.substr(0, 4096)), 3);
}

}  // namespace
}  // namespace dagda::importers
