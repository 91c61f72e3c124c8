#include "vulndb/record.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include <fmt/format.h>

#include "common/strings.hpp"

namespace dagda::vulndb {
namespace {

constexpr std::array<std::pair<AffectedStatus, std::string_view>, 8> kStatus = {{
    {AffectedStatus::affected, "affected"},
    {AffectedStatus::fixed, "fixed"},
    {AffectedStatus::unfixed, "unfixed"},
    {AffectedStatus::under_investigation, "under-investigation"},
    {AffectedStatus::not_affected, "not-affected"},
    {AffectedStatus::will_not_fix, "will-not-fix"},
    {AffectedStatus::postponed, "postponed"},
    {AffectedStatus::end_of_life, "end-of-life"},
}};

}  // namespace

std::string_view to_string(AffectedStatus s) {
  for (auto& [k, v] : kStatus)
    if (k == s) return v;
  return "affected";
}

std::optional<AffectedStatus> status_from_string(std::string_view s) {
  for (auto& [k, v] : kStatus)
    if (v == s) return k;
  return std::nullopt;
}

bool is_cve(std::string_view s) {
  if (s.size() < 13 || !s.starts_with("CVE-") || s[8] != '-') return false;
  for (size_t i = 4; i < s.size(); ++i)
    if (i != 8 && !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

std::string exploit_url(int64_t edb_id) { return fmt::format("https://www.exploit-db.com/exploits/{}", edb_id); }

std::string normalize_severity(std::string_view s) {
  std::string l = lower(trim(s));
  if (l.empty()) return "";
  if (l == "critical" || l == "urgent") return "critical";
  if (l == "high" || l == "important") return "high";
  if (l == "medium" || l == "moderate") return "medium";
  if (l == "low") return "low";
  if (l == "negligible" || l == "unimportant" || l == "none" || l == "info" || l == "informational")
    return "negligible";
  return "unknown";
}

std::string severity_from_score(double score, std::string_view cvss_version) {
  if (cvss_version.starts_with("2")) {
    if (score >= 7.0) return "high";
    if (score >= 4.0) return "medium";
    return "low";
  }
  if (score >= 9.0) return "critical";
  if (score >= 7.0) return "high";
  if (score >= 4.0) return "medium";
  if (score > 0.0) return "low";
  return "none";
}

}  // namespace dagda::vulndb
