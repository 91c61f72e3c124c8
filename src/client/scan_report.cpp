// The inverse of report/scan_json.cpp for what the table needs, and a finding count
// for each report format. The text comes from a server: every field is checked for
// its type, and anything missing or of the wrong type is an error naming it.
#include "client/scan_report.hpp"

#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace dagda::client {

using nlohmann::json;

namespace {

struct Reader {
  std::string_view what;

  Error bad(std::string_view field, std::string_view wanted) const {
    return Error(ErrorCode::corrupt, fmt::format("{}: '{}' is not {}", what, field, wanted));
  }
  // An optional string field: "" when absent or null.
  Result<std::string> str(const json& o, const char* key) const {
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) return std::string();
    if (!it->is_string()) return bad(key, "a string");
    return it->get<std::string>();
  }
  Result<std::vector<std::string>> strings(const json& o, const char* key) const {
    std::vector<std::string> out;
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) return out;
    if (!it->is_array()) return bad(key, "a list of strings");
    for (const json& s : *it) {
      if (!s.is_string()) return bad(key, "a list of strings");
      out.push_back(s.get<std::string>());
    }
    return out;
  }
  Result<double> number(const json& o, const char* key) const {
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) return 0.0;
    if (!it->is_number()) return bad(key, "a number");
    return it->get<double>();
  }
  Result<const json*> array(const json& o, const char* key) const {
    static const json kEmpty = json::array();
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) return &kEmpty;
    if (!it->is_array()) return bad(key, "a list");
    return &*it;
  }
  bool flag(const json& o, const char* key) const {
    auto it = o.find(key);
    return it != o.end() && it->is_boolean() && it->get<bool>();
  }

  Result<Package> package(const json& j) const {
    if (!j.is_object()) return bad("package", "an object");
    Package p;
    DAGDA_ASSIGN_OR_RETURN(p.name, str(j, "name"));
    DAGDA_ASSIGN_OR_RETURN(p.version, str(j, "version"));
    DAGDA_ASSIGN_OR_RETURN(p.ecosystem, str(j, "ecosystem"));
    DAGDA_ASSIGN_OR_RETURN(p.arch, str(j, "arch"));
    DAGDA_ASSIGN_OR_RETURN(p.source_name, str(j, "source_name"));
    DAGDA_ASSIGN_OR_RETURN(p.source_version, str(j, "source_version"));
    DAGDA_ASSIGN_OR_RETURN(p.license, str(j, "license"));
    DAGDA_ASSIGN_OR_RETURN(p.scope, str(j, "scope"));
    DAGDA_ASSIGN_OR_RETURN(p.layer, str(j, "layer"));
    DAGDA_ASSIGN_OR_RETURN(p.created_by, str(j, "created_by"));
    DAGDA_ASSIGN_OR_RETURN(p.path, str(j, "path"));
    DAGDA_ASSIGN_OR_RETURN(p.sha1, str(j, "sha1"));
    DAGDA_ASSIGN_OR_RETURN(p.drift, str(j, "drift"));
    DAGDA_ASSIGN_OR_RETURN(p.locations, strings(j, "locations"));
    DAGDA_ASSIGN_OR_RETURN(p.parents, strings(j, "parents"));
    if (auto it = j.find("layer_index"); it != j.end() && !it->is_null()) {
      if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > 1000000)
        return bad("layer_index", "a layer number");
      p.layer_index = static_cast<int>(it->get<int64_t>());
    }
    return p;
  }

  Result<MatchEvidence> match(const json& j) const {
    if (!j.is_object()) return bad("match", "an object");
    MatchEvidence m;
    DAGDA_ASSIGN_OR_RETURN(m.source, str(j, "source"));
    DAGDA_ASSIGN_OR_RETURN(m.ns, str(j, "namespace"));
    DAGDA_ASSIGN_OR_RETURN(m.advisory, str(j, "advisory"));
    DAGDA_ASSIGN_OR_RETURN(m.package, str(j, "package"));
    DAGDA_ASSIGN_OR_RETURN(m.rule, str(j, "range"));
    DAGDA_ASSIGN_OR_RETURN(m.comparator, str(j, "comparator"));
    DAGDA_ASSIGN_OR_RETURN(m.installed, str(j, "installed"));
    m.best_effort = flag(j, "best_effort");
    return m;
  }

  // One finding; a vulnerability's package is found in (or added to) `inv`.
  Result<Finding> finding(const json& j, Inventory& inv, std::map<std::string, size_t>& index) const {
    if (!j.is_object()) return bad("findings", "a list of objects");
    Finding f;
    DAGDA_ASSIGN_OR_RETURN(f.kind, str(j, "kind"));
    if (f.kind.empty()) f.kind = std::string(kKindVuln);
    DAGDA_ASSIGN_OR_RETURN(f.id, str(j, "id"));
    DAGDA_ASSIGN_OR_RETURN(f.layer, str(j, "layer"));
    DAGDA_ASSIGN_OR_RETURN(f.severity, str(j, "severity"));
    DAGDA_ASSIGN_OR_RETURN(f.title, str(j, "title"));
    if (auto s = j.find("suppression"); s != j.end() && !s->is_null()) {
      if (!s->is_object()) return bad("suppression", "an object");
      Suppression sup;
      DAGDA_ASSIGN_OR_RETURN(sup.kind, str(*s, "kind"));
      DAGDA_ASSIGN_OR_RETURN(sup.reason, str(*s, "reason"));
      DAGDA_ASSIGN_OR_RETURN(sup.where, str(*s, "where"));
      DAGDA_ASSIGN_OR_RETURN(sup.vex_status, str(*s, "vex_status"));
      DAGDA_ASSIGN_OR_RETURN(sup.justification, str(*s, "justification"));
      f.suppressed = std::move(sup);
    }
    if (f.kind != kKindVuln) {
      f.package = kNoPackage;
      DAGDA_ASSIGN_OR_RETURN(f.target, str(j, "target"));
      DAGDA_ASSIGN_OR_RETURN(f.evidence, str(j, "evidence"));
      DAGDA_ASSIGN_OR_RETURN(double line, number(j, "line"));
      if (line < 0 || line > 1e15) return bad("line", "a line number");
      f.line = static_cast<uint64_t>(line);
      return f;
    }
    DAGDA_ASSIGN_OR_RETURN(f.aliases, strings(j, "aliases"));
    DAGDA_ASSIGN_OR_RETURN(f.related_advisories, strings(j, "related_advisories"));
    DAGDA_ASSIGN_OR_RETURN(f.fixed_version, str(j, "fixed_version"));
    DAGDA_ASSIGN_OR_RETURN(f.severity_source, str(j, "severity_source"));
    DAGDA_ASSIGN_OR_RETURN(std::string status, str(j, "status"));
    if (auto st = vulndb::status_from_string(status)) f.status = *st;
    auto pkg = j.find("package");
    if (pkg == j.end()) return bad("package", "present in a vulnerability finding");
    DAGDA_ASSIGN_OR_RETURN(Package p, package(*pkg));
    std::string key = package_key(p);
    auto [it, added] = index.emplace(key, inv.packages.size());
    if (added) inv.packages.push_back(std::move(p));
    f.package = it->second;
    if (auto c = j.find("cvss"); c != j.end() && !c->is_null()) {
      if (!c->is_object()) return bad("cvss", "an object");
      vulndb::Cvss cvss;
      DAGDA_ASSIGN_OR_RETURN(cvss.version, str(*c, "version"));
      DAGDA_ASSIGN_OR_RETURN(cvss.vector, str(*c, "vector"));
      DAGDA_ASSIGN_OR_RETURN(cvss.score, number(*c, "score"));
      DAGDA_ASSIGN_OR_RETURN(cvss.severity, str(*c, "severity"));
      DAGDA_ASSIGN_OR_RETURN(cvss.source, str(*c, "source"));
      f.cvss = std::move(cvss);
    }
    DAGDA_ASSIGN_OR_RETURN(const json* exploits, array(j, "exploits"));
    for (const json& e : *exploits) {
      if (!e.is_object()) return bad("exploits", "a list of objects");
      ExploitRef x;
      DAGDA_ASSIGN_OR_RETURN(double id, number(e, "id"));
      x.id = static_cast<int64_t>(std::clamp(id, 0.0, 1e15));
      DAGDA_ASSIGN_OR_RETURN(x.url, str(e, "url"));
      DAGDA_ASSIGN_OR_RETURN(x.title, str(e, "title"));
      f.exploits.push_back(std::move(x));
    }
    f.kev = flag(j, "kev");
    if (auto k = j.find("kev_entry"); k != j.end() && k->is_object()) {
      vulndb::KevEntry e;
      e.cve = f.id;
      DAGDA_ASSIGN_OR_RETURN(e.date_added, str(*k, "date_added"));
      DAGDA_ASSIGN_OR_RETURN(e.due_date, str(*k, "due_date"));
      DAGDA_ASSIGN_OR_RETURN(e.ransomware, str(*k, "ransomware"));
      DAGDA_ASSIGN_OR_RETURN(e.required_action, str(*k, "required_action"));
      f.kev_entry = std::move(e);
    }
    if (auto e = j.find("epss"); e != j.end() && !e->is_null()) {
      if (!e->is_object()) return bad("epss", "an object");
      vulndb::EpssScore s;
      s.cve = f.id;
      DAGDA_ASSIGN_OR_RETURN(s.score, number(*e, "score"));
      DAGDA_ASSIGN_OR_RETURN(s.percentile, number(*e, "percentile"));
      DAGDA_ASSIGN_OR_RETURN(s.date, str(*e, "date"));
      f.epss = std::move(s);
    }
    DAGDA_ASSIGN_OR_RETURN(const json* matches, array(j, "matches"));
    for (const json& m : *matches) {
      DAGDA_ASSIGN_OR_RETURN(MatchEvidence ev, match(m));
      f.matches.push_back(std::move(ev));
    }
    return f;
  }

  static std::string package_key(const Package& p) {
    return fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", p.ecosystem, p.name, p.version, p.path, p.layer,
                       p.layer_index);
  }

  Result<Warning> warning(const json& j) const {
    if (!j.is_object()) return bad("warnings", "a list of objects");
    Warning w;
    DAGDA_ASSIGN_OR_RETURN(w.code, str(j, "code"));
    DAGDA_ASSIGN_OR_RETURN(w.message, str(j, "message"));
    DAGDA_ASSIGN_OR_RETURN(w.where.file, str(j, "file"));
    DAGDA_ASSIGN_OR_RETURN(w.where.layer, str(j, "layer"));
    return w;
  }
};

Result<json> parse(std::string_view text, std::string_view what) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return Error(ErrorCode::corrupt, fmt::format("{}: not JSON", what));
  if (!j.is_object()) return Error(ErrorCode::corrupt, fmt::format("{}: not a JSON object", what));
  return j;
}

// The severities --severity keeps: one word is that one and worse.
std::set<std::string> kept(const std::vector<std::string>& severities) {
  std::set<std::string> keep;
  if (severities.size() == 1) {
    for (auto s : {"critical", "high", "medium", "low", "negligible", "unknown"})
      if (severity_rank(s) >= severity_rank(severities[0])) keep.insert(s);
  } else {
    keep.insert(severities.begin(), severities.end());
  }
  return keep;
}

}  // namespace

Result<ScanResult> read_scan_report(std::string_view text, std::string_view what) {
  DAGDA_ASSIGN_OR_RETURN(json doc, parse(text, what));
  Reader r{what};
  if (auto s = doc.find("schema"); s == doc.end() || *s != "dagda.scan/v1")
    return Error(ErrorCode::corrupt, fmt::format("{}: not a dagda.scan/v1 report", what));
  ScanResult out;
  Inventory& inv = out.inventory;
  if (auto s = doc.find("source"); s != doc.end() && s->is_object()) {
    DAGDA_ASSIGN_OR_RETURN(inv.source.input, r.str(*s, "input"));
    DAGDA_ASSIGN_OR_RETURN(inv.source.kind, r.str(*s, "kind"));
    DAGDA_ASSIGN_OR_RETURN(inv.source.image_id, r.str(*s, "image_id"));
    DAGDA_ASSIGN_OR_RETURN(inv.source.manifest_digest, r.str(*s, "manifest_digest"));
    DAGDA_ASSIGN_OR_RETURN(inv.source.tags, r.strings(*s, "tags"));
  }
  if (auto o = doc.find("os"); o != doc.end() && o->is_object()) {
    OsInfo os;
    DAGDA_ASSIGN_OR_RETURN(os.family, r.str(*o, "family"));
    DAGDA_ASSIGN_OR_RETURN(os.name, r.str(*o, "name"));
    DAGDA_ASSIGN_OR_RETURN(os.version_id, r.str(*o, "version_id"));
    DAGDA_ASSIGN_OR_RETURN(os.pretty_name, r.str(*o, "pretty_name"));
    inv.os = std::move(os);
  }
  DAGDA_ASSIGN_OR_RETURN(out.database, r.str(doc, "database"));
  DAGDA_ASSIGN_OR_RETURN(out.namespaces, r.strings(doc, "namespaces"));
  DAGDA_ASSIGN_OR_RETURN(out.scanners, r.strings(doc, "scanners"));
  std::map<std::string, size_t> index;
  DAGDA_ASSIGN_OR_RETURN(const json* packages, r.array(doc, "packages"));
  for (const json& p : *packages) {
    DAGDA_ASSIGN_OR_RETURN(Package pkg, r.package(p));
    if (index.emplace(Reader::package_key(pkg), inv.packages.size()).second) inv.packages.push_back(std::move(pkg));
  }
  for (const char* list : {"findings", "suppressed"}) {
    DAGDA_ASSIGN_OR_RETURN(const json* findings, r.array(doc, list));
    for (const json& f : *findings) {
      DAGDA_ASSIGN_OR_RETURN(Finding finding, r.finding(f, inv, index));
      if (std::string_view(list) == "suppressed" && !finding.suppressed)
        finding.suppressed = Suppression{"server", "suppressed on the server", ""};
      out.findings.push_back(std::move(finding));
    }
  }
  // The report lists inventory and matching warnings together; they are all the inventory's here.
  DAGDA_ASSIGN_OR_RETURN(const json* warnings, r.array(doc, "warnings"));
  for (const json& w : *warnings) {
    DAGDA_ASSIGN_OR_RETURN(Warning warning, r.warning(w));
    inv.warnings.push_back(std::move(warning));
  }
  inv.partial = r.flag(doc, "partial");
  return out;
}

Result<size_t> remaining_findings(std::string_view text, std::string_view format,
                                  const std::vector<std::string>& severities, std::string_view what) {
  const std::set<std::string> keep = kept(severities);
  auto counts = [&](const std::string& severity) { return keep.empty() || keep.count(severity) > 0; };
  if (format == "json" || format == "table") {
    DAGDA_ASSIGN_OR_RETURN(ScanResult r, read_scan_report(text, what));
    size_t n = 0;
    for (const Finding& f : r.findings) n += !f.suppressed && counts(f.severity);
    return n;
  }
  DAGDA_ASSIGN_OR_RETURN(json doc, parse(text, what));
  size_t n = 0;
  if (format == "sarif") {
    // One result per finding; suppressed ones carry "suppressions".
    auto runs = doc.find("runs");
    if (runs == doc.end() || !runs->is_array()) return Error(ErrorCode::corrupt, fmt::format("{}: no SARIF runs", what));
    for (const json& run : *runs) {
      if (!run.is_object() || !run.contains("results") || !run["results"].is_array()) continue;
      for (const json& res : run["results"]) {
        if (!res.is_object() || res.contains("suppressions")) continue;
        std::string sev;
        if (auto p = res.find("properties"); p != res.end() && p->is_object() && p->contains("severity") &&
                                             (*p)["severity"].is_string())
          sev = (*p)["severity"].get<std::string>();
        n += counts(sev);
      }
    }
    return n;
  }
  if (format == "cyclonedx") {
    // One vulnerability per finding; its last rating is Dagda's own ("info" for negligible);
    // suppressed ones carry an "analysis".
    auto vulns = doc.find("vulnerabilities");
    if (vulns == doc.end()) return n;
    if (!vulns->is_array()) return Error(ErrorCode::corrupt, fmt::format("{}: 'vulnerabilities' is not a list", what));
    for (const json& v : *vulns) {
      if (!v.is_object() || v.contains("analysis")) continue;
      std::string sev;
      if (auto r = v.find("ratings"); r != v.end() && r->is_array() && !r->empty() && r->back().is_object() &&
                                       r->back().contains("severity") && r->back()["severity"].is_string())
        sev = r->back()["severity"].get<std::string>();
      if (sev == "info") sev = "negligible";
      n += counts(sev);
    }
    return n;
  }
  return Error(ErrorCode::invalid_input, fmt::format("unknown report format '{}'", format));
}

}  // namespace dagda::client
