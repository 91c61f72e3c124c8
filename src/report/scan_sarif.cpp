// SARIF 2.1.0 for GitHub code scanning: one run, one rule per vulnerability id,
// one result per finding the policy left (suppressed ones only with
// --show-suppressed, marked with SARIF suppressions). A result's location is
// the package's database or lockfile inside the image; its partial
// fingerprint is stable for the same (id, ecosystem, package, version).
#include <fmt/format.h>

#include <map>
#include <set>

#include "common/digest.hpp"
#include "report/scan_common.hpp"
#include "report/scan_writer.hpp"

namespace dagda {
namespace report {
namespace {

constexpr const char* kSchemaUri =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
constexpr const char* kInformationUri = "https://github.com/eliasgranderubio/dagda";

// GitHub's levels: error for critical and high, warning for medium, note below.
std::string_view level_of(std::string_view severity) {
  if (severity == "critical" || severity == "high") return "error";
  if (severity == "medium") return "warning";
  return "note";
}

// GitHub reads properties.security-severity as a number in a string and ranks
// it as CVSS (>= 9 critical, >= 7 high, >= 4 medium, > 0 low). The CVSS base
// score when there is one; otherwise a score inside the band of the severity
// word, so that GitHub ranks the alert as the advisory does.
double security_severity(const Finding& f) {
  if (f.cvss && f.cvss->score > 0 && f.cvss->score <= 10) return f.cvss->score;
  const std::string_view s = severity_word(f);
  if (s == "critical") return 9.5;
  if (s == "high") return 8.0;
  if (s == "medium") return 5.5;
  if (s == "low") return 2.0;
  return 0.0;
}

// The artifact a result points at: the package's database or lockfile inside
// the image, as a relative URI reference.
std::string artifact_uri(const ScanResult& r, const Package& p) {
  std::string path = p.path;
  while (!path.empty() && path.front() == '/') path.erase(0, 1);
  if (path.empty()) path = source_display_name(r.inventory.source);
  // ':' is encoded too, so that "a:b" is not read as a URI scheme.
  return percent_encode(path, "/");
}

std::string fingerprint(const Finding& f, const Package& p) {
  return sha256_hex(f.id + '\0' + p.ecosystem + '\0' + p.name + '\0' + p.version);
}

std::string message(const Finding& f, const Package& p) {
  std::string text = fmt::format("{} {} ({}) is affected by {} ({})", p.name, p.version, p.ecosystem, f.id,
                                 severity_word(f));
  if (!f.fixed_version.empty()) {
    text += fmt::format("; fixed in {}", f.fixed_version);
  } else {
    text += fmt::format("; no fixed version (status: {})", vulndb::to_string(f.status));
  }
  if (!f.title.empty()) text += ". " + f.title;
  return text;
}

// A secret, configuration or malware finding: the rule is the check, the location the file
// (or the image config) and its line.
std::string other_uri(const ScanResult& r, const Finding& f) {
  std::string path = f.target;
  while (!path.empty() && path.front() == '/') path.erase(0, 1);
  if (path.empty()) path = source_display_name(r.inventory.source);
  return percent_encode(path, "/");
}

ordered_json other_rule_json(const Finding& f, const std::string& max_score) {
  const std::string title = f.title.empty() ? f.id : f.title;
  ordered_json rule = ordered_json::object();
  rule["id"] = f.id;
  rule["name"] = f.kind == kKindSecret ? "Secret" : f.kind == kKindMalware ? "Malware" : "Misconfiguration";
  rule["shortDescription"] = {{"text", f.id + ": " + title}};
  rule["fullDescription"] = {{"text", title}};
  rule["help"] = {{"text", fmt::format("{} check {}\nSeverity: {}\n{}", f.kind, f.id, severity_word(f), title)}};
  rule["defaultConfiguration"] = {{"level", level_of(severity_word(f))}};
  ordered_json props = ordered_json::object();
  props["security-severity"] = max_score;
  props["precision"] = "high";
  props["tags"] = ordered_json::array({f.kind, "security", std::string(severity_word(f))});
  rule["properties"] = std::move(props);
  return rule;
}

ordered_json rule_json(const Finding& f, const std::string& max_score) {
  if (!is_vuln(f)) return other_rule_json(f, max_score);
  const std::string url = vulnerability_url(f.id);
  const std::string title = f.title.empty() ? f.id : f.title;
  ordered_json rule = ordered_json::object();
  rule["id"] = f.id;
  rule["name"] = "Vulnerability";
  rule["shortDescription"] = {{"text", f.id + ": " + title}};
  rule["fullDescription"] = {{"text", title}};
  rule["helpUri"] = url;
  std::string help = fmt::format("Vulnerability {}\nSeverity: {}", f.id, severity_word(f));
  if (!f.aliases.empty()) help += fmt::format("\nAliases: {}", fmt::join(f.aliases, ", "));
  if (!f.related_advisories.empty())
    help += fmt::format("\nRelated advisories: {}", fmt::join(f.related_advisories, ", "));
  help += "\n" + url;
  rule["help"] = {{"text", help}};
  rule["defaultConfiguration"] = {{"level", level_of(severity_word(f))}};
  ordered_json props = ordered_json::object();
  props["security-severity"] = max_score;
  props["precision"] = "very-high";
  props["tags"] = ordered_json::array({"vulnerability", "security", std::string(severity_word(f))});
  rule["properties"] = std::move(props);
  return rule;
}

void add_suppression(ordered_json& res, const Finding& f) {
  if (!f.suppressed) return;
  const Suppression& s = *f.suppressed;
  std::string why =
      s.kind + (s.reason.empty() ? "" : ": " + s.reason) + (s.where.empty() ? "" : " (" + s.where + ")");
  res["suppressions"] =
      ordered_json::array({{{"kind", "external"}, {"status", "accepted"}, {"justification", why}}});
}

ordered_json other_result_json(const ScanResult& r, const Finding& f, size_t rule_index) {
  ordered_json res = ordered_json::object();
  res["ruleId"] = f.id;
  res["ruleIndex"] = rule_index;
  res["level"] = level_of(severity_word(f));
  std::string text = f.title.empty() ? f.id : f.title;
  if (!f.target.empty()) text += " in " + f.target;
  if (!f.evidence.empty()) text += ": " + f.evidence;
  res["message"] = {{"text", text}};
  res["locations"] = ordered_json::array(
      {{{"physicalLocation",
         {{"artifactLocation", {{"uri", other_uri(r, f)}}},
          {"region", {{"startLine", f.line ? f.line : 1}}}}}}});
  res["partialFingerprints"] = {
      {"dagdaFindingHash/v1", sha256_hex(f.kind + '\0' + f.id + '\0' + f.target + '\0' + f.evidence)}};
  add_suppression(res, f);
  ordered_json props = ordered_json::object();
  props["kind"] = f.kind;
  props["severity"] = severity_word(f);
  if (!f.layer.empty()) props["layer"] = f.layer;
  res["properties"] = std::move(props);
  return res;
}

ordered_json result_json(const ScanResult& r, const Finding& f, size_t rule_index) {
  if (!is_vuln(f)) return other_result_json(r, f, rule_index);
  const Package& p = package_of(r, f);
  ordered_json res = ordered_json::object();
  res["ruleId"] = f.id;
  res["ruleIndex"] = rule_index;
  res["level"] = level_of(severity_word(f));
  res["message"] = {{"text", message(f, p)}};
  // GitHub wants a region; a package database has no line for the finding, so the first.
  res["locations"] = ordered_json::array(
      {{{"physicalLocation",
         {{"artifactLocation", {{"uri", artifact_uri(r, p)}}}, {"region", {{"startLine", 1}}}}}}});
  res["partialFingerprints"] = {{"dagdaFindingHash/v1", fingerprint(f, p)}};
  add_suppression(res, f);
  ordered_json props = ordered_json::object();
  props["kind"] = f.kind;
  props["package"] = p.name;
  props["installed_version"] = p.version;
  props["fixed_version"] = f.fixed_version;
  props["ecosystem"] = p.ecosystem;
  props["status"] = vulndb::to_string(f.status);
  props["severity"] = severity_word(f);
  if (!p.layer.empty()) props["layer"] = p.layer;
  if (!f.matches.empty()) {
    props["advisory"] = f.matches.front().advisory;
    props["range"] = f.matches.front().rule;
  }
  res["properties"] = std::move(props);
  return res;
}

Result<std::string> write_sarif(const ScanResult& r, const ScanReportOptions& opts) {
  return guarded("sarif", [&]() -> Result<std::string> {
    const ScanView view = scan_view(r);
    std::vector<const Finding*> shown = view.reported;
    if (opts.show_suppressed) shown.insert(shown.end(), view.suppressed.begin(), view.suppressed.end());

    // One rule per id, described by its worst finding (the first in report
    // order); its security-severity is the highest among its findings.
    std::map<std::string, double> best;
    for (const Finding* f : shown) {
      double score = security_severity(*f);
      auto [it, fresh] = best.emplace(f->id, score);
      if (!fresh && score > it->second) it->second = score;
    }
    std::map<std::string, size_t> rule_index;
    ordered_json rules = ordered_json::array();
    for (const Finding* f : shown) {
      if (rule_index.emplace(f->id, rules.size()).second) {
        rules.push_back(rule_json(*f, fmt::format("{:.1f}", best[f->id])));
      }
    }
    ordered_json results = ordered_json::array();
    for (const Finding* f : shown) results.push_back(result_json(r, *f, rule_index.at(f->id)));

    ordered_json driver = ordered_json::object();
    driver["name"] = "dagda";
    driver["version"] = opts.tool_version;
    driver["semanticVersion"] = opts.tool_version;
    driver["informationUri"] = kInformationUri;
    driver["rules"] = std::move(rules);

    ordered_json run = ordered_json::object();
    run["tool"] = {{"driver", std::move(driver)}};
    run["results"] = std::move(results);
    run["columnKind"] = "utf16CodeUnits";
    ordered_json props = ordered_json::object();
    const SourceInfo& s = r.inventory.source;
    props["source"] = source_display_name(s);
    props["input"] = s.input;
    if (!s.image_id.empty()) props["image_id"] = s.image_id;
    if (!s.manifest_digest.empty()) props["manifest_digest"] = s.manifest_digest;
    if (r.inventory.os) {
      props["os"] = r.inventory.os->family +
                    (r.inventory.os->version_id.empty() ? "" : " " + r.inventory.os->version_id);
    }
    props["database"] = redact_database(r.database);
    props["namespaces"] = r.namespaces;
    props["suppressed"] = view.suppressed.size();
    props["partial"] = r.inventory.partial;
    run["properties"] = std::move(props);

    ordered_json doc = ordered_json::object();
    doc["$schema"] = kSchemaUri;
    doc["version"] = "2.1.0";
    doc["runs"] = ordered_json::array({std::move(run)});
    return dump_json(doc);
  });
}

}  // namespace
}  // namespace report

namespace scan_reports {
extern const ScanFormat sarif;
const ScanFormat sarif = {"sarif", "SARIF 2.1.0 (GitHub code scanning)", report::write_sarif};
}  // namespace scan_reports

}  // namespace dagda
