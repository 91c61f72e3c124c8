#include "match/enrich.hpp"

#include <fmt/format.h>

namespace dagda {
namespace {

bool is_cve(std::string_view id) { return id.starts_with("CVE-"); }

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

std::string exploit_db_url(int64_t id) { return fmt::format("https://www.exploit-db.com/exploits/{}", id); }

Result<Enrichment> fetch_enrichment(vulndb::Store& store, const std::vector<std::string>& ids_in) {
  std::set<std::string> ids(ids_in.begin(), ids_in.end());
  Enrichment e;
  for (const std::string& id : ids) {
    DAGDA_ASSIGN_OR_RETURN(auto recs, store.vulnerability(id));
    for (auto& r : recs)
      if (r.vuln.id == id) e.records[id].push_back(std::move(r));
    if (!is_cve(id)) continue;
    DAGDA_ASSIGN_OR_RETURN(auto ex, store.exploits_for(id));
    for (auto& x : ex) e.exploits[id].push_back(ExploitRef{x.id, exploit_db_url(x.id), x.title});
    DAGDA_ASSIGN_OR_RETURN(auto k, store.kev(id));
    if (k) e.kev.emplace(id, std::move(*k));
    DAGDA_ASSIGN_OR_RETURN(auto s, store.epss(id));
    if (s) e.epss.emplace(id, std::move(*s));
  }
  return e;
}

VulnFacts Enrichment::facts(const std::vector<std::string>& ids, const std::set<std::string>& matched_sources,
                            const std::function<size_t(const std::string&)>& preference) const {
  VulnFacts f;
  std::vector<const vulndb::StoredVulnerability*> own, nvd, other;
  for (auto& id : ids) {
    auto it = records.find(id);
    if (it == records.end()) continue;
    for (auto& r : it->second) {
      if (r.source == "nvd") nvd.push_back(&r);
      else if (matched_sources.count(r.source)) own.push_back(&r);
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

  // Rating: the package's own sources' words, then NVD, then a score computed from the own sources' vectors.
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
  const vulndb::Cvss* best_own = nullptr;
  const vulndb::StoredVulnerability* best_own_rec = nullptr;
  for (auto* r : own)
    for (auto& c : r->vuln.cvss)
      if (c.score > 0 && (!best_own || cvss_preference(c) > cvss_preference(*best_own))) {
        best_own = &c;
        best_own_rec = r;
      }
  if (f.severity.empty() && best_nvd) {
    std::string s = severity_of(*best_nvd);
    if (!s.empty() && s != "unknown" && s != "none") {
      f.severity = s;
      f.severity_source = "nvd";
    }
  }
  if (f.severity.empty() && best_own) {
    std::string s = severity_of(*best_own);
    if (!s.empty() && s != "unknown" && s != "none") {
      f.severity = s;
      f.severity_source = best_own_rec->source;
    }
  }
  if (best_nvd) f.cvss = *best_nvd;
  else if (best_own) f.cvss = *best_own;

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
