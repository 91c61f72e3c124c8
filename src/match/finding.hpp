// match/finding.hpp: what `dagda scan` reports: one finding per vulnerability
// and package, with every alias merged, and why it holds.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "common/diagnostics.hpp"
#include "inventory/inventory.hpp"
#include "vulndb/record.hpp"

namespace dagda {

// The advisory row that produced (part of) a finding.
struct MatchEvidence {
  std::string source;        // "debian-tracker", "alpine-secdb", "ghsa", ...
  std::string advisory;      // "DSA-5000-1", "GHSA-...", "CVE-..." (tracker rows)
  std::string ns;            // "debian:12", "npm", ...
  std::string package;       // the key looked up (source package for Debian/Ubuntu, origin for Alpine)
  std::string installed;     // the version compared
  std::string rule;          // the range that matched: "< 1.2.3-1", "introduced 0, fixed 2.4", ">=1.0 <1.2"
  std::string comparator;    // "deb", "apk", "rpm", "pypi", ...
  bool best_effort = false;  // matched against another release's data, or NVD's CPE ranges (ns "nvd-cpe")
};

struct ExploitRef {
  int64_t id = 0;
  std::string url;
  std::string title;
};

struct Suppression {
  std::string kind;    // "ignorefile", "vex", "fp", "ignore-unfixed", "severity"
  std::string reason;  // the user's reason, VEX justification/impact, or the filter
  std::string where;   // the file (and line) or database mark that suppressed it
  // For kind "vex": the statement's status ("not_affected", "fixed") and OpenVEX
  // justification ("vulnerable_code_not_present", ...), when it gives one.
  std::string vex_status;
  std::string justification;
};

// A finding's kind is the scanner that made it (--scanners).
inline constexpr std::string_view kKindVuln = "vuln";
inline constexpr std::string_view kKindSecret = "secret";
inline constexpr std::string_view kKindConfig = "config";
inline constexpr std::string_view kKindMalware = "malware";
inline constexpr size_t kNoPackage = static_cast<size_t>(-1);

struct Finding {
  std::string kind{kKindVuln};       // vuln, secret, config, malware
  std::string id;                    // the vulnerability: its CVE when any record names one
  std::vector<std::string> aliases;  // other names of the same vulnerability (GHSA, PYSEC, ...), sorted
  // Advisories that cover this vulnerability among others (a DSA, USN, RHSA): never aliases, sorted.
  std::vector<std::string> related_advisories;
  size_t package = 0;                // index into Inventory::packages; kNoPackage for other kinds
  std::string layer;                 // diff id of the layer that holds it (vuln: the package's layer)
  // Other kinds: where it was found (a path in the image, "config:Env", "history[3]"), the line
  // (0: none) and what was found, already masked (a secret never appears whole in any output).
  std::string target;
  uint64_t line = 0;
  std::string evidence;
  std::string fixed_version;         // empty when there is no fix
  vulndb::AffectedStatus status = vulndb::AffectedStatus::affected;  // fixed, unfixed, will-not-fix, ...
  std::string severity;              // critical/high/medium/low/negligible/unknown
  std::string severity_source;       // the source whose rating this is ("debian-tracker", "nvd", "ghsa", ...)
  std::optional<vulndb::Cvss> cvss;  // the best CVSS known (NVD v3.1 > v3.0 > v4 > v2, else any)
  std::vector<ExploitRef> exploits;
  bool kev = false;
  std::optional<vulndb::KevEntry> kev_entry;
  std::optional<vulndb::EpssScore> epss;
  std::string title;                 // a one-line summary or the start of the description
  std::vector<MatchEvidence> matches;  // every advisory row that matched (first = primary)
  std::optional<Suppression> suppressed;  // set when a policy hides it (shown with --show-suppressed)
};

struct ScanResult {
  Inventory inventory;
  std::vector<Finding> findings;  // sorted: severity (worst first), package, id
  std::vector<Warning> warnings;  // matching warnings (unknown release, undecidable versions...)
  std::string database;           // the database URL used
  std::vector<std::string> namespaces;  // the advisory namespaces consulted
  std::vector<std::string> scanners;    // the scanners that ran (--scanners), in a fixed order
};

// Severity order for sorting and --severity: critical 5 .. negligible 1, unknown 0.
int severity_rank(std::string_view severity);

}  // namespace dagda
