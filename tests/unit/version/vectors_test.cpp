// Every line of every version vector file in ../shared/data/versions/ for the
// ecosystems we support. Where a line disagrees with us, the test demands a
// reason that holds: the version is invalid by the ecosystem's own tool (and we
// say so with an error), or the line encodes raw PHP version_compare where
// Composer normalises first. Those lines are printed.
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "oracle.hpp"
#include "support/testdata.hpp"
#include "version/comparator.hpp"
#include "version/ecosystems.hpp"

namespace dagda::version {
namespace {

struct Line {
  int number;
  std::string a, op, b;
};

std::vector<std::string> split_ws(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

// Reads "a op b" lines; blank lines and comments (# or //) are not vectors.
std::vector<Line> read_vectors(const std::string& rel, std::vector<std::string>* singles = nullptr) {
  std::ifstream in(test::testdata(rel));
  EXPECT_TRUE(in.good()) << "cannot read " << test::testdata(rel);
  std::vector<Line> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    size_t hash = line.find("\t#");
    if (hash != std::string::npos) line = line.substr(0, hash);
    if (line.empty() || line[0] == '#' || line.rfind("//", 0) == 0) continue;
    std::vector<std::string> f = split_ws(line);
    if (f.empty()) continue;
    if (f.size() == 1 && singles) {
      singles->push_back(f[0]);
      continue;
    }
    EXPECT_EQ(f.size(), 3u) << rel << ":" << n << ": " << line;
    if (f.size() != 3) continue;
    out.push_back(Line{n, f[0], f[1], f[2]});
  }
  return out;
}

int expected(const std::string& op) {
  if (op == "<") return -1;
  if (op == ">") return 1;
  if (op == "=" || op == "==") return 0;
  ADD_FAILURE() << "unknown operator " << op;
  return 99;
}

int sgn(int v) { return (v > 0) - (v < 0); }

// Why a disagreeing line may stand: returns a reason, or "" when it may not.
using Excuse = std::function<std::string(const Line&, const Comparator&)>;

struct Tally {
  size_t checked = 0, excused = 0;
};

Tally run_file(const std::string& rel, const char* eco, const Excuse& excuse = nullptr) {
  const Comparator* c = find_comparator(eco);
  EXPECT_NE(c, nullptr) << eco;
  Tally t;
  if (!c) return t;
  for (const Line& l : read_vectors(rel)) {
    int want = expected(l.op);
    Result<int> ab = c->compare(l.a, l.b);
    Result<int> ba = c->compare(l.b, l.a);
    bool agree = ab.ok() && ba.ok() && sgn(*ab) == want && sgn(*ba) == -want;
    ++t.checked;
    if (agree) continue;
    std::string why = excuse ? excuse(l, *c) : "";
    if (!why.empty()) {
      ++t.excused;
      std::cout << "  [" << eco << "] " << rel << ":" << l.number << " \"" << l.a << " " << l.op << " " << l.b
                << "\" not followed: " << why << "\n";
      continue;
    }
    ADD_FAILURE() << rel << ":" << l.number << ": " << l.a << " " << l.op << " " << l.b << " -> "
                  << (ab.ok() ? std::to_string(*ab) : ab.error().render()) << " / "
                  << (ba.ok() ? std::to_string(*ba) : ba.error().render());
  }
  std::cout << "[" << eco << "] " << rel << ": " << t.checked << " lines, " << t.excused << " not followed\n";
  return t;
}

// The line holds an invalid version, which we must refuse with invalid_input.
std::string invalid_excuse(const Line& l, const Comparator& c) {
  for (const std::string* v : {&l.a, &l.b}) {
    if (!c.valid(*v)) {
      Result<int> r = c.compare(l.a, l.b);
      if (r.ok() || r.error().code() != ErrorCode::invalid_input) return "";
      return "\"" + *v + "\" is not a valid " + std::string(c.name) + " version (refused: " + r.error().message() + ")";
    }
  }
  return "";
}

const std::string kScalibr = "versions/osv-scalibr-semantic/";

TEST(VersionVectors, Debian) {
  EXPECT_EQ(run_file(kScalibr + "debian-versions.txt", "Debian").excused, 0u);
  Tally t = run_file(kScalibr + "debian-versions-generated.txt", "Debian");
  EXPECT_GT(t.checked, 14000u);
  EXPECT_EQ(t.excused, 0u);
}

TEST(VersionVectors, RedHat) {
  EXPECT_EQ(run_file(kScalibr + "redhat-versions.txt", "Red Hat").excused, 0u);
}

TEST(VersionVectors, ClaircoreRpmvercmp) {
  size_t n = 0;
  for (const Line& l : read_vectors("versions/claircore-rpmvercmp.txt")) {
    int want = expected(l.op);
    EXPECT_EQ(sgn(rpm::vercmp(l.a, l.b)), want) << l.number << ": " << l.a << " " << l.op << " " << l.b;
    EXPECT_EQ(sgn(rpm::vercmp(l.b, l.a)), -want) << l.number;
    Result<int> full = rpm::compare(l.a, l.b);
    ASSERT_TRUE(full.ok()) << full.error().render();
    EXPECT_EQ(sgn(*full), want) << l.number << ": " << l.a << " " << l.op << " " << l.b;
    ++n;
  }
  EXPECT_GT(n, 100u);
}

TEST(VersionVectors, Alpine) {
  // osv-scalibr orders strings that apk-tools itself rejects (see apk-tools'
  // version.data); we refuse those rather than guess.
  run_file(kScalibr + "alpine-versions.txt", "Alpine", invalid_excuse);
  Tally t = run_file(kScalibr + "alpine-versions-generated.txt", "Alpine");
  EXPECT_GT(t.checked, 13000u);
  EXPECT_EQ(t.excused, 0u);
}

TEST(VersionVectors, ApkToolsVersionData) {
  std::vector<std::string> singles;
  size_t n = 0;
  for (const Line& l : read_vectors("versions/apk-tools-version.data", &singles)) {
    ++n;
    std::string op = l.op;
    bool negate = !op.empty() && op[0] == '!';
    if (negate) op = op.substr(1);
    bool holds;
    if (op == "~") holds = apk::fuzzy_match(l.a, l.b);
    else if (op == "<~") holds = apk::compare_any(l.a, l.b) < 0 || apk::fuzzy_match(l.a, l.b);
    else if (op == ">~") holds = apk::compare_any(l.a, l.b) > 0 || apk::fuzzy_match(l.a, l.b);
    else {
      int want = expected(op);
      holds = sgn(apk::compare_any(l.a, l.b)) == want && sgn(apk::compare_any(l.b, l.a)) == -want;
      // Where both are valid the checked comparator agrees too.
      if (apk::valid_v3(l.a) && apk::valid_v3(l.b)) {
        Result<int> r = apk::compare(l.a, l.b);
        EXPECT_TRUE(r.ok() && sgn(*r) == want) << l.number;
      } else if (!apk::valid(l.a) || !apk::valid(l.b)) {
        Result<int> r = apk::compare(l.a, l.b);
        EXPECT_FALSE(r.ok()) << l.number;
      }
    }
    EXPECT_EQ(holds, !negate) << "version.data:" << l.number << ": " << l.a << " " << l.op << " " << l.b;
  }
  size_t invalid = 0;
  for (const std::string& s : singles) {
    bool want_valid = s[0] != '!';
    std::string v = want_valid ? s : s.substr(1);
    EXPECT_EQ(apk::valid_v3(v), want_valid) << "validity of \"" << v << "\"";
    invalid += !want_valid;
  }
  // The lone "!" line is the empty version.
  EXPECT_GT(n, 700u);
  EXPECT_GT(invalid, 20u);
  EXPECT_FALSE(apk::valid("")); EXPECT_FALSE(apk::valid_v3(""));
}

TEST(VersionVectors, PyPI) {
  // Legacy (pre-PEP 440) versions: packaging >= 22 rejects them, and so do we.
  run_file(kScalibr + "pypi-versions.txt", "PyPI", invalid_excuse);
  Tally t = run_file(kScalibr + "pypi-versions-generated.txt", "PyPI");
  EXPECT_GT(t.checked, 12000u);
  EXPECT_EQ(t.excused, 0u);
}

// The vector files were written against a newer Maven than Debian's (3.8.7); a
// line may disagree with us only where we agree with the installed Maven.
void run_maven(const std::string& rel, size_t min_lines) {
  const Comparator* c = find_comparator("Maven");
  std::vector<Line> lines = read_vectors(rel);
  std::vector<Line> differ;
  std::vector<std::pair<std::string, std::string>> pairs;
  std::vector<int> ours;
  for (const Line& l : lines) {
    int want = expected(l.op);
    Result<int> ab = c->compare(l.a, l.b), ba = c->compare(l.b, l.a);
    ASSERT_TRUE(ab.ok() && ba.ok()) << l.a << " " << l.b;
    EXPECT_EQ(sgn(*ab), -sgn(*ba)) << l.a << " " << l.b;
    if (sgn(*ab) == want) continue;
    differ.push_back(l);
    pairs.emplace_back(l.a, l.b);
    ours.push_back(sgn(*ab));
  }
  EXPECT_GE(lines.size(), min_lines);
  std::cout << "[Maven] " << rel << ": " << lines.size() << " lines, " << differ.size() << " not followed\n";
  if (differ.empty()) return;
  ASSERT_TRUE(test_oracle::have("java")) << "java is needed to check " << differ.size() << " Maven lines";
  bool ok = false;
  std::vector<std::string> maven = test_oracle::maven_compare(pairs, &ok);
  ASSERT_TRUE(ok && maven.size() == differ.size()) << "Maven oracle failed";
  for (size_t i = 0; i < differ.size(); ++i) {
    const Line& l = differ[i];
    std::string mine = ours[i] < 0 ? "<" : (ours[i] > 0 ? ">" : "=");
    EXPECT_EQ(mine, maven[i]) << rel << ":" << l.number << ": " << l.a << " " << l.op << " " << l.b;
    std::cout << "  [Maven] " << rel << ":" << l.number << " \"" << l.a << " " << l.op << " " << l.b
              << "\" not followed: Maven 3.8.7's ComparableVersion says " << maven[i] << ", as we do\n";
  }
}

TEST(VersionVectors, Maven) {
  run_maven(kScalibr + "maven-versions.txt", 100);
  run_maven(kScalibr + "maven-versions-generated.txt", 14000);
  run_maven("versions/claircore-maven-compare.list", 80);
}

TEST(VersionVectors, RubyGems) {
  // "1beta" and "1gamma": Ruby's Gem::Version refuses them too (malformed version number string).
  EXPECT_EQ(run_file(kScalibr + "rubygems-versions.txt", "RubyGems", invalid_excuse).excused, 2u);
  Tally t = run_file(kScalibr + "rubygems-versions-generated.txt", "RubyGems");
  EXPECT_GT(t.checked, 4000u);
  EXPECT_EQ(t.excused, 0u);
}

// Composer compares normalised versions (1.0 and 1.0.0 are both 1.0.0.0); a line
// written for raw version_compare() must then hold for our raw version_compare().
std::string raw_php_excuse(const Line& l, const Comparator& c) {
  // A string Composer cannot normalise ("1.2.3.#", a 30-digit number) is refused.
  std::string invalid = invalid_excuse(l, c);
  if (!invalid.empty()) return invalid;
  auto strip_v = [](std::string s) {
    while (!s.empty() && (s[0] == 'v' || s[0] == 'V')) s.erase(0, 1);
    return s;
  };
  int want = expected(l.op);
  int raw = sgn(composer::php_version_compare(strip_v(l.a), strip_v(l.b)));
  int back = sgn(composer::php_version_compare(strip_v(l.b), strip_v(l.a)));
  if (raw != want || back != -want) return "";
  Result<int> r = c.compare(l.a, l.b);
  return "Composer normalises first (" + std::string(r.ok() ? std::to_string(*r) : "error") +
         "); holds for raw version_compare()";
}

TEST(VersionVectors, Packagist) {
  run_file(kScalibr + "packagist-versions.txt", "Packagist", raw_php_excuse);
  Tally t = run_file(kScalibr + "packagist-versions-generated.txt", "Packagist", raw_php_excuse);
  EXPECT_GT(t.checked, 10000u);
}

TEST(VersionVectors, NuGet) { run_file(kScalibr + "nuget-versions.txt", "NuGet", invalid_excuse); }

TEST(VersionVectors, SemverFamily) {
  for (const char* eco : {"semver", "npm", "crates.io", "Go"})
    run_file(kScalibr + "semver-versions.txt", eco, invalid_excuse);
}

}  // namespace
}  // namespace dagda::version
