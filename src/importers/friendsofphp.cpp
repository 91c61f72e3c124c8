// importers/friendsofphp.cpp: FriendsOfPHP security-advisories YAML (title,
// link, cve, branches: {NAME: {time, versions: [">=1.0", "<1.2"]}},
// reference: composer://vendor/package). One Vulnerability and one Affected
// (namespace "composer") per file; the constraint is each branch's versions
// joined with "," (and), branches joined with " || " (or), as Composer reads it.
#include "importers/feeds_common.hpp"
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
  DAGDA_ASSIGN_OR_RETURN(YAML::Node doc, parse_yaml(e));
  try {
    if (!doc.IsMap()) return entry_error(e, "not a FriendsOfPHP advisory: the document is not a mapping");
    std::string ref = ystr(doc, "reference");
    if (!ref.starts_with("composer://") || ref.size() <= 11)
      return entry_error(e, "FriendsOfPHP advisory without a \"reference: composer://vendor/package\"");
    std::string package = vulndb::normalize_package("composer", ref.substr(11));
    std::string cve = ystr(doc, "cve");
    std::string stem(base_name(e.path));
    stem = stem.substr(0, stem.rfind('.'));
    vulndb::Vulnerability v;
    // Files without a CVE are named by date: the id is made unique by the package.
    v.id = !cve.empty() && cve != "~" ? cve : "FRIENDSOFPHP-" + package + "-" + stem;
    v.summary = ystr(doc, "title");
    v.description = v.summary;
    if (std::string link = ystr(doc, "link"); !link.empty()) v.references.push_back(link);
    YAML::Node branches = doc["branches"];
    if (!branches || !branches.IsMap())
      return entry_error(e, "FriendsOfPHP advisory without a \"branches\" mapping");
    std::string constraint, earliest;
    for (const auto& br : branches) {
      const YAML::Node& b = br.second;
      std::vector<std::string> vs = ystrings(b, "versions");
      if (vs.empty()) continue;
      std::string term;
      for (auto& x : vs) term += (term.empty() ? "" : ",") + std::string(trim(x));
      constraint += (constraint.empty() ? "" : " || ") + term;
      std::string t = ystr(b, "time");
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
    sink.add(std::move(v));
    if (constraint.empty()) {
      diag.warn("friendsofphp.no-versions", id + ": no branch lists versions: no affected range recorded",
                {e.path, {}, {}, {}});
      return ok_status();
    }
    a.constraint = constraint;
    sink.add(std::move(a));
  } catch (const YAML::Exception& ex) {
    return entry_error(e, "unexpected FriendsOfPHP YAML shape: " + ex.msg,
                       ex.mark.is_null() ? std::optional<uint64_t>() : uint64_t(ex.mark.line) + 1);
  }
  return ok_status();
}

}  // namespace

extern const ImporterInfo friendsofphp{"friendsofphp", "FriendsOfPHP security-advisories YAML (Packagist)",
                                       detect, parse};

}  // namespace dagda::importers::feeds
