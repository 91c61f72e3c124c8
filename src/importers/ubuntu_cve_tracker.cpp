// The Ubuntu CVE tracker's per-CVE text files (active/CVE-*, retired/CVE-*):
//   Candidate: CVE-2019-1010022
//   PublicDate: 2019-07-15 04:15:00 UTC
//   Priority: low
//   Description:
//    continuation lines start with a space
//   Patches_glibc:
//   Priority_glibc: medium           (overrides Priority for the package;
//   Priority_glibc_bionic: low        and for one release)
//   bionic_glibc: released (2.27-3ubuntu1.2)
//   trusty/esm_glibc: needed
// One Vulnerability per file and one Affected per (release, package).
// Statuses: released -> fixed, needed/active/pending -> unfixed, needs-triage
// -> under-investigation, deferred -> postponed, ignored -> will-not-fix (or
// end-of-life when its note says so), not-affected, DNE (no row).
#include <cctype>
#include <map>
#include <set>

#include "importers/feed_util.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

int detect(std::string_view path, std::string_view head) {
  (void)path;
  std::string_view h = skip_space(head);
  bool candidate = h.starts_with("Candidate:") || h.find("\nCandidate:") != std::string_view::npos;
  bool date = h.starts_with("PublicDate") || h.find("\nPublicDate") != std::string_view::npos;
  if (candidate && date) return 3;
  if (h.starts_with("Candidate:")) return 2;
  return 0;
}

std::string priority(std::string_view value) {
  value = trim(value);
  std::string_view word = value.substr(0, value.find_first_of(" \t("));
  if (word.empty() || word == "untriaged") return "";
  return vulndb::normalize_severity(word);
}

// A tracker release to (namespace, is an ESM variant); "" for releases that are
// not Ubuntu releases we match (upstream, devel, snap, product, overlays).
std::pair<std::string, bool> release_ns(std::string_view rel) {
  bool esm = false;
  if (rel.starts_with("esm-")) {  // esm-infra/xenial, esm-apps/focal
    auto slash = rel.find('/');
    if (slash == std::string_view::npos) return {"", false};
    rel = rel.substr(slash + 1);
    esm = true;
  } else if (auto slash = rel.find('/'); slash != std::string_view::npos) {
    if (rel.substr(slash + 1) != "esm") return {"", false};  // vivid/ubuntu-core, vivid/stable-phone-overlay
    rel = rel.substr(0, slash);
    esm = true;
  }
  std::string number = vulndb::ubuntu_release_number(rel);
  if (number.empty()) return {"", false};
  return {"ubuntu:" + number, esm};
}

bool skipped_release(std::string_view rel) {
  return rel == "upstream" || rel == "devel" || rel == "snap" || rel == "product" ||
         rel.find('/') != std::string_view::npos;
}

struct Row {
  vulndb::Affected affected;
  bool esm = false;
};

Status parse(const Entry& entry, vulndb::Sink& sink, Diagnostics& diag) {
  std::string_view data = entry.data;
  vulndb::Vulnerability v;
  std::string file_priority;
  std::map<std::string, std::string> pkg_priority;  // "pkg" or "pkg_release" -> severity
  std::map<std::pair<std::string, std::string>, Row> rows;
  std::vector<std::pair<std::string, std::string>> order;  // rows in file order
  std::set<std::string> warned;
  std::string field;  // the field continuation lines belong to
  uint64_t lineno = 0;
  size_t pos = 0;
  bool saw_candidate = false;
  while (pos < data.size()) {
    size_t nl = data.find('\n', pos);
    std::string_view line =
        data.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? data.size() : nl + 1;
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty()) {
      field.clear();
      continue;
    }
    Location where;
    where.file = entry.path;
    where.line = lineno;
    if (line.front() == ' ' || line.front() == '\t') {
      std::string_view t = trim(line);
      if (field == "Description") {
        if (!v.description.empty()) v.description += ' ';
        v.description += t;
      } else if (field == "References") {
        if (t.starts_with("http")) v.references.emplace_back(t.substr(0, t.find(' ')));
      } else if (field == "CVSS") {
        // " nvd: CVSS:3.0/AV:N/..." (sometimes followed by " [score severity]")
        auto colon = t.find(": ");
        std::string_view vec = colon == std::string_view::npos ? t : trim(t.substr(colon + 2));
        vec = vec.substr(0, vec.find(' '));
        std::string_view by = colon == std::string_view::npos ? "" : t.substr(0, colon);
        if (auto c = cvss_entry(vec, by)) v.cvss.push_back(std::move(*c));
      }
      continue;
    }
    if (line.front() == '#') continue;
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return entry_error(entry, "line is not \"Field: value\" (\"" + std::string(line.substr(0, 60)) + "\")",
                       lineno);
    std::string_view key = line.substr(0, colon);
    std::string_view value = trim(line.substr(colon + 1));
    field = std::string(key);
    if (key == "Candidate") {
      v.id = std::string(value);
      saw_candidate = true;
    } else if (key == "PublicDate") {
      v.published = std::string(value);
    } else if (key == "Priority") {
      file_priority = priority(value);
    } else if (key == "Description") {
      v.description = std::string(value);
    } else if (key.starts_with("Priority_")) {
      pkg_priority[std::string(key.substr(9))] = priority(value);
    } else if (key.starts_with("Patches_") || key.starts_with("Tags_") || key.starts_with("Upstream_")) {
      // not needed for matching
    } else if (auto us = key.find('_');
               us != std::string_view::npos && key.find(' ') == std::string_view::npos) {
      std::string_view rel = key.substr(0, us);
      std::string pkg(key.substr(us + 1));
      std::string_view status = value.substr(0, value.find_first_of(" \t("));
      std::string_view paren;
      if (auto open = value.find('('); open != std::string_view::npos) {
        auto close = value.rfind(')');
        paren = trim(value.substr(open + 1, close == std::string_view::npos || close < open
                                                ? std::string_view::npos
                                                : close - open - 1));
      }
      if (status == "DNE") continue;  // the package does not exist in that release
      if (pkg.empty() || rel.empty()) {
        diag.warn("ubuntu-cve-tracker.malformed-line",
                  "\"" + std::string(key) + "\" names no release or package; skipped", where);
        continue;
      }
      auto [ns, esm] = release_ns(rel);
      if (ns.empty()) {
        if (!skipped_release(rel) && warned.insert(std::string(rel)).second)
          diag.warn("ubuntu-cve-tracker.unknown-release",
                    "release \"" + std::string(rel) + "\" is unknown; skipped", where);
        continue;
      }
      vulndb::Affected a;
      a.ns = ns;
      a.package = vulndb::normalize_package(ns, pkg);
      if (status == "released") {
        a.status = vulndb::AffectedStatus::fixed;
        a.fixed_version = std::string(paren.substr(0, paren.find(' ')));
      } else if (status == "needs-triage") {
        // Ubuntu has not yet looked at whether the package is affected.
        a.status = vulndb::AffectedStatus::under_investigation;
      } else if (status == "needed" || status == "active" || status == "pending") {
        a.status = vulndb::AffectedStatus::unfixed;
        if (status == "pending") a.note = paren.empty() ? "pending" : "pending: " + std::string(paren);
      } else if (status == "deferred") {
        a.status = vulndb::AffectedStatus::postponed;
      } else if (status == "not-affected") {
        a.status = vulndb::AffectedStatus::not_affected;
      } else if (status == "ignored") {
        std::string note = lower(paren);
        bool eol =
            note.find("end-of-life") != std::string::npos || note.find("end of life") != std::string::npos;
        a.status = eol ? vulndb::AffectedStatus::end_of_life : vulndb::AffectedStatus::will_not_fix;
      } else {
        diag.warn("ubuntu-cve-tracker.unknown-status",
                  std::string(key) + ": status \"" + std::string(status) + "\" is unknown; skipped", where);
        continue;
      }
      if (a.note.empty()) a.note = std::string(paren);
      if (a.status == vulndb::AffectedStatus::fixed) a.note.clear();
      a.severity = std::string(rel);  // resolved below, once every Priority_ line is known
      auto k = std::make_pair(ns, a.package);
      auto it = rows.find(k);
      if (it == rows.end()) {
        order.push_back(k);
        rows.emplace(k, Row{std::move(a), esm});
      } else if (esm && !it->second.esm) {
        it->second = Row{std::move(a), esm};  // the ESM status is the one that applies to the release now
      }
    } else {
      // Other fields (Notes, Bugs, Assigned-to, Mitigation, CRD, ...) are not needed.
    }
  }
  if (!saw_candidate) return entry_error(entry, "no \"Candidate:\" field");
  if (v.id.empty()) return ok_status();  // the tracker's boilerplate templates
  // A rejected candidate ("** REJECT ** DO NOT USE THIS CANDIDATE NUMBER"):
  // the record says so, and its package lines never make findings.
  v.withdrawn = v.description.starts_with("** REJECT **");
  if (v.withdrawn) order.clear();
  sink.source("ubuntu-cve-tracker");
  for (auto& k : order) {
    auto& a = rows[k].affected;
    std::string orig = a.severity;
    std::string rel = orig;
    // The tracker release name of the row: "trusty/esm" -> "trusty", "esm-infra/xenial" -> "xenial".
    if (rel.starts_with("esm-")) rel = rel.substr(rel.find('/') + 1);
    rel = rel.substr(0, rel.find('/'));
    std::string sev = file_priority;
    if (auto p = pkg_priority.find(a.package); p != pkg_priority.end()) sev = p->second;
    if (auto p = pkg_priority.find(a.package + "_" + rel); p != pkg_priority.end()) sev = p->second;
    if (auto p = pkg_priority.find(a.package + "_" + orig); p != pkg_priority.end()) sev = p->second;
    a.severity = sev;
    a.advisory_id = v.id;
    a.vuln_id = v.id;
    a.published = v.published;
  }
  v.severity = file_priority;
  v.scope = {"ubuntu"};
  sink.add(std::move(v));
  for (auto& k : order) sink.add(std::move(rows[k].affected));
  return ok_status();
}

}  // namespace

extern const ImporterInfo ubuntu_cve_tracker;
const ImporterInfo ubuntu_cve_tracker{
    "ubuntu-cve-tracker", "Ubuntu CVE tracker files (active/ and retired/ CVE-* text files)", detect, parse};

}  // namespace dagda::importers::feeds
