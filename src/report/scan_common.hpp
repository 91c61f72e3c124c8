// report/scan_common.hpp: what the scan formats share: the order of findings,
// the package of a finding, severity words and counts, links for an id.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "match/finding.hpp"
#include "report/common.hpp"
#include "report/scan_writer.hpp"

namespace dagda::report {

// The severity words, worst first; every finding's severity is one of them.
inline constexpr std::array<std::string_view, 6> kSeverities = {"critical", "high",       "medium",
                                                                "low",      "negligible", "unknown"};

// A finding's severity as one of kSeverities (anything else is "unknown").
std::string_view severity_word(const Finding& f);

// The findings in report order: severity (worst first), the package in
// sorted_packages() order, id; split into those reported and those a policy
// suppressed.
struct ScanView {
  std::vector<const Finding*> reported;
  std::vector<const Finding*> suppressed;
};
ScanView scan_view(const ScanResult& r);

// A vulnerability of a package (kind "vuln"); other kinds have no package.
bool is_vuln(const Finding& f);

// The package a finding is about; throws std::out_of_range on a bad index
// (a matcher bug, which guarded() turns into an internal error).
const Package& package_of(const ScanResult& r, const Finding& f);

// Inventory warnings then matching warnings, each in sorted_warnings() order.
std::vector<const Warning*> scan_warnings(const ScanResult& r);

// A page about a vulnerability id: NVD for CVEs, GitHub for GHSAs, OSV otherwise.
std::string vulnerability_url(std::string_view id);

// An Exploit-DB entry's URL (the one given, else exploit-db.com/exploits/ID).
std::string exploit_url(const ExploitRef& e);

// The database location without a password (URL user info or a "password=" key).
std::string redact_database(std::string_view db);

// The dagda.scan/v1 JSON text without the tool version: the seed of the
// deterministic serial numbers of the other formats.
std::string scan_fingerprint(const ScanResult& r);

// RFC 3986 percent-encoding of everything but unreserved characters and the
// characters in `keep`.
std::string percent_encode(std::string_view s, std::string_view keep = "");

}  // namespace dagda::report
