// importers/rubysec.cpp: RubySec advisories (ruby-advisory-db YAML:
// gems/NAME/ID.yml with `gem:`, rubies/ENGINE/ID.yml with `engine:`).
// One Vulnerability and one Affected (namespace "gem") per file. Affected
// versions are those matching none of patched_versions and unaffected_versions;
// that complement is written as a Gem::Requirement constraint (alternatives
// with "||", terms with ","), exact for the operators = != > < >= <= ~>.
// Ruby engines (ruby, jruby, ...) go under their engine name in "gem": their
// versions follow Gem::Version, which is what RubySec's own tools compare with.
#include "importers/feeds_common.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

int detect(std::string_view /*path*/, std::string_view head) {
  std::string_view h = skip_space(head);
  bool gem = h.starts_with("gem:") || contains(h, "\ngem:");
  bool engine = h.starts_with("engine:") || contains(h, "\nengine:");
  if (!gem && !engine) return 0;
  bool fields = contains(h, "\ntitle:") || contains(h, "\nurl:") || contains(h, "\ncve:") ||
                contains(h, "\nghsa:") || contains(h, "\nosvdb:");
  return fields ? 3 : 0;
}

void add_cvss(vulndb::Vulnerability& v, const YAML::Node& doc, const char* key, const char* version) {
  std::string s = ystr(doc, key);
  if (s.empty()) return;
  vulndb::Cvss c;
  c.version = version;
  try {
    c.score = std::stod(s);
  } catch (...) {
    return;
  }
  c.severity = vulndb::severity_from_score(c.score, version);
  c.source = "rubysec";
  v.cvss.push_back(std::move(c));
}

Status parse(const Entry& e, vulndb::Sink& sink, Diagnostics& diag) {
  DAGDA_ASSIGN_OR_RETURN(YAML::Node doc, parse_yaml(e));
  try {
    if (!doc.IsMap()) return entry_error(e, "not a RubySec advisory: the document is not a mapping");
    std::string gem = ystr(doc, "gem");
    if (gem.empty()) gem = ystr(doc, "engine");
    if (gem.empty()) return entry_error(e, "RubySec advisory without \"gem\" or \"engine\"");
    std::string cve = ystr(doc, "cve"), ghsa = ystr(doc, "ghsa"), osvdb = ystr(doc, "osvdb");
    std::vector<std::string> ids;
    if (!cve.empty()) ids.push_back(cve.starts_with("CVE-") ? cve : "CVE-" + cve);
    if (!ghsa.empty()) ids.push_back(ghsa.starts_with("GHSA-") ? ghsa : "GHSA-" + ghsa);
    if (!osvdb.empty()) ids.push_back("OSVDB-" + osvdb);
    if (ids.empty()) {
      std::string stem(base_name(e.path));
      stem = stem.substr(0, stem.rfind('.'));
      ids.push_back(stem);
    }
    vulndb::Vulnerability v;
    v.id = ids[0];
    v.aliases.assign(ids.begin() + 1, ids.end());
    v.summary = ystr(doc, "title");
    v.description = ystr(doc, "description");
    v.published = ystr(doc, "date");
    if (std::string url = ystr(doc, "url"); !url.empty()) v.references.push_back(url);
    if (doc["related"] && doc["related"].IsMap())
      for (auto& u : ystrings(doc["related"], "url"))
        if (u != (v.references.empty() ? "" : v.references[0])) v.references.push_back(u);
    add_cvss(v, doc, "cvss_v4", "4.0");
    add_cvss(v, doc, "cvss_v3", "3.1");
    add_cvss(v, doc, "cvss_v2", "2.0");
    if (!v.cvss.empty()) v.severity = v.cvss[0].severity;

    std::vector<std::string> excluded = ystrings(doc, "patched_versions");
    for (auto& u : ystrings(doc, "unaffected_versions")) excluded.push_back(u);
    auto neg = affected_outside(excluded, "gem");
    vulndb::Affected a;
    a.advisory_id = v.id;
    a.vuln_id = v.id;
    a.aliases = v.aliases;
    a.ns = "gem";
    a.package = vulndb::normalize_package("gem", gem);
    a.severity = v.severity;
    a.published = v.published;
    std::string id = v.id;
    sink.add(std::move(v));
    if (!neg.error.empty()) {
      diag.warn("rubysec.bad-requirement", id + ": " + neg.error + ": no affected range recorded",
                {e.path, {}, {}, {}});
      return ok_status();
    }
    if (!neg.constraint) return ok_status();  // every version is patched or unaffected
    a.constraint = *neg.constraint;
    sink.add(std::move(a));
  } catch (const YAML::Exception& ex) {
    return entry_error(e, "unexpected RubySec YAML shape: " + ex.msg,
                       ex.mark.is_null() ? std::optional<uint64_t>() : uint64_t(ex.mark.line) + 1);
  }
  return ok_status();
}

}  // namespace

extern const ImporterInfo rubysec{"rubysec", "RubySec ruby-advisory-db YAML (gems and rubies)", detect,
                                  parse};

}  // namespace dagda::importers::feeds
