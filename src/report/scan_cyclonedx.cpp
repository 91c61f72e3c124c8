// CycloneDX 1.6 JSON with a vulnerabilities section: the components are the
// SBOM's (report/cyclonedx.cpp), and each finding is one vulnerability that
// affects its package's component. Suppressed findings appear only with
// --show-suppressed, with an analysis saying why.
#include <fmt/format.h>

#include <set>

#include "report/parts.hpp"
#include "report/scan_common.hpp"
#include "report/scan_writer.hpp"

namespace dagda {
namespace report {
namespace {

// CycloneDX severities: critical, high, medium, low, info, none, unknown.
std::string_view cdx_severity(std::string_view s) {
  if (s == "negligible") return "info";
  return s;
}

std::string_view cvss_method(std::string_view version) {
  if (version.starts_with("2")) return "CVSSv2";
  if (version == "3.1") return "CVSSv31";
  if (version.starts_with("3")) return "CVSSv3";
  if (version.starts_with("4")) return "CVSSv4";
  return "other";
}

ordered_json source_of(std::string_view id) {
  std::string name = id.starts_with("CVE-")    ? "NVD"
                     : id.starts_with("GHSA-") ? "GitHub Advisory Database"
                                               : "OSV";
  return {{"name", name}, {"url", vulnerability_url(id)}};
}

// OpenVEX justifications in CycloneDX's words.
std::string_view cdx_justification(std::string_view vex) {
  if (vex == "component_not_present" || vex == "vulnerable_code_not_present") return "code_not_present";
  if (vex == "vulnerable_code_not_in_execute_path") return "code_not_reachable";
  if (vex == "vulnerable_code_cannot_be_controlled_by_adversary" ||
      vex == "inline_mitigations_already_exist") {
    return "protected_by_mitigating_control";
  }
  return "";
}

// What CycloneDX can say of a suppression: a VEX not_affected statement is
// not_affected (with its justification), a VEX fixed statement resolved, a
// false-positive mark false_positive. An ignore-file entry or a filter
// (--severity, --ignore-unfixed) states no analysis: only the detail.
ordered_json analysis_json(const Suppression& s) {
  ordered_json a = ordered_json::object();
  if (s.kind == "vex") {
    if (s.vex_status == "not_affected") a["state"] = "not_affected";
    if (s.vex_status == "fixed") a["state"] = "resolved";
    if (auto j = cdx_justification(s.justification); !j.empty() && s.vex_status == "not_affected") {
      a["justification"] = j;
    }
  } else if (s.kind == "fp") {
    a["state"] = "false_positive";
  }
  std::string detail = "suppressed by " + s.kind;
  if (!s.where.empty()) detail += " (" + s.where + ")";
  if (!s.reason.empty()) detail += ": " + s.reason;
  a["detail"] = detail;
  return a;
}

void add_property(ordered_json& props, std::string name, const std::string& value) {
  if (!value.empty()) props.push_back({{"name", std::move(name)}, {"value", value}});
}

ordered_json vulnerability_json(const ScanResult& r, const Finding& f, const std::string& component_ref,
                                const std::string& bom_ref) {
  const Package& p = package_of(r, f);
  ordered_json v = ordered_json::object();
  v["bom-ref"] = bom_ref;
  v["id"] = f.id;
  v["source"] = source_of(f.id);
  if (!f.aliases.empty()) {
    ordered_json refs = ordered_json::array();
    for (const auto& a : f.aliases) refs.push_back({{"id", a}, {"source", source_of(a)}});
    v["references"] = std::move(refs);
  }
  ordered_json ratings = ordered_json::array();
  if (f.cvss) {
    ordered_json c = ordered_json::object();
    c["source"] = {{"name", f.cvss->source.empty() ? std::string("unknown") : f.cvss->source}};
    if (f.cvss->score >= 0 && f.cvss->score <= 10) c["score"] = f.cvss->score;
    if (!f.cvss->severity.empty()) {
      std::string sev = f.cvss->severity;
      if (sev == "critical" || sev == "high" || sev == "medium" || sev == "low" || sev == "none")
        c["severity"] = sev;
    }
    c["method"] = cvss_method(f.cvss->version);
    if (!f.cvss->vector.empty()) c["vector"] = f.cvss->vector;
    ratings.push_back(std::move(c));
  }
  ordered_json own = ordered_json::object();
  own["source"] = {{"name", f.severity_source.empty() ? std::string("dagda") : f.severity_source}};
  own["severity"] = cdx_severity(severity_word(f));
  own["method"] = "other";
  ratings.push_back(std::move(own));
  v["ratings"] = std::move(ratings);
  if (!f.title.empty()) v["description"] = f.title;
  if (!f.fixed_version.empty())
    v["recommendation"] = "Upgrade " + p.name + " to " + f.fixed_version + " or later";
  ordered_json advisories = ordered_json::array();
  std::set<std::string> seen;
  for (const auto& m : f.matches) {
    if (m.advisory.empty() || !seen.insert(m.advisory).second) continue;
    advisories.push_back(
        {{"title", m.advisory + " (" + m.source + ")"}, {"url", vulnerability_url(m.advisory)}});
  }
  for (const auto& a : f.related_advisories)
    if (seen.insert(a).second) advisories.push_back({{"title", a}, {"url", vulnerability_url(a)}});
  if (!advisories.empty()) v["advisories"] = std::move(advisories);
  ordered_json versions = ordered_json::array({{{"version", p.version}, {"status", "affected"}}});
  if (!f.fixed_version.empty()) versions.push_back({{"version", f.fixed_version}, {"status", "unaffected"}});
  v["affects"] = ordered_json::array({{{"ref", component_ref}, {"versions", std::move(versions)}}});
  if (f.suppressed) v["analysis"] = analysis_json(*f.suppressed);
  ordered_json props = ordered_json::array();
  add_property(props, "dagda:status", std::string(vulndb::to_string(f.status)));
  add_property(props, "dagda:fixed_version", f.fixed_version);
  add_property(props, "dagda:severity_source", f.severity_source);
  add_property(props, "dagda:layer", f.layer);
  if (f.kev) {
    add_property(props, "dagda:kev", "true");
    if (f.kev_entry) {
      add_property(props, "dagda:kev:date_added", f.kev_entry->date_added);
      add_property(props, "dagda:kev:due_date", f.kev_entry->due_date);
    }
  }
  if (f.epss) {
    add_property(props, "dagda:epss:score", fmt::format("{}", f.epss->score));
    add_property(props, "dagda:epss:percentile", fmt::format("{}", f.epss->percentile));
    add_property(props, "dagda:epss:date", f.epss->date);
  }
  for (const auto& e : f.exploits) add_property(props, "dagda:exploit", exploit_url(e));
  for (const auto& m : f.matches) {
    add_property(props, "dagda:match",
                 fmt::format("{} {} {} {} {} ({}){}", m.source, m.ns, m.advisory, m.package, m.rule,
                             m.comparator, m.best_effort ? " best-effort" : ""));
  }
  if (f.suppressed) add_property(props, "dagda:suppressed", f.suppressed->kind);
  v["properties"] = std::move(props);
  return v;
}

Result<std::string> write_scan_cyclonedx(const ScanResult& r, const ScanReportOptions& opts) {
  return guarded("cyclonedx", [&]() -> Result<std::string> {
    CycloneDxBom bom = cyclonedx_bom(r.inventory, opts, "cyclonedx-scan\n" + scan_fingerprint(r));
    const ScanView view = scan_view(r);
    std::vector<const Finding*> shown = view.reported;
    if (opts.show_suppressed) shown.insert(shown.end(), view.suppressed.begin(), view.suppressed.end());
    std::set<std::string> used;
    for (const auto& [p, ref] : bom.refs) used.insert(ref);
    ordered_json vulns = ordered_json::array();
    // Secrets, misconfigurations and malware affect no component: CycloneDX has no place for
    // them but the BOM's properties, one each.
    std::vector<const Finding*> others;
    for (const Finding* f : shown) {
      if (!is_vuln(*f)) {
        others.push_back(f);
        continue;
      }
      const std::string& component = bom.refs.at(&package_of(r, *f));
      std::string ref = "dagda:vuln:" + f->id + ":" + component;
      for (int n = 2; !used.insert(ref).second; ++n)
        ref = "dagda:vuln:" + f->id + ":" + component + "#" + std::to_string(n);
      vulns.push_back(vulnerability_json(r, *f, component, ref));
    }
    bom.doc["vulnerabilities"] = std::move(vulns);
    ordered_json& props = bom.doc["properties"];
    add_property(props, "dagda:database", redact_database(r.database));
    for (const auto& ns : r.namespaces) add_property(props, "dagda:namespace", ns);
    for (const Warning& w : r.warnings) add_property(props, "dagda:warning", w.render());
    add_property(props, "dagda:suppressed", std::to_string(view.suppressed.size()));
    for (const Finding* f : others)
      add_property(props, "dagda:finding:" + f->kind,
                   fmt::format("{} {} {}{} layer {}{}{}", f->id, severity_word(*f), f->target,
                               f->line ? fmt::format(":{}", f->line) : "", f->layer.empty() ? "-" : f->layer,
                               f->evidence.empty() ? "" : " " + f->evidence,
                               f->suppressed ? " suppressed by " + f->suppressed->kind : ""));
    return dump_json(bom.doc);
  });
}

}  // namespace
}  // namespace report

namespace scan_reports {
extern const ScanFormat cyclonedx;
const ScanFormat cyclonedx = {"cyclonedx", "CycloneDX 1.6 JSON with vulnerabilities",
                              report::write_scan_cyclonedx};
}  // namespace scan_reports

}  // namespace dagda
