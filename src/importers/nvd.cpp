// importers/nvd.cpp: NVD CVE JSON 1.1 feeds (nvdcve-1.1-*.json: CVE_Items[])
// and NVD API 2.0 pages (vulnerabilities[].cve). Vulnerability records only:
// NVD's CPE configurations are not used for matching.
#include <string>

#include "importers/feed_util.hpp"
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
    sink.add(std::move(v));
  }
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
    sink.add(std::move(v));
  }
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

extern const ImporterInfo nvd{"nvd", "NVD CVE JSON 1.1 feeds and NVD API 2.0 pages (CVE details, CVSS, CWE)",
                              detect, parse};

}  // namespace dagda::importers::feeds
