// Red Hat CSAF 2.0 advisories and VEX files
// (https://security.access.redhat.com/data/csaf/v2/): the product_tree names
// products (platforms with CPEs, components with purls) and relationships
// ("component X as a component of platform Y"); each vulnerabilities[] entry
// lists product ids as fixed, known_affected or known_not_affected. One
// Vulnerability per vulnerabilities[] entry and one Affected per (RHEL major,
// rpm package, status) of it.
#include <map>
#include <regex>
#include <set>

#include "importers/feed_util.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

using util::Json;

int detect(std::string_view path, std::string_view head) {
  (void)path;
  std::string_view h = util::trim_head(head);
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

void walk_branches(const Json& node, std::map<std::string, Product>& out, int depth) {
  if (depth > 32 || !node.is_object()) return;
  if (auto p = node.find("product"); p != node.end() && p->is_object()) {
    Product prod;
    prod.name = util::str(*p, "name");
    if (auto h = p->find("product_identification_helper"); h != p->end()) {
      prod.cpe = util::str(*h, "cpe");
      prod.purl = util::str(*h, "purl");
    }
    std::string id = util::str(*p, "product_id");
    if (!id.empty()) out[id] = std::move(prod);
  }
  if (auto b = node.find("branches"); b != node.end() && b->is_array())
    for (const auto& c : *b) walk_branches(c, out, depth + 1);
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
  DAGDA_ASSIGN_OR_RETURN(Json doc, util::parse_json(entry));
  if (!doc.is_object()) return util::bad(entry, "not a CSAF document (not an object)");
  auto document = doc.find("document");
  if (document == doc.end() || !document->is_object())
    return util::bad(entry, "CSAF document without \"document\"");
  std::string tracking_id;
  std::string published;
  if (auto t = document->find("tracking"); t != document->end() && t->is_object()) {
    tracking_id = util::str(*t, "id");
    published = util::str(*t, "initial_release_date");
  }
  std::string category = util::str(*document, "category");
  bool is_vex = category == "csaf_vex";
  std::string doc_severity;
  if (auto s = document->find("aggregate_severity"); s != document->end())
    doc_severity = vulndb::normalize_severity(util::str(*s, "text"));

  std::map<std::string, Product> products;
  std::map<std::string, Relation> relations;
  if (auto pt = doc.find("product_tree"); pt != doc.end() && pt->is_object()) {
    walk_branches(*pt, products, 0);
    if (auto rels = pt->find("relationships"); rels != pt->end() && rels->is_array())
      for (const auto& r : *rels) {
        std::string id;
        if (auto f = r.find("full_product_name"); f != r.end()) id = util::str(*f, "product_id");
        if (!id.empty())
          relations[id] = {util::str(r, "product_reference"), util::str(r, "relates_to_product_reference")};
      }
  }
  auto vulns = doc.find("vulnerabilities");
  if (vulns == doc.end() || vulns->is_null()) return ok_status();
  if (!vulns->is_array()) return util::bad(entry, "CSAF \"vulnerabilities\" is not a list");
  Location where;
  where.file = entry.path;
  sink.source("redhat-csaf");
  size_t skipped = 0;
  for (const auto& v : *vulns) {
    if (!v.is_object()) return util::bad(entry, "a CSAF vulnerability is not an object");
    vulndb::Vulnerability rec;
    rec.id = util::str(v, "cve");
    if (rec.id.empty()) rec.id = tracking_id;
    if (rec.id.empty()) return util::bad(entry, "a CSAF vulnerability has neither \"cve\" nor a tracking id");
    if (!tracking_id.empty() && tracking_id != rec.id && !is_vex) rec.aliases.push_back(tracking_id);
    rec.summary = util::str(v, "title");
    rec.published = util::str(v, "release_date");
    if (rec.published.empty()) rec.published = published;
    if (auto cwe = v.find("cwe"); cwe != v.end() && cwe->is_object())
      if (std::string id = util::str(*cwe, "id"); !id.empty()) rec.cwes.push_back(id);
    if (auto notes = v.find("notes"); notes != v.end() && notes->is_array())
      for (const auto& n : *notes)
        if (util::str(n, "category") == "description") rec.description = util::str(n, "text");
    if (auto refs = v.find("references"); refs != v.end() && refs->is_array())
      for (const auto& r : *refs)
        if (std::string url = util::str(r, "url"); !url.empty()) rec.references.push_back(url);
    if (auto scores = v.find("scores"); scores != v.end() && scores->is_array())
      for (const auto& s : *scores)
        for (const char* key : {"cvss_v3", "cvss_v2", "cvss_v4"})
          if (auto c = s.find(key); c != s.end() && c->is_object()) {
            std::string vec = util::str(*c, "vectorString");
            if (vec.empty()) continue;
            bool dup = false;
            for (const auto& have : rec.cvss) dup |= have.vector == vec;
            if (dup) continue;
            auto cv = util::cvss_from_vector(vec);
            if (!cv) continue;
            if (auto bs = c->find("baseScore"); bs != c->end() && bs->is_number())
              cv->score = bs->get<double>();
            cv->source = "redhat";
            rec.cvss.push_back(std::move(*cv));
          }
    rec.severity = doc_severity;
    if (auto threats = v.find("threats"); threats != v.end() && threats->is_array())
      for (const auto& t : *threats)
        if (util::str(t, "category") == "impact")
          rec.severity = vulndb::normalize_severity(util::str(t, "details"));
    // Remediations per product id: no_fix_planned -> will not fix, none_available -> unfixed.
    std::map<std::string, std::pair<std::string, std::string>> remedy;  // product -> (category, details)
    if (auto rems = v.find("remediations"); rems != v.end() && rems->is_array())
      for (const auto& r : *rems) {
        std::string cat = util::str(r, "category");
        for (const auto& pid : util::strings(r, "product_ids")) remedy[pid] = {cat, util::str(r, "details")};
      }

    std::vector<vulndb::Affected> rows;
    std::set<std::pair<std::string, std::string>> seen;  // (ns, package)
    auto add_rows = [&](const std::string& list, vulndb::AffectedStatus status) {
      auto ps = v.find("product_status");
      if (ps == v.end() || !ps->is_object()) return;
      for (const auto& pid : util::strings(*ps, list)) {
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
        if (a.advisory_id != a.vuln_id) a.aliases.push_back(a.advisory_id);
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
              where);
  return ok_status();
}

}  // namespace

extern const ImporterInfo redhat_csaf;
const ImporterInfo redhat_csaf{"redhat-csaf", "Red Hat CSAF advisories and VEX (rpm fixes per RHEL release)",
                               detect, parse};

}  // namespace dagda::importers::feeds
