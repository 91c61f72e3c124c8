// Red Hat CSAF 2.0 advisories and VEX files
// (https://security.access.redhat.com/data/csaf/v2/): the product_tree names
// products (platforms with CPEs, components with purls) and relationships
// ("component X as a component of platform Y"); each vulnerabilities[] entry
// lists product ids as fixed, known_affected or known_not_affected. One
// Vulnerability per vulnerabilities[] entry and one Affected per (RHEL major,
// rpm package, status) of it. An advisory's tracking id (RHSA-...) is a
// related id of each CVE it lists (the advisory_id of its rows), not an alias.
#include <map>
#include <regex>
#include <set>

#include "importers/feed_util.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

int detect(std::string_view path, std::string_view head) {
  (void)path;
  std::string_view h = skip_space(head);
  if (!h.starts_with("{")) return 0;
  if (h.find("\"csaf_version\"") != std::string_view::npos) return 3;
  if (h.find("\"product_tree\"") != std::string_view::npos &&
      h.find("\"document\"") != std::string_view::npos)
    return 2;
  return 0;
}

struct Product {
  std::string cpe, purl, name;
};

struct Relation {
  std::string component, platform;
};

void walk_branches(element node, std::map<std::string, Product>& out, int depth) {
  if (depth > 32 || !node.is_object()) return;
  if (auto p = jfield(node, "product"); p && p->is_object()) {
    Product prod;
    prod.name = jtext(*p, "name");
    if (auto h = jfield(*p, "product_identification_helper")) {
      prod.cpe = jtext(*h, "cpe");
      prod.purl = jtext(*h, "purl");
    }
    std::string id = jtext(*p, "product_id");
    if (!id.empty()) out[id] = std::move(prod);
  }
  if (auto b = jarray(node, "branches"))
    for (element c : *b) walk_branches(c, out, depth + 1);
}

// The RHEL major of a platform CPE: "cpe:/a:redhat:enterprise_linux:9::appstream",
// "cpe:/a:redhat:rhel_eus:8.6::baseos", "cpe:/o:redhat:rhel_aus:7.7::server".
std::string rhel_major(const std::string& cpe) {
  static const std::regex kCpe("^cpe:/[aoh]:redhat:(?:enterprise_linux|rhel_[a-z0-9_]+):(\\d+)");
  std::smatch m;
  if (std::regex_search(cpe, m, kCpe)) return m[1];
  return "";
}

struct Rpm {
  std::string name, evr;  // evr may be empty (VEX lists affected components by name)
};

// "python3.9-0:3.9.18-3.el9_4.5.src" -> {python3.9, 0:3.9.18-3.el9_4.5}
std::optional<Rpm> rpm_from_nevra(std::string_view s) {
  auto colon = s.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto dash = s.rfind('-', colon);
  if (dash == std::string_view::npos || dash == 0) return std::nullopt;
  for (size_t i = dash + 1; i < colon; ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
  Rpm r;
  r.name = std::string(s.substr(0, dash));
  std::string_view evra = s.substr(dash + 1);
  // The arch is the last dot-separated word when it is a known arch.
  auto dot = evra.rfind('.');
  if (dot != std::string_view::npos) {
    std::string_view arch = evra.substr(dot + 1);
    for (std::string_view a : {"src", "noarch", "x86_64", "i686", "i386", "aarch64", "ppc64le", "ppc64",
                               "s390x", "s390", "ppc", "ia64", "armv7hl"})
      if (arch == a) {
        evra = evra.substr(0, dot);
        break;
      }
  }
  if (evra.find('-') == std::string_view::npos) return std::nullopt;
  r.evr = std::string(evra);
  return r;
}

// "pkg:rpm/redhat/python3.9@3.9.18-3.el9_4.5?arch=src&epoch=1" -> {python3.9, 1:3.9.18-3.el9_4.5}
std::optional<Rpm> rpm_from_purl(std::string_view purl) {
  if (!purl.starts_with("pkg:rpm/")) return std::nullopt;
  std::string_view rest = purl.substr(8);
  auto q = rest.find('?');
  std::string_view quals = q == std::string_view::npos ? "" : rest.substr(q + 1);
  rest = rest.substr(0, q);
  auto slash = rest.find('/');
  if (slash != std::string_view::npos) rest = rest.substr(slash + 1);  // namespace "redhat"
  auto at = rest.find('@');
  Rpm r;
  r.name = std::string(rest.substr(0, at));
  if (at != std::string_view::npos) r.evr = std::string(rest.substr(at + 1));
  auto e = quals.find("epoch=");
  if (e != std::string_view::npos && !r.evr.empty()) {
    std::string_view ep = quals.substr(e + 6);
    ep = ep.substr(0, ep.find('&'));
    r.evr = std::string(ep) + ":" + r.evr;
  }
  if (r.name.empty()) return std::nullopt;
  return r;
}

Status parse(const Entry& entry, vulndb::Sink& sink, Diagnostics& diag) {
  DAGDA_ASSIGN_OR_RETURN(Document parsed, parse_json(entry));
  element doc = parsed.root();
  if (!doc.is_object()) return entry_error(entry, "not a CSAF document (not an object)");
  auto document = jfield(doc, "document");
  if (!document || !document->is_object()) return entry_error(entry, "CSAF document without \"document\"");
  std::string tracking_id;
  std::string published;
  if (auto t = jfield(*document, "tracking"); t && t->is_object()) {
    tracking_id = jtext(*t, "id");
    published = jtext(*t, "initial_release_date");
  }
  std::string category = jtext(*document, "category");
  bool is_vex = category == "csaf_vex";
  std::string doc_severity;
  if (auto s = jfield(*document, "aggregate_severity")) doc_severity = vulndb::normalize_severity(jstr(*s, "text"));

  std::map<std::string, Product> products;
  std::map<std::string, Relation> relations;
  if (auto pt = jfield(doc, "product_tree"); pt && pt->is_object()) {
    walk_branches(*pt, products, 0);
    if (auto rels = jarray(*pt, "relationships"))
      for (element r : *rels) {
        std::string id;
        if (auto f = jfield(r, "full_product_name")) id = jtext(*f, "product_id");
        if (!id.empty()) relations[id] = {jtext(r, "product_reference"), jtext(r, "relates_to_product_reference")};
      }
  }
  if (jnull_or_missing(doc, "vulnerabilities")) return ok_status();
  auto vulns = jarray(doc, "vulnerabilities");
  if (!vulns) return entry_error(entry, "CSAF \"vulnerabilities\" is not a list");
  sink.source("redhat-csaf");
  size_t skipped = 0;
  for (element v : *vulns) {
    if (!v.is_object()) return entry_error(entry, "a CSAF vulnerability is not an object");
    vulndb::Vulnerability rec;
    rec.id = jtext(v, "cve");
    if (rec.id.empty()) rec.id = tracking_id;
    if (rec.id.empty()) return entry_error(entry, "a CSAF vulnerability has neither \"cve\" nor a tracking id");
    if (!tracking_id.empty() && !is_vex) add_id(rec.related, tracking_id, rec.id);
    rec.scope = {"redhat"};
    rec.summary = jtext(v, "title");
    rec.published = jtext(v, "release_date");
    if (rec.published.empty()) rec.published = published;
    if (auto cwe = jfield(v, "cwe"); cwe && cwe->is_object())
      if (std::string id = jtext(*cwe, "id"); !id.empty()) rec.cwes.push_back(id);
    if (auto notes = jarray(v, "notes"))
      for (element n : *notes)
        if (jstr(n, "category") == "description") rec.description = jtext(n, "text");
    if (auto refs = jarray(v, "references"))
      for (element r : *refs)
        if (std::string url = jtext(r, "url"); !url.empty()) rec.references.push_back(url);
    if (auto scores = jarray(v, "scores"))
      for (element s : *scores)
        for (const char* key : {"cvss_v3", "cvss_v2", "cvss_v4"})
          if (auto c = jfield(s, key); c && c->is_object()) {
            std::string vec = jtext(*c, "vectorString");
            if (vec.empty()) continue;
            bool dup = false;
            for (const auto& have : rec.cvss) dup |= have.vector == vec;
            if (dup) continue;
            if (auto cv = cvss_entry(vec, "redhat", jnum(*c, "baseScore"))) rec.cvss.push_back(std::move(*cv));
          }
    rec.severity = doc_severity;
    if (auto threats = jarray(v, "threats"))
      for (element t : *threats)
        if (jstr(t, "category") == "impact") rec.severity = vulndb::normalize_severity(jstr(t, "details"));
    // Remediations per product id: no_fix_planned -> will not fix, none_available -> unfixed.
    std::map<std::string, std::pair<std::string, std::string>> remedy;  // product -> (category, details)
    if (auto rems = jarray(v, "remediations"))
      for (element r : *rems) {
        std::string cat = jtext(r, "category");
        for (const auto& pid : jstrings(r, "product_ids")) remedy[pid] = {cat, jtext(r, "details")};
      }

    std::vector<vulndb::Affected> rows;
    std::set<std::pair<std::string, std::string>> seen;  // (ns, package)
    auto add_rows = [&](const char* list, vulndb::AffectedStatus status) {
      auto ps = jfield(v, "product_status");
      if (!ps || !ps->is_object()) return;
      for (const auto& pid : jstrings(*ps, list)) {
        auto rel = relations.find(pid);
        if (rel == relations.end()) {
          ++skipped;
          continue;
        }
        auto plat = products.find(rel->second.platform);
        std::string major = plat == products.end() ? "" : rhel_major(plat->second.cpe);
        if (major.empty()) {
          ++skipped;  // not a RHEL platform (OpenShift, middleware, ...)
          continue;
        }
        std::optional<Rpm> rpm;
        auto comp = products.find(rel->second.component);
        if (comp != products.end() && !comp->second.purl.empty()) {
          if (!comp->second.purl.starts_with("pkg:rpm/")) {
            ++skipped;  // a container image or another non-rpm component
            continue;
          }
          rpm = rpm_from_purl(comp->second.purl);
          if (rpm && rpm->evr.empty())
            if (auto n = rpm_from_nevra(rel->second.component)) rpm->evr = n->evr;
        }
        if (!rpm) rpm = rpm_from_nevra(rel->second.component);
        if (!rpm && status != vulndb::AffectedStatus::fixed) {
          // VEX names affected components by package name only.
          const std::string& c = rel->second.component;
          if (c.find_first_of("/:@") == std::string::npos && !c.empty()) rpm = Rpm{c, ""};
        }
        if (!rpm) {
          ++skipped;
          continue;
        }
        std::string ns = vulndb::distro_namespace("rhel", major);
        if (!seen.insert({ns, rpm->name}).second) continue;
        vulndb::Affected a;
        a.advisory_id = is_vex || tracking_id.empty() ? rec.id : tracking_id;
        a.vuln_id = rec.id;
        a.ns = ns;
        a.package = rpm->name;
        a.status = status;
        a.severity = rec.severity;
        a.published = rec.published;
        if (status == vulndb::AffectedStatus::fixed) {
          if (rpm->evr.empty()) {
            ++skipped;
            seen.erase({ns, rpm->name});
            continue;
          }
          a.fixed_version = rpm->evr;
        }
        if (auto r = remedy.find(pid); r != remedy.end() && status == vulndb::AffectedStatus::unfixed) {
          if (r->second.first == "no_fix_planned") a.status = vulndb::AffectedStatus::will_not_fix;
          a.note = r->second.second;
        }
        rows.push_back(std::move(a));
      }
    };
    add_rows("fixed", vulndb::AffectedStatus::fixed);
    add_rows("known_affected", vulndb::AffectedStatus::unfixed);
    add_rows("known_not_affected", vulndb::AffectedStatus::not_affected);
    sink.add(std::move(rec));
    for (auto& r : rows) sink.add(std::move(r));
  }
  if (skipped)
    diag.warn("redhat-csaf.skipped-products",
              std::to_string(skipped) + " product entries are not rpm packages of a RHEL release; skipped",
              where(entry));
  return ok_status();
}

}  // namespace

extern const ImporterInfo redhat_csaf;
const ImporterInfo redhat_csaf{"redhat-csaf", "Red Hat CSAF advisories and VEX (rpm fixes per RHEL release)",
                               detect, parse};

}  // namespace dagda::importers::feeds
