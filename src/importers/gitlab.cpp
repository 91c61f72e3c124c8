// importers/gitlab.cpp: the GitLab Advisory Database (advisories-community)
// YAML: identifier, identifiers, package_slug "ECOSYSTEM/NAME", title,
// description, pubdate, affected_range in the ecosystem's own syntax,
// fixed_versions, urls, cvss_v2/cvss_v3 vectors, cwe_ids. One Vulnerability and
// one Affected per file; the namespace comes from the slug's ecosystem and the
// constraint is affected_range as written.
#include "importers/feeds_common.hpp"
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

void add_vector(vulndb::Vulnerability& v, const std::string& vector, const char* version) {
  if (vector.empty()) return;
  vulndb::Cvss c;
  c.version = vector.starts_with("CVSS:") && vector.size() > 8 ? vector.substr(5, 3) : version;
  c.vector = vector;
  c.source = "gitlab";  // vector only: GitLab publishes no score
  v.cvss.push_back(std::move(c));
}

Status parse(const Entry& e, vulndb::Sink& sink, Diagnostics& diag) {
  DAGDA_ASSIGN_OR_RETURN(YAML::Node doc, parse_yaml(e));
  try {
    if (!doc.IsMap()) return entry_error(e, "not a GitLab advisory: the document is not a mapping");
    std::string slug = ystr(doc, "package_slug");
    auto slash = slug.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == slug.size())
      return entry_error(e, "GitLab advisory without a \"package_slug: ECOSYSTEM/NAME\"");
    std::string id = ystr(doc, "identifier");
    if (id.empty()) return entry_error(e, "GitLab advisory without an \"identifier\"");
    vulndb::Vulnerability v;
    v.id = id;
    for (auto& x : ystrings(doc, "identifiers"))
      if (x != id) v.aliases.push_back(x);
    v.summary = ystr(doc, "title");
    v.description = ystr(doc, "description");
    v.published = ystr(doc, "pubdate");
    v.modified = ystr(doc, "date");
    v.references = ystrings(doc, "urls");
    v.cwes = ystrings(doc, "cwe_ids");
    add_vector(v, ystr(doc, "cvss_v3"), "3.1");
    add_vector(v, ystr(doc, "cvss_v2"), "2.0");

    std::string ns = slug_namespace(slug.substr(0, slash));
    std::string range = ystr(doc, "affected_range");
    vulndb::Affected a;
    a.advisory_id = id;
    a.vuln_id = id;
    for (auto& x : v.aliases)
      if (a.vuln_id == id && is_cve(x) && !is_cve(id)) a.vuln_id = x;
    a.aliases = v.aliases;
    a.ns = ns;
    a.package = vulndb::normalize_package(ns, slug.substr(slash + 1));
    auto fixed = ystrings(doc, "fixed_versions");
    if (fixed.size() == 1) a.fixed_version = fixed[0];
    a.constraint = range;
    a.published = v.published;
    sink.add(std::move(v));
    if (ns.empty()) {
      diag.warn("gitlab.unknown-ecosystem",
                id + ": ecosystem \"" + slug.substr(0, slash) +
                    "\" has no version rules here: no affected range recorded",
                {e.path, {}, {}, {}});
      return ok_status();
    }
    if (range.empty()) {
      diag.warn("gitlab.no-range", id + ": no affected_range: no affected range recorded",
                {e.path, {}, {}, {}});
      return ok_status();
    }
    sink.add(std::move(a));
  } catch (const YAML::Exception& ex) {
    return entry_error(e, "unexpected GitLab advisory YAML shape: " + ex.msg,
                       ex.mark.is_null() ? std::optional<uint64_t>() : uint64_t(ex.mark.line) + 1);
  }
  return ok_status();
}

}  // namespace

extern const ImporterInfo gitlab{"gitlab", "GitLab Advisory Database YAML (advisories-community)", detect,
                                 parse};

}  // namespace dagda::importers::feeds
