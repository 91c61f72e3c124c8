// The one list of comparators, and the ecosystem names that lead to them.
#include "version/comparator.hpp"
#include "version/detail.hpp"
#include "version/ecosystems.hpp"

namespace dagda::version {
namespace {

#define DAGDA_ENTRY(ns, desc) Comparator{#ns, desc, &ns::compare, &ns::valid, &ns::satisfies}

constexpr Comparator kComparators[] = {
    DAGDA_ENTRY(deb, "Debian/Ubuntu packages: dpkg's epoch:upstream-revision rules"),
    DAGDA_ENTRY(rpm, "RPM packages: rpmvercmp with ~ and ^, epoch:version-release"),
    DAGDA_ENTRY(apk, "Alpine packages: apk-tools' rules (suffixes, ~hash, -rN)"),
    DAGDA_ENTRY(semver, "Semantic Versioning 2.0 precedence"),
    DAGDA_ENTRY(npm, "npm: SemVer with node-semver ranges"),
    DAGDA_ENTRY(pypi, "Python: PEP 440 versions and specifiers"),
    DAGDA_ENTRY(maven, "Maven: ComparableVersion and [a,b) ranges"),
    DAGDA_ENTRY(gem, "RubyGems: Gem::Version and Gem::Requirement"),
    DAGDA_ENTRY(composer, "Packagist: Composer normalisation, PHP version_compare, Composer constraints"),
    DAGDA_ENTRY(golang, "Go modules (v1.2.3, pseudo-versions, +incompatible) and toolchains (go1.21.3)"),
    DAGDA_ENTRY(cargo, "crates.io: SemVer with Cargo requirements"),
    DAGDA_ENTRY(nuget, "NuGet: four-part versions and interval ranges"),
};

#undef DAGDA_ENTRY

struct Alias {
  std::string_view name;
  std::string_view comparator;
};

// Ecosystem names as OSV, purl types and distro identifiers write them.
constexpr Alias kAliases[] = {
    {"debian", "deb"},       {"ubuntu", "deb"},         {"dpkg", "deb"},          {"red hat", "rpm"},
    {"redhat", "rpm"},       {"rhel", "rpm"},           {"almalinux", "rpm"},     {"rocky linux", "rpm"},
    {"rocky", "rpm"},        {"centos", "rpm"},         {"fedora", "rpm"},        {"opensuse", "rpm"},
    {"suse", "rpm"},         {"sles", "rpm"},           {"amazon", "rpm"},        {"amazonlinux", "rpm"},
    {"oracle", "rpm"},       {"ol", "rpm"},             {"mariner", "rpm"},       {"azure linux", "rpm"},
    {"photon os", "rpm"},    {"openeuler", "rpm"},      {"mageia", "rpm"},        {"alpine", "apk"},
    {"wolfi", "apk"},        {"chainguard", "apk"},     {"pypi", "pypi"},         {"python", "pypi"},
    {"pip", "pypi"},         {"pep440", "pypi"},        {"node", "npm"},          {"rubygems", "gem"},
    {"ruby", "gem"},         {"gems", "gem"},           {"packagist", "composer"}, {"php", "composer"},
    {"go", "golang"},        {"crates.io", "cargo"},    {"crates", "cargo"},      {"rust", "cargo"},
    {"dotnet", "nuget"},     {".net", "nuget"},         {"java", "maven"},        {"gradle", "maven"},
    {"swifturl", "semver"},
};

}  // namespace

std::span<const Comparator> comparators() { return kComparators; }

const Comparator* find_comparator(std::string_view ecosystem) {
  std::string_view name = detail::trim(ecosystem);
  size_t colon = name.find(':');
  if (colon != std::string_view::npos) name = detail::trim(name.substr(0, colon));
  if (name.empty()) return nullptr;
  for (const Alias& a : kAliases) {
    if (detail::iequals(a.name, name)) name = a.comparator;
  }
  for (const Comparator& c : kComparators)
    if (detail::iequals(c.name, name)) return &c;
  return nullptr;
}

}  // namespace dagda::version
