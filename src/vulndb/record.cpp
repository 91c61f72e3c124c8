#include "vulndb/record.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace dagda::vulndb {
namespace {

constexpr std::array<std::pair<AffectedStatus, std::string_view>, 7> kStatus = {{
    {AffectedStatus::affected, "affected"},
    {AffectedStatus::fixed, "fixed"},
    {AffectedStatus::unfixed, "unfixed"},
    {AffectedStatus::not_affected, "not-affected"},
    {AffectedStatus::will_not_fix, "will-not-fix"},
    {AffectedStatus::postponed, "postponed"},
    {AffectedStatus::end_of_life, "end-of-life"},
}};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

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

std::string normalize_severity(std::string_view s) {
  std::string l = lower(s);
  while (!l.empty() && std::isspace(static_cast<unsigned char>(l.back()))) l.pop_back();
  while (!l.empty() && std::isspace(static_cast<unsigned char>(l.front()))) l.erase(0, 1);
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
