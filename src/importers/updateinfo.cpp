// yum/dnf repository updateinfo.xml: the advisories of Amazon Linux (ALAS,
// from its repositories' repodata) and Rocky Linux (RLSA). Each <update> is an
// advisory with its CVE references and the binary packages (name, epoch,
// version, release) that fix it. Rows are one per (package, CVE), fixed in the
// package's EVR; updates that are not security updates (bug fixes,
// enhancements) are skipped.
//
// The file does not always say which distro release it is for. In order: the
// release `db import --release` gives (Entry::release), the <release> or
// collection <name> ("Rocky Linux 8", "Amazon Linux 2023"), the ALAS id
// ("ALAS2023-", "ALAS2022-", "ALAS2-", "ALAS-" = Amazon Linux 1). An update
// whose release cannot be told is skipped with a warning.
#include <set>
#include <tuple>

#include "ecosystem/ecosystem.hpp"
#include "importers/xml_util.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

int detect(std::string_view path, std::string_view head) {
  (void)path;
  std::string_view h = skip_space(head);
  if (!h.starts_with("<")) return 0;
  auto at = h.find("<updates");
  if (at == std::string_view::npos || h.find("<update", at + 8) == std::string_view::npos) return 0;
  return 3;
}

// "Rocky Linux 8", "Amazon Linux 2023", "Amazon Linux 2" -> namespace; "" when not a known distro release.
std::string namespace_of_name(std::string_view name) {
  name = trim(name);
  auto sp = name.rfind(' ');
  if (sp == std::string_view::npos) return "";
  return vulndb::distro_namespace(trim(name.substr(0, sp)), name.substr(sp + 1));
}

std::string namespace_of_id(std::string_view id) {
  for (auto [prefix, release] : {std::pair<std::string_view, std::string_view>{"ALAS2023-", "2023"},
                                 {"ALAS2022-", "2022"},
                                 {"ALAS2-", "2"},
                                 {"ALAS-", "2018.03"}})
    if (id.starts_with(prefix)) return vulndb::distro_namespace("amazon", release);
  return "";
}

std::string source_of(std::string_view ns) { return std::string(ns.substr(0, ns.find(':'))); }

Status parse(const Entry& entry, vulndb::Sink& sink, Diagnostics& diag) {
  std::string forced;
  if (!entry.release.empty()) {
    auto colon = entry.release.find(':');
    if (colon != std::string::npos)
      forced = vulndb::distro_namespace(entry.release.substr(0, colon), entry.release.substr(colon + 1));
    if (forced.empty()) return entry_error(entry, "release \"" + entry.release + "\" is not DISTRO:RELEASE", {},
                                           ErrorCode::invalid_input);
  }
  std::string current_source;
  size_t no_release = 0;
  std::string first_unplaced;
  auto on = [&](xmlNodePtr u) {
    std::string type = xml::attr(u, "type");
    if (!type.empty() && type != "security") return;
    vulndb::Vulnerability v;
    v.id = xml::child_text(u, "id");
    if (v.id.empty()) {
      diag.warn("updateinfo.no-id", "an update without an <id>; skipped", where(entry, xml::line(u)));
      return;
    }
    v.summary = xml::child_text(u, "title");
    v.description = xml::child_text(u, "description");
    v.severity = vulndb::normalize_severity(xml::child_text(u, "severity"));
    v.published = xml::attr(xml::child(u, "issued"), "date");
    v.modified = xml::attr(xml::child(u, "updated"), "date");
    std::vector<std::string> cves;
    if (xmlNodePtr refs = xml::child(u, "references"))
      for (xmlNodePtr r = refs->children; r; r = r->next) {
        if (!xml::named(r, "reference")) continue;
        std::string href = xml::attr(r, "href"), id = xml::attr(r, "id");
        if (!href.empty()) v.references.push_back(href);
        if (xml::attr(r, "type") == "cve" && is_cve(id)) add_id(cves, id);
      }
    std::string ns = forced;
    if (ns.empty()) ns = namespace_of_name(xml::child_text(u, "release"));
    xmlNodePtr pkglist = xml::child(u, "pkglist");
    if (ns.empty())
      for (xmlNodePtr c = pkglist ? pkglist->children : nullptr; c && ns.empty(); c = c->next)
        if (xml::named(c, "collection")) ns = namespace_of_name(xml::child_text(c, "name"));
    if (ns.empty()) ns = namespace_of_id(v.id);
    if (ns.empty()) {
      if (no_release++ == 0) first_unplaced = v.id;
      return;
    }
    std::string src = source_of(ns);
    if (src != current_source) sink.source(current_source = src);
    v.scope = {src};
    for (auto& c : cves) add_id(v.related, c, v.id);
    std::vector<std::string> vulns = cves.empty() ? std::vector<std::string>{v.id} : cves;
    std::set<std::pair<std::string, std::string>> packages;  // (package, EVR)
    std::vector<vulndb::Affected> rows;
    for (xmlNodePtr c = pkglist ? pkglist->children : nullptr; c; c = c->next) {
      if (!xml::named(c, "collection")) continue;
      // A module stream's collection: its packages are keyed by the stream too (eco::module_package).
      xmlNodePtr module = xml::child(c, "module");
      std::string stream = module ? xml::attr(module, "name") + ":" + xml::attr(module, "stream") : "";
      if (stream == ":") stream.clear();
      for (xmlNodePtr p = c->children; p; p = p->next) {
        if (!xml::named(p, "package")) continue;
        std::string name = xml::attr(p, "name"), epoch = xml::attr(p, "epoch"), ver = xml::attr(p, "version"),
                    rel = xml::attr(p, "release");
        if (name.empty() || ver.empty()) {
          diag.warn("updateinfo.bad-package", v.id + ": a package without a name or version; skipped",
                    where(entry, xml::line(p)));
          continue;
        }
        std::string evr = (epoch.empty() || epoch == "0" ? "" : epoch + ":") + ver + (rel.empty() ? "" : "-" + rel);
        std::string key = eco::module_package(ns, vulndb::normalize_package(ns, name), stream);
        // Once per (package, EVR): another architecture repeats it.
        if (!packages.insert({key, evr}).second) continue;
        for (auto& id : vulns) {
          vulndb::Affected a;
          a.advisory_id = v.id;
          a.vuln_id = id;
          a.ns = ns;
          a.package = key;
          a.status = vulndb::AffectedStatus::fixed;
          a.fixed_version = evr;
          a.severity = v.severity;
          a.published = v.published;
          rows.push_back(std::move(a));
        }
      }
    }
    sink.add(std::move(v));
    for (auto& r : rows) sink.add(std::move(r));
  };
  DAGDA_TRY(xml::for_each(entry, "updateinfo", "updates", {"update"}, on));
  if (no_release)
    diag.warn("updateinfo.unknown-release",
              std::to_string(no_release) + " update(s), e.g. " + first_unplaced +
                  ", do not say which distro release they are for; skipped (import with --release DISTRO:RELEASE)",
              where(entry));
  return ok_status();
}

}  // namespace

extern const ImporterInfo updateinfo;
const ImporterInfo updateinfo{"updateinfo",
                              "yum updateinfo.xml (Amazon Linux ALAS, Rocky RLSA): fixed rpm per advisory; "
                              "--release DISTRO:RELEASE when the file does not say",
                              detect, parse};

}  // namespace dagda::importers::feeds
