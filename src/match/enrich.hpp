// match/enrich.hpp: what the knowledge base says about the vulnerabilities a
// scan found — titles, CVSS, severities, exploits, KEV, EPSS — fetched once for
// the whole set of ids, then read per finding. Only records of the finding's
// own names count: an advisory that merely covers a vulnerability (a DSA) or
// another ecosystem's record never lends it a title, a rating or a KEV entry.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "match/finding.hpp"
#include "vulndb/store.hpp"

namespace dagda {

struct VulnFacts {
  std::string title;
  std::string severity, severity_source;
  std::optional<vulndb::Cvss> cvss;
  std::vector<ExploitRef> exploits;
  std::optional<vulndb::KevEntry> kev;
  std::optional<vulndb::EpssScore> epss;
  bool withdrawn = false;  // NVD rejected the CVE, or the advisory was withdrawn
};

class Enrichment {
 public:
  // `ids`: the finding's id then its aliases. `matched_sources`: the sources
  // whose rows matched the package; `preference` orders them (lower first).
  VulnFacts facts(const std::vector<std::string>& ids, const std::set<std::string>& matched_sources,
                  const std::function<size_t(const std::string&)>& preference, std::string_view ns) const;

  // Whether a record rates packages of namespace `ns` (its scope names it or its distro).
  static bool in_scope(const vulndb::Vulnerability& v, std::string_view ns);

  std::map<std::string, std::vector<vulndb::StoredVulnerability>> records;  // by their own id
  std::map<std::string, std::set<std::string>> aliases;                     // other names of each id
  std::set<std::string> withdrawn;                                          // rejected or withdrawn ids
  std::map<std::string, std::vector<ExploitRef>> exploits;                  // by CVE
  std::map<std::string, vulndb::KevEntry> kev;                              // by CVE
  std::map<std::string, vulndb::EpssScore> epss;                            // by CVE
};

// Everything about these ids in a handful of queries (each table read once per
// few hundred ids), with the records of their aliases too.
Result<Enrichment> fetch_enrichment(vulndb::Store& store, const std::vector<std::string>& ids);

}  // namespace dagda
