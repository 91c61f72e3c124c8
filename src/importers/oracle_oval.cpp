// Oracle Linux ELSA OVAL (https://linux.oracle.com/security/oval/,
// com.oracle.elsa-all.xml.bz2): one definition per ELSA, its CVEs, and
// criteria "PACKAGE is earlier than E:V-R" (the criterion comments; the
// rpminfo tests when there are no such comments) under "Oracle Linux N is
// installed" (the release: oracle:N; one ELSA can cover several releases,
// each in its own branch). Rows are one per (package, CVE), the
// ELSA as advisory; the ELSA's record has its CVEs as related ids. Under
// "Oracle Linux arch is X" branches a package may be fixed in another EVR per
// architecture: when the architectures' EVRs differ, each architecture gets
// its own row keyed NAME#ARCH (eco::arch_package; the matcher looks a package
// up by the image's architecture too); when they agree, one row keyed by name.
// Within one architecture a package fixed in several EVRs keeps the lowest: the
// matcher must not report an installed version the vendor shipped as fixed.
#include <algorithm>
#include <map>
#include <regex>

#include "ecosystem/ecosystem.hpp"
#include "importers/oval_rpminfo.hpp"
#include "version/comparator.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

int detect(std::string_view path, std::string_view head) {
  (void)path;
  std::string_view h = skip_space(head);
  if (!h.starts_with("<") || h.find("<oval_definitions") == std::string_view::npos) return 0;
  if (h.find("com.oracle.elsa") != std::string_view::npos) return 3;
  return 0;
}

Status parse(const Entry& entry, vulndb::Sink& sink, Diagnostics& diag) {
  DAGDA_ASSIGN_OR_RETURN(auto defs, oval::read(entry, "Oracle ELSA"));
  static const std::regex kRelease(R"(Oracle Linux (\d+) is installed)");
  const version::Comparator* rpm = version::find_comparator("rpm");
  sink.source("oracle");
  for (auto& d : defs) {
    std::string advisory;
    for (auto& r : d.references)
      if (r.source == "elsa" && !r.id.empty()) advisory = r.id;
    if (advisory.empty()) {
      diag.warn("oracle-oval.no-elsa", d.id + ": a definition without an ELSA reference; skipped", where(entry, d.line));
      continue;
    }
    vulndb::Vulnerability v;
    v.id = advisory;
    v.summary = d.title;
    v.description = d.description;
    v.severity = vulndb::normalize_severity(d.severity);
    v.published = d.issued;
    v.scope = {"oracle"};
    for (auto& r : d.references)
      if (!r.url.empty()) v.references.push_back(r.url);
    for (auto& c : d.cves) add_id(v.related, c, v.id);
    // Per release branch ("Oracle Linux 6 is installed"), per package, per architecture ("" = none
    // named): the lowest fixed EVR.
    std::map<std::pair<std::string, std::string>, std::map<std::string, std::string>> lowest;  // (ns, package) -> arch -> EVR
    std::vector<std::pair<std::string, std::string>> order;
    bool unplaced = false;
    // The criteria comments say it whole ("bind is earlier than 30:9.3.3-8.el5"); Oracle's
    // files do not always carry the tests behind them (vuln-list-update's samples have none).
    static const std::regex kEarlier(R"(^(\S+) is earlier than (\S+)$)");
    std::vector<oval::PackageFix> fixes;
    for (auto& c : d.criteria) {
      std::smatch m;
      if (std::regex_match(c.comment, m, kEarlier)) fixes.push_back({m[1].str(), m[2].str(), false, c.platform, c.arch});
    }
    if (fixes.empty()) fixes = d.fixes;
    for (auto& f : fixes) {
      if (f.inclusive) continue;
      std::smatch m;
      std::string ns = std::regex_search(f.platform, m, kRelease) ? vulndb::distro_namespace("oracle", m[1].str()) : "";
      if (ns.empty()) {
        unplaced = true;
        continue;
      }
      auto key = std::make_pair(ns, f.package);
      if (!lowest.count(key)) order.push_back(key);
      auto& per_arch = lowest[key];
      auto it = per_arch.find(f.arch);
      if (it == per_arch.end()) {
        per_arch[f.arch] = f.evr;
      } else if (rpm) {
        auto cmp = rpm->compare(f.evr, it->second);
        if (cmp.ok() && *cmp < 0) it->second = f.evr;
      }
    }
    if (unplaced)
      diag.warn("oracle-oval.unknown-release",
                advisory + ": packages outside any \"Oracle Linux N is installed\" criterion; skipped", where(entry, d.line));
    std::vector<std::string> vulns = d.cves.empty() ? std::vector<std::string>{advisory} : d.cves;
    std::string severity = v.severity, published = v.published;
    sink.add(std::move(v));
    for (auto& key : order) {
      const auto& per_arch = lowest[key];
      bool agree = std::all_of(per_arch.begin(), per_arch.end(),
                               [&](const auto& e) { return e.second == per_arch.begin()->second; });
      // (package key, EVR): one row by name when the architectures agree, else one per architecture.
      std::vector<std::pair<std::string, std::string>> rows;
      std::string name = vulndb::normalize_package(key.first, key.second);
      if (agree)
        rows.push_back({name, per_arch.begin()->second});
      else
        for (auto& [arch, evr] : per_arch) rows.push_back({eco::arch_package(key.first, name, arch), evr});
      for (auto& [package, evr] : rows)
        for (auto& id : vulns) {
          vulndb::Affected a;
          a.advisory_id = advisory;
          a.vuln_id = id;
          a.ns = key.first;
          a.package = package;
          a.status = vulndb::AffectedStatus::fixed;
          a.fixed_version = evr;
          a.severity = severity;
          a.published = published;
          sink.add(std::move(a));
        }
    }
  }
  return ok_status();
}

}  // namespace

extern const ImporterInfo oracle_oval;
const ImporterInfo oracle_oval{"oracle-oval", "Oracle Linux ELSA OVAL (fixed rpm EVRs per ELSA and release)", detect,
                               parse};

}  // namespace dagda::importers::feeds
