// importers/gitlab.cpp: the GitLab Advisory Database (advisories-community)
// YAML: identifier, identifiers, package_slug "ECOSYSTEM/NAME", title,
// description, pubdate, affected_range in the ecosystem's own syntax,
// fixed_versions, urls, cvss_v2/cvss_v3 vectors, cwe_ids. One Vulnerability and
// one Affected per file; the namespace comes from the slug's ecosystem and the
// constraint is affected_range as written. `identifiers` are names of the same
// vulnerability (its CVE becomes the rows' vuln_id); fixed_versions give the
// fixed version of each affected range. CVSS scores are computed from the
// vectors (GitLab gives none).
#include "importers/feed_util.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

int detect(std::string_view /*path*/, std::string_view head) {
  std::string_view h = skip_space(head);
  bool slug = h.starts_with("package_slug:") || contains(h, "\npackage_slug:");
  if (!slug) return 0;
  return contains(h, "identifier:") || contains(h, "affected_range:") ? 3 : 2;
}

// GitLab's ecosystem directory names to ours ("packagist" -> composer, "go" -> golang, ...).
std::string slug_namespace(std::string_view eco) {
  if (eco == "packagist") return "composer";
  if (eco == "conan") return "";  // no comparator for Conan
  return vulndb::ecosystem_namespace(eco);
}

Status parse(const Entry& e, vulndb::Sink& sink, Diagnostics& diag) {
  DAGDA_ASSIGN_OR_RETURN(Document parsed, parse_yaml(e));
  element doc = parsed.root();
  if (!doc.is_object()) return entry_error(e, "not a GitLab advisory: the document is not a mapping");
  std::string slug = jtext(doc, "package_slug");
  auto slash = slug.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == slug.size())
    return entry_error(e, "GitLab advisory without a \"package_slug: ECOSYSTEM/NAME\"");
  std::string id = jtext(doc, "identifier");
  if (id.empty()) return entry_error(e, "GitLab advisory without an \"identifier\"");
  std::string ns = slug_namespace(slug.substr(0, slash));
  vulndb::Vulnerability v;
  v.id = id;
  for (auto& x : jstrings(doc, "identifiers")) add_id(v.aliases, x, id);  // other names of this vulnerability
  v.summary = jtext(doc, "title");
  v.description = jtext(doc, "description");
  v.published = jtext(doc, "pubdate");
  v.modified = jtext(doc, "date");
  v.references = jstrings(doc, "urls");
  v.cwes = jstrings(doc, "cwe_ids");
  // Vectors only: GitLab publishes no score; the scores are computed (vulndb/cvss.hpp).
  for (const char* key : {"cvss_v3", "cvss_v2"})
    if (std::string vec = jtext(doc, key); !vec.empty())
      if (auto c = cvss_entry(vec, "gitlab")) v.cvss.push_back(std::move(*c));
  if (!ns.empty()) v.scope = {ns};

  std::string range = jtext(doc, "affected_range");
  vulndb::Affected a;
  a.advisory_id = id;
  a.vuln_id = is_cve(id) ? id : "";
  for (auto& x : v.aliases)
    if (a.vuln_id.empty() && is_cve(x)) a.vuln_id = x;
  if (a.vuln_id.empty()) a.vuln_id = id;
  add_id(a.aliases, id, a.vuln_id);
  for (auto& x : v.aliases) add_id(a.aliases, x, a.vuln_id);
  a.ns = ns;
  a.package = vulndb::normalize_package(ns, slug.substr(slash + 1));
  auto fixed = jstrings(doc, "fixed_versions");
  if (fixed.size() == 1) a.fixed_version = fixed[0];
  if (fixed.size() > 1) a.fixes = fixed;
  a.constraint = range;
  a.published = v.published;
  sink.add(std::move(v));
  if (ns.empty()) {
    diag.warn("gitlab.unknown-ecosystem",
              id + ": ecosystem \"" + slug.substr(0, slash) + "\" has no version rules here: no affected range recorded",
              where(e));
    return ok_status();
  }
  if (range.empty()) {
    diag.warn("gitlab.no-range", id + ": no affected_range: no affected range recorded", where(e));
    return ok_status();
  }
  sink.add(std::move(a));
  return ok_status();
}

}  // namespace

extern const ImporterInfo gitlab{"gitlab", "GitLab Advisory Database YAML (advisories-community)", detect,
                                 parse};

}  // namespace dagda::importers::feeds
