// match/matcher.hpp: inventory + knowledge base -> findings. OS packages are
// looked up in their distro release's namespace by the key the distro uses
// (Debian/Ubuntu source package, Alpine origin, RPM binary name); application
// packages in their ecosystem's namespaces. Each row is decided by
// vulndb::evaluate with the namespace's comparator; never by a name search.
// The rules come from the ecosystem table (ecosystem/table.cpp).
#pragma once

#include <atomic>
#include <functional>
#include <vector>

#include "common/result.hpp"
#include "match/finding.hpp"
#include "vulndb/store.hpp"

namespace dagda {

struct MatchOptions {
  bool enrich = true;  // exploits, KEV, EPSS, NVD CVSS and titles
  // Called now and then with the packages matched so far and their total.
  std::function<void(size_t done, size_t total)> progress;
  const std::atomic<bool>* cancel = nullptr;  // stop early (an ErrorCode::cancelled error)
};

// Fills result.findings, result.warnings and result.namespaces from result.inventory.
Status match_inventory(vulndb::Store& store, ScanResult& result, const MatchOptions& opts = {});

// Where a package's advisories are looked up: one namespace and key per entry
// (an npm package is also looked up among retire.js's rows).
struct PackageKey {
  std::string ns;
  std::string package;
  std::string version;
  // Looked up only when no earlier key of the package found any row; its matches are best effort.
  bool fallback = false;
};
// `arch`: the image's architecture as rpm names it ("x86_64"), for distros with per-architecture rows.
std::vector<PackageKey> package_keys(const Package& p, const OsInfo* os, std::string_view arch = {});

// Advisories that by their kind cover several vulnerabilities: distro security
// notices (DSA, DLA, USN, RHSA, ELSA, ALAS, SUSE-SU, ...). Each is a related
// advisory of the vulnerabilities it lists, never an alias of them. Other
// advisories (GHSA, PYSEC, GO, RUSTSEC, NSWG, OSV, retire.js entries) describe one
// vulnerability and are its other names.
bool is_distro_notice(std::string_view id);

}  // namespace dagda
