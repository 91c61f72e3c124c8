// The dagda.scan/v1 JSON document (docs/formats.md): the scanned source and its
// packages as dagda.sbom/v1 writes them, then the findings, each with the
// package, the rule that matched and the enrichment, then the suppressed
// findings (always, each with its suppression) and a summary by severity.
#include <map>

#include "inventory/purl.hpp"
#include "report/parts.hpp"
#include "report/scan_common.hpp"
#include "report/scan_writer.hpp"

namespace dagda {
namespace report {
namespace {

ordered_json string_or_null(const std::string& s) {
  return s.empty() ? ordered_json(nullptr) : ordered_json(s);
}

ordered_json match_json(const MatchEvidence& m) {
  ordered_json j = ordered_json::object();
  j["source"] = m.source;
  j["namespace"] = m.ns;
  j["advisory"] = m.advisory;
  j["package"] = m.package;
  j["range"] = m.rule;
  j["comparator"] = m.comparator;
  j["installed"] = m.installed;
  j["best_effort"] = m.best_effort;
  return j;
}

void add_suppression(ordered_json& j, const Finding& f) {
  if (!f.suppressed) return;
  const Suppression& s = *f.suppressed;
  ordered_json sj = {{"kind", s.kind}, {"reason", s.reason}, {"where", s.where}};
  if (!s.vex_status.empty()) sj["vex_status"] = s.vex_status;
  if (!s.justification.empty()) sj["justification"] = s.justification;
  j["suppression"] = std::move(sj);
}

// A secret, configuration or malware finding: the check, where, and what (masked).
ordered_json other_finding_json(const Finding& f) {
  ordered_json j = ordered_json::object();
  j["kind"] = f.kind;
  j["id"] = f.id;
  j["layer"] = string_or_null(f.layer);
  j["severity"] = severity_word(f);
  j["title"] = f.title;
  j["target"] = f.target;
  j["line"] = f.line ? ordered_json(f.line) : ordered_json(nullptr);
  j["evidence"] = string_or_null(f.evidence);
  add_suppression(j, f);
  return j;
}

ordered_json finding_json(const ScanResult& r, const Finding& f) {
  if (!is_vuln(f)) return other_finding_json(f);
  const Package& p = package_of(r, f);
  const OsInfo* os = r.inventory.os ? &*r.inventory.os : nullptr;
  ordered_json j = ordered_json::object();
  j["kind"] = f.kind;
  j["id"] = f.id;
  j["layer"] = string_or_null(f.layer);
  j["aliases"] = f.aliases;
  j["related_advisories"] = f.related_advisories;
  ordered_json pkg = package_json(p, os);
  if (!p.parents.empty() && !pkg.contains("parents")) pkg["parents"] = p.parents;
  j["package"] = std::move(pkg);
  j["fixed_version"] = string_or_null(f.fixed_version);
  j["status"] = vulndb::to_string(f.status);
  j["severity"] = severity_word(f);
  j["severity_source"] = string_or_null(f.severity_source);
  if (f.cvss) {
    j["cvss"] = {{"version", f.cvss->version},
                 {"vector", f.cvss->vector},
                 {"score", f.cvss->score},
                 {"severity", string_or_null(f.cvss->severity)},
                 {"source", string_or_null(f.cvss->source)}};
  } else {
    j["cvss"] = nullptr;
  }
  ordered_json exploits = ordered_json::array();
  for (const auto& e : f.exploits) {
    ordered_json ej = {{"id", e.id}, {"url", exploit_url(e)}};
    if (!e.title.empty()) ej["title"] = e.title;
    exploits.push_back(std::move(ej));
  }
  j["exploits"] = std::move(exploits);
  j["kev"] = f.kev;
  if (f.kev && f.kev_entry) {
    ordered_json k = ordered_json::object();
    k["date_added"] = string_or_null(f.kev_entry->date_added);
    k["due_date"] = string_or_null(f.kev_entry->due_date);
    if (!f.kev_entry->ransomware.empty()) k["ransomware"] = f.kev_entry->ransomware;
    if (!f.kev_entry->required_action.empty()) k["required_action"] = f.kev_entry->required_action;
    j["kev_entry"] = std::move(k);
  }
  if (f.epss) {
    j["epss"] = {
        {"score", f.epss->score}, {"percentile", f.epss->percentile}, {"date", string_or_null(f.epss->date)}};
  } else {
    j["epss"] = nullptr;
  }
  j["title"] = f.title;
  j["url"] = vulnerability_url(f.id);
  j["data_source"] = f.matches.empty() ? ordered_json(nullptr) : ordered_json(f.matches.front().source);
  j["match"] = f.matches.empty() ? ordered_json(nullptr) : match_json(f.matches.front());
  ordered_json all = ordered_json::array();
  for (const auto& m : f.matches) all.push_back(match_json(m));
  j["matches"] = std::move(all);
  add_suppression(j, f);
  return j;
}

ordered_json document(const ScanResult& r, const ScanReportOptions* opts) {
  const ScanView view = scan_view(r);
  ordered_json doc = ordered_json::object();
  doc["schema"] = "dagda.scan/v1";
  if (opts) doc["tool"] = {{"name", "dagda"}, {"version", opts->tool_version}};
  doc["source"] = source_json(r.inventory.source);
  doc["os"] = os_json(r.inventory.os);
  doc["database"] = string_or_null(redact_database(r.database));
  doc["namespaces"] = r.namespaces;
  doc["scanners"] = r.scanners;
  const OsInfo* os = r.inventory.os ? &*r.inventory.os : nullptr;
  ordered_json pkgs = ordered_json::array();
  for (const Package* p : sorted_packages(r.inventory)) pkgs.push_back(package_json(*p, os));
  doc["packages"] = std::move(pkgs);
  ordered_json findings = ordered_json::array();
  for (const Finding* f : view.reported) findings.push_back(finding_json(r, *f));
  doc["findings"] = std::move(findings);
  ordered_json suppressed = ordered_json::array();
  for (const Finding* f : view.suppressed) suppressed.push_back(finding_json(r, *f));
  doc["suppressed"] = std::move(suppressed);
  ordered_json warnings = ordered_json::array();
  for (const Warning* w : scan_warnings(r)) warnings.push_back(warning_json(*w));
  doc["warnings"] = std::move(warnings);

  ordered_json summary = ordered_json::object();
  summary["total"] = view.reported.size();
  std::map<std::string_view, size_t> by_severity;
  for (const Finding* f : view.reported) ++by_severity[severity_word(*f)];
  for (auto s : kSeverities) summary[std::string(s)] = by_severity[s];
  std::map<std::string, size_t> by_scanner;
  for (const Finding* f : view.reported) ++by_scanner[f->kind];
  summary["by_kind"] = by_scanner;
  std::map<std::string, size_t> by_kind;
  for (const Finding* f : view.suppressed) ++by_kind[f->suppressed->kind];
  summary["suppressed"] = view.suppressed.size();
  summary["suppressed_by"] = by_kind;
  summary["packages"] = r.inventory.packages.size();
  doc["summary"] = std::move(summary);
  doc["partial"] = r.inventory.partial;
  return doc;
}

Result<std::string> write_scan_json(const ScanResult& r, const ScanReportOptions& opts) {
  return guarded("json", [&]() -> Result<std::string> { return dump_json(document(r, &opts)); });
}

}  // namespace

std::string scan_fingerprint(const ScanResult& r) {
  return dump_json(document(r, nullptr));
}

}  // namespace report

namespace scan_reports {
extern const ScanFormat json;
const ScanFormat json = {"json", "Dagda's own JSON (schema dagda.scan/v1)", report::write_scan_json};
}  // namespace scan_reports

}  // namespace dagda
