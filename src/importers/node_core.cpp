// importers/node_core.cpp: Node.js itself (the runtime, not npm packages), for the Node.js
// runtimes the `runtime` cataloger finds (namespace "runtime", package "node"). Two files:
//
// - The security WG's core index (vuln/core/index.json, which is-my-node-vulnerable ships as
//   core.json): an object of advisories keyed by number, each with cve[], vulnerable and
//   patched (node-semver ranges), description, overview, ref, severity, and sometimes
//   cvss/cvss_score. One Vulnerability "NSWG-CORE-N" (its CVE when it has exactly one,
//   the advisory an alias) and one Affected per CVE whose constraint is `vulnerable` without
//   the `patched` versions (subtract_patched below) and whose fixes are the lower bounds of
//   `patched` (the nodejs importer reads the same advisories one file each, for the npm
//   package "node").
// - node-version-audit's rules-v1.json: `cves` (id, baseScore, publishedDate,
//   lastModifiedDate, description) and `releases` (version -> patchedCveIds). A CVE affects
//   each release line (major; 0.x lines by minor) that has a release patching it, below the
//   first such release: ">=L.0 <P" for each line, joined with "||". A line that reached its
//   end of life unpatched has no patching release and so no range here.
#include <fmt/format.h>

#include <array>
#include <cctype>
#include <algorithm>
#include <map>

#include "importers/feed_util.hpp"
#include "importers/node_advisory.hpp"
#include "version/comparator.hpp"
#include "version/negate.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

constexpr std::string_view kNs = "runtime";
constexpr std::string_view kPackage = "node";

bool digits_only(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

int detect(std::string_view /*path*/, std::string_view head) {
  std::string_view h = skip_space(head);
  if (!h.starts_with("{")) return 0;
  if (contains(h, "\"Node Version Audit\"") || contains(h, "node-version-audit/rules-v1.json")) return 3;
  // {"1": {"cve": [...], "vulnerable": ..., "patched": ...}, ...}: the core index.
  std::string_view r = skip_space(h.substr(1));
  if (!r.starts_with("\"")) return 0;
  size_t q = r.find('"', 1);
  if (q == std::string_view::npos || !digits_only(r.substr(1, q - 1))) return 0;
  std::string_view after = skip_space(r.substr(q + 1));
  if (!after.starts_with(":") || !skip_space(after.substr(1)).starts_with("{")) return 0;
  if (contains(h, "\"module_name\"")) return 0;  // the npm index: not Node.js itself
  return contains(h, "\"vulnerable\"") && contains(h, "\"cve\"") ? 3 : 0;
}

// A release line: the major, or for 0.x the minor too.
using Line = std::array<uint64_t, 2>;
Line line_of(const std::array<uint64_t, 3>& v) {
  return {v[0], v[0] == 0 ? v[1] : 0};
}

// `vulnerable` without the `patched` versions, as is-my-node-vulnerable decides (a version is
// affected when node-semver says it satisfies `vulnerable` and not `patched`). Patched terms:
// "^P" (P up to the next line), ">= P" (P and everything after) and a bare "P" (P alone); the
// versions none of them cover are a list of intervals, written against each alternative of
// `vulnerable` (intersected exactly when the alternative is an X-range such as "18.x").
using Triple = std::array<uint64_t, 3>;
struct Bound {
  Triple v;
  bool inclusive;
};
struct Piece {
  std::optional<Bound> lo, hi;  // none: unbounded
};

std::string text(const Triple& t) {
  return fmt::format("{}.{}.{}", t[0], t[1], t[2]);
}

std::optional<Triple> triple(std::string_view v);

// The releases no patched term covers, in order.
std::vector<Piece> unpatched(std::string_view patched) {
  struct Span {
    Triple lo;
    std::optional<Triple> hi;
    bool hi_inclusive;
  };
  std::vector<Span> spans;
  size_t pos = 0;
  while (pos <= patched.size()) {
    size_t bar = patched.find("||", pos);
    std::string_view term = trim(patched.substr(pos, bar == std::string_view::npos ? std::string_view::npos : bar - pos));
    pos = bar == std::string_view::npos ? patched.size() + 1 : bar + 2;
    if (term.empty()) continue;
    if (term.starts_with('^')) {
      if (auto t = triple(trim(term.substr(1)))) {
        Line l = line_of(*t);
        spans.push_back({*t, l[0] == 0 ? Triple{0, l[1] + 1, 0} : Triple{l[0] + 1, 0, 0}, false});
      }
    } else if (term.starts_with(">=")) {
      if (auto t = triple(trim(term.substr(2)))) spans.push_back({*t, std::nullopt, false});
    } else if (auto t = triple(term)) {
      spans.push_back({*t, *t, true});
    } else {
      for (const auto& f : version::lower_bounds(term))  // another form: patched from its lower bound on
        if (auto b = triple(f)) spans.push_back({*b, std::nullopt, false});
    }
  }
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.lo < b.lo; });
  std::vector<Piece> out;
  std::optional<Bound> cur;  // where the unpatched versions resume; none: from the start
  for (const Span& s : spans) {
    if (!cur || s.lo > cur->v) out.push_back({cur, Bound{s.lo, false}});  // unpatched up to this span
    if (!s.hi) return out;                                                // patched from here on
    Bound resume{*s.hi, !s.hi_inclusive};  // at hi after a caret, just after an exact version
    if (!cur || resume.v > cur->v || (resume.v == cur->v && !resume.inclusive)) cur = resume;
  }
  out.push_back({cur, std::nullopt});
  return out;
}

// "18.x" -> [18.0.0, 19.0.0); "0.10.x" -> [0.10.0, 0.11.0); nullopt for other forms.
std::optional<std::pair<Triple, Triple>> xrange(std::string_view alt) {
  if (!alt.ends_with(".x")) return std::nullopt;
  std::string_view head = alt.substr(0, alt.size() - 2);
  size_t dot = head.find('.');
  auto num = [](std::string_view d) -> std::optional<uint64_t> {
    if (d.empty() || d.size() > 9) return std::nullopt;
    uint64_t x = 0;
    for (char c : d) {
      if (c < '0' || c > '9') return std::nullopt;
      x = x * 10 + static_cast<uint64_t>(c - '0');
    }
    return x;
  };
  if (dot == std::string_view::npos) {
    auto M = num(head);
    if (!M) return std::nullopt;
    return std::make_pair(Triple{*M, 0, 0}, Triple{*M + 1, 0, 0});
  }
  auto M = num(head.substr(0, dot)), m = num(head.substr(dot + 1));
  if (!M || !m) return std::nullopt;
  return std::make_pair(Triple{*M, *m, 0}, Triple{*M, *m + 1, 0});
}

std::string subtract_patched(std::string_view vulnerable, std::string_view patched) {
  std::vector<Piece> pieces = unpatched(patched);
  std::string out;
  auto add = [&](std::string term) {
    if (!out.empty()) out += " || ";
    out += term;
  };
  auto bounds = [](const Piece& p) {
    std::string b;
    if (p.lo) b += fmt::format("{}{}", p.lo->inclusive ? ">=" : ">", text(p.lo->v));
    if (p.hi) b += fmt::format("{}{}{}", b.empty() ? "" : " ", p.hi->inclusive ? "<=" : "<", text(p.hi->v));
    return b;
  };
  size_t pos = 0;
  while (pos <= vulnerable.size()) {
    size_t bar = vulnerable.find("||", pos);
    std::string alt(trim(vulnerable.substr(pos, bar == std::string_view::npos ? std::string_view::npos : bar - pos)));
    pos = bar == std::string_view::npos ? vulnerable.size() + 1 : bar + 2;
    if (alt.empty()) continue;
    auto x = xrange(alt);
    for (Piece p : pieces) {
      if (!x) {
        std::string b = bounds(p);
        add(b.empty() ? alt : alt + " " + b);
        continue;
      }
      // Intersect with [A, B).
      Bound A{x->first, true}, B{x->second, false};
      if (!p.lo || p.lo->v < A.v || (p.lo->v == A.v && p.lo->inclusive)) p.lo = A;
      if (!p.hi || p.hi->v > B.v || (p.hi->v == B.v && !p.hi->inclusive)) p.hi = B;
      if (p.lo->v > p.hi->v || (p.lo->v == p.hi->v && !(p.lo->inclusive && p.hi->inclusive))) continue;
      add(bounds(p));
    }
  }
  return out;
}

Status parse_core_index(const Entry& e, element root, vulndb::Sink& sink, Diagnostics& diag) {
  simdjson::dom::object all;
  if (root.get(all) != simdjson::SUCCESS) return entry_error(e, "not a Node.js core index: not a JSON object");
  for (auto [key, o] : all) {
    if (!o.is_object()) {
      diag.warn("node-core.bad-advisory", fmt::format("advisory '{}' is not an object; skipped", key), where(e));
      continue;
    }
    vulndb::Vulnerability v;
    v.id = fmt::format("NSWG-CORE-{}", key);
    std::vector<std::string> cve_ids;
    for (auto& c : jstrings(o, "cve"))
      if (is_cve(c)) add_id(cve_ids, c);
    v.summary = std::string(jstr(o, "description"));
    v.description = std::string(jstr(o, "overview"));
    if (v.description.empty()) v.description = v.summary;
    if (auto ref = jstr(o, "ref"); !ref.empty()) v.references.emplace_back(ref);
    v.published = std::string(jstr(o, "publish_date"));
    if (auto vec = jstr(o, "cvss"); vec.starts_with("CVSS:")) {
      if (auto c = cvss_entry(vec, "node-core", jnum(o, "cvss_score"))) v.cvss.push_back(std::move(*c));
    }
    v.severity = vulndb::normalize_severity(jstr(o, "severity"));
    if (v.severity.empty()) v.severity = severity_from_cvss(v.cvss);
    if (cve_ids.size() == 1)
      add_id(v.aliases, cve_ids[0], v.id);
    else
      for (auto& c : cve_ids) add_id(v.related, c, v.id);
    v.scope = {std::string(kNs)};
    vulndb::Affected a;
    a.ns = std::string(kNs);
    a.package = std::string(kPackage);
    a.advisory_id = v.id;
    a.severity = v.severity;
    a.published = v.published;
    std::string_view patched = trim(jstr(o, "patched"));
    add_node_advisory(std::move(v), std::move(a), subtract_patched(trim(jstr(o, "vulnerable")), patched), patched,
                      cve_ids, "node-core", e, sink, diag);
  }
  return ok_status();
}

// "18.20.4" -> {18, 20, 4}; nullopt unless three numbers.
std::optional<std::array<uint64_t, 3>> triple(std::string_view v) {
  std::array<uint64_t, 3> out{};
  for (int i = 0; i < 3; ++i) {
    size_t n = 0;
    uint64_t x = 0;
    while (n < v.size() && v[n] >= '0' && v[n] <= '9' && n < 9) x = x * 10 + static_cast<uint64_t>(v[n++] - '0');
    if (n == 0) return std::nullopt;
    out[static_cast<size_t>(i)] = x;
    v.remove_prefix(n);
    if (i < 2) {
      if (!v.starts_with('.')) return std::nullopt;
      v.remove_prefix(1);
    }
  }
  if (!v.empty()) return std::nullopt;
  return out;
}

Status parse_audit_rules(const Entry& e, element root, vulndb::Sink& sink, Diagnostics& diag) {
  auto cves = jobject(root, "cves");
  auto releases = jobject(root, "releases");
  if (!cves || !releases)
    return entry_error(e, "not node-version-audit rules: no \"cves\" and \"releases\" objects");
  // CVE -> release line -> first patching release.
  std::map<std::string, std::map<Line, std::array<uint64_t, 3>>> first_fix;
  for (auto [ver, rel] : *releases) {
    auto t = triple(ver);
    if (!t) {
      diag.warn("node-core.bad-release", fmt::format("release '{}' is not a Node.js version; skipped", ver), where(e));
      continue;
    }
    Line line = line_of(*t);
    for (auto& c : jstrings(rel, "patchedCveIds")) {
      auto& fixes = first_fix[c];
      auto it = fixes.find(line);
      if (it == fixes.end() || *t < it->second) fixes[line] = *t;
    }
  }
  for (auto [key, o] : *cves) {
    vulndb::Vulnerability v;
    v.id = std::string(jstr(o, "id"));
    if (v.id.empty()) v.id = std::string(key);
    if (!is_cve(v.id)) {
      diag.warn("node-core.bad-advisory", fmt::format("'{}' is not a CVE id; skipped", v.id.substr(0, 100)), where(e));
      continue;
    }
    v.description = std::string(jstr(o, "description"));
    v.published = std::string(jstr(o, "publishedDate"));
    v.modified = std::string(jstr(o, "lastModifiedDate"));
    if (auto score = jnum(o, "baseScore")) {
      vulndb::Cvss c;  // a score without a vector: rated on the v3 scale
      c.score = *score;
      c.severity = vulndb::severity_from_score(c.score, "3.1");
      c.source = "node-version-audit";
      v.cvss.push_back(std::move(c));
    }
    v.scope = {std::string(kNs)};
    auto fixes = first_fix.find(v.id);
    std::string id = v.id;
    sink.add(std::move(v));
    if (fixes == first_fix.end()) {
      diag.warn("node-core.no-range", id + ": no release patches it: no affected range recorded", where(e));
      continue;
    }
    vulndb::Affected a;
    a.ns = std::string(kNs);
    a.package = std::string(kPackage);
    a.advisory_id = id;
    a.vuln_id = id;
    std::string constraint;
    for (const auto& [line, fix] : fixes->second) {
      if (!constraint.empty()) constraint += " || ";
      std::string fixed = fmt::format("{}.{}.{}", fix[0], fix[1], fix[2]);
      constraint += fmt::format(">={}.{}.0 <{}", line[0], line[1], fixed);
      a.fixes.push_back(fixed);
    }
    a.constraint = constraint;
    if (a.fixes.size() == 1) {
      a.fixed_version = a.fixes[0];
      a.fixes.clear();
    }
    sink.add(std::move(a));
  }
  return ok_status();
}

Status parse(const Entry& e, vulndb::Sink& sink, Diagnostics& diag) {
  DAGDA_ASSIGN_OR_RETURN(Document doc, parse_json(e));
  element root = doc.root();
  if (!root.is_object()) return entry_error(e, "not Node.js core vulnerability data: not a JSON object");
  if (jfield(root, "releases") || jfield(root, "cves")) return parse_audit_rules(e, root, sink, diag);
  return parse_core_index(e, root, sink, diag);
}

}  // namespace

std::string node_affected_constraint(std::string_view vulnerable, std::string_view patched) {
  return subtract_patched(vulnerable, patched);
}

void add_node_advisory(vulndb::Vulnerability v, vulndb::Affected a, const std::string& range, std::string_view patched,
                       const std::vector<std::string>& cve_ids, std::string_view feed, const Entry& e,
                       vulndb::Sink& sink, Diagnostics& diag) {
  a.fixes = version::lower_bounds(patched);
  if (a.fixes.size() == 1) {
    a.fixed_version = a.fixes[0];
    a.fixes.clear();
  }
  std::string id = v.id;
  sink.add(std::move(v));
  if (range.empty()) {
    diag.warn(fmt::format("{}.no-range", feed), id + ": no vulnerable version range: no affected range recorded",
              where(e));
    return;
  }
  a.constraint = range;
  std::vector<std::string> ids = cve_ids;
  if (ids.empty()) ids.push_back(id);
  for (const auto& c : ids) {
    vulndb::Affected one = a;
    one.vuln_id = c;
    if (ids.size() == 1 && c != id) one.aliases = {id};
    sink.add(std::move(one));
  }
}

extern const ImporterInfo node_core{
    "node-core",
    "Node.js runtime vulnerabilities: the security WG core index (is-my-node-vulnerable's core.json) and "
    "node-version-audit's rules-v1.json",
    detect, parse};

}  // namespace dagda::importers::feeds
