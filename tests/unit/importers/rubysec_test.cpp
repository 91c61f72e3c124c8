// RubySec importer on the real ruby-advisory-db; Ruby's own Gem::Requirement
// is the oracle for the affected constraints built from patched/unaffected.
#include <map>
#include <sstream>

#include "feed_run.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers {
namespace {

std::string archive() {
  return test::testdata("vulndb/rubysec-ruby-advisory-db.tar.xz");
}

TEST(RubysecImporter, RealDatabaseCounts) {
  feedtest::Run run;
  feedtest::import_into(run, {archive()}, "rubysec");
  ASSERT_TRUE(run.errors.empty()) << run.errors[0];
  auto want = feedtest::expected("rubysec", {archive()});
  EXPECT_EQ(run.sink.out.vulns.size(), want["vulnerabilities"].get<size_t>());
  EXPECT_EQ(run.sink.out.affected.size(), want["affected"].get<size_t>());
  EXPECT_EQ(run.detected["rubysec"], want["vulnerabilities"].get<size_t>());
  EXPECT_EQ(run.diag.size(), 0u);
  // gems/actionpack/CVE-2008-7248.yml
  const vulndb::Affected* a = nullptr;
  for (const auto& x : run.sink.out.affected)
    if (x.advisory_id == "CVE-2008-7248" && x.package == "actionpack") a = &x;
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->ns, "gem");
  EXPECT_EQ(a->aliases, std::vector<std::string>{"GHSA-8fqx-7pv4-3jwm"});
  const auto* gem = vulndb::comparator_for("gem");
  ASSERT_NE(gem, nullptr);
  // unaffected < 2.1.0; patched ~> 2.1.3, >= 2.2.2
  for (auto [v, want] : std::vector<std::pair<const char*, bool>>{{"2.0.9", false},
                                                                  {"2.1.0", true},
                                                                  {"2.1.2", true},
                                                                  {"2.1.3", false},
                                                                  {"2.1.9", false},
                                                                  {"2.2.0", true},
                                                                  {"2.2.1", true},
                                                                  {"2.2.2", false},
                                                                  {"7.0", false}}) {
    auto r = gem->satisfies(v, a->constraint);
    ASSERT_TRUE(r.ok()) << a->constraint << ": " << r.error().render();
    EXPECT_EQ(*r, want) << v << " in " << a->constraint;
  }
  for (const auto& v : run.sink.out.vulns)
    if (v.id == "CVE-2008-7248") {
      EXPECT_EQ(v.summary, "Improper Input Validation in rails");
      EXPECT_EQ(v.published, "2017-10-24");
      ASSERT_EQ(v.cvss.size(), 1u);
      EXPECT_DOUBLE_EQ(v.cvss[0].score, 6.8);
    }
}

TEST(RubysecImporter, ConstraintsAgreeWithGemRequirement) {
  std::string dir = test::test_scratch("rubysec");
  int status = 0;
  test::run_command("tar xJf '" + archive() + "' -C '" + dir + "'", &status);
  ASSERT_EQ(status, 0);
  // For every advisory, probe versions around each requirement's version;
  // Ruby decides affected = no patched and no unaffected requirement matches.
  std::string out =
      test::run_command("cd '" + dir +
                            "' && ruby -rdate -ryaml -e '\n"
                            "Dir.glob(\"{gems,rubies}/*/*.yml\").sort.each do |f|\n"
                            "  d = YAML.safe_load(File.read(f), permitted_classes: [Date]) rescue next\n"
                            "  reqs = (d[\"patched_versions\"] || []) + (d[\"unaffected_versions\"] || [])\n"
                            "  rs = reqs.map { |r| Gem::Requirement.new(*r.split(\",\")) } rescue next\n"
                            "  probes = [\"0.0.1\", \"999.0\"]\n"
                            "  reqs.join(\",\").scan(/[0-9][0-9A-Za-z.\\-]*/).each do |v|\n"
                            "    g = Gem::Version.new(v) rescue next\n"
                            "    probes << g.to_s << g.bump.to_s << (g.to_s + \".1\") << (g.to_s + \".a\") "
                            "<< (g.bump.to_s + \".a\")\n"
                            "    s = g.segments; if s.last.is_a?(Integer) && s.last > 0 then s[-1] -= 1; "
                            "probes << s.join(\".\") end\n"
                            "  end\n"
                            "  probes.uniq.each { |p| puts [f, p, !rs.any? { |r| "
                            "r.satisfied_by?(Gem::Version.new(p)) }].join(\"\\t\") }\n"
                            "end'",
                        &status);
  ASSERT_EQ(status, 0);
  const auto* gem = vulndb::comparator_for("gem");
  std::map<std::string, std::vector<std::pair<std::string, bool>>> probes;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    auto t1 = line.find('\t'), t2 = line.rfind('\t');
    probes[line.substr(0, t1)].emplace_back(line.substr(t1 + 1, t2 - t1 - 1), line.substr(t2 + 1) == "true");
  }
  ASSERT_GT(probes.size(), 1300u);
  size_t checked = 0;
  for (const auto& [file, list] : probes) {
    std::string text = test::slurp(dir + "/" + file);
    vulndb::CollectSink sink;
    ASSERT_TRUE(feedtest::parse_text("rubysec", file, text, sink).ok()) << file;
    bool any_affected = false;
    for (const auto& [v, want] : list) any_affected |= want;
    if (sink.out.affected.empty()) {
      EXPECT_FALSE(any_affected) << file << ": no affected row, but Ruby finds affected versions";
      continue;
    }
    const auto& c = sink.out.affected[0].constraint;
    for (const auto& [v, want] : list) {
      auto r = gem->satisfies(v, c);
      ASSERT_TRUE(r.ok()) << file << ": " << c << ": " << r.error().render();
      EXPECT_EQ(*r, want) << file << ": version " << v << " against " << c;
      ++checked;
    }
  }
  EXPECT_GT(checked, 10000u);
}

TEST(RubysecImporter, BadInputs) {
  EXPECT_NE(feedtest::error_of("rubysec", "gem: x\ntitle: [unclosed\n").find("invalid YAML"),
            std::string::npos);
  feedtest::error_of("rubysec", "- a\n- b\n");
  feedtest::error_of("rubysec", "title: no gem\n");
  vulndb::CollectSink sink;
  Diagnostics diag;
  ASSERT_TRUE(
      find_importer("rubysec")
          ->parse(Entry{"g.yml", "gem: x\ncve: 2020-1\npatched_versions:\n  - \"%% 1.0\"\n"}, sink, diag)
          .ok());
  EXPECT_EQ(sink.out.vulns.size(), 1u);
  EXPECT_EQ(sink.out.affected.size(), 0u);
  EXPECT_EQ(diag.size(), 1u);  // the unreadable requirement is a warning
  EXPECT_EQ(find_importer("rubysec")->detect("x.yml", "---\ngem: rack\ncve: 2020-1\n"), 3);
  EXPECT_EQ(find_importer("rubysec")->detect("x.yml", "id: GHSA-1\naffected:\n"), 0);
  EXPECT_EQ(find_importer("rubysec")->detect("x.yml", "package_slug: gem/rack\nidentifier: CVE-1\n"), 0);
}

}  // namespace
}  // namespace dagda::importers
