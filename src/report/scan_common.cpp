#include "report/scan_common.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>
#include <tuple>

namespace dagda::report {

std::string_view severity_word(const Finding& f) {
  for (auto s : kSeverities) {
    if (f.severity == s) return s;
  }
  return "unknown";
}

ScanView scan_view(const ScanResult& r) {
  std::map<const Package*, size_t> order;
  for (const Package* p : sorted_packages(r.inventory)) order.emplace(p, order.size());
  // Vulnerabilities first (by package), then the other kinds by where they were found.
  auto key = [&](const Finding* f) {
    const bool vuln = is_vuln(*f);
    return std::make_tuple(-severity_rank(severity_word(*f)), !vuln, vuln ? order.at(&package_of(r, *f)) : 0,
                           std::cref(f->kind), std::cref(f->target), f->line, std::cref(f->id), std::cref(f->layer));
  };
  ScanView v;
  for (const auto& f : r.findings) (f.suppressed ? v.suppressed : v.reported).push_back(&f);
  auto less = [&](const Finding* a, const Finding* b) { return key(a) < key(b); };
  std::stable_sort(v.reported.begin(), v.reported.end(), less);
  std::stable_sort(v.suppressed.begin(), v.suppressed.end(), less);
  return v;
}

bool is_vuln(const Finding& f) { return f.kind == kKindVuln; }

const Package& package_of(const ScanResult& r, const Finding& f) {
  if (f.package >= r.inventory.packages.size()) {
    throw std::out_of_range(
        fmt::format("finding {} names package {} of {}", f.id, f.package, r.inventory.packages.size()));
  }
  return r.inventory.packages[f.package];
}

std::vector<const Warning*> scan_warnings(const ScanResult& r) {
  std::vector<const Warning*> out = sorted_warnings(r.inventory);
  Inventory matching;
  matching.warnings = r.warnings;
  // sorted_warnings() points into `matching`; map back to r.warnings by position.
  for (const Warning* w : sorted_warnings(matching)) {
    out.push_back(&r.warnings[static_cast<size_t>(w - matching.warnings.data())]);
  }
  return out;
}

std::string percent_encode(std::string_view s, std::string_view keep) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' ||
        keep.find(static_cast<char>(c)) != std::string_view::npos) {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string vulnerability_url(std::string_view id) {
  if (id.starts_with("CVE-")) return "https://nvd.nist.gov/vuln/detail/" + percent_encode(id);
  if (id.starts_with("GHSA-")) return "https://github.com/advisories/" + percent_encode(id);
  if (id.starts_with("DSA-") || id.starts_with("DLA-"))
    return "https://security-tracker.debian.org/tracker/" + percent_encode(id);
  if (id.starts_with("USN-")) return "https://ubuntu.com/security/notices/" + percent_encode(id);
  if (id.starts_with("RHSA-") || id.starts_with("RHBA-") || id.starts_with("RHEA-"))
    return "https://access.redhat.com/errata/" + percent_encode(id);
  return "https://osv.dev/vulnerability/" + percent_encode(id);
}

std::string exploit_url(const ExploitRef& e) {
  if (!e.url.empty()) return e.url;
  return vulndb::exploit_url(e.id);
}

std::string redact_database(std::string_view db) {
  std::string s(db);
  // scheme://user:password@host...
  if (auto scheme = s.find("://"); scheme != std::string::npos) {
    size_t auth_end = s.find_first_of("/?#", scheme + 3);
    size_t at = s.rfind('@', auth_end == std::string::npos ? s.size() : auth_end);
    if (at != std::string::npos && at > scheme) {
      size_t colon = s.find(':', scheme + 3);
      if (colon != std::string::npos && colon < at) s.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // libpq key=value strings and URL query parameters: password=...
  for (size_t pos = 0; (pos = s.find("password=", pos)) != std::string::npos;) {
    size_t start = pos + 9;
    size_t end = s.find_first_of(" &", start);
    if (end == std::string::npos) end = s.size();
    s.replace(start, end - start, "***");
    pos = start + 3;
  }
  return s;
}

}  // namespace dagda::report
