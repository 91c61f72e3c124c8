// importers/nvd.cpp: NVD CVE JSON 1.1 feeds (nvdcve-1.1-*.json: CVE_Items[])
// and NVD API 2.0 pages (vulnerabilities[].cve). Every CVE becomes a Vulnerability record.
// NVD's CPE configurations are kept only for the runtimes the `runtime` cataloger finds
// installed by hand (kRuntimeCpes): their vulnerable cpe_match entries become one Affected
// row per CVE and runtime in namespace "nvd-cpe" (docs/feeds.md, "NVD CPE ranges"):
// - an OR node: every vulnerable match of a listed product;
// - an AND node (1.1 children, an API 2.0 configuration with operator AND, a node whose own
//   operator is AND): a listed product's vulnerable matches of one part only when every other
//   part names platforms alone (CPE part o or h: "node.js on Linux"); a product that is
//   vulnerable only beside another application is not a range of its own, and is skipped;
//   so is one whose platforms are all Microsoft's or Apple's operating systems (Windows only);
// - a negated node (and an AND holding one) is skipped;
// - a match gives versionStart/End Including/Excluding as ">=", ">", "<=", "<" terms, else
//   the CPE's exact version (and its update field: "1.0.2" "beta1" -> "1.0.2-beta1", OpenJDK's
//   "update101" -> "1.8.0_101"); a CPE naming every version ("*") with no range is not kept.
#include <fmt/format.h>

#include <map>
#include <set>
#include <string>

#include "importers/feed_util.hpp"
#include "version/comparator.hpp"
#include "vulndb/record.hpp"

namespace dagda::importers::feeds {
namespace {

int detect(std::string_view /*path*/, std::string_view head) {
  std::string_view h = skip_space(head);
  if (!h.starts_with("{")) return 0;
  if (contains(h, "\"CVE_Items\"") || contains(h, "\"CVE_data_type\"")) return 3;
  if (contains(h, "\"NVD_CVE\"")) return 3;  // API 2.0: "format": "NVD_CVE"
  if (contains(h, "\"resultsPerPage\"") && contains(h, "\"vulnerabilities\"")) return 2;
  return 0;
}

std::string en_text(simdjson::dom::array list) {
  std::string first;
  for (element d : list) {
    std::string_view lang = jstr(d, "lang"), value = jstr(d, "value");
    if (lang == "en") return std::string(value);
    if (first.empty()) first = std::string(value);
  }
  return first;
}

void add_cwe(vulndb::Vulnerability& v, std::string_view value) {
  if (!value.starts_with("CWE-")) return;  // "NVD-CWE-Other", "NVD-CWE-noinfo"
  for (const auto& c : v.cwes)
    if (c == value) return;
  v.cwes.emplace_back(value);
}

void finish(vulndb::Vulnerability& v) {
  if (v.severity.empty())
    for (const auto& c : v.cvss)
      if (!c.severity.empty()) {
        v.severity = vulndb::normalize_severity(c.severity);
        break;
      }
  if (v.description.starts_with("** REJECT **")) v.withdrawn = true;
}


// ---- CPE ranges of runtimes installed by hand ----

constexpr std::string_view kCpeNs = "nvd-cpe";

// NVD's vendor:product names of each runtime (catalog/runtime.cpp's package names), as the
// feeds spell them; docs/feeds.md lists the same table.
struct RuntimeCpe {
  std::string_view vendor, product, runtime;
};
constexpr RuntimeCpe kRuntimeCpes[] = {
    {"nodejs", "node.js", "node"},        {"nodejs", "nodejs", "node"},
    {"joyent", "node.js", "node"},        {"python", "python", "python"},
    {"python_software_foundation", "python", "python"},
    {"ruby-lang", "ruby", "ruby"},        {"yukihiro_matsumoto", "ruby", "ruby"},
    {"php", "php", "php"},                {"oracle", "openjdk", "openjdk"},
    {"sun", "openjdk", "openjdk"},        {"golang", "go", "go"},
    {"openssl", "openssl", "openssl"},    {"openssl_project", "openssl", "openssl"},
    {"nginx", "nginx", "nginx"},          {"f5", "nginx", "nginx"},
    {"apache", "http_server", "httpd"},   {"apache", "apache_http_server", "httpd"},
    {"redis", "redis", "redis"},          {"redislabs", "redis", "redis"},
    {"postgresql", "postgresql", "postgresql"},
    {"busybox", "busybox", "busybox"},
};

// The fields of a CPE 2.3 formatted string, backslash escapes removed; empty when it is not one.
std::vector<std::string> cpe_fields(std::string_view cpe) {
  std::vector<std::string> out;
  if (!cpe.starts_with("cpe:2.3:") || cpe.size() > 4096) return out;
  std::string cur;
  for (size_t i = 0; i < cpe.size(); ++i) {
    char c = cpe[i];
    if (c == '\\' && i + 1 < cpe.size()) {
      cur += cpe[++i];
    } else if (c == ':') {
      out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(std::move(cur));
  if (out.size() < 7) out.clear();
  return out;
}

// The part, vendor and product of a CPE 2.3 formatted string, unescaped, without splitting
// the rest (most of the millions of matches in the feeds are of other products); false when
// it is not one.
bool cpe_head(std::string_view cpe, std::string& part, std::string& vendor, std::string& product) {
  if (!cpe.starts_with("cpe:2.3:") || cpe.size() > 4096) return false;
  std::string* out[3] = {&part, &vendor, &product};
  size_t field = 0, i = 8;
  for (auto* o : out) o->clear();
  for (; i < cpe.size() && field < 3; ++i) {
    char c = cpe[i];
    if (c == '\\' && i + 1 < cpe.size()) {
      *out[field] += cpe[++i];
    } else if (c == ':') {
      ++field;
    } else {
      *out[field] += c;
    }
  }
  return field == 3;
}

struct CpeMatch {
  std::string part;          // "a", "o", "h"
  std::string vendor;
  std::string_view runtime;  // ours, "" when the product is not one of kRuntimeCpes
  element match;             // the cpe_match / cpeMatch object
  bool vulnerable = false;
};

// What one CVE's configurations say of each runtime.
struct CpeRows {
  std::map<std::string, std::vector<std::string>, std::less<>> alternatives;  // runtime -> constraint alternatives
  std::map<std::string, std::vector<std::string>, std::less<>> fixes;  // runtime -> versionEndExcluding values
  std::set<std::pair<std::string, std::string>, std::less<>> seen;  // (runtime, alternative) already kept
  size_t skipped = 0;                                            // matches whose versions we cannot compare
  std::string first_skipped;
};

std::vector<CpeMatch> read_matches(simdjson::dom::array list, std::string_view uri_key) {
  std::vector<CpeMatch> out;
  std::string product;
  for (element m : list) {
    if (!m.is_object()) continue;
    CpeMatch cm;
    if (!cpe_head(jstr(m, uri_key), cm.part, cm.vendor, product)) continue;
    cm.match = m;
    cm.vulnerable = jbool(m, "vulnerable").value_or(false);
    if (cm.part == "a")
      for (const RuntimeCpe& r : kRuntimeCpes)
        if (cm.vendor == r.vendor && product == r.product) cm.runtime = r.runtime;
    out.push_back(std::move(cm));
  }
  return out;
}

bool upstream_valid(std::string_view v) {
  static const version::Comparator* cmp = version::find_comparator("upstream");
  return cmp && cmp->valid(v);
}

// One match's constraint alternative (">=1.0.2 <1.0.2k", "=1.1.1-beta1"); "" when it names every version.
void take(const CpeMatch& m, std::string_view uri_key, std::string_view cve, CpeRows& rows) {
  auto skip = [&](std::string_view what) {
    if (rows.skipped++ == 0) rows.first_skipped = fmt::format("{} '{}'", cve, what.substr(0, 80));
  };
  static constexpr std::pair<std::string_view, std::string_view> kBounds[] = {
      {"versionStartIncluding", ">="}, {"versionStartExcluding", ">"},
      {"versionEndIncluding", "<="},   {"versionEndExcluding", "<"}};
  std::string alt;
  for (auto [key, op] : kBounds) {
    std::string_view v = jstr(m.match, key);
    if (v.empty()) continue;
    if (!upstream_valid(v)) return skip(v);
    alt += fmt::format("{}{}{}", alt.empty() ? "" : " ", op, v);
    if (key == "versionEndExcluding") rows.fixes[std::string(m.runtime)].emplace_back(v);
  }
  if (alt.empty()) {
    std::vector<std::string> f = cpe_fields(jstr(m.match, uri_key));
    std::string v = f[5];
    if (v == "*" || v == "-" || v.empty()) return;  // every version, or none: not a range
    const std::string& update = f[6];
    if (update.starts_with("update") && update.size() > 6 &&
        update.find_first_not_of("0123456789", update[6] == '_' ? 7 : 6) == std::string::npos)
      v += "_" + update.substr(update[6] == '_' ? 7 : 6);
    else if (update != "*" && update != "-" && !update.empty())
      v += "-" + update;
    if (!upstream_valid(v)) return skip(v);
    alt = "=" + v;
  }
  if (rows.seen.emplace(std::string(m.runtime), alt).second)
    rows.alternatives[std::string(m.runtime)].push_back(std::move(alt));
}

bool only_platforms(const std::vector<CpeMatch>& group) {
  for (const CpeMatch& m : group)
    if (m.part != "o" && m.part != "h") return false;
  return !group.empty();
}

// Operating systems that are all Microsoft's or Apple's: a flaw of the runtime on Windows or
// macOS alone, which the Linux images Dagda scans do not have.
bool only_windows_or_apple(const std::vector<CpeMatch>& group) {
  for (const CpeMatch& m : group)
    if (m.part != "o" || (m.vendor != "microsoft" && m.vendor != "apple")) return false;
  return !group.empty();
}

void take_or(const std::vector<CpeMatch>& group, std::string_view uri_key, std::string_view cve, CpeRows& rows) {
  for (const CpeMatch& m : group)
    if (m.vulnerable && !m.runtime.empty()) take(m, uri_key, cve, rows);
}

// Parts AND-ed together: a part's runtimes count only when every other part is platforms alone.
void take_and(const std::vector<std::vector<CpeMatch>>& parts, std::string_view uri_key, std::string_view cve,
              CpeRows& rows) {
  for (size_t i = 0; i < parts.size(); ++i) {
    bool others_platforms = true;
    for (size_t j = 0; j < parts.size() && others_platforms; ++j)
      if (j != i) others_platforms = only_platforms(parts[j]) && !only_windows_or_apple(parts[j]);
    if (others_platforms) take_or(parts[i], uri_key, cve, rows);
  }
}

bool is_and(element node) { return jstr(node, "operator") == "AND"; }
bool negated(element node) { return jbool(node, "negate").value_or(false); }

// A node's matches AND-ed one by one (operator AND) or as one OR-ed part.
void add_parts(element node, std::string_view list_key, std::string_view uri_key,
               std::vector<std::vector<CpeMatch>>& parts) {
  auto list = jarray(node, list_key);
  if (!list) return;
  std::vector<CpeMatch> ms = read_matches(*list, uri_key);
  if (ms.empty()) return;  // an AND node's own empty list is no part
  if (is_and(node)) {
    for (CpeMatch& m : ms) parts.push_back({std::move(m)});
  } else {
    parts.push_back(std::move(ms));
  }
}

// A JSON 1.1 node: cpe_match[] and children[] (one level of children in NVD's data; deeper
// nesting is read as far as kMaxDepth).
void v11_node(element node, std::string_view cve, CpeRows& rows, int depth = 0) {
  constexpr int kMaxDepth = 4;
  if (depth > kMaxDepth || !node.is_object() || negated(node)) return;
  auto children = jarray(node, "children");
  bool has_children = children && children->size() > 0;
  if (!is_and(node)) {
    if (auto list = jarray(node, "cpe_match")) take_or(read_matches(*list, "cpe23Uri"), "cpe23Uri", cve, rows);
    if (has_children)
      for (element c : *children) v11_node(c, cve, rows, depth + 1);
    return;
  }
  std::vector<std::vector<CpeMatch>> parts;
  add_parts(node, "cpe_match", "cpe23Uri", parts);
  if (has_children)
    for (element c : *children) {
      auto grandchildren = jarray(c, "children");
      if (!c.is_object() || negated(c) || (grandchildren && grandchildren->size() > 0)) return;  // not read
      add_parts(c, "cpe_match", "cpe23Uri", parts);
    }
  take_and(parts, "cpe23Uri", cve, rows);
}

// An API 2.0 configuration: nodes[] (each operator, negate, cpeMatch[]), joined by its operator.
void api2_configuration(element conf, std::string_view cve, CpeRows& rows) {
  if (!conf.is_object() || negated(conf)) return;
  auto nodes = jarray(conf, "nodes");
  if (!nodes) return;
  if (is_and(conf)) {
    std::vector<std::vector<CpeMatch>> parts;
    for (element n : *nodes) {
      if (!n.is_object() || negated(n)) return;
      add_parts(n, "cpeMatch", "criteria", parts);
    }
    take_and(parts, "criteria", cve, rows);
    return;
  }
  for (element n : *nodes) {
    if (!n.is_object() || negated(n)) continue;
    std::vector<std::vector<CpeMatch>> parts;
    add_parts(n, "cpeMatch", "criteria", parts);
    if (is_and(n))
      take_and(parts, "criteria", cve, rows);
    else
      for (auto& p : parts) take_or(p, "criteria", cve, rows);
  }
}

// Files the rows of one CVE; counts what was skipped for the file's warning.
struct CpeSkips {
  size_t count = 0;
  std::string first;
};

void add_cpe_rows(const vulndb::Vulnerability& v, CpeRows& rows, vulndb::Sink& sink, CpeSkips& skips) {
  if (rows.skipped) {
    if (skips.count == 0) skips.first = rows.first_skipped;
    skips.count += rows.skipped;
  }
  if (v.withdrawn) return;
  for (auto& [runtime, alts] : rows.alternatives) {
    if (alts.empty()) continue;
    vulndb::Affected a;
    a.advisory_id = v.id;
    a.vuln_id = v.id;
    a.ns = std::string(kCpeNs);
    a.package = runtime;
    a.status = vulndb::AffectedStatus::affected;
    for (const auto& alt : alts) a.constraint += (a.constraint.empty() ? "" : " || ") + alt;
    a.fixes = std::move(rows.fixes[runtime]);
    if (a.fixes.size() == 1) {
      a.fixed_version = a.fixes[0];
      a.fixes.clear();
    }
    a.published = v.published;
    sink.add(std::move(a));
  }
}

void warn_skips(const Entry& e, const CpeSkips& skips, Diagnostics& diag) {
  if (skips.count == 0) return;
  diag.warn("nvd.cpe-version-skipped",
            fmt::format("{} CPE matches of runtimes name versions Dagda cannot compare; they were not stored "
                        "(the first: {})",
                        skips.count, skips.first),
            where(e));
}

// ---- JSON 1.1 ----

void v11_cvss(element impact, vulndb::Vulnerability& v) {
  // v3 first: the severity comes from the first metric with one.
  element m3, m2;
  if (!impact["baseMetricV3"].get(m3)) {
    element c;
    if (!m3["cvssV3"].get(c)) {
      vulndb::Cvss x;
      x.version = std::string(jstr(c, "version"));
      x.vector = std::string(jstr(c, "vectorString"));
      x.score = jnum(c, "baseScore").value_or(0);
      x.severity = vulndb::normalize_severity(jstr(c, "baseSeverity"));
      x.source = "nvd@nist.gov";
      if (x.version.empty() && x.vector.starts_with("CVSS:")) x.version = x.vector.substr(5, 3);
      v.cvss.push_back(std::move(x));
    }
  }
  if (!impact["baseMetricV2"].get(m2)) {
    element c;
    if (!m2["cvssV2"].get(c)) {
      vulndb::Cvss x;
      x.version = std::string(jstr(c, "version"));
      if (x.version.empty()) x.version = "2.0";
      x.vector = std::string(jstr(c, "vectorString"));
      x.score = jnum(c, "baseScore").value_or(0);
      x.severity = vulndb::normalize_severity(jstr(m2, "severity"));
      if (x.severity.empty()) x.severity = vulndb::severity_from_score(x.score, "2.0");
      x.source = "nvd@nist.gov";
      v.cvss.push_back(std::move(x));
    }
  }
}

Status parse_v11(const Entry& e, simdjson::dom::array items, vulndb::Sink& sink, Diagnostics& diag) {
  size_t index = 0;
  CpeSkips skips;
  for (element item : items) {
    ++index;
    element cve;
    if (!item.is_object() || item["cve"].get(cve)) {
      diag.warn("nvd.bad-item", "CVE_Items[" + std::to_string(index - 1) + "] has no \"cve\" object: skipped",
                {e.path, {}, {}, {}});
      continue;
    }
    vulndb::Vulnerability v;
    element meta;
    if (!cve["CVE_data_meta"].get(meta)) v.id = std::string(jstr(meta, "ID"));
    if (v.id.empty()) {
      diag.warn("nvd.no-id", "CVE_Items[" + std::to_string(index - 1) + "] has no CVE_data_meta.ID: skipped",
                {e.path, {}, {}, {}});
      continue;
    }
    element d;
    if (!cve["description"]["description_data"].get(d) && d.is_array())
      v.description = en_text(d.get_array());
    v.published = std::string(jstr(item, "publishedDate"));
    v.modified = std::string(jstr(item, "lastModifiedDate"));
    element pt;
    if (!cve["problemtype"]["problemtype_data"].get(pt) && pt.is_array())
      for (element p : pt.get_array())
        if (auto descs = jarray(p, "description"))
          for (element x : *descs) add_cwe(v, jstr(x, "value"));
    element refs;
    if (!cve["references"]["reference_data"].get(refs) && refs.is_array())
      for (element r : refs.get_array())
        if (auto url = jstr(r, "url"); !url.empty()) v.references.emplace_back(url);
    element impact;
    if (!item["impact"].get(impact)) v11_cvss(impact, v);
    finish(v);
    CpeRows rows;
    if (auto confs = jfield(item, "configurations"))
      if (auto nodes = jarray(*confs, "nodes"))
        for (element n : *nodes) v11_node(n, v.id, rows);
    add_cpe_rows(v, rows, sink, skips);
    sink.add(std::move(v));
  }
  warn_skips(e, skips, diag);
  return ok_status();
}

// ---- API 2.0 ----

void v2_metrics(element metrics, vulndb::Vulnerability& v) {
  // Newest CVSS version first; within one, the Primary (NVD's own) before Secondary (CNA) scores.
  static constexpr std::string_view kKeys[] = {"cvssMetricV40", "cvssMetricV31", "cvssMetricV30",
                                               "cvssMetricV2"};
  for (int pass = 0; pass < 2; ++pass)
    for (std::string_view key : kKeys) {
      auto list = jarray(metrics, key);
      if (!list) continue;
      for (element m : *list) {
        bool primary = jstr(m, "type") == "Primary";
        if ((pass == 0) != primary) continue;
        element c;
        if (m["cvssData"].get(c)) continue;
        vulndb::Cvss x;
        x.version = std::string(jstr(c, "version"));
        x.vector = std::string(jstr(c, "vectorString"));
        x.score = jnum(c, "baseScore").value_or(0);
        std::string_view sev = jstr(c, "baseSeverity");
        if (sev.empty()) sev = jstr(m, "baseSeverity");  // v2 keeps it beside cvssData
        x.severity = vulndb::normalize_severity(sev);
        if (x.severity.empty() && !x.version.empty())
          x.severity = vulndb::severity_from_score(x.score, x.version);
        x.source = std::string(jstr(m, "source"));
        v.cvss.push_back(std::move(x));
      }
    }
}

Status parse_api2(const Entry& e, simdjson::dom::array list, vulndb::Sink& sink, Diagnostics& diag) {
  size_t index = 0;
  CpeSkips skips;
  for (element item : list) {
    ++index;
    element cve;
    if (!item.is_object() || item["cve"].get(cve) || !cve.is_object()) {
      diag.warn("nvd.bad-item",
                "vulnerabilities[" + std::to_string(index - 1) + "] has no \"cve\" object: skipped",
                {e.path, {}, {}, {}});
      continue;
    }
    vulndb::Vulnerability v;
    v.id = std::string(jstr(cve, "id"));
    if (v.id.empty()) {
      diag.warn("nvd.no-id", "vulnerabilities[" + std::to_string(index - 1) + "] has no cve.id: skipped",
                {e.path, {}, {}, {}});
      continue;
    }
    if (auto d = jarray(cve, "descriptions")) v.description = en_text(*d);
    v.published = std::string(jstr(cve, "published"));
    v.modified = std::string(jstr(cve, "lastModified"));
    v.withdrawn = jstr(cve, "vulnStatus") == "Rejected";
    element metrics;
    if (!cve["metrics"].get(metrics)) v2_metrics(metrics, v);
    if (auto ws = jarray(cve, "weaknesses"))
      for (element w : *ws)
        if (auto ds = jarray(w, "description"))
          for (element x : *ds) add_cwe(v, jstr(x, "value"));
    if (auto refs = jarray(cve, "references"))
      for (element r : *refs)
        if (auto url = jstr(r, "url"); !url.empty()) v.references.emplace_back(url);
    finish(v);
    CpeRows rows;
    if (auto confs = jarray(cve, "configurations"))
      for (element c : *confs) api2_configuration(c, v.id, rows);
    add_cpe_rows(v, rows, sink, skips);
    sink.add(std::move(v));
  }
  warn_skips(e, skips, diag);
  return ok_status();
}

Status parse(const Entry& e, vulndb::Sink& sink, Diagnostics& diag) {
  DAGDA_ASSIGN_OR_RETURN(Document doc, parse_json(e));
  element root = doc.root();
  if (!root.is_object()) return entry_error(e, "not an NVD feed: the document is not a JSON object");
  if (auto items = jarray(root, "CVE_Items")) return parse_v11(e, *items, sink, diag);
  if (auto list = jarray(root, "vulnerabilities")) return parse_api2(e, *list, sink, diag);
  return entry_error(
      e, "not an NVD feed: neither a \"CVE_Items\" (JSON 1.1) nor a \"vulnerabilities\" (API 2.0) list");
}

}  // namespace

extern const ImporterInfo nvd{"nvd",
                              "NVD CVE JSON 1.1 feeds and NVD API 2.0 pages (CVE details, CVSS, CWE; CPE ranges "
                              "of runtimes installed by hand)",
                              detect, parse};

}  // namespace dagda::importers::feeds
