// vulndb/record.hpp: the records of the knowledge base, as importers produce
// them and the store keeps them. Strings are as the feed states them unless a
// comment says they are normalised.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "version/osv_range.hpp"

namespace dagda::vulndb {

// A distro's or advisory's verdict for one package in one namespace.
enum class AffectedStatus {
  affected,      // affected in the given ranges/versions (OSV-style records)
  fixed,         // fixed in fixed_version; older versions are affected
  unfixed,       // affected, no fix yet (Debian "open", Ubuntu "needed")
  under_investigation,  // the distro has not decided yet whether it is affected (Ubuntu "needs-triage")
  not_affected,  // never produces a finding
  will_not_fix,  // affected; the distro will not fix it (Debian no-dsa/ignored, Ubuntu "ignored")
  postponed,     // affected; fix deferred
  end_of_life,   // affected; the release or package is no longer supported
};
std::string_view to_string(AffectedStatus s);
std::optional<AffectedStatus> status_from_string(std::string_view s);

struct Cvss {
  std::string version;  // "2.0", "3.0", "3.1", "4.0"
  std::string vector;   // the full vector string
  double score = 0;     // base score
  std::string severity; // as stated or derived from the score: none/low/medium/high/critical
  std::string source;   // who scored it ("nvd@nist.gov", "NVD", a CNA...) when the feed says
  bool computed = false;  // score and severity computed here from the vector (vulndb/cvss.hpp): the feed gave none
};

struct Vulnerability {
  std::string id;                    // CVE-..., GHSA-..., RUSTSEC-..., DSA-..., ...
  // Other names of THE SAME vulnerability (OSV aliases, a GHSA's CVE). Never
  // the CVEs an advisory covers: those are `related`.
  std::vector<std::string> aliases;
  // Records linked to this one that are not the same vulnerability: the CVEs
  // a DSA/DLA/USN/RHSA fixes (on the advisory's record), OSV "related".
  std::vector<std::string> related;
  // The namespaces whose packages this record's severity rates: a distro
  // family ("debian", "ubuntu", "alpine", "redhat") or an ecosystem namespace
  // ("npm", "pypi", "gem"...). Empty: no particular one (NVD, a CNA).
  std::vector<std::string> scope;
  std::string summary;               // one line, when the feed has one
  std::string description;
  std::string published;             // ISO 8601 date or date-time, as given
  std::string modified;
  std::string severity;              // the source's own rating, normalised by normalize_severity()
  std::vector<Cvss> cvss;
  std::vector<std::string> cwes;     // "CWE-79"
  std::vector<std::string> references;  // URLs
  bool withdrawn = false;            // withdrawn (OSV), rejected (NVD): never the basis of a finding
};

// One package's status in one advisory. The key the matcher looks up is
// (namespace, package): see vulndb/namespace.hpp for both.
// One row is about ONE vulnerability: an advisory covering several CVEs gives
// one row per CVE, each with the advisory as advisory_id.
struct Affected {
  std::string advisory_id;           // the record that says so: "DSA-5000-1", "GHSA-...", "CVE-..." for tracker rows
  std::string vuln_id;               // the vulnerability, its CVE when it has one; may equal advisory_id
  std::vector<std::string> aliases;  // other names of this same vulnerability (never sibling CVEs)
  std::string ns;                    // "debian:12", "ubuntu:18.04", "alpine:3.10", "redhat:8", "npm", "pypi", ...
  std::string package;               // normalised with normalize_package(ns, name)
  AffectedStatus status = AffectedStatus::affected;
  std::string fixed_version;         // first fixed version, empty when none
  // Every version that fixes one of the affected ranges, when the feed lists
  // several (GitLab fixed_versions, the lower bounds of patched versions);
  // evaluate() reports the one that fixes the range the installed version is in.
  std::vector<std::string> fixes;
  std::vector<version::OsvRange> ranges;  // OSV events, evaluated with the namespace's comparator
  std::vector<std::string> versions;      // explicit affected versions
  std::string constraint;            // the ecosystem's own constraint syntax when the feed gives one (">= 1.0, < 1.2.3 || ...")
  std::string severity;              // the source's rating for this package, normalised; empty when none
  std::string note;                  // a remark from the source (Ubuntu/Debian tracker notes, CSAF justification)
  std::string published;             // the advisory's date when known
};

// An Exploit-DB entry. Either from files_exploits.csv (full) or from a CVE
// mapping (id and CVEs only).
struct Exploit {
  int64_t id = 0;
  std::string title, date, author, type, platform, file;
  std::vector<std::string> cves;
};

struct KevEntry {
  std::string cve, vendor, product, name, date_added, description, required_action, due_date;
  std::string ransomware;  // "Known" / "Unknown"
  std::string notes;
  std::vector<std::string> cwes;
};

struct EpssScore {
  std::string cve;
  double score = 0;       // probability of exploitation in the next 30 days
  double percentile = 0;
  std::string date;       // the scores' date when the feed says
};

struct BugtraqEntry {
  int64_t bid = 0;
  std::string title, vuln_class, published, updated, credit, url;
  bool remote = false, local = false;
  std::vector<std::string> cves;
  std::vector<std::string> vulnerable;  // product strings as BugTraq lists them
};

// Detection data that is not an advisory: retire.js extractors, kept whole
// so the JavaScript cataloger can load them from the database.
struct Signature {
  std::string kind;  // "retirejs"
  std::string name;  // the repository file, e.g. "jsrepository.json"
  std::string body;  // its text
};

// "CVE-YYYY-NNNN..." exactly.
bool is_cve(std::string_view s);

// The Exploit-DB page of an exploit: the one place such URLs are made.
std::string exploit_url(int64_t edb_id);

// The canonical severity words, from any feed's vocabulary: "critical", "high",
// "medium", "low", "negligible", "unknown"; empty input gives "".
std::string normalize_severity(std::string_view s);
// CVSS base score to severity per the version's table (v2 has no "critical").
std::string severity_from_score(double score, std::string_view cvss_version);

}  // namespace dagda::vulndb
