// Our comparators against the real tools, on many pairs of real versions:
// dpkg --compare-versions, rpm's labelCompare (python3-rpm), python3-packaging,
// Debian's node-semver, Ruby's Gem::Version / Gem::Requirement, Maven's
// ComparableVersion. Each tool runs once per batch.
#include <algorithm>
#include <iostream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "oracle.hpp"
#include "support/testdata.hpp"
#include "version/comparator.hpp"
#include "version/ecosystems.hpp"

namespace dagda::version {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

std::vector<std::string> lines_of(const std::string& cmd) {
  int status = 0;
  std::string out = test::run_command(cmd, &status);
  std::vector<std::string> v;
  std::istringstream s(out);
  std::string line;
  while (std::getline(s, line))
    if (!line.empty()) v.push_back(line);
  return v;
}

std::vector<std::string> unique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// Random pairs, plus neighbours after sorting by text (close versions are the hard cases).
Pairs sample_pairs(const std::vector<std::string>& versions, size_t n, unsigned seed) {
  Pairs p;
  if (versions.size() < 2) return p;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<size_t> pick(0, versions.size() - 1);
  for (size_t i = 0; i < n / 2; ++i) p.emplace_back(versions[pick(rng)], versions[pick(rng)]);
  for (size_t i = 0; i < n / 2; ++i) {
    size_t k = pick(rng) % (versions.size() - 1);
    p.emplace_back(versions[k], versions[k + 1]);
  }
  return p;
}

std::string sym(int c) { return c < 0 ? "<" : (c > 0 ? ">" : "="); }

// Versions in the vector files (real package versions in the *-generated ones).
std::vector<std::string> vector_versions(const std::string& file) {
  return unique(lines_of("awk 'NF==3 && $1 !~ /^(#|\\/\\/)/ {print $1; print $3}' " + test::testdata(file)));
}

void check(const char* eco, const Pairs& pairs, const std::vector<std::string>& oracle, size_t min) {
  const Comparator* c = find_comparator(eco);
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(oracle.size(), pairs.size()) << eco << ": oracle output does not match the input";
  ASSERT_GE(pairs.size(), min);
  size_t bad = 0;
  for (size_t i = 0; i < pairs.size(); ++i) {
    Result<int> r = c->compare(pairs[i].first, pairs[i].second);
    std::string ours = r.ok() ? sym(*r) : "error: " + r.error().render();
    if (ours != oracle[i] && ++bad <= 20)
      ADD_FAILURE() << eco << ": " << pairs[i].first << " vs " << pairs[i].second << ": oracle " << oracle[i]
                    << ", we " << ours;
  }
  EXPECT_EQ(bad, 0u) << eco;
  std::cout << "[" << eco << "] " << pairs.size() << " pairs agree with the oracle\n";
}

TEST(VersionOracle, DpkgCompareVersions) {
  DAGDA_REQUIRE(test_oracle::have("dpkg"), "dpkg not installed");
  std::vector<std::string> versions = lines_of(
      "(for f in /var/lib/apt/lists/*Packages.lz4; do lz4cat \"$f\" 2>/dev/null; done; cat /var/lib/apt/lists/*Packages "
      "2>/dev/null; cat " +
      test::testdata("pkgdb/dpkg-status") + "/*.status) | sed -n 's/^Version: //p'");
  versions = unique(versions);
  ASSERT_GT(versions.size(), 500u);
  Pairs pairs = sample_pairs(versions, 1600, 1);
  std::string input;
  for (const auto& [a, b] : pairs) input += a + " " + b + "\n";
  bool ok = false;
  auto out = test_oracle::run("dpkg",
                              "bash -c 'while read -r a b; do if dpkg --compare-versions \"$a\" lt \"$b\"; then echo \"<\"; "
                              "elif dpkg --compare-versions \"$a\" eq \"$b\"; then echo =; else echo \">\"; fi; done'",
                              input, &ok);
  ASSERT_TRUE(ok);
  check("deb", pairs, out, 1600);
}

TEST(VersionOracle, RpmLabelCompare) {
  DAGDA_REQUIRE(test_oracle::have("/usr/bin/python3"), "python3 not installed");
  // EVRs of real rpm databases (rpm -qa ground truth), plus the vector versions.
  std::vector<std::string> versions = lines_of("cat " + test::testdata("groundtruth/rpm-qa") +
                                               "/*.tsv | awk -F'\\t' '{e=($2==\"0\"||$2==\"(none)\")?\"\":$2\":\"; "
                                               "print e $3 \"-\" $4; print $3}'");
  for (const auto& v : vector_versions("versions/osv-scalibr-semantic/redhat-versions.txt")) versions.push_back(v);
  versions = unique(versions);
  ASSERT_GT(versions.size(), 300u);
  Pairs pairs = sample_pairs(versions, 3000, 2);
  std::string input;
  for (const auto& [a, b] : pairs) input += a + "\t" + b + "\n";
  static const char* kPy = R"(import sys, rpm
def evr(s):
    e = None
    i = 0
    while i < len(s) and s[i].isdigit(): i += 1
    if i < len(s) and s[i] == ':':
        e, s = s[:i], s[i+1:]
    if '-' in s:
        v, r = s.rsplit('-', 1)
    else:
        v, r = s, None
    return (e, v, r)
for line in sys.stdin.buffer.read().decode('utf-8').splitlines():
    a, b = line.split('\t')
    c = rpm.labelCompare(evr(a), evr(b))
    print('<' if c < 0 else '>' if c > 0 else '=')
)";
  std::string py = test_oracle::write_scratch("rpm", "oracle.py", kPy);
  bool ok = false;
  auto out = test_oracle::run("rpm", "/usr/bin/python3 " + py, input, &ok);
  DAGDA_REQUIRE(ok, "python3-rpm not available");
  check("rpm", pairs, out, 3000);
}

TEST(VersionOracle, PythonPackaging) {
  DAGDA_REQUIRE(test_oracle::have("/usr/bin/python3"), "python3 not installed");
  std::vector<std::string> all = vector_versions("versions/osv-scalibr-semantic/pypi-versions-generated.txt");
  std::vector<std::string> versions;
  for (const auto& v : all)
    if (pypi::valid_pep440(v)) versions.push_back(v);
  ASSERT_GT(versions.size(), 5000u);
  Pairs pairs = sample_pairs(versions, 4000, 3);
  std::string input;
  for (const auto& [a, b] : pairs) input += a + "\t" + b + "\n";
  // Every version we call invalid PEP 440 is invalid for packaging too, and the reverse.
  std::string validity;
  for (const auto& v : all) validity += v + "\n";
  static const char* kPy = R"(import sys
from packaging.version import Version, InvalidVersion
mode = sys.argv[1]
for line in sys.stdin.read().splitlines():
    if mode == 'cmp':
        a, b = line.split('\t')
        x, y = Version(a), Version(b)
        print('<' if x < y else '>' if x > y else '=')
    else:
        try:
            Version(line); print('valid')
        except InvalidVersion:
            print('invalid')
)";
  std::string py = test_oracle::write_scratch("pypi", "oracle.py", kPy);
  bool ok = false;
  auto out = test_oracle::run("pypi", "/usr/bin/python3 " + py + " cmp", input, &ok);
  ASSERT_TRUE(ok) << "python3-packaging failed";
  check("pypi", pairs, out, 4000);
  auto valid = test_oracle::run("pypi-valid", "/usr/bin/python3 " + py + " valid", validity, &ok);
  ASSERT_TRUE(ok);
  ASSERT_EQ(valid.size(), all.size());
  size_t legacy = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(pypi::valid_pep440(all[i]), valid[i] == "valid") << all[i];
    legacy += valid[i] != "valid";
  }
  std::cout << "[pypi] " << all.size() << " versions: PEP 440 validity agrees with packaging (" << legacy
            << " legacy)\n";
}

TEST(VersionOracle, RubyGemVersion) {
  DAGDA_REQUIRE(test_oracle::have("ruby"), "ruby not installed");
  std::vector<std::string> versions = vector_versions("versions/osv-scalibr-semantic/rubygems-versions-generated.txt");
  ASSERT_GT(versions.size(), 2000u);
  Pairs pairs = sample_pairs(versions, 3000, 4);
  std::string input;
  for (const auto& [a, b] : pairs) input += a + "\t" + b + "\n";
  bool ok = false;
  auto out = test_oracle::run(
      "gem",
      "ruby -e 'STDIN.each_line{|l| a,b=l.chomp.split(\"\\t\"); c=Gem::Version.new(a)<=>Gem::Version.new(b); "
      "puts(c<0 ? \"<\" : c>0 ? \">\" : \"=\")}'",
      input, &ok);
  ASSERT_TRUE(ok);
  check("gem", pairs, out, 3000);
}

TEST(VersionOracle, MavenComparableVersion) {
  DAGDA_REQUIRE(test_oracle::have("java"), "java not installed");
  std::vector<std::string> versions = vector_versions("versions/osv-scalibr-semantic/maven-versions-generated.txt");
  ASSERT_GT(versions.size(), 5000u);
  Pairs pairs = sample_pairs(versions, 4000, 5);
  bool ok = false;
  auto out = test_oracle::maven_compare(pairs, &ok);
  ASSERT_TRUE(ok);
  check("maven", pairs, out, 4000);
}

TEST(VersionOracle, NodeSemver) {
  DAGDA_REQUIRE(test_oracle::have("node"), "node not installed");
  std::vector<std::string> versions;
  for (const auto& v : vector_versions("versions/osv-scalibr-semantic/semver-versions.txt"))
    if (v[0] != 'v' && v.size() < 20 && std::count(v.begin(), v.end(), '.') >= 2 && npm::valid(v)) versions.push_back(v);
  // Real npm ranges: GitLab's advisories (2022) and the Node.js security WG's.
  std::vector<std::string> ranges = lines_of(
      "tar -xJOf " + test::testdata("vulndb/gitlab-advisories-community-2022-05-23.tar.xz") +
      " --wildcards 'advisories-community/npm/*' | sed -n 's/^affected_range: \"\\(.*\\)\"$/\\1/p' | sort -u");
  ASSERT_GT(ranges.size(), 500u);
  // Versions near the bounds of those ranges.
  std::set<std::string> near(versions.begin(), versions.end());
  for (const auto& r : ranges) {
    std::string tok;
    for (char ch : r + " ") {
      if ((ch >= '0' && ch <= '9') || ch == '.' || (ch >= 'a' && ch <= 'z') || ch == '-') {
        tok += ch;
      } else {
        if (npm::valid(tok) && std::count(tok.begin(), tok.end(), '.') == 2) {
          near.insert(tok);
          near.insert(tok + "-beta.1");
        }
        tok.clear();
      }
    }
  }
  versions.assign(near.begin(), near.end());
  std::mt19937 rng(6);
  std::uniform_int_distribution<size_t> pv(0, versions.size() - 1), pr(0, ranges.size() - 1);
  std::vector<std::pair<std::string, std::string>> cases;
  for (int i = 0; i < 4000; ++i) cases.emplace_back(versions[pv(rng)], ranges[pr(rng)]);
  std::string input;
  for (const auto& [v, r] : cases) input += v + "\t" + r + "\n";
  static const char* kJs = R"(const semver = require('semver');
const lines = require('fs').readFileSync(0, 'utf8').split('\n').filter(Boolean);
for (const l of lines) {
  const [v, r] = l.split('\t');
  let out;
  try { new semver.Range(r); out = semver.satisfies(v, r, { includePrerelease: true }) ? 'yes' : 'no'; }
  catch (e) { out = 'invalid'; }
  console.log(out);
}
)";
  std::string js = test_oracle::write_scratch("npm", "oracle.js", kJs);
  bool ok = false;
  auto out = test_oracle::run("npm", "NODE_PATH=/usr/share/nodejs:/usr/lib/nodejs node " + js, input, &ok);
  ASSERT_TRUE(ok);
  ASSERT_EQ(out.size(), cases.size());
  size_t bad = 0, yes = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    Result<bool> r = npm::satisfies(cases[i].first, cases[i].second);
    std::string ours = r.ok() ? (*r ? "yes" : "no") : "invalid";
    yes += ours == "yes";
    if (ours != out[i] && ++bad <= 20)
      ADD_FAILURE() << cases[i].first << " in " << cases[i].second << ": node-semver " << out[i] << ", we " << ours;
  }
  EXPECT_EQ(bad, 0u);
  EXPECT_GT(yes, 200u);
  std::cout << "[npm] " << cases.size() << " version/range pairs agree with node-semver " << "(" << yes
            << " inside)\n";
  // Precedence too.
  // node-semver's compare takes strict SemVer only (no leading zeros).
  std::vector<std::string> strict;
  for (const auto& v : versions) {
    bool lead = false;
    for (size_t i = 0; i + 1 < v.size(); ++i)
      if (v[i] == '0' && (i == 0 || v[i - 1] == '.') && v[i + 1] >= '0' && v[i + 1] <= '9') lead = true;
    if (!lead) strict.push_back(v);
  }
  Pairs pairs = sample_pairs(strict, 2000, 7);
  input.clear();
  for (const auto& [a, b] : pairs) input += a + "\t" + b + "\n";
  static const char* kCmp = R"(const s = require('semver');
for (const l of require('fs').readFileSync(0, 'utf8').split('\n').filter(Boolean)) {
  const [a, b] = l.split('\t');
  const c = s.compare(a, b);
  console.log(c < 0 ? '<' : c > 0 ? '>' : '=');
}
)";
  std::string cmpjs = test_oracle::write_scratch("npm-cmp", "cmp.js", kCmp);
  auto cmp = test_oracle::run("npm-cmp", "NODE_PATH=/usr/share/nodejs:/usr/lib/nodejs node " + cmpjs, input, &ok);
  ASSERT_TRUE(ok);
  check("npm", pairs, cmp, 2000);
}

}  // namespace
}  // namespace dagda::version
