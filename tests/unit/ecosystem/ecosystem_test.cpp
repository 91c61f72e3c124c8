// The ecosystem table is the one place that says what an ecosystem is.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "ecosystem/ecosystem.hpp"
#include "inventory/package.hpp"
#include "support/testdata.hpp"
#include "version/comparator.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::test {
namespace {

TEST(EcosystemTable, EveryRowHasARegisteredComparatorAndUniqueNames) {
  std::set<std::string> names;
  for (const eco::Ecosystem& e : eco::ecosystems()) {
    const version::Comparator* c = version::find_comparator(e.comparator);
    ASSERT_NE(c, nullptr) << e.name;
    EXPECT_EQ(c->name, e.comparator) << e.name;
    EXPECT_TRUE(names.insert(std::string(e.name)).second) << "two rows named " << e.name;
    EXPECT_EQ(eco::find(e.name), &e);
    for (auto a : e.aliases) {
      EXPECT_EQ(eco::find(a), &e) << a << " should lead to " << e.name;
      EXPECT_EQ(version::find_comparator(a), c) << a;
    }
    if (!e.os && !e.ns.empty()) {
      EXPECT_EQ(eco::ecosystem_namespace(e.name), e.ns);
      EXPECT_EQ(vulndb::comparator_for(e.ns), c) << e.ns;
    }
    EXPECT_EQ(is_os_ecosystem(e.name), e.os) << e.name;
    // A fallback namespace is another row's, with a comparator of its own.
    for (auto fb : e.fallback_ns) EXPECT_NE(vulndb::comparator_for(fb), nullptr) << e.name << " -> " << fb;
  }
  EXPECT_EQ(vulndb::comparator_for("nvd-cpe")->name, "upstream");
  for (const eco::Distro& d : eco::distros()) {
    const eco::Ecosystem* pm = eco::find(d.package_type);
    ASSERT_NE(pm, nullptr) << d.id;
    EXPECT_TRUE(pm->os) << d.id;
    for (auto id : d.ids) EXPECT_EQ(eco::find_distro(id), &d) << id;
    EXPECT_EQ(version::find_comparator(d.id), version::find_comparator(pm->comparator)) << d.id;
  }
}

TEST(EcosystemTable, Namespaces) {
  EXPECT_EQ(eco::distro_namespace("Debian", "bookworm"), "debian:12");
  EXPECT_EQ(eco::distro_namespace("debian", "12.4"), "debian:12");
  EXPECT_EQ(eco::distro_namespace("ubuntu", "bionic"), "ubuntu:18.04");
  EXPECT_EQ(eco::distro_namespace("alpine", "v3.10"), "alpine:3.10");
  EXPECT_EQ(eco::distro_namespace("alpine", "3.19.4"), "alpine:3.19");
  EXPECT_EQ(eco::distro_namespace("rhel", "8.4"), "redhat:8");
  EXPECT_EQ(eco::distro_namespace("centos", "7"), "redhat:7");
  // Rebuilds of RHEL and other vendors are matched against their own vendor's data, never Red Hat's or Alpine's.
  EXPECT_EQ(eco::distro_namespace("rocky", "9.3"), "rocky:9");
  EXPECT_EQ(eco::distro_namespace("almalinux", "8.9"), "alma:8");
  EXPECT_EQ(eco::distro_namespace("ol", "7.9"), "oracle:7");
  EXPECT_EQ(eco::distro_namespace("sles", "15.5"), "sles:15.5");
  EXPECT_EQ(eco::distro_namespace("sles", "15-SP1"), "sles:15.1");
  EXPECT_EQ(eco::distro_namespace("sles", "12 SP5"), "sles:12.5");
  EXPECT_EQ(eco::distro_namespace("sles", "15"), "sles:15");
  EXPECT_EQ(eco::distro_namespace("sles", "15-SPx"), "");
  EXPECT_EQ(eco::distro_namespace("opensuse-leap", "15.6"), "opensuse-leap:15.6");
  EXPECT_EQ(eco::distro_namespace("amzn", "2"), "amazon:2");
  EXPECT_EQ(eco::distro_namespace("amzn", "2018.03"), "amazon:1");
  EXPECT_EQ(eco::distro_namespace("amzn", "2022"), "amazon:2022");
  EXPECT_EQ(eco::distro_namespace("amzn", "2023"), "amazon:2023");
  EXPECT_EQ(eco::distro_namespace("amzn", "2023.6.20241010"), "amazon:2023");
  EXPECT_EQ(eco::distro_namespace("mariner", "2.0"), "azurelinux:2.0");
  EXPECT_EQ(eco::distro_namespace("azurelinux", "3.0"), "azurelinux:3.0");
  EXPECT_EQ(eco::distro_namespace("photon", "3.0"), "photon:3.0");
  EXPECT_EQ(eco::distro_namespace("wolfi", "20230201"), "wolfi:rolling");
  EXPECT_EQ(eco::distro_namespace("wolfi", ""), "wolfi:rolling");
  EXPECT_EQ(eco::distro_namespace("chainguard", "20230214"), "chainguard:rolling");
  for (auto d : {"rocky", "sles", "amzn", "mariner", "photon"}) EXPECT_EQ(eco::distro_namespace(d, ""), "") << d;
  // Listed, not covered: no advisories are kept for them.
  for (auto d : {"fedora", "opensuse-tumbleweed", "openeuler", "mageia"})
    EXPECT_EQ(eco::distro_namespace(d, "8"), "") << d;
  EXPECT_EQ(eco::ecosystem_namespace("PyPI"), "pypi");
  EXPECT_EQ(eco::ecosystem_namespace("crates.io"), "cargo");
  EXPECT_EQ(eco::ecosystem_namespace("Go"), "golang");
  EXPECT_EQ(eco::ecosystem_namespace("Debian:10"), "debian:10");
  EXPECT_EQ(eco::ecosystem_namespace("Alpine:v3.16"), "alpine:3.16");
  EXPECT_EQ(eco::ecosystem_namespace("Ubuntu:Pro:18.04:LTS"), "ubuntu:18.04");
  EXPECT_EQ(eco::ecosystem_namespace("AlmaLinux:8"), "alma:8");
  EXPECT_EQ(eco::ecosystem_namespace("Rocky Linux:9"), "rocky:9");
  EXPECT_EQ(eco::ecosystem_namespace("Hex"), "");
  EXPECT_EQ(eco::normalize_package("pypi", "Foo_Bar.baz"), "foo-bar-baz");
  EXPECT_EQ(eco::normalize_package("maven", "org.apache/log4j"), "org.apache:log4j");
  EXPECT_EQ(eco::normalize_package("composer", "Twig/Twig"), "twig/twig");
}

// docs/ARCHITECTURE.md tells how to add an ecosystem: its comparator file and its
// table row. Outside the table, the comparators, the catalogers (which name what
// they find) and the importers (which name what they read), no code compares an
// ecosystem or namespace against a literal name (purl.cpp and purl_parse.cpp implement the purl
// specification's per-type rules).
TEST(EcosystemTable, TheWalkThroughHoldsForTheCode) {
  std::string arch = slurp(source_dir() + "/docs/ARCHITECTURE.md");
  EXPECT_NE(arch.find("src/ecosystem/table.cpp"), std::string::npos);
  EXPECT_NE(arch.find("src/version/registry.cpp"), std::string::npos);
  namespace fs = std::filesystem;
  const std::regex literal(R"re((ecosystem|\bns|purl_type|type)\s*==\s*"(deb|apk|rpm|npm|pypi|maven|gem|composer|golang|cargo|nuget|javascript)")re");
  std::vector<std::string> offenders;
  for (auto& f : fs::recursive_directory_iterator(source_dir() + "/src")) {
    std::string p = f.path().string();
    if (!f.is_regular_file() || !(p.ends_with(".cpp") || p.ends_with(".hpp"))) continue;
    std::string rel = p.substr(source_dir().size() + 1);
    if (rel.starts_with("src/ecosystem/") || rel.starts_with("src/version/") || rel.starts_with("src/catalog/") ||
        rel.starts_with("src/importers/") || rel == "src/inventory/purl.cpp" || rel == "src/inventory/purl_parse.cpp")
      continue;
    std::istringstream in(slurp(p));
    int n = 0;
    for (std::string line; std::getline(in, line);) {
      ++n;
      if (std::regex_search(line, literal)) offenders.push_back(rel + ":" + std::to_string(n) + ": " + line);
    }
  }
  EXPECT_TRUE(offenders.empty()) << testing::PrintToString(offenders);
}

}  // namespace
}  // namespace dagda::test
