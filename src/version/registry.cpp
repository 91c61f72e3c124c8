// The one list of comparators; other names of an ecosystem come from ecosystem/table.cpp.
#include "ecosystem/ecosystem.hpp"
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
    DAGDA_ENTRY(upstream, "upstream releases as NVD's CPE ranges name them: dotted numbers, OpenSSL's letters (1.1.1k), "
                          "pre-releases (rc1, beta2), Go's go1.21.3"),
};

#undef DAGDA_ENTRY

}  // namespace

std::span<const Comparator> comparators() { return kComparators; }

const Comparator* find_comparator(std::string_view ecosystem) {
  std::string_view name = detail::trim(ecosystem);
  size_t colon = name.find(':');
  if (colon != std::string_view::npos) name = detail::trim(name.substr(0, colon));
  if (name.empty()) return nullptr;
  for (const Comparator& c : kComparators)
    if (detail::iequals(c.name, name)) return &c;
  // Every other name (OSV ecosystems, purl types, distros) through the ecosystem table.
  const eco::Ecosystem* e = eco::find(name);
  if (!e) return nullptr;
  for (const Comparator& c : kComparators)
    if (c.name == e->comparator) return &c;
  return nullptr;
}

}  // namespace dagda::version
