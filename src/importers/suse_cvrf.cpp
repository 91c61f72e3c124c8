// SUSE CVRF 1.1 (https://ftp.suse.com/pub/projects/security/cvrf/): one
// document per SUSE-SU / openSUSE-SU patch. Each <Vulnerability> names a CVE
// and, under <ProductStatuses>, product ids "PRODUCT:NAME-VERSION-RELEASE":
// the binary package fixed in that product. The product gives the namespace
// ("SUSE Linux Enterprise Server 15 SP1" -> sles:15.1, any SLE product or
// module by its release and service pack; "openSUSE Leap 15.0" -> opensuse-leap:15.0;
// "SUSE Linux Enterprise Micro 5.2" -> sle-micro:5.2); products that are not a
// distro release (SUSE Manager, OpenStack Cloud, CaaS Platform, Package Hub...)
// are skipped. Rows are one per (namespace, package, CVE), the patch as advisory.
#include <map>
#include <regex>
#include <set>
#include <tuple>

#include "importers/suse_cvrf.hpp"

#include "importers/rpm_nvr.hpp"
#include "importers/xml_util.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

int detect(std::string_view path, std::string_view head) {
  (void)path;
  std::string_view h = skip_space(head);
  if (!h.starts_with("<") || h.find("<cvrfdoc") == std::string_view::npos) return 0;
  if (h.find("SUSE") != std::string_view::npos) return 3;
  return 0;
}

}  // namespace

// The namespace of a SUSE product name ("" when it is not a distro release).
std::string suse_product_namespace(std::string_view product) {
  static const std::regex kMicro(R"(^SUSE Linux Enterprise Micro (\d+\.\d+)\b.*$)");
  static const std::regex kSle(R"(^SUSE Linux Enterprise [A-Za-z ]*?(\d+)(?:[ -]SP(\d+))?(?:[ -].*)?$)");
  static const std::regex kLeap(R"(^openSUSE (?:Leap )?(\d+\.\d+)(?: NonFree)?$)");
  std::string p(product);
  std::smatch m;
  if (std::regex_match(p, m, kMicro)) return vulndb::distro_namespace("sle-micro", m[1].str());
  if (std::regex_match(p, m, kSle))
    return vulndb::distro_namespace("sles", m[2].matched ? m[1].str() + "." + m[2].str() : m[1].str());
  if (std::regex_match(p, m, kLeap)) return vulndb::distro_namespace("opensuse-leap", m[1].str());
  return "";
}

namespace {

std::optional<vulndb::AffectedStatus> status_of(std::string_view type) {
  if (type == "Fixed" || type == "First Fixed") return vulndb::AffectedStatus::fixed;
  if (type == "Known Affected") return vulndb::AffectedStatus::unfixed;
  if (type == "Known Not Affected") return vulndb::AffectedStatus::not_affected;
  return std::nullopt;
}

Status parse(const Entry& entry, vulndb::Sink& sink, Diagnostics& diag) {
  vulndb::Vulnerability patch;
  patch.scope = {"sles", "opensuse-leap", "sle-micro"};  // the namespace families its products map to
  std::vector<vulndb::Vulnerability> cves;
  std::vector<vulndb::Affected> rows;
  std::set<std::tuple<std::string, std::string, std::string>> seen;  // (ns, package, cve)
  std::set<std::string> skipped_products;
  auto on = [&](xmlNodePtr n) {
    if (xml::named(n, "DocumentTitle")) {
      patch.summary = xml::text(n);
    } else if (xml::named(n, "DocumentTracking")) {
      patch.id = xml::text(xml::child(xml::child(n, "Identification"), "ID"));
      patch.published = xml::child_text(n, "InitialReleaseDate");
      patch.modified = xml::child_text(n, "CurrentReleaseDate");
    } else if (xml::named(n, "DocumentNotes")) {
      for (xmlNodePtr c = n->children; c; c = c->next)
        if (xml::named(c, "Note") && xml::attr(c, "Title") == "Details") patch.description = xml::text(c);
    } else if (xml::named(n, "DocumentReferences")) {
      for (xmlNodePtr c = n->children; c; c = c->next)
        if (xml::named(c, "Reference"))
          if (auto url = xml::child_text(c, "URL"); !url.empty()) patch.references.push_back(url);
    } else if (xml::named(n, "Vulnerability")) {
      vulndb::Vulnerability v;
      v.id = xml::child_text(n, "CVE");
      v.scope = patch.scope;
      if (!is_cve(v.id)) {
        diag.warn("suse-cvrf.no-cve", patch.id + ": a vulnerability without a CVE id; skipped", where(entry, xml::line(n)));
        return;
      }
      if (xmlNodePtr notes = xml::child(n, "Notes"))
        for (xmlNodePtr c = notes->children; c; c = c->next)
          if (xml::named(c, "Note") && v.description.empty()) v.description = xml::text(c);
      if (xmlNodePtr threats = xml::child(n, "Threats"))
        for (xmlNodePtr t = threats->children; t; t = t->next)
          if (xml::named(t, "Threat") && xml::attr(t, "Type") == "Impact")
            v.severity = vulndb::normalize_severity(xml::child_text(t, "Description"));
      if (xmlNodePtr sets = xml::child(n, "CVSSScoreSets"))
        for (xmlNodePtr s = sets->children; s; s = s->next) {
          if (!xml::named(s, "ScoreSet") && !xml::named(s, "ScoreSetV3")) continue;
          std::string vec = xml::child_text(s, xml::named(s, "ScoreSet") ? "Vector" : "VectorV3");
          std::string score = xml::child_text(s, xml::named(s, "ScoreSet") ? "BaseScore" : "BaseScoreV3");
          std::optional<double> stated;
          if (!score.empty()) {
            char* end = nullptr;
            double x = std::strtod(score.c_str(), &end);
            if (end && *end == '\0') stated = x;
          }
          if (auto c = cvss_entry(vec, "suse", stated)) v.cvss.push_back(std::move(*c));
        }
      if (xmlNodePtr refs = xml::child(n, "References"))
        for (xmlNodePtr r = refs->children; r; r = r->next)
          if (xml::named(r, "Reference"))
            if (auto url = xml::child_text(r, "URL"); !url.empty()) v.references.push_back(url);
      if (xmlNodePtr statuses = xml::child(n, "ProductStatuses"))
        for (xmlNodePtr s = statuses->children; s; s = s->next) {
          if (!xml::named(s, "Status")) continue;
          auto st = status_of(xml::attr(s, "Type"));
          if (!st) continue;
          for (xmlNodePtr p = s->children; p; p = p->next) {
            if (!xml::named(p, "ProductID")) continue;
            std::string id = xml::text(p);
            auto colon = id.find(':');
            if (colon == std::string::npos) continue;
            std::string product = id.substr(0, colon);
            std::string ns = suse_product_namespace(product);
            if (ns.empty()) {
              skipped_products.insert(product);
              continue;
            }
            auto nvr = split_nvr(std::string_view(id).substr(colon + 1));
            if (!nvr) {
              diag.warn("suse-cvrf.bad-package", patch.id + ": \"" + id + "\" is not PRODUCT:NAME-VERSION-RELEASE; skipped",
                        where(entry, xml::line(p)));
              continue;
            }
            if (!seen.insert({ns, nvr->name, v.id}).second) continue;
            vulndb::Affected a;
            a.vuln_id = v.id;
            a.ns = ns;
            a.package = vulndb::normalize_package(ns, nvr->name);
            a.status = *st;
            if (*st == vulndb::AffectedStatus::fixed) a.fixed_version = nvr->evr;
            a.severity = v.severity;
            rows.push_back(std::move(a));
          }
        }
      cves.push_back(std::move(v));
    }
  };
  DAGDA_TRY(xml::for_each(entry, "CVRF", "cvrfdoc",
                                      {"DocumentTitle", "DocumentTracking", "DocumentNotes", "DocumentReferences",
                                       "Vulnerability"},
                                      on));
  if (patch.id.empty()) return entry_error(entry, "CVRF document without DocumentTracking/Identification/ID");
  sink.source("suse");
  for (auto& v : cves) {
    add_id(patch.related, v.id, patch.id);
    v.related = {patch.id};
    v.published = patch.published;
  }
  // The patch's severity: its worst CVE's.
  static const std::vector<std::string> kOrder = {"critical", "high", "medium", "low", "negligible"};
  for (auto& s : kOrder) {
    bool any = false;
    for (auto& v : cves) any = any || v.severity == s;
    if (any) {
      patch.severity = s;
      break;
    }
  }
  for (auto& r : rows) {
    r.advisory_id = patch.id;
    r.published = patch.published;
  }
  sink.add(std::move(patch));
  for (auto& v : cves) sink.add(std::move(v));
  for (auto& r : rows) sink.add(std::move(r));
  return ok_status();
}

}  // namespace

extern const ImporterInfo suse_cvrf;
const ImporterInfo suse_cvrf{"suse-cvrf", "SUSE CVRF (SUSE-SU/openSUSE-SU patches: fixed rpm per product)", detect,
                             parse};

}  // namespace dagda::importers::feeds
