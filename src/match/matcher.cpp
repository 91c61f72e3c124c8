#include "match/matcher.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "vulndb/evaluate.hpp"
#include "vulndb/namespace.hpp"

namespace dagda {
namespace {

using vulndb::AffectedStatus;

bool is_cve(std::string_view id) { return id.starts_with("CVE-"); }

// The vulnerabilities a row speaks of: its CVE, or the CVEs an advisory lists,
// or else its own id. A DSA fixing five CVEs yields five findings, not one.
std::vector<std::string> identities(const vulndb::Affected& a) {
  if (is_cve(a.vuln_id)) return {a.vuln_id};
  std::vector<std::string> cves;
  for (auto& al : a.aliases)
    if (is_cve(al)) cves.push_back(al);
  if (!cves.empty()) return cves;
  return {a.vuln_id.empty() ? a.advisory_id : a.vuln_id};
}

// "3.10" < "3.11" < "3.9"? No: compared as dotted numbers.
bool release_less(std::string_view a, std::string_view b) {
  auto next = [](std::string_view& s) {
    long n = 0;
    while (!s.empty() && s.front() >= '0' && s.front() <= '9') n = n * 10 + (s.front() - '0'), s.remove_prefix(1);
    if (!s.empty()) s.remove_prefix(1);
    return n;
  };
  while (!a.empty() || !b.empty()) {
    long x = next(a), y = next(b);
    if (x != y) return x < y;
  }
  return false;
}

std::string best_effort_namespace(const std::string& ns, const std::vector<std::string>& available) {
  auto colon = ns.find(':');
  if (colon == std::string::npos) return "";
  std::string distro = ns.substr(0, colon + 1), release = ns.substr(colon + 1);
  std::string below, above;
  for (auto& a : available) {
    if (!a.starts_with(distro)) continue;
    std::string r = a.substr(distro.size());
    if (r.empty() || !(r[0] >= '0' && r[0] <= '9')) continue;
    if (release_less(r, release)) {
      if (below.empty() || release_less(below, r)) below = r;
    } else if (above.empty() || release_less(r, above)) {
      above = r;
    }
  }
  if (!below.empty()) return distro + below;
  if (!above.empty()) return distro + above;
  return "";
}

int cvss_preference(const vulndb::Cvss& c) {
  if (c.version == "3.1") return 4;
  if (c.version == "3.0") return 3;
  if (c.version.starts_with("4")) return 2;
  if (c.version.starts_with("2")) return 1;
  return 0;
}

struct Enrichment {
  std::string title;
  std::string advisory_severity, advisory_severity_source;
  std::string nvd_severity;
  std::optional<vulndb::Cvss> cvss;
  std::vector<ExploitRef> exploits;
  std::optional<vulndb::KevEntry> kev;
  std::optional<vulndb::EpssScore> epss;
};

Result<Enrichment> enrich(vulndb::Store& store, const std::string& id, const std::set<std::string>& aliases) {
  Enrichment e;
  DAGDA_ASSIGN_OR_RETURN(auto recs, store.vulnerability(id));
  const vulndb::Cvss* best_nvd = nullptr;
  const vulndb::Cvss* best_any = nullptr;
  for (auto& r : recs) {
    const auto& v = r.vuln;
    if (e.title.empty()) {
      std::string t = v.summary.empty() ? v.description : v.summary;
      auto nl = t.find('\n');
      if (nl != std::string::npos) t.resize(nl);
      if (t.size() > 200) t = t.substr(0, 197) + "...";
      e.title = t;
    }
    bool nvd = r.source == "nvd";
    if (!nvd && e.advisory_severity.empty() && !v.severity.empty() && v.severity != "unknown") {
      e.advisory_severity = v.severity;
      e.advisory_severity_source = r.source;
    }
    for (auto& c : v.cvss) {
      if (nvd && (!best_nvd || cvss_preference(c) > cvss_preference(*best_nvd))) best_nvd = &c;
      if (!best_any || cvss_preference(c) > cvss_preference(*best_any)) best_any = &c;
    }
  }
  if (best_nvd) {
    e.cvss = *best_nvd;
    e.nvd_severity = best_nvd->severity.empty() ? vulndb::severity_from_score(best_nvd->score, best_nvd->version)
                                                 : vulndb::normalize_severity(best_nvd->severity);
  } else if (best_any) {
    e.cvss = *best_any;
  }
  std::set<std::string> cves;
  if (is_cve(id)) cves.insert(id);
  for (auto& a : aliases)
    if (is_cve(a)) cves.insert(a);
  std::set<int64_t> seen;
  for (auto& cve : cves) {
    DAGDA_ASSIGN_OR_RETURN(auto ex, store.exploits_for(cve));
    for (auto& x : ex)
      if (seen.insert(x.id).second)
        e.exploits.push_back({x.id, fmt::format("https://www.exploit-db.com/exploits/{}", x.id), x.title});
    if (!e.kev) {
      DAGDA_ASSIGN_OR_RETURN(e.kev, store.kev(cve));
    }
    if (!e.epss) {
      DAGDA_ASSIGN_OR_RETURN(e.epss, store.epss(cve));
    }
  }
  return e;
}

struct Pending {
  Finding finding;
  std::set<std::string> aliases;
};

}  // namespace

PackageKey package_key(const Package& p, const OsInfo* os) {
  PackageKey k;
  if (p.ecosystem == "deb" || p.ecosystem == "apk" || p.ecosystem == "rpm") {
    if (!os) return k;
    std::string family = os->family;
    if (p.ecosystem == "apk") family = "alpine";
    std::string release = os->version_id.empty() ? os->codename : os->version_id;
    k.ns = vulndb::distro_namespace(family, release);
    if (k.ns.empty() && !os->codename.empty()) k.ns = vulndb::distro_namespace(family, os->codename);
    if (p.ecosystem == "rpm") {
      k.package = p.name;
      k.version = p.version;
    } else {
      k.package = p.source_name.empty() ? p.name : p.source_name;
      k.version = p.ecosystem == "deb" && !p.source_version.empty() ? p.source_version : p.version;
    }
    return k;
  }
  k.ns = vulndb::ecosystem_namespace(p.ecosystem);
  if (k.ns.empty()) return k;
  k.package = vulndb::normalize_package(k.ns, p.name);
  k.version = p.version;
  return k;
}

Status match_inventory(vulndb::Store& store, ScanResult& result, const MatchOptions& opts) {
  const Inventory& inv = result.inventory;
  const OsInfo* os = inv.os ? &*inv.os : nullptr;
  DAGDA_ASSIGN_OR_RETURN(auto available, store.namespaces());
  auto has_ns = [&](const std::string& ns) { return std::binary_search(available.begin(), available.end(), ns); };

  std::map<std::string, std::string> resolved;  // wanted namespace -> namespace used ("" = none)
  std::set<std::string> warned;
  auto warn_once = [&](const std::string& key, std::string code, std::string msg) {
    if (warned.insert(key).second) result.warnings.push_back(Warning{std::move(code), std::move(msg), {}});
  };
  auto resolve = [&](const std::string& ns) -> std::string {
    auto it = resolved.find(ns);
    if (it != resolved.end()) return it->second;
    std::string use = ns;
    if (!has_ns(ns)) {
      use = best_effort_namespace(ns, available);
      if (!use.empty())
        warn_once("ns:" + ns, "match.release-fallback",
                  fmt::format("the database has no advisories for {}; its packages were matched against {} as a "
                              "best effort (import that release's feed for exact results)",
                              ns, use));
      else if (ns.find(':') != std::string::npos)
        warn_once("ns:" + ns, "match.no-advisories",
                  fmt::format("the database has no advisories for {}; its packages were not matched", ns));
    }
    resolved[ns] = use;
    if (!use.empty() && std::find(result.namespaces.begin(), result.namespaces.end(), use) == result.namespaces.end())
      result.namespaces.push_back(use);
    return use;
  };

  bool os_packages_without_os = false;
  std::map<std::pair<size_t, std::string>, Pending> pending;
  std::set<std::pair<size_t, std::string>> not_affected;
  // Rows per (namespace, package): binary packages of one source share them.
  std::map<std::pair<std::string, std::string>, std::vector<vulndb::StoredAffected>> rows_cache;

  for (size_t i = 0; i < inv.packages.size(); ++i) {
    const Package& p = inv.packages[i];
    if (p.drift == "removed") continue;  // listed for the record (container:), no longer installed
    PackageKey key = package_key(p, os);
    if (key.ns.empty()) {
      if (p.ecosystem == "deb" || p.ecosystem == "apk" || p.ecosystem == "rpm") {
        if (!os) os_packages_without_os = true;
        else
          warn_once("distro:" + os->family + os->version_id, "match.unknown-release",
                    fmt::format("no advisory namespace for {} {}; its OS packages were not matched", os->family,
                                os->version_id));
      } else {
        warn_once("eco:" + p.ecosystem, "match.unsupported-ecosystem",
                  fmt::format("no advisories are kept for {} packages; they were not matched", p.ecosystem));
      }
      continue;
    }
    std::string ns = resolve(key.ns);
    if (ns.empty()) continue;
    auto& rows = rows_cache[{ns, key.package}];
    if (rows.empty()) {
      DAGDA_ASSIGN_OR_RETURN(rows, store.affected(ns, key.package));
    }
    for (const auto& row : rows) {
      const vulndb::Affected& a = row.affected;
      auto ids = identities(a);
      if (a.status == AffectedStatus::not_affected) {
        for (auto& id : ids) not_affected.insert({i, id});
        continue;
      }
      auto verdict = vulndb::evaluate(a, key.version);
      if (!verdict.ok()) {
        warn_once("undecidable:" + row.source + a.advisory_id + key.version, "match.undecidable",
                  fmt::format("cannot decide {} {} for {} {} {}: {}", row.source, a.advisory_id, ns, key.package,
                              key.version, verdict.error().render()));
        continue;
      }
      if (!verdict->affected) continue;
      MatchEvidence ev{row.source, a.advisory_id, ns, key.package, key.version, verdict->rule, verdict->comparator,
                       ns != key.ns};
      for (auto& id : ids) {
        auto& pend = pending[{i, id}];
        Finding& f = pend.finding;
        if (f.matches.empty()) {
          f.id = id;
          f.package = i;
          f.status = a.status;
          f.fixed_version = a.fixed_version;
        } else if (!a.fixed_version.empty()) {
          // Several rows: keep the highest fixed version, so the advice is enough.
          const auto* cmp = vulndb::comparator_for(ns);
          auto c = f.fixed_version.empty() || !cmp ? Result<int>(1) : cmp->compare(a.fixed_version, f.fixed_version);
          if (c.ok() && *c > 0) {
            f.fixed_version = a.fixed_version;
            f.status = a.status;
          }
        }
        if (f.severity.empty() && !a.severity.empty() && a.severity != "unknown") {
          f.severity = a.severity;
          f.severity_source = row.source;
        }
        for (auto* s : {&a.advisory_id, &a.vuln_id}) pend.aliases.insert(*s);
        for (auto& al : a.aliases) pend.aliases.insert(al);
        f.matches.push_back(ev);
      }
    }
  }
  if (os_packages_without_os)
    result.warnings.push_back(Warning{"match.os-unknown",
                                      "the operating system was not detected; OS packages were not matched", {}});

  std::map<std::string, Enrichment> enriched;
  for (auto& [key, pend] : pending) {
    if (not_affected.count(key)) continue;  // the distro says this package is not affected
    Finding f = std::move(pend.finding);
    pend.aliases.erase(f.id);
    pend.aliases.erase("");
    f.aliases.assign(pend.aliases.begin(), pend.aliases.end());
    if (opts.enrich) {
      auto it = enriched.find(f.id);
      if (it == enriched.end()) {
        DAGDA_ASSIGN_OR_RETURN(auto e, enrich(store, f.id, pend.aliases));
        it = enriched.emplace(f.id, std::move(e)).first;
      }
      const Enrichment& e = it->second;
      f.title = e.title;
      if (f.severity.empty() && !e.advisory_severity.empty()) {
        f.severity = e.advisory_severity;
        f.severity_source = e.advisory_severity_source;
      }
      if (f.severity.empty() && !e.nvd_severity.empty()) {
        f.severity = e.nvd_severity;
        f.severity_source = "nvd";
      }
      f.cvss = e.cvss;
      f.exploits = e.exploits;
      f.kev = e.kev.has_value();
      f.kev_entry = e.kev;
      f.epss = e.epss;
    }
    if (f.severity.empty()) {
      f.severity = "unknown";
      f.severity_source = "";
    }
    result.findings.push_back(std::move(f));
  }
  std::sort(result.findings.begin(), result.findings.end(), [&](const Finding& a, const Finding& b) {
    int ra = severity_rank(a.severity), rb = severity_rank(b.severity);
    if (ra != rb) return ra > rb;
    const Package& pa = inv.packages[a.package];
    const Package& pb = inv.packages[b.package];
    if (pa.name != pb.name) return pa.name < pb.name;
    if (pa.version != pb.version) return pa.version < pb.version;
    return a.id < b.id;
  });
  std::sort(result.namespaces.begin(), result.namespaces.end());
  return Ok{};
}

}  // namespace dagda
