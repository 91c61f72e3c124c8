#include "match/enrich.hpp"

#include <fmt/format.h>

#include "vulndb/record.hpp"

namespace dagda {
namespace {

using vulndb::is_cve;


int cvss_preference(const vulndb::Cvss& c) {
  if (c.version == "3.1") return 4;
  if (c.version == "3.0") return 3;
  if (c.version.starts_with("4")) return 2;
  if (c.version.starts_with("2")) return 1;
  return 0;
}

std::string severity_of(const vulndb::Cvss& c) {
  return c.severity.empty() ? vulndb::severity_from_score(c.score, c.version) : vulndb::normalize_severity(c.severity);
}

bool scored_by_nvd(const vulndb::Cvss& c) {
  std::string s;
  for (char ch : c.source) s += char(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  return s == "nvd" || s == "nvd@nist.gov";
}

std::string one_line(std::string t) {
  auto nl = t.find('\n');
  if (nl != std::string::npos) t.resize(nl);
  if (t.size() > 200) t = t.substr(0, 197) + "...";
  return t;
}

}  // namespace

Result<Enrichment> fetch_enrichment(vulndb::Store& store, const std::vector<std::string>& ids_in) {
  std::set<std::string> wanted(ids_in.begin(), ids_in.end());
  std::vector<std::string> ids(wanted.begin(), wanted.end());
  Enrichment e;
  DAGDA_ASSIGN_OR_RETURN(e.aliases, store.aliases(ids));
  // The records of the aliases too: a GHSA's record rates the CVE it is another name of.
  for (auto& [id, names] : e.aliases) wanted.insert(names.begin(), names.end());
  std::vector<std::string> all(wanted.begin(), wanted.end());
  DAGDA_ASSIGN_OR_RETURN(e.records, store.vulnerabilities(all));
  // What Store::withdrawn(ids) says, read from the records just fetched (a second query of the
  // same records cost a tenth of a scan's matching time).
  for (auto& id : ids)
    if (auto it = e.records.find(id); it != e.records.end())
      for (auto& r : it->second)
        if (r.vuln.withdrawn) {
          e.withdrawn.insert(id);
          break;
        }
  std::vector<std::string> cves;
  for (auto& id : all)
    if (is_cve(id)) cves.push_back(id);
  DAGDA_ASSIGN_OR_RETURN(auto ex, store.exploits(cves));
  for (auto& [cve, list] : ex)
    for (auto& x : list) e.exploits[cve].push_back(ExploitRef{x.id, vulndb::exploit_url(x.id), x.title});
  DAGDA_ASSIGN_OR_RETURN(e.kev, store.kev_entries(cves));
  DAGDA_ASSIGN_OR_RETURN(e.epss, store.epss_scores(cves));
  return e;
}

bool Enrichment::in_scope(const vulndb::Vulnerability& v, std::string_view ns) {
  std::string_view family = ns.substr(0, ns.find(':'));
  for (auto& s : v.scope)
    if (s == ns || s == family) return true;
  return false;
}

VulnFacts Enrichment::facts(const std::vector<std::string>& ids, const std::set<std::string>& matched_sources,
                            const std::function<size_t(const std::string&)>& preference,
                            std::string_view ns) const {
  VulnFacts f;
  if (!ids.empty() && withdrawn.count(ids.front())) f.withdrawn = true;
  std::vector<const vulndb::StoredVulnerability*> own, nvd, other;
  for (auto& id : ids) {
    auto it = records.find(id);
    if (it == records.end()) continue;
    for (auto& r : it->second) {
      if (r.source == "nvd") nvd.push_back(&r);
      else if (matched_sources.count(r.source) || in_scope(r.vuln, ns)) own.push_back(&r);
      else other.push_back(&r);
    }
  }
  std::stable_sort(own.begin(), own.end(), [&](auto* a, auto* b) { return preference(a->source) < preference(b->source); });
  // Titles read best from the records of the vulnerability's own id (an advisory merged in
  // by a shared report may be titled by its weakness class only).
  std::vector<const vulndb::StoredVulnerability*> own_titled = own;
  std::stable_sort(own_titled.begin(), own_titled.end(),
                   [&](auto* a, auto* b) { return (a->vuln.id != ids.front()) < (b->vuln.id != ids.front()); });
  for (auto* r : nvd)
    if (r->vuln.withdrawn && r->vuln.id == ids.front()) f.withdrawn = true;
  // A record from a source that matched is the package's own only when it does not say it rates
  // other namespaces (GHSA files one record per package, with its scope).
  std::erase_if(own, [&](auto* r) {
    if (!r->vuln.scope.empty() && !in_scope(r->vuln, ns)) {
      other.push_back(r);
      return true;
    }
    return false;
  });
  // Title: the package's own advisories first, then NVD, then any record of these names.
  for (auto* list : {&own_titled, &nvd, &other}) {
    for (auto* r : *list) {
      std::string t = r->vuln.summary.empty() ? r->vuln.description : r->vuln.summary;
      if (!t.empty()) {
        f.title = one_line(std::move(t));
        break;
      }
    }
    if (!f.title.empty()) break;
  }

  // Rating: the package's own sources (their words, then the scores they state), then NVD, then a
  // score computed here from the own sources' vectors.
  for (auto* r : own)
    if (!r->vuln.severity.empty() && r->vuln.severity != "unknown") {
      f.severity = r->vuln.severity;
      f.severity_source = r->source;
      break;
    }
  // NVD's scores: its own records', and those other feeds relay with NVD named as their source.
  const vulndb::Cvss* best_nvd = nullptr;
  for (auto* list : {&nvd, &own, &other})
    for (auto* r : *list)
      for (auto& c : r->vuln.cvss)
        if ((list == &nvd || scored_by_nvd(c)) && (!best_nvd || cvss_preference(c) > cvss_preference(*best_nvd)))
          best_nvd = &c;
  auto best_own = [&](bool computed) -> std::pair<const vulndb::Cvss*, const vulndb::StoredVulnerability*> {
    const vulndb::Cvss* best = nullptr;
    const vulndb::StoredVulnerability* rec = nullptr;
    for (auto* r : own)
      for (auto& c : r->vuln.cvss)
        if (c.computed == computed && c.score > 0 && !scored_by_nvd(c) &&
            (!best || cvss_preference(c) > cvss_preference(*best))) {
          best = &c;
          rec = r;
        }
    return {best, rec};
  };
  auto [stated, stated_rec] = best_own(false);
  auto [computed, computed_rec] = best_own(true);
  auto rate = [&](const vulndb::Cvss* c, const std::string& source) {
    if (!f.severity.empty() || !c) return;
    std::string s = severity_of(*c);
    if (!s.empty() && s != "unknown" && s != "none") {
      f.severity = s;
      f.severity_source = source;
    }
  };
  if (stated) rate(stated, stated_rec->source);
  rate(best_nvd, "nvd");
  if (computed) rate(computed, computed_rec->source);
  f.cvss = best_nvd ? std::optional<vulndb::Cvss>(*best_nvd)
                    : stated ? std::optional<vulndb::Cvss>(*stated)
                             : computed ? std::optional<vulndb::Cvss>(*computed) : std::nullopt;

  // Exploits, KEV and EPSS belong to a CVE: only the finding's own.
  std::set<int64_t> seen;
  for (auto& id : ids) {
    if (!is_cve(id)) continue;
    if (auto it = exploits.find(id); it != exploits.end())
      for (auto& x : it->second)
        if (seen.insert(x.id).second) f.exploits.push_back(x);
    if (auto it = kev.find(id); it != kev.end() && !f.kev) f.kev = it->second;
    if (auto it = epss.find(id); it != epss.end() && !f.epss) f.epss = it->second;
  }
  return f;
}

}  // namespace dagda
