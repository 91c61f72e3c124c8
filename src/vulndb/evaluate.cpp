#include "vulndb/evaluate.hpp"

#include <fmt/format.h>

#include "version/osv_range.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::vulndb {
namespace {

std::string_view event_word(version::OsvEvent::Kind k) {
  switch (k) {
    case version::OsvEvent::introduced: return "introduced";
    case version::OsvEvent::fixed: return "fixed";
    case version::OsvEvent::last_affected: return "last_affected";
    case version::OsvEvent::limit: return "limit";
  }
  return "";
}

std::string describe(const version::OsvRange& r) {
  std::string out;
  for (auto& e : r.events) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", event_word(e.kind), e.version);
  return out;
}

// The lowest fix candidate above `installed`, by the namespace's comparator;
// candidates the comparator rejects are ignored.
std::string fix_above(const Affected& a, const version::Comparator& cmp, std::string_view installed) {
  std::vector<std::string_view> candidates;
  for (auto& r : a.ranges) {
    if (r.type == "GIT") continue;
    for (auto& e : r.events)
      if (e.kind == version::OsvEvent::fixed) candidates.push_back(e.version);
  }
  if (!a.fixed_version.empty()) candidates.push_back(a.fixed_version);
  for (auto& f : a.fixes) candidates.push_back(f);
  std::string_view best;
  for (auto c : candidates) {
    auto above = cmp.compare(c, installed);
    if (!above.ok() || *above <= 0) continue;
    if (best.empty()) {
      best = c;
      continue;
    }
    auto lower = cmp.compare(c, best);
    if (lower.ok() && *lower < 0) best = c;
  }
  return std::string(best);
}

Result<Verdict> decide(const Affected& a, const version::Comparator& c, std::string_view installed) {
  const version::Comparator* cmp = &c;
  Verdict v;
  if (!a.ranges.empty() || !a.versions.empty()) {
    version::OsvAffected oa{std::string(cmp->name), a.ranges, a.versions};
    DAGDA_ASSIGN_OR_RETURN(auto m, version::osv_affected(oa, installed));
    v.affected = m.affected;
    if (m.by_versions_list)
      v.rule = fmt::format("listed version {}", installed);
    else if (m.range_index >= 0)
      v.rule = describe(a.ranges[size_t(m.range_index)]);
    else
      v.rule = describe_range(a);
    return v;
  }
  if (!a.constraint.empty()) {
    DAGDA_ASSIGN_OR_RETURN(v.affected, cmp->satisfies(installed, a.constraint));
    v.rule = a.constraint;
    return v;
  }
  if (!a.fixed_version.empty()) {
    DAGDA_ASSIGN_OR_RETURN(int c, cmp->compare(installed, a.fixed_version));
    v.affected = c < 0;
    v.rule = "< " + a.fixed_version;
    return v;
  }
  if (a.status == AffectedStatus::fixed) {
    // "Fixed" with no version (Ubuntu's `released` without one): the release
    // ships the fix; claiming every version affected would be a false positive.
    v.rule = "fixed (the source gives no version)";
    return v;
  }
  v.affected = true;
  v.rule = fmt::format("all versions ({})", to_string(a.status));
  return v;
}

}  // namespace

std::string describe_range(const Affected& a) {
  if (a.status == AffectedStatus::not_affected) return "not affected";
  if (!a.ranges.empty()) {
    std::string out;
    for (auto& r : a.ranges) out += (out.empty() ? "" : "; ") + describe(r);
    if (!a.versions.empty()) out += fmt::format("; or one of {} listed versions", a.versions.size());
    return out;
  }
  if (!a.versions.empty()) return fmt::format("one of {} listed versions", a.versions.size());
  if (!a.constraint.empty()) return a.constraint;
  if (!a.fixed_version.empty()) return "< " + a.fixed_version;
  return fmt::format("all versions ({})", to_string(a.status));
}

Result<Verdict> evaluate(const Affected& a, std::string_view installed) {
  const version::Comparator* cmp = comparator_for(a.ns);
  if (!cmp)
    return Error(ErrorCode::unsupported, fmt::format("no version rules for namespace '{}'", a.ns));
  Verdict v;
  v.comparator = std::string(cmp->name);
  if (a.status == AffectedStatus::not_affected) {
    v.rule = "not affected";
    return v;
  }
  DAGDA_ASSIGN_OR_RETURN(v, decide(a, *cmp, installed));
  v.comparator = std::string(cmp->name);
  if (v.affected) v.fixed_version = fix_above(a, *cmp, installed);
  return v;
}

}  // namespace dagda::vulndb
