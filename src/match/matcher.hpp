// match/matcher.hpp: inventory + knowledge base -> findings. OS packages are
// looked up in their distro release's namespace by the key the distro uses
// (Debian/Ubuntu source package, Alpine origin, RPM binary name); application
// packages in their ecosystem's namespace. Each row is decided by
// vulndb::evaluate with the namespace's comparator; never by a name search.
#pragma once

#include "common/result.hpp"
#include "match/finding.hpp"
#include "vulndb/store.hpp"

namespace dagda {

struct MatchOptions {
  bool enrich = true;  // exploits, KEV, EPSS, NVD CVSS
};

// Fills result.findings and result.warnings from result.inventory.
Status match_inventory(vulndb::Store& store, ScanResult& result, const MatchOptions& opts = {});

// The namespace and lookup key for a package ("" ns when it cannot be matched).
struct PackageKey {
  std::string ns;
  std::string package;
  std::string version;
};
PackageKey package_key(const Package& p, const OsInfo* os);

}  // namespace dagda
