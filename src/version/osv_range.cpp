#include "version/osv_range.hpp"

#include <fmt/format.h>

#include "version/detail.hpp"

namespace dagda::version {
namespace {

// Orders two events: by version, "0" (introduced) first and "*" (limit) last;
// on a tie an introduced event comes first.
Result<int> order(const Comparator& c, const OsvEvent& a, const OsvEvent& b) {
  auto lowest = [](const OsvEvent& e) { return e.kind == OsvEvent::introduced && e.version == "0"; };
  auto highest = [](const OsvEvent& e) { return e.kind == OsvEvent::limit && e.version == "*"; };
  int r;
  if (lowest(a) || lowest(b)) r = lowest(a) == lowest(b) ? 0 : (lowest(a) ? -1 : 1);
  else if (highest(a) || highest(b)) r = highest(a) == highest(b) ? 0 : (highest(a) ? 1 : -1);
  else {
    DAGDA_ASSIGN_OR_RETURN(r, c.compare(a.version, b.version));
  }
  if (r == 0 && a.kind != b.kind) {
    if (a.kind == OsvEvent::introduced) return -1;
    if (b.kind == OsvEvent::introduced) return 1;
  }
  return r;
}

Error bad_range(const OsvRange& r, std::string_view why) {
  return Error(ErrorCode::invalid_input, fmt::format("invalid OSV {} range: {}", r.type, why));
}

}  // namespace

Result<bool> osv_range_includes(const Comparator& ecosystem, const OsvRange& range, std::string_view version) {
  if (range.type == "GIT") return false;
  const Comparator* c = &ecosystem;
  if (range.type == "SEMVER") c = find_comparator("semver");
  else if (range.type != "ECOSYSTEM") return Error(ErrorCode::unsupported, fmt::format("unknown OSV range type \"{}\"", range.type));
  if (!c->valid(version)) return c->compare(version, version).error();

  bool has_introduced = false, has_limit = false;
  for (const OsvEvent& e : range.events) {
    if (e.version.empty()) return bad_range(range, "an event without a version");
    has_introduced |= e.kind == OsvEvent::introduced;
    has_limit |= e.kind == OsvEvent::limit;
  }
  if (!has_introduced) return bad_range(range, "no introduced event");

  // BeforeLimits: with no limit events an implicit "*" applies.
  if (has_limit) {
    bool before = false;
    for (const OsvEvent& e : range.events) {
      if (e.kind != OsvEvent::limit) continue;
      if (e.version == "*") {
        before = true;
        continue;
      }
      DAGDA_ASSIGN_OR_RETURN(int cmp, c->compare(version, e.version));
      if (cmp < 0) before = true;
    }
    if (!before) return false;
  }

  // Sort the events by version (insertion sort: ranges hold a handful of events).
  std::vector<const OsvEvent*> sorted;
  sorted.reserve(range.events.size());
  for (const OsvEvent& e : range.events) {
    if (e.kind == OsvEvent::limit) continue;
    size_t pos = sorted.size();
    while (pos > 0) {
      DAGDA_ASSIGN_OR_RETURN(int r, order(*c, *sorted[pos - 1], e));
      if (r <= 0) break;
      --pos;
    }
    sorted.insert(sorted.begin() + static_cast<std::ptrdiff_t>(pos), &e);
  }

  bool vulnerable = false;
  for (const OsvEvent* e : sorted) {
    if (e->kind == OsvEvent::introduced) {
      if (e->version == "0") {
        vulnerable = true;
        continue;
      }
      DAGDA_ASSIGN_OR_RETURN(int cmp, c->compare(version, e->version));
      if (cmp >= 0) vulnerable = true;
    } else if (e->kind == OsvEvent::fixed) {
      DAGDA_ASSIGN_OR_RETURN(int cmp, c->compare(version, e->version));
      if (cmp >= 0) vulnerable = false;
    } else if (e->kind == OsvEvent::last_affected) {
      DAGDA_ASSIGN_OR_RETURN(int cmp, c->compare(version, e->version));
      if (cmp > 0) vulnerable = false;
    }
  }
  return vulnerable;
}

Result<OsvMatch> osv_affected(const OsvAffected& affected, std::string_view version) {
  const Comparator* c = find_comparator(affected.ecosystem);
  OsvMatch m;
  bool needs_ecosystem = false;
  for (const OsvRange& r : affected.ranges) needs_ecosystem |= r.type == "ECOSYSTEM";
  if (!c && needs_ecosystem)
    return Error(ErrorCode::unsupported,
                 fmt::format("no version comparator for ecosystem \"{}\"", detail::quote(affected.ecosystem)));
  if (c && !c->valid(version)) return c->compare(version, version).error();
  // IncludedInVersions: the same string, or the same version by the ecosystem's rules.
  for (const std::string& v : affected.versions) {
    bool same = v == version;
    if (!same && c && c->valid(v)) {
      DAGDA_ASSIGN_OR_RETURN(int cmp, c->compare(version, v));
      same = cmp == 0;
    }
    if (same) {
      m.affected = m.by_versions_list = true;
      return m;
    }
  }
  const Comparator* semver = find_comparator("semver");
  for (size_t i = 0; i < affected.ranges.size(); ++i) {
    const OsvRange& r = affected.ranges[i];
    if (r.type == "GIT") continue;
    DAGDA_ASSIGN_OR_RETURN(bool in, osv_range_includes(c ? *c : *semver, r, version));
    if (in) {
      m.affected = true;
      m.range_index = static_cast<int>(i);
      return m;
    }
  }
  return m;
}

}  // namespace dagda::version
