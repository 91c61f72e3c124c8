// importers/rubysec.cpp: RubySec advisories (ruby-advisory-db YAML:
// gems/NAME/ID.yml with `gem:`, rubies/ENGINE/ID.yml with `engine:`).
// One Vulnerability and one Affected (namespace "gem") per file. Affected
// versions are those matching none of patched_versions and unaffected_versions;
// that complement (version/negate.hpp) is written as a Gem::Requirement
// constraint (alternatives with "||", terms with ","), exact for the operators
// = != > < >= <= ~>; the patched versions' lower bounds are the fixed versions.
// Ruby engines (ruby, jruby, ...) go under their engine name in "gem": their
// versions follow Gem::Version, which is what RubySec's own tools compare with.
#include "importers/feed_util.hpp"
#include "version/negate.hpp"
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

void add_cvss(vulndb::Vulnerability& v, element doc, const char* key, const char* version) {
  std::string s = jtext(doc, key);
  if (s.empty()) return;
  vulndb::Cvss c;  // RubySec gives the score, not the vector
  c.version = version;
  char* end = nullptr;
  c.score = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || c.score < 0 || c.score > 10) return;
  c.severity = vulndb::severity_from_score(c.score, version);
  c.source = "rubysec";
  v.cvss.push_back(std::move(c));
}

Status parse(const Entry& e, vulndb::Sink& sink, Diagnostics& diag) {
  DAGDA_ASSIGN_OR_RETURN(Document parsed, parse_yaml(e));
  element doc = parsed.root();
  if (!doc.is_object()) return entry_error(e, "not a RubySec advisory: the document is not a mapping");
  std::string gem = jtext(doc, "gem");
  if (gem.empty()) gem = jtext(doc, "engine");
  if (gem.empty()) return entry_error(e, "RubySec advisory without \"gem\" or \"engine\"");
  std::string cve = jtext(doc, "cve"), ghsa = jtext(doc, "ghsa"), osvdb = jtext(doc, "osvdb");
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
  v.aliases.assign(ids.begin() + 1, ids.end());  // the same vulnerability's CVE, GHSA and OSVDB ids
  v.summary = jtext(doc, "title");
  v.description = jtext(doc, "description");
  v.published = jtext(doc, "date");
  if (std::string url = jtext(doc, "url"); !url.empty()) v.references.push_back(url);
  if (auto rel = jfield(doc, "related"); rel && rel->is_object())
    for (auto& u : jstrings(*rel, "url"))
      if (u != (v.references.empty() ? "" : v.references[0])) v.references.push_back(u);
  add_cvss(v, doc, "cvss_v4", "4.0");
  add_cvss(v, doc, "cvss_v3", "3.1");
  add_cvss(v, doc, "cvss_v2", "2.0");
  if (!v.cvss.empty()) v.severity = v.cvss[0].severity;
  v.scope = {"gem"};

  std::vector<std::string> patched = jstrings(doc, "patched_versions");
  std::vector<std::string> excluded = patched;
  for (auto& u : jstrings(doc, "unaffected_versions")) excluded.push_back(u);
  auto neg = version::complement_of(excluded, "gem");
  vulndb::Affected a;
  a.advisory_id = v.id;
  a.vuln_id = v.id;
  a.aliases = v.aliases;
  a.ns = "gem";
  a.package = vulndb::normalize_package("gem", gem);
  a.severity = v.severity;
  a.published = v.published;
  for (auto& p : patched)
    for (auto& f : version::lower_bounds(p)) add_id(a.fixes, f);
  if (a.fixes.size() == 1) {
    a.fixed_version = a.fixes[0];
    a.fixes.clear();
  }
  std::string id = v.id;
  sink.add(std::move(v));
  if (!neg.error.empty()) {
    diag.warn("rubysec.bad-requirement", id + ": " + neg.error + ": no affected range recorded", where(e));
    return ok_status();
  }
  if (!neg.constraint) return ok_status();  // every version is patched or unaffected
  a.constraint = *neg.constraint;
  sink.add(std::move(a));
  return ok_status();
}

}  // namespace

extern const ImporterInfo rubysec{"rubysec", "RubySec ruby-advisory-db YAML (gems and rubies)", detect,
                                  parse};

}  // namespace dagda::importers::feeds
