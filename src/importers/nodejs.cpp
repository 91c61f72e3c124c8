// importers/nodejs.cpp: the Node.js security working group's advisories.
// vuln/npm/N.json (module_name, vulnerable_versions, patched_versions,
// cves, title, overview, created_at, publish_date, cvss_score, cvss_vector):
// one Vulnerability "NSWG-ECO-N" and one Affected in namespace "npm" with the
// vulnerable_versions semver range as constraint, and the lower bounds of
// patched_versions as fixed versions. The advisory's CVE is its vulnerability
// (NSWG-ECO-N an alias of it); an advisory listing several CVEs covers
// several vulnerabilities: one row per CVE, the CVEs related to it. vuln/core/N.json (cve,
// vulnerable, patched, ref, overview, severity): Node.js itself, recorded as
// the package "node" in namespace "npm" (its versions are semver and the npm
// package "node" carries the same version numbers), id "NSWG-CORE-N", with
// `vulnerable` less the `patched` versions as constraint (node_advisory.hpp).
// index.json files are generated aggregates of the others and are not claimed;
// vuln/deps/ (dependency assessments without versions) neither.
#include "importers/feed_util.hpp"
#include "importers/node_advisory.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

bool index_file(std::string_view path) {
  return base_name(path) == "index.json";
}

int detect(std::string_view path, std::string_view head) {
  std::string_view h = skip_space(head);
  if (!h.starts_with("{")) return 0;
  // A map of advisories keyed by number ({"1": {...}}, as is-my-node-vulnerable
  // ships them) is not one advisory file: leave it to no importer.
  {
    std::string_view r = skip_space(h.substr(1));
    auto q = r.starts_with("\"") ? r.find('"', 1) : std::string_view::npos;
    if (q != std::string_view::npos) {
      std::string_view after = skip_space(r.substr(q + 1));
      if (after.starts_with(":") && skip_space(after.substr(1)).starts_with("{")) return 0;
    }
  }
  bool npm = contains(h, "\"module_name\"") && contains(h, "\"vulnerable_versions\"");
  bool core = contains(h, "\"vulnerable\"") && contains(h, "\"patched\"") && contains(h, "\"cve\"");
  if (!npm && !core) return 0;
  if (index_file(path)) return 1;
  return npm ? 3 : 2;
}

std::string file_number(std::string_view path) {
  std::string stem(base_name(path));
  return stem.substr(0, stem.rfind('.'));
}

Status parse(const Entry& e, vulndb::Sink& sink, Diagnostics& diag) {
  DAGDA_ASSIGN_OR_RETURN(Document doc, parse_json(e));
  element o = doc.root();
  if (!o.is_object()) return entry_error(e, "not a Node.js security-wg advisory: not a JSON object");
  vulndb::Vulnerability v;
  vulndb::Affected a;
  a.ns = "npm";
  std::vector<std::string> cves;
  std::string range, patched;
  if (!jstr(o, "module_name").empty()) {
    std::string n;
    if (auto id = jnum(o, "id")) n = std::to_string(int64_t(*id));
    if (n.empty()) n = file_number(e.path);
    v.id = "NSWG-ECO-" + n;
    cves = jstrings(o, "cves");
    v.summary = std::string(jstr(o, "title"));
    v.description = std::string(jstr(o, "overview"));
    if (auto rec = jstr(o, "recommendation"); !rec.empty()) v.description += "\n\n" + std::string(rec);
    v.published = std::string(jstr(o, "publish_date"));
    if (v.published.empty()) v.published = std::string(jstr(o, "created_at"));
    v.modified = std::string(jstr(o, "updated_at"));
    v.references = jstrings(o, "references");
    std::string vector(jstr(o, "cvss_vector"));
    auto score = jnum(o, "cvss_score");
    if (!vector.empty()) {
      if (auto c = cvss_entry(vector, "nodejs-security-wg", score)) v.cvss.push_back(std::move(*c));
    } else if (score) {
      vulndb::Cvss c;  // a score without a vector: its version is unknown, rated on the v3 scale
      c.score = *score;
      c.severity = vulndb::severity_from_score(c.score, "3.1");
      c.source = "nodejs-security-wg";
      v.cvss.push_back(std::move(c));
    }
    v.severity = severity_from_cvss(v.cvss);
    a.package = vulndb::normalize_package("npm", jstr(o, "module_name"));
    range = std::string(trim(jstr(o, "vulnerable_versions")));
    patched = std::string(trim(jstr(o, "patched_versions")));
  } else if (!jstr(o, "vulnerable").empty() || jarray(o, "cve")) {
    v.id = "NSWG-CORE-" + file_number(e.path);
    cves = jstrings(o, "cve");
    v.description = std::string(jstr(o, "overview"));
    if (v.description.empty()) v.description = std::string(jstr(o, "description"));
    if (auto ref = jstr(o, "ref"); !ref.empty()) v.references.emplace_back(ref);
    v.severity = vulndb::normalize_severity(jstr(o, "severity"));
    a.package = "node";
    patched = std::string(trim(jstr(o, "patched")));
    range = node_affected_constraint(trim(jstr(o, "vulnerable")), patched);
  } else {
    return entry_error(
        e, "not a Node.js security-wg advisory: neither \"module_name\" (npm) nor \"vulnerable\" (core)");
  }
  std::vector<std::string> cve_ids;
  for (auto& c : cves)
    if (is_cve(c)) add_id(cve_ids, c);
  // One CVE: the same vulnerability under another name. Several: an advisory covering them.
  if (cve_ids.size() == 1)
    add_id(v.aliases, cve_ids[0], v.id);
  else
    for (auto& c : cve_ids) add_id(v.related, c, v.id);
  v.scope = {"npm"};
  a.advisory_id = v.id;
  a.severity = v.severity;
  a.published = v.published;
  add_node_advisory(std::move(v), std::move(a), range, patched, cve_ids, "nodejs", e, sink, diag);
  return ok_status();
}

}  // namespace

extern const ImporterInfo nodejs{"nodejs", "Node.js security-wg advisories (vuln/npm and vuln/core JSON)",
                                 detect, parse};

}  // namespace dagda::importers::feeds
