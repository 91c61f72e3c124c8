// AlmaLinux errata JSON (https://errata.almalinux.org/<MAJOR>/errata.full.json,
// errata.json): a list of advisories (updateinfo_id ALSA-..., type, severity,
// references, pkglist.packages with name/epoch/version/release). Security
// advisories only; one row per (package, CVE) in alma:<MAJOR>, the major from
// the pkglist name ("almalinux-8-for-x86_64-...") or the packages' ".elN" tag,
// or `db import --release`.
#include <regex>
#include <set>

#include "ecosystem/ecosystem.hpp"
#include "importers/feed_util.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

int detect(std::string_view path, std::string_view head) {
  (void)path;
  std::string_view h = skip_space(head);
  if (!h.starts_with("[")) return 0;
  if (h.find("\"updateinfo_id\"") != std::string_view::npos && h.find("\"pkglist\"") != std::string_view::npos) return 3;
  return 0;
}

std::string major_of(element adv) {
  static const std::regex kRepo(R"((?:almalinux|rhel)-(\d+))"), kTag(R"(\.el(\d+))");
  std::smatch m;
  auto list = jfield(adv, "pkglist");
  if (!list) return "";
  std::string name = jtext(*list, "name");
  if (std::regex_search(name, m, kRepo)) return m[1];
  if (auto pkgs = jarray(*list, "packages"))
    for (element p : *pkgs) {
      std::string rel = jtext(p, "release");
      if (std::regex_search(rel, m, kTag)) return m[1];
    }
  return "";
}

Status parse(const Entry& entry, vulndb::Sink& sink, Diagnostics& diag) {
  DAGDA_ASSIGN_OR_RETURN(Document doc, parse_json(entry));
  simdjson::dom::array advisories;
  if (doc.root().get_array().get(advisories)) return entry_error(entry, "not AlmaLinux errata (not a JSON array)");
  std::string forced = entry.release.empty() ? "" : vulndb::distro_namespace("alma", entry.release.substr(entry.release.find(':') + 1));
  sink.source("alma");
  size_t unplaced = 0;
  for (element adv : advisories) {
    std::string id = jtext(adv, "updateinfo_id");
    if (id.empty()) {
      diag.warn("alma.no-id", "an advisory without updateinfo_id; skipped", where(entry));
      continue;
    }
    if (jtext(adv, "type") != "security") continue;
    std::string ns = forced.empty() ? vulndb::distro_namespace("alma", major_of(adv)) : forced;
    if (ns.empty()) {
      ++unplaced;
      continue;
    }
    vulndb::Vulnerability v;
    v.id = id;
    v.summary = jtext(adv, "title");
    v.description = jtext(adv, "description");
    v.severity = vulndb::normalize_severity(jtext(adv, "severity"));
    v.scope = {"alma"};
    std::vector<std::string> cves;
    if (auto refs = jarray(adv, "references"))
      for (element r : *refs) {
        if (auto href = jtext(r, "href"); !href.empty()) v.references.push_back(href);
        std::string rid = jtext(r, "id");
        if (jtext(r, "type") == "cve" && is_cve(rid)) add_id(cves, rid);
      }
    for (auto& c : cves) add_id(v.related, c, v.id);
    std::vector<std::string> vulns = cves.empty() ? std::vector<std::string>{id} : cves;
    std::string severity = v.severity;
    sink.add(std::move(v));
    std::set<std::pair<std::string, std::string>> seen;  // (package, EVR)
    auto list = jfield(adv, "pkglist");
    auto pkgs = list ? jarray(*list, "packages") : std::nullopt;
    if (!pkgs) continue;
    // A module stream's errata ("module": {"name": "virt", "stream": "rhel"}): its packages are
    // keyed by the stream too (eco::module_package).
    std::string stream;
    if (auto module = jfield(*list, "module"); module && module->is_object()) {
      std::string mname = jtext(*module, "name"), mstream = jtext(*module, "stream");
      if (!mname.empty() && !mstream.empty()) stream = mname + ":" + mstream;
    }
    for (element p : *pkgs) {
      std::string name = jtext(p, "name"), epoch = jtext(p, "epoch"), ver = jtext(p, "version"),
                  rel = jtext(p, "release");
      if (name.empty() || ver.empty()) continue;
      std::string evr = (epoch.empty() || epoch == "0" ? "" : epoch + ":") + ver + (rel.empty() ? "" : "-" + rel);
      std::string key = eco::module_package(ns, vulndb::normalize_package(ns, name), stream);
      // Once per (package, EVR): another architecture repeats it.
      if (!seen.insert({key, evr}).second) continue;
      for (auto& vid : vulns) {
        vulndb::Affected a;
        a.advisory_id = id;
        a.vuln_id = vid;
        a.ns = ns;
        a.package = key;
        a.status = vulndb::AffectedStatus::fixed;
        a.fixed_version = evr;
        a.severity = severity;
        sink.add(std::move(a));
      }
    }
  }
  if (unplaced)
    diag.warn("alma.unknown-release",
              std::to_string(unplaced) + " advisory(ies) name no AlmaLinux release; skipped (import with --release alma:N)",
              where(entry));
  return ok_status();
}

}  // namespace

extern const ImporterInfo alma_errata;
const ImporterInfo alma_errata{"alma-errata", "AlmaLinux errata JSON (ALSA advisories, fixed rpm per release)", detect,
                               parse};

}  // namespace dagda::importers::feeds
