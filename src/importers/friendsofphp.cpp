// importers/friendsofphp.cpp: FriendsOfPHP security-advisories YAML (title,
// link, cve, branches: {NAME: {time, versions: [">=1.0", "<1.2"]}},
// reference: composer://vendor/package). One Vulnerability and one Affected
// (namespace "composer") per file; the constraint is each branch's versions
// joined with "," (and), branches joined with " || " (or), as Composer reads it.
#include "importers/feed_util.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

int detect(std::string_view /*path*/, std::string_view head) {
  std::string_view h = skip_space(head);
  if (contains(h, "composer://") && (contains(h, "branches:") || contains(h, "reference:"))) return 3;
  if (contains(h, "branches:") && contains(h, "versions:") && contains(h, "title:")) return 2;
  return 0;
}

Status parse(const Entry& e, vulndb::Sink& sink, Diagnostics& diag) {
  DAGDA_ASSIGN_OR_RETURN(Document parsed, parse_yaml(e));
  element doc = parsed.root();
  if (!doc.is_object()) return entry_error(e, "not a FriendsOfPHP advisory: the document is not a mapping");
  std::string ref = jtext(doc, "reference");
  if (!ref.starts_with("composer://") || ref.size() <= 11)
    return entry_error(e, "FriendsOfPHP advisory without a \"reference: composer://vendor/package\"");
  std::string package = vulndb::normalize_package("composer", ref.substr(11));
  std::string cve = jtext(doc, "cve");
  std::string stem(base_name(e.path));
  stem = stem.substr(0, stem.rfind('.'));
  vulndb::Vulnerability v;
  // Files without a CVE are named by date: the id is made unique by the package.
  v.id = !cve.empty() && cve != "~" ? cve : "FRIENDSOFPHP-" + package + "-" + stem;
  v.summary = jtext(doc, "title");
  v.description = v.summary;
  v.scope = {"composer"};
  if (std::string link = jtext(doc, "link"); !link.empty()) v.references.push_back(link);
  auto branches = jobject(doc, "branches");
  if (!branches) return entry_error(e, "FriendsOfPHP advisory without a \"branches\" mapping");
  std::string constraint, earliest;
  std::vector<std::string> fixes;
  for (auto br : *branches) {
    element b = br.value;
    std::vector<std::string> vs = jstrings(b, "versions");
    if (vs.empty()) continue;
    std::string term;
    for (auto& x : vs) {
      std::string_view t = trim(x);
      term += (term.empty() ? "" : ",") + std::string(t);
      if (t.starts_with("<") && !t.starts_with("<=")) add_id(fixes, trim(t.substr(1)));  // "<2.7.51": fixed in 2.7.51
    }
    constraint += (constraint.empty() ? "" : " || ") + term;
    std::string t = jtext(b, "time");
    if (!t.empty() && (earliest.empty() || t < earliest)) earliest = t;
  }
  v.published = earliest;
  std::string id = v.id;
  vulndb::Affected a;
  a.advisory_id = id;
  a.vuln_id = id;
  a.ns = "composer";
  a.package = package;
  a.published = earliest;
  if (fixes.size() == 1) a.fixed_version = fixes[0];
  if (fixes.size() > 1) a.fixes = fixes;
  sink.add(std::move(v));
  if (constraint.empty()) {
    diag.warn("friendsofphp.no-versions", id + ": no branch lists versions: no affected range recorded", where(e));
    return ok_status();
  }
  a.constraint = constraint;
  sink.add(std::move(a));
  return ok_status();
}

}  // namespace

extern const ImporterInfo friendsofphp{"friendsofphp", "FriendsOfPHP security-advisories YAML (Packagist)",
                                       detect, parse};

}  // namespace dagda::importers::feeds
