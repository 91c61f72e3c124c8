// version/ecosystems.hpp: the functions behind each registry entry, for the
// registry, the tests and the benchmarks. Users go through comparator.hpp.
#pragma once

#include <string_view>

#include "common/result.hpp"

namespace dagda::version {

#define DAGDA_VERSION_ECOSYSTEM(ns)                                         \
  namespace ns {                                                            \
  Result<int> compare(std::string_view a, std::string_view b);              \
  bool valid(std::string_view v);                                           \
  Result<bool> satisfies(std::string_view version, std::string_view range); \
  }

DAGDA_VERSION_ECOSYSTEM(deb)
DAGDA_VERSION_ECOSYSTEM(rpm)
DAGDA_VERSION_ECOSYSTEM(apk)
DAGDA_VERSION_ECOSYSTEM(semver)
DAGDA_VERSION_ECOSYSTEM(npm)
DAGDA_VERSION_ECOSYSTEM(pypi)
DAGDA_VERSION_ECOSYSTEM(maven)
DAGDA_VERSION_ECOSYSTEM(gem)
DAGDA_VERSION_ECOSYSTEM(composer)
DAGDA_VERSION_ECOSYSTEM(golang)
DAGDA_VERSION_ECOSYSTEM(cargo)
DAGDA_VERSION_ECOSYSTEM(nuget)
DAGDA_VERSION_ECOSYSTEM(upstream)

#undef DAGDA_VERSION_ECOSYSTEM

namespace rpm {
// rpmvercmp: one version or release string against another, no epoch handling.
int vercmp(std::string_view a, std::string_view b);
}

namespace apk {
// apk-tools' ordering on any two strings, as `apk version -t` prints it, even
// for invalid versions (compare() rejects those).
int compare_any(std::string_view a, std::string_view b);
// apk's fuzzy match (`~`): a equals b on b's leading components.
bool fuzzy_match(std::string_view a, std::string_view b);
// apk-tools 3's validity (apk vertest); valid() also accepts what apk-tools 2
// accepted, such as a number after the letter (openssh 6.0.2p1-r0).
bool valid_v3(std::string_view v);
}

namespace composer {
// PHP's version_compare() on the raw strings (Composer compares normalised ones).
int php_version_compare(std::string_view a, std::string_view b);
}

namespace pypi {
// Strict PEP 440 validity (what packaging.version.Version accepts).
bool valid_pep440(std::string_view v);
}

}  // namespace dagda::version
