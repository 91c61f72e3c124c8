#include "match/matcher.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "ecosystem/ecosystem.hpp"
#include "match/enrich.hpp"
#include "vulndb/evaluate.hpp"
#include "vulndb/namespace.hpp"

namespace dagda {
namespace {

using vulndb::AffectedStatus;

bool is_cve(std::string_view id) { return id.starts_with("CVE-"); }

bool covers_many(std::string_view id) { return is_distro_notice(id); }

// The vulnerabilities one advisory row speaks of, each by its names. A row
// names one vulnerability (its vuln_id and aliases, and its advisory id unless
// that is a distro notice) unless those hold several CVEs: then each CVE is one
// vulnerability and the row's other ids are related advisories.
struct Identity {
  std::vector<std::string> names;
  std::vector<std::string> related;
};

std::vector<Identity> identities(const vulndb::Affected& a) {
  std::vector<std::string> all;
  std::vector<std::string> related;
  auto add = [&](const std::string& id) {
    if (!id.empty() && std::find(all.begin(), all.end(), id) == all.end()) all.push_back(id);
  };
  auto relate = [&](const std::string& id) {
    if (!id.empty() && std::find(related.begin(), related.end(), id) == related.end()) related.push_back(id);
  };
  // The row's vulnerability and its aliases are its names; the advisory is one of them only
  // when the row says so (an OSV or GHSA record lists itself), else it is a related advisory.
  // A distro notice is never a name, whatever an older import put where.
  auto take = [&](const std::string& id) {
    if (covers_many(id)) relate(id);
    else add(id);
  };
  take(a.vuln_id.empty() ? a.advisory_id : a.vuln_id);
  for (auto& al : a.aliases) take(al);
  if (std::find(all.begin(), all.end(), a.advisory_id) == all.end()) relate(a.advisory_id);
  if (all.empty()) {
    // A notice that names no vulnerability of its own: it is the only name there is.
    all.push_back(a.vuln_id.empty() ? a.advisory_id : a.vuln_id);
    std::erase(related, all.front());
  }
  std::vector<std::string> cves, others;
  for (auto& id : all) (is_cve(id) ? cves : others).push_back(id);
  if (cves.size() > 1) {
    // Several CVEs in one row: an advisory covering several vulnerabilities (an older import).
    std::vector<Identity> out;
    for (auto& o : others)
      if (std::find(related.begin(), related.end(), o) == related.end()) related.push_back(o);
    for (auto& c : cves) out.push_back(Identity{{c}, related});
    return out;
  }
  return {Identity{all, related}};
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

// The release whose advisories stand in for a release without any, as the
// distro's row allows (eco::ReleaseFallback): the nearest release below, else
// above; with same_major, only releases of the same major. "" = none.
std::string best_effort_namespace(const std::string& ns, const std::vector<std::string>& available) {
  auto colon = ns.find(':');
  if (colon == std::string::npos) return "";
  eco::ReleaseFallback rule = eco::namespace_fallback(ns);
  if (rule == eco::ReleaseFallback::never) return "";
  std::string distro = ns.substr(0, colon + 1), release = ns.substr(colon + 1);
  auto major = [](std::string_view r) { return r.substr(0, r.find('.')); };
  std::string below, above;
  for (auto& a : available) {
    if (!a.starts_with(distro)) continue;
    std::string r = a.substr(distro.size());
    if (r.empty() || !(r[0] >= '0' && r[0] <= '9')) continue;
    if (rule == eco::ReleaseFallback::same_major && major(r) != major(release)) continue;
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

// The distro of an OS package: the image's OS (or one it is like) whose package manager is the package's.
const eco::Distro* distro_of(const OsInfo& os, std::string_view package_type) {
  const eco::Distro* d = eco::find_distro(os.family);
  if (d && d->package_type == package_type) return d;
  for (auto& like : os.id_like) {
    const eco::Distro* l = eco::find_distro(like);
    if (l && l->package_type == package_type && l->release) return d && d->package_type == package_type ? d : l;
  }
  return d && d->package_type == package_type ? d : nullptr;
}

// A finding being assembled: the rows that matched one vulnerability of one package.
struct Pending {
  size_t package = 0;
  std::set<std::string> names;
  std::set<std::string> related;
  std::vector<MatchEvidence> matches;
  std::vector<const vulndb::StoredAffected*> rows;
  std::vector<std::string> fixes;  // fixed versions of the rows that matched, in the namespace's order
  std::string ns;
  std::string primary;  // the first matching row's vulnerability id
  std::vector<AffectedStatus> statuses;
};

// One vulnerability as one advisory row names it, for one package.
struct Candidate {
  Identity id;
  const vulndb::StoredAffected* row;
  vulndb::Verdict verdict;
  std::string ns;
  bool best_effort;
  std::string installed;
};

struct PackageCandidates {
  size_t package = 0;
  std::vector<Candidate> cands;
  std::set<std::string> not_affected;
};

// A reference that names one vulnerability report (a HackerOne report, an npm
// advisory, a GitHub advisory, a Snyk or huntr entry), normalised; "" for any
// other URL. Two advisories of one package citing the same report describe the
// same vulnerability even when one of them has no CVE.
std::string report_key(std::string_view url) {
  for (std::string_view scheme : {"https://", "http://"})
    if (url.starts_with(scheme)) url.remove_prefix(scheme.size());
  if (url.starts_with("www.")) url.remove_prefix(4);
  while (!url.empty() && (url.back() == '/' || url.back() == '#')) url.remove_suffix(1);
  auto digits_after = [&](std::string_view prefix) -> std::string {
    if (!url.starts_with(prefix)) return "";
    std::string_view rest = url.substr(prefix.size());
    size_t n = 0;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') ++n;
    if (n == 0 || (n < rest.size() && rest[n] != '/' && rest[n] != '?')) return "";
    return std::string(prefix) + std::string(rest.substr(0, n));
  };
  for (std::string_view p : {"hackerone.com/reports/", "npmjs.com/advisories/"})
    if (auto k = digits_after(p); !k.empty()) return k;
  for (std::string_view p : {"github.com/advisories/GHSA-", "snyk.io/vuln/", "huntr.dev/bounties/"})
    if (url.starts_with(p) && url.size() > p.size() && url.find_first_of("?# ", p.size()) == std::string_view::npos)
      return std::string(url);
  return "";
}

// Union-find over the identities found for one package: identities sharing a name are one vulnerability.
struct Merger {
  std::vector<size_t> parent;
  size_t find(size_t i) { return parent[i] == i ? i : parent[i] = find(parent[i]); }
  void unite(size_t a, size_t b) { parent[find(a)] = find(b); }
};

// Groups one package's candidates into vulnerabilities: candidates that share a
// name are one; so are candidates citing the same vulnerability report, unless
// that would join two different CVEs.
void group_candidates(PackageCandidates& pc, const Enrichment& enrichment, std::vector<Pending>& found) {
  auto& cands = pc.cands;
  Merger m;
  m.parent.resize(cands.size());
  std::iota(m.parent.begin(), m.parent.end(), size_t{0});
  // The CVE of each group (a group never holds two: two CVEs are two vulnerabilities).
  std::vector<std::string> cve(cands.size());
  for (size_t c = 0; c < cands.size(); ++c)
    for (auto& n : cands[c].id.names)
      if (is_cve(n)) cve[c] = n;
  auto unite = [&](size_t a, size_t b) {
    a = m.find(a), b = m.find(b);
    if (a == b) return;
    if (!cve[a].empty() && !cve[b].empty() && cve[a] != cve[b]) return;
    m.parent[b] = a;
    if (cve[a].empty()) cve[a] = cve[b];
  };
  // Every candidate under one key joins the first group it may join: a key shared by two
  // CVEs' candidates leaves them apart, and joins each CVE-less one to the first that fits.
  auto unite_by = [&](const std::map<std::string, std::vector<size_t>>& by_key) {
    for (auto& [key, cs] : by_key) {
      std::vector<size_t> anchors;
      for (size_t c : cs) {
        bool joined = false;
        for (size_t a : anchors) {
          unite(a, c);
          if ((joined = m.find(a) == m.find(c))) break;
        }
        if (!joined) anchors.push_back(c);
      }
    }
  };
  // Candidates sharing a name, or a name the knowledge base calls an alias of theirs.
  std::map<std::string, std::vector<size_t>> by_name;
  for (size_t c = 0; c < cands.size(); ++c)
    for (auto& n : cands[c].id.names) {
      by_name[n].push_back(c);
      if (auto it = enrichment.aliases.find(n); it != enrichment.aliases.end())
        for (auto& al : it->second) by_name[al].push_back(c);
    }
  unite_by(by_name);
  // Rows of one feed about one package with the same description: the feed filed one
  // vulnerability twice (retire.js's npm and JavaScript repositories), once without its CVE.
  std::map<std::string, std::vector<size_t>> by_text;
  for (size_t c = 0; c < cands.size(); ++c) {
    std::string text = cands[c].row->affected.note.substr(0, cands[c].row->affected.note.find(" ["));
    std::string key;
    for (char ch : text)
      if (ch != ' ' && ch != '\t' && ch != '\n') key += char(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
    if (key.size() >= 24) by_text[cands[c].row->source + '\0' + key].push_back(c);
  }
  unite_by(by_text);
  // Candidates citing the same vulnerability report (an advisory without a CVE, and one with).
  std::map<std::string, std::vector<size_t>> by_report;
  for (size_t c = 0; c < cands.size(); ++c)
    for (auto& n : cands[c].id.names)
      if (auto it = enrichment.records.find(n); it != enrichment.records.end())
        for (auto& r : it->second)
          for (auto& url : r.vuln.references)
            if (auto k = report_key(url); !k.empty()) by_report[k].push_back(c);
  unite_by(by_report);
  std::map<size_t, Pending> groups;
  for (size_t c = 0; c < cands.size(); ++c) {
    Pending& g = groups[m.find(c)];
    const Candidate& cd = cands[c];
    const vulndb::Affected& a = cd.row->affected;
    g.package = pc.package;
    g.names.insert(cd.id.names.begin(), cd.id.names.end());
    g.related.insert(cd.id.related.begin(), cd.id.related.end());
    g.rows.push_back(cd.row);
    if (g.ns.empty()) g.ns = cd.ns;
    g.statuses.push_back(a.status);
    g.fixes.push_back(cd.verdict.fixed_version);
    if (g.primary.empty()) g.primary = cd.id.names.front();
    MatchEvidence ev{cd.row->source, a.advisory_id,   cd.ns, a.package,
                     cd.installed,   cd.verdict.rule, cd.verdict.comparator, cd.best_effort};
    bool dup = false;
    for (auto& e : g.matches)
      dup = dup || (e.source == ev.source && e.advisory == ev.advisory && e.ns == ev.ns && e.rule == ev.rule);
    if (!dup) g.matches.push_back(std::move(ev));
  }
  for (auto& [root, g] : groups) {
    std::string group_cve;
    for (auto& n : g.names)
      if (is_cve(n)) group_cve = n;
    std::set<std::string> more;
    for (auto& n : g.names)
      if (auto it = enrichment.aliases.find(n); it != enrichment.aliases.end())
        for (auto& al : it->second)
          if (!covers_many(al) && (!is_cve(al) || group_cve.empty() || al == group_cve)) {
            if (is_cve(al)) group_cve = al;  // at most one CVE: another would be another vulnerability
            more.insert(al);
          }
    g.names.insert(more.begin(), more.end());
    bool excluded = false;
    for (auto& n : g.names) excluded = excluded || pc.not_affected.count(n);
    if (excluded) continue;  // the distro says this package is not affected
    for (auto& n : g.names) g.related.erase(n);
    found.push_back(std::move(g));
  }
}

}  // namespace

bool is_distro_notice(std::string_view id) {
  for (std::string_view p : {"DSA-", "DLA-", "DTSA-", "ELA-", "USN-", "LSN-", "RHSA-", "RHBA-", "RHEA-", "ELSA-",
                             "ALSA-", "RLSA-", "ALAS", "SUSE-SU-", "openSUSE-SU-", "GLSA-", "FEDORA-", "MGASA-"})
    if (id.starts_with(p)) return true;
  return false;
}

std::vector<PackageKey> package_keys(const Package& p, const OsInfo* os, std::string_view arch) {
  std::vector<PackageKey> keys;
  const eco::Ecosystem* e = eco::find(p.ecosystem);
  if (!e) return keys;
  if (e->os) {
    if (!os) return keys;
    const eco::Distro* d = distro_of(*os, e->name);
    if (!d || !d->release) return keys;
    PackageKey k;
    k.ns = eco::distro_namespace(d->id, os->version_id.empty() ? os->codename : os->version_id);
    if (k.ns.empty() && !os->codename.empty()) k.ns = eco::distro_namespace(d->id, os->codename);
    if (k.ns.empty()) return keys;
    if (d->key == eco::DistroKey::binary_package) {
      k.package = p.name;
      // A package built in a module stream meets only that stream's advisories.
      if (p.rpm && !p.rpm->modularitylabel.empty())
        k.package = eco::module_package(k.ns, p.name, eco::module_stream_of_label(p.rpm->modularitylabel));
      k.version = p.version;
    } else {
      k.package = p.source_name.empty() ? p.name : p.source_name;
      k.version = e->name == "deb" && !p.source_version.empty() ? p.source_version : p.version;
    }
    // Per-architecture rows (Oracle): the package's own row for the image's architecture too.
    std::string by_arch = d->key == eco::DistroKey::binary_package ? eco::arch_package(k.ns, k.package, arch) : "";
    if (!by_arch.empty() && by_arch != k.package) {
      PackageKey a = k;
      a.package = std::move(by_arch);
      keys.push_back(std::move(k));
      keys.push_back(std::move(a));
      return keys;
    }
    keys.push_back(std::move(k));
    return keys;
  }
  if (e->ns.empty()) return keys;
  keys.push_back(PackageKey{std::string(e->ns), eco::normalize_package(e->ns, p.name), p.version});
  for (auto also : e->also_ns) keys.push_back(PackageKey{std::string(also), eco::normalize_package(also, p.name), p.version});
  for (auto fb : e->fallback_ns)
    keys.push_back(PackageKey{std::string(fb), eco::normalize_package(fb, p.name), p.version, true});
  return keys;
}

Status match_inventory(vulndb::Store& store, ScanResult& result, const MatchOptions& opts) {
  const Inventory& inv = result.inventory;
  const OsInfo* os = inv.os ? &*inv.os : nullptr;
  DAGDA_ASSIGN_OR_RETURN(auto available, store.namespaces());
  // The image's architecture as rpm names it: its platform's, else the most common of its rpm
  // packages' own (a folder has no platform); "" when neither says.
  std::string arch = eco::rpm_arch(inv.source.architecture);
  if (arch.empty()) {
    std::map<std::string, size_t> seen;
    for (auto& p : inv.packages)
      if (p.rpm && !p.arch.empty() && p.arch != "noarch") ++seen[p.arch];
    for (auto& [a, n] : seen)
      if (arch.empty() || n > seen[arch]) arch = a;
  }
  auto has_ns = [&](const std::string& ns) { return std::binary_search(available.begin(), available.end(), ns); };

  std::map<std::string, std::string> resolved;  // wanted namespace -> namespace used ("" = none)
  std::set<std::string> warned;
  auto warn_once = [&](const std::string& key, std::string code, std::string msg) {
    if (warned.insert(key).second) result.warnings.push_back(Warning{std::move(code), std::move(msg), {}});
  };
  auto resolve = [&](const std::string& ns, bool distro) -> std::string {
    auto it = resolved.find(ns);
    if (it != resolved.end()) return it->second;
    std::string use = ns;
    if (!has_ns(ns)) {
      use = distro ? best_effort_namespace(ns, available) : "";
      if (!use.empty())
        warn_once("ns:" + ns, "match.release-fallback",
                  fmt::format("the database has no advisories for {}; its packages were matched against {} as a "
                              "best effort (import that release's feed for exact results)",
                              ns, use));
      else if (distro)
        warn_once("ns:" + ns, "match.no-advisories",
                  fmt::format("the database has no advisories for {}; its packages were not matched", ns));
    }
    resolved[ns] = use;
    if (!use.empty() && std::find(result.namespaces.begin(), result.namespaces.end(), use) == result.namespaces.end())
      result.namespaces.push_back(use);
    return use;
  };

  bool os_packages_without_os = false;
  std::vector<PackageCandidates> per_package;
  // Rows per (namespace, package): binary packages of one source share them.
  std::map<std::pair<std::string, std::string>, std::vector<vulndb::StoredAffected>> rows_cache;

  for (size_t i = 0; i < inv.packages.size(); ++i) {
    if (opts.cancel && opts.cancel->load(std::memory_order_relaxed))
      return Error(ErrorCode::cancelled, "the scan was cancelled");
    if (opts.progress && (i % 256) == 0) opts.progress(i, inv.packages.size());
    const Package& p = inv.packages[i];
    if (p.drift == "removed") continue;  // listed for the record (container:), no longer installed
    std::vector<PackageKey> keys = package_keys(p, os, arch);
    if (keys.empty()) {
      const eco::Ecosystem* e = eco::find(p.ecosystem);
      if (e && e->os) {
        const eco::Distro* d = os ? distro_of(*os, e->name) : nullptr;
        if (!os)
          os_packages_without_os = true;
        else if (d && !d->release)
          warn_once("distro:" + std::string(d->id), "match.distro-not-covered",
                    fmt::format("Dagda keeps no advisories for {} {}; its OS packages were listed but not matched",
                                os->name.empty() ? os->family : os->name, os->version_id));
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

    // Every row of every namespace this package is looked up in, each identity one candidate.
    PackageCandidates pc;
    pc.package = i;
    std::vector<Candidate>& cands = pc.cands;
    std::set<std::string>& not_affected = pc.not_affected;
    bool any_rows = false;  // some namespace holds rows for the package (matching or not)
    bool has_fallback = false;
    for (const PackageKey& key : keys) {
      has_fallback = has_fallback || key.fallback;
      if (key.fallback && any_rows) continue;  // the package's own advisories decide
      bool distro = key.ns.find(':') != std::string::npos;
      std::string ns = resolve(key.ns, distro);
      if (ns.empty()) continue;
      auto cached = rows_cache.find({ns, key.package});
      if (cached == rows_cache.end()) {
        DAGDA_ASSIGN_OR_RETURN(auto rows, store.affected(ns, key.package));
        cached = rows_cache.emplace(std::make_pair(ns, key.package), std::move(rows)).first;
      }
      any_rows = any_rows || !cached->second.empty();
      for (const auto& row : cached->second) {
        const vulndb::Affected& a = row.affected;
        if (a.status == AffectedStatus::not_affected) {
          for (auto& id : identities(a))
            for (auto& n : id.names) not_affected.insert(n);
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
        for (auto& id : identities(a))
          cands.push_back(Candidate{std::move(id), &row, *verdict, ns, ns != key.ns || key.fallback, key.version});
      }
    }
    if (has_fallback && !any_rows)
      warn_once("unmatched:" + p.name + "\0" + p.version, "runtime.not-matched",
                fmt::format("{} {} ({}) was not matched: the database holds no advisory for it (Node.js is matched "
                            "against node-core, the other runtimes against the CPE ranges of imported NVD feeds)",
                            p.name, p.version, p.path));
    if (!cands.empty()) per_package.push_back(std::move(pc));
  }
  if (os_packages_without_os)
    result.warnings.push_back(Warning{"match.os-unknown",
                                      "the operating system was not detected; OS packages were not matched", {}});
  if (opts.progress) opts.progress(inv.packages.size(), inv.packages.size());

  // What the knowledge base says of every name met, fetched at once: titles and
  // ratings later, and now the references that tie an advisory without a CVE to one with.
  std::vector<std::string> all_names;
  for (auto& pc : per_package)
    for (auto& c : pc.cands) all_names.insert(all_names.end(), c.id.names.begin(), c.id.names.end());
  Enrichment enrichment;
  if (opts.enrich) {
    DAGDA_ASSIGN_OR_RETURN(enrichment, fetch_enrichment(store, all_names));
  }

  std::vector<Pending> found;
  for (auto& pc : per_package) group_candidates(pc, enrichment, found);

  for (auto& g : found) {
    // The vulnerability's id: its CVE when it has one, else the first matching row's id.
    Finding f;
    f.package = g.package;
    f.layer = inv.packages[g.package].layer;
    for (auto& n : g.names)
      if (is_cve(n)) {
        f.id = n;
        break;
      }
    if (f.id.empty()) f.id = g.primary;
    for (auto& n : g.names)
      if (n != f.id) f.aliases.push_back(n);
    f.related_advisories.assign(g.related.begin(), g.related.end());
    f.matches = std::move(g.matches);

    // The fix to advise: the highest fixed version among the rows that matched (enough for all of them).
    const auto* cmp = vulndb::comparator_for(g.ns);
    f.status = g.statuses.front();
    for (size_t r = 0; r < g.fixes.size(); ++r) {
      const std::string& fix = g.fixes[r];
      if (fix.empty()) continue;
      auto c = f.fixed_version.empty() || !cmp ? Result<int>(1) : cmp->compare(fix, f.fixed_version);
      if (c.ok() && *c > 0) {
        f.fixed_version = fix;
        f.status = g.statuses[r];
      }
    }
    if (f.fixed_version.empty())
      for (auto s : g.statuses)
        if (s != AffectedStatus::affected) f.status = s;

    std::set<std::string> matched_sources;
    for (auto& e : f.matches) matched_sources.insert(e.source);
    auto rating = eco::namespace_rating_sources(g.ns);
    auto preference = [&](const std::string& source) -> size_t {
      for (size_t k = 0; k < rating.size(); ++k)
        if (rating[k] == source) return k;
      return rating.size();
    };
    // 1. The package's own advisory rows, in the ecosystem's order of preference.
    size_t best = SIZE_MAX;
    for (auto* row : g.rows) {
      const std::string& s = row->affected.severity;
      if (s.empty() || s == "unknown") continue;
      size_t pref = preference(row->source);
      if (best != SIZE_MAX && pref >= best) continue;
      f.severity = s;
      f.severity_source = row->source;
      best = pref;
    }
    if (opts.enrich) {
      std::vector<std::string> ids{f.id};
      ids.insert(ids.end(), f.aliases.begin(), f.aliases.end());
      VulnFacts facts = enrichment.facts(ids, matched_sources, preference, g.ns);
      if (facts.withdrawn) continue;  // a rejected CVE or withdrawn advisory is no finding
      f.title = facts.title;
      if (f.severity.empty() && !facts.severity.empty()) {
        f.severity = facts.severity;
        f.severity_source = facts.severity_source;
      }
      f.cvss = facts.cvss;
      f.exploits = facts.exploits;
      f.kev_entry = facts.kev;
      f.kev = facts.kev.has_value();
      f.epss = facts.epss;
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
