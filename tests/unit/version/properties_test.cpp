// Properties on real data: antisymmetry and transitivity on random samples of
// real versions; OSV ranges of real advisories (Go vulndb, Debian ELTS) evaluated
// as the schema says; hostile and malformed input refused with a clear error.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/testdata.hpp"
#include "version/comparator.hpp"
#include "version/ecosystems.hpp"
#include "version/osv_range.hpp"

namespace dagda::version {
namespace {

std::vector<std::string> vector_versions(const std::string& file) {
  int status = 0;
  std::string out = test::run_command(
      "awk 'NF==3 && $1 !~ /^(#|\\/\\/)/ {print $1; print $3}' " + test::testdata(file) + " | sort -u", &status);
  std::vector<std::string> v;
  std::istringstream s(out);
  std::string line;
  while (std::getline(s, line))
    if (!line.empty()) v.push_back(line);
  return v;
}

struct Source {
  const char* eco;
  const char* file;
};

const Source kSources[] = {
    {"deb", "versions/osv-scalibr-semantic/debian-versions-generated.txt"},
    {"rpm", "versions/osv-scalibr-semantic/redhat-versions.txt"},
    {"apk", "versions/osv-scalibr-semantic/alpine-versions-generated.txt"},
    {"pypi", "versions/osv-scalibr-semantic/pypi-versions-generated.txt"},
    {"maven", "versions/osv-scalibr-semantic/maven-versions-generated.txt"},
    {"gem", "versions/osv-scalibr-semantic/rubygems-versions-generated.txt"},
    {"composer", "versions/osv-scalibr-semantic/packagist-versions-generated.txt"},
    {"nuget", "versions/osv-scalibr-semantic/nuget-versions.txt"},
    {"semver", "versions/osv-scalibr-semantic/semver-versions.txt"},
    {"npm", "versions/osv-scalibr-semantic/semver-versions.txt"},
    {"cargo", "versions/osv-scalibr-semantic/semver-versions.txt"},
    {"golang", "versions/osv-scalibr-semantic/semver-versions.txt"},
};

TEST(VersionProperties, AntisymmetryAndTransitivity) {
  std::mt19937 rng(42);
  for (const Source& src : kSources) {
    const Comparator* c = find_comparator(src.eco);
    ASSERT_NE(c, nullptr);
    std::vector<std::string> all = vector_versions(src.file), v;
    for (const auto& s : all)
      if (c->valid(s)) v.push_back(s);
    ASSERT_GT(v.size(), 20u) << src.eco;
    std::uniform_int_distribution<size_t> pick(0, v.size() - 1);
    size_t triples = 0;
    for (int i = 0; i < 20000; ++i) {
      const std::string &a = v[pick(rng)], &b = v[pick(rng)], &d = v[pick(rng)];
      int ab = *c->compare(a, b), ba = *c->compare(b, a), bd = *c->compare(b, d), ad = *c->compare(a, d);
      ASSERT_EQ((ab > 0) - (ab < 0), -((ba > 0) - (ba < 0))) << src.eco << ": " << a << " vs " << b;
      ASSERT_EQ(*c->compare(a, a), 0) << src.eco << ": " << a;
      if (ab <= 0 && bd <= 0) {
        ASSERT_LE(ad, 0) << src.eco << ": " << a << " <= " << b << " <= " << d;
        ++triples;
      }
      if (ab == 0 && bd == 0) {
        ASSERT_EQ(ad, 0) << src.eco;
      }
    }
    EXPECT_GT(triples, 1000u) << src.eco;
  }
}

TEST(VersionProperties, RegistryAndAliases) {
  EXPECT_EQ(comparators().size(), 13u);
  for (const auto& [name, want] : std::vector<std::pair<std::string, std::string>>{
           {"Debian:12", "deb"}, {"Ubuntu:22.04:LTS", "deb"}, {"Alpine:v3.18", "apk"}, {"Red Hat:rhel_aus:8.4::appstream", "rpm"},
           {"PyPI", "pypi"}, {"npm", "npm"}, {"Maven:https://maven.google.com", "maven"}, {"RubyGems", "gem"},
           {"Packagist", "composer"}, {"Go", "golang"}, {"crates.io", "cargo"}, {"NuGet", "nuget"}, {"SUSE:Linux Enterprise 15", "rpm"}}) {
    const Comparator* c = find_comparator(name);
    ASSERT_NE(c, nullptr) << name;
    EXPECT_EQ(c->name, want) << name;
  }
  EXPECT_EQ(find_comparator("cobol"), nullptr);
  EXPECT_EQ(find_comparator(""), nullptr);
}

TEST(VersionProperties, HostileInputIsRefused) {
  std::string huge(1 << 20, '9');
  std::string dots(100000, '.');
  std::string nested(50000, '-');
  std::string binary("1.0\0\xff\xfe", 6);
  for (const Comparator& c : comparators()) {
    for (const std::string& bad : {std::string(), std::string("   "), binary, std::string("1.0 2.0")}) {
      Result<int> r = c.compare(bad, "1.0");
      if (!r.ok()) {
        EXPECT_EQ(r.error().code(), ErrorCode::invalid_input) << c.name;
        EXPECT_NE(r.error().message().find(std::string(c.name)), std::string::npos) << r.error().message();
        EXPECT_LT(r.error().message().size(), 400u);
      } else {
        EXPECT_TRUE(c.valid(bad)) << c.name << " compared what valid() refuses";
      }
    }
    // Huge and degenerate strings: an answer or an error, quickly, never a crash.
    for (const std::string* s : {&huge, &dots, &nested}) {
      Result<int> r = c.compare(*s, *s);
      if (r.ok()) {
        EXPECT_EQ(*r, 0) << c.name;
      }
      // 1.0 lies in none of these ranges: refused as invalid, or answered "no".
      Result<bool> sat = c.satisfies("1.0", *s);
      if (sat.ok()) {
        EXPECT_FALSE(*sat) << c.name << " put 1.0 in a degenerate range of " << s->size() << " bytes";
      } else {
        EXPECT_EQ(sat.error().code(), ErrorCode::invalid_input) << c.name;
        EXPECT_LT(sat.error().message().size(), 400u) << c.name;
      }
    }
    // An empty range is an error, except in node-semver's grammar where it means "*".
    Result<bool> empty = c.satisfies("1.0.0", "");
    if (c.name == "npm" || c.name == "semver") {
      EXPECT_TRUE(empty.ok() && *empty) << c.name;
    } else {
      EXPECT_FALSE(empty.ok()) << c.name << ": an empty range must be an error";
    }
  }
}

TEST(VersionProperties, NativeRangesOfEachEcosystem) {
  struct Case {
    const char* eco;
    const char* version;
    const char* range;
    int want;  // 1 yes, 0 no, -1 error
  };
  const Case cases[] = {
      {"deb", "1:2.30-1+deb12u1", "<< 1:2.30-2", 1}, {"deb", "2.30-1", "<< 1:1.0", 1},
      {"deb", "1.2.3-1~deb7u1", ">= 1.2.3-1", 0},    {"rpm", "1.0-1.el8", "< 1.0-2.el8", 1},
      {"rpm", "1:1.0-1", "< 2.0", 0},                {"apk", "3.6.9-r0", "~3.6", 1},
      {"apk", "1.2.3-r1", "< 1.2.3-r2", 1},          {"npm", "1.2.4", "^1.2.3 || ~0.9", 1},
      {"npm", "2.0.0-rc.1", "^1.2.3", 0},            {"npm", "1.5.0-beta.1", ">=1.2.3 <2.0.0", 1},
      {"pypi", "2.0rc1", "<2.0", 0},                 {"pypi", "1.4.5", "~=1.4.2", 1},
      {"pypi", "1.5", "~=1.4.2", 0},                 {"pypi", "1.2.3", "==1.2.*", 1},
      {"pypi", "1.0", ">=1.0,<2.0||>=3", 1},         {"pypi", "1.0", "~=1", -1},
      {"maven", "1.5", "[1.0,2.0)", 1},              {"maven", "2.0", "[1.0,2.0)", 0},
      {"maven", "0.9", "(,1.0],[1.2,)", 1},          {"maven", "1.1", "(,1.0],[1.2,)", 0},
      {"maven", "1.0", "[1.0", -1},                  {"gem", "1.2.9", "~> 1.2.3", 1},
      {"gem", "1.3.0", "~> 1.2.3", 0},               {"gem", "2.1.0.pre1", ">=2.1.0pre1 <2.1.1", 1},
      {"composer", "1.2.5", "^1.2", 1},              {"composer", "2.0.0", "^1.2", 0},
      {"composer", "3.3.1", "<3.2.39||>=3.3.0,<3.3.2", 1}, {"composer", "1.2.9", "~1.2.3", 1},
      {"composer", "1.3.0", "~1.2.3", 0},            {"composer", "1.5.0", "1.0 - 2.0", 1},
      {"composer", "dev-main", ">=1.0", 0},          {"golang", "v1.2.3", ">=1.2.0, <1.3.0", 1},
      {"golang", "go1.21rc1", "<go1.21.0", 1},       {"golang", "v0.0.0-20191109021931-daa7c04131f5", "<v0.1.0", 1},
      {"cargo", "1.2.5", "^1.2.3", 1},               {"cargo", "0.3.0", "^0.2.3", 0},
      {"cargo", "1.2.5", ">=1.2, <1.3", 1},          {"nuget", "1.5.0", "[1.0,2.0)", 1},
      {"nuget", "0.9", "1.0", 0},                    {"nuget", "4.3.0", "[4.0.0,4.3.1),[3.0.0,3.4.1)", 1},
  };
  for (const Case& k : cases) {
    const Comparator* c = find_comparator(k.eco);
    Result<bool> r = c->satisfies(k.version, k.range);
    int got = r.ok() ? (*r ? 1 : 0) : -1;
    EXPECT_EQ(got, k.want) << k.eco << ": " << k.version << " in " << k.range
                           << (r.ok() ? "" : " -> " + r.error().render());
  }
}

OsvRange range_from_json(const nlohmann::json& r) {
  OsvRange out;
  out.type = r.value("type", "");
  for (const auto& e : r.value("events", nlohmann::json::array())) {
    for (auto [key, kind] : {std::pair{"introduced", OsvEvent::introduced}, std::pair{"fixed", OsvEvent::fixed},
                             std::pair{"last_affected", OsvEvent::last_affected}, std::pair{"limit", OsvEvent::limit}})
      if (e.contains(key)) out.events.push_back(OsvEvent{kind, e[key].get<std::string>()});
  }
  return out;
}

// Every affected entry of a real OSV feed: evaluation never fails, each range's
// introduced versions are affected and its fixed versions are not (unless the
// same version is re-introduced), and listed versions are affected.
void check_osv_feed(const std::string& archive, const std::string& pattern, size_t min_entries) {
  std::string dir = test::scratch_dir("osv-" + std::filesystem::path(archive).stem().string());
  int status = 0;
  test::run_command("tar -xJf " + test::testdata(archive) + " -C " + dir + " --wildcards '" + pattern + "'", &status);
  ASSERT_EQ(status, 0);
  size_t entries = 0, checks = 0, errors = 0, malformed = 0;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir)) {
    if (f.path().extension() != ".json") continue;
    std::ifstream in(f.path());
    nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("affected")) continue;
    for (const auto& a : doc["affected"]) {
      if (!a.is_object() || !a.contains("package") || !a["package"].is_object()) continue;
      OsvAffected aff;
      aff.ecosystem = a["package"].value("ecosystem", "");
      // Some real records write "ranges" as an object: malformed, counted and skipped.
      if (a.contains("ranges") && !a["ranges"].is_array()) {
        ++malformed;
        continue;
      }
      for (const auto& r : a.value("ranges", nlohmann::json::array()))
        if (r.is_object()) aff.ranges.push_back(range_from_json(r));
      for (const auto& v : a.value("versions", nlohmann::json::array())) aff.versions.push_back(v.get<std::string>());
      ++entries;
      for (const OsvRange& r : aff.ranges) {
        if (r.type == "GIT") continue;
        for (const OsvEvent& e : r.events) {
          if (e.version == "0" || e.kind == OsvEvent::limit) continue;
          OsvAffected one = aff;
          one.versions.clear();
          one.ranges = {r};
          Result<OsvMatch> m = osv_affected(one, e.version);
          if (!m.ok()) {
            if (++errors <= 5) ADD_FAILURE() << f.path() << ": " << e.version << ": " << m.error().render();
            continue;
          }
          bool reintroduced = false, refixed = false;
          for (const OsvEvent& o : r.events) {
            reintroduced |= o.kind == OsvEvent::introduced && o.version == e.version;
            refixed |= o.kind == OsvEvent::fixed && o.version == e.version;
          }
          if (e.kind == OsvEvent::introduced && !refixed) {
            EXPECT_TRUE(m->affected) << f.path() << " introduced " << e.version;
          }
          if (e.kind == OsvEvent::fixed && !reintroduced) {
            EXPECT_FALSE(m->affected) << f.path() << " fixed " << e.version;
          }
          if (e.kind == OsvEvent::last_affected) {
            EXPECT_TRUE(m->affected) << f.path() << " last_affected " << e.version;
          }
          ++checks;
        }
      }
      for (const std::string& v : aff.versions) {
        Result<OsvMatch> m = osv_affected(aff, v);
        if (m.ok()) {
          EXPECT_TRUE(m->affected) << f.path() << " listed " << v;
        }
      }
    }
  }
  EXPECT_EQ(errors, 0u);
  EXPECT_GE(entries, min_entries);
  std::cout << "[osv] " << archive << ": " << entries << " affected entries, " << checks << " event checks, "
            << malformed << " malformed entries skipped\n";
}

TEST(VersionOsv, GoVulndb) { check_osv_feed("vulndb/osv-go-vulndb.tar.xz", "data/osv/*.json", 4000); }

TEST(VersionOsv, DebianElts) {
  check_osv_feed("vulndb/debian-elts-osv-advisories-2026-08-17.tar.xz", "*.json", 1500);
}

TEST(VersionOsv, SchemaSemantics) {
  OsvAffected a{"PyPI",
                {OsvRange{"ECOSYSTEM",
                          {{OsvEvent::introduced, "1.0"}, {OsvEvent::fixed, "1.2"}, {OsvEvent::introduced, "2.0"},
                           {OsvEvent::last_affected, "2.3"}}}},
                {"0.5"}};
  auto is = [&](const char* v) {
    Result<OsvMatch> m = osv_affected(a, v);
    EXPECT_TRUE(m.ok()) << v;
    return m.ok() && m->affected;
  };
  EXPECT_TRUE(is("0.5"));   // listed
  EXPECT_FALSE(is("0.9"));
  EXPECT_TRUE(is("1.0"));
  EXPECT_TRUE(is("1.1.post1"));
  EXPECT_FALSE(is("1.2"));
  EXPECT_TRUE(is("2.3"));
  EXPECT_FALSE(is("2.3.1"));
  // Events out of order are sorted first.
  OsvRange shuffled{"SEMVER", {{OsvEvent::fixed, "1.2.0"}, {OsvEvent::introduced, "1.0.0"}}};
  EXPECT_TRUE(*osv_range_includes(*find_comparator("npm"), shuffled, "1.1.0"));
  EXPECT_FALSE(*osv_range_includes(*find_comparator("npm"), shuffled, "0.9.0"));
  // Limits bound the range.
  OsvRange limited{"ECOSYSTEM", {{OsvEvent::introduced, "0"}, {OsvEvent::limit, "2.0"}}};
  EXPECT_TRUE(*osv_range_includes(*find_comparator("pypi"), limited, "1.9"));
  EXPECT_FALSE(*osv_range_includes(*find_comparator("pypi"), limited, "2.0"));
  // Errors: no introduced event, an invalid version, an unknown ecosystem for ECOSYSTEM ranges.
  OsvRange bad{"ECOSYSTEM", {{OsvEvent::fixed, "1.0"}}};
  EXPECT_FALSE(osv_range_includes(*find_comparator("pypi"), bad, "0.1").ok());
  EXPECT_FALSE(osv_affected(a, "not a version!").ok());
  OsvAffected unknown{"Hackage", {OsvRange{"ECOSYSTEM", {{OsvEvent::introduced, "0"}}}}, {}};
  EXPECT_EQ(osv_affected(unknown, "1.0").error().code(), ErrorCode::unsupported);
}

}  // namespace
}  // namespace dagda::version
