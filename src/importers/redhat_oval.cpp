// Red Hat OVAL v2 (https://security.access.redhat.com/data/oval/v2/): per
// definition (an RHSA/RHBA/RHEA patch, or a CVE in the *-including-unpatched
// streams) its references, severity and CVEs, and a criteria tree whose
// rpminfo_test leaves say "package is earlier than E:V-R" (through
// rpminfo_object for the name and rpminfo_state for the EVR). Read with
// libxml2's streaming reader, one definition/test/object/state subtree at a
// time, so memory follows what is kept, not the document's size.
//
// A patch definition (RHSA) covers several CVEs: its record has them as
// related ids, its rows are one per (package, CVE), and each CVE's own figures
// (<cve impact cvss3 cwe>) become a record of that CVE. Documents with a DTD
// are refused: entities are never expanded.
#include <libxml/xmlreader.h>

#include <map>
#include <regex>

#include "importers/feed_util.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

int detect(std::string_view path, std::string_view head) {
  (void)path;
  std::string_view h = skip_space(head);
  if (!h.starts_with("<")) return 0;
  if (h.find("<oval_definitions") == std::string_view::npos) return 0;
  if (h.find("com.redhat") != std::string_view::npos || h.find("Red Hat") != std::string_view::npos) return 3;
  return 0;
}

std::string attr(xmlNodePtr n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  if (!v) return "";
  std::string s(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return s;
}

std::string text(xmlNodePtr n) {
  xmlChar* v = xmlNodeGetContent(n);
  if (!v) return "";
  std::string s(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return s;
}

bool named(xmlNodePtr n, const char* name) {
  return n && n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, reinterpret_cast<const xmlChar*>(name)) == 0;
}

xmlNodePtr child(xmlNodePtr n, const char* name) {
  for (xmlNodePtr c = n ? n->children : nullptr; c; c = c->next)
    if (named(c, name)) return c;
  return nullptr;
}

// What Red Hat says of one CVE inside an advisory.
struct CveFigures {
  std::string id, impact, published;
  std::vector<vulndb::Cvss> cvss;
  std::vector<std::string> cwes;
};

struct Definition {
  vulndb::Vulnerability vuln;
  std::vector<std::string> cves;  // the CVEs the definition covers
  std::vector<CveFigures> figures;
  std::string cls;    // "patch", "vulnerability", ...
  std::string major;  // RHEL major from the criteria or CPEs
  std::vector<std::string> test_refs;
  uint64_t line = 0;
};

struct Test {
  std::string object, state;
  bool none_exist = false;
};

struct State {
  std::string evr, operation;
};

void collect_refs(xmlNodePtr criteria, Definition& d, int depth) {
  if (depth > 64) return;
  static const std::regex kRhel("Red Hat Enterprise Linux (\\d+) is installed");
  for (xmlNodePtr c = criteria->children; c; c = c->next) {
    if (named(c, "criteria")) {
      collect_refs(c, d, depth + 1);
    } else if (named(c, "criterion")) {
      std::string ref = attr(c, "test_ref");
      if (!ref.empty()) d.test_refs.push_back(ref);
      std::smatch m;
      std::string comment = attr(c, "comment");
      if (d.major.empty() && std::regex_search(comment, m, kRhel)) d.major = m[1];
    }
  }
}

void read_definition(xmlNodePtr def, Definition& d) {
  d.cls = attr(def, "class");
  d.line = uint64_t(xmlGetLineNo(def));
  xmlNodePtr meta = child(def, "metadata");
  std::string oval_id = attr(def, "id");
  std::string advisory;
  std::vector<std::string> cves;
  for (xmlNodePtr c = meta ? meta->children : nullptr; c; c = c->next) {
    if (named(c, "title")) d.vuln.summary = text(c);
    if (named(c, "description")) d.vuln.description = text(c);
    if (named(c, "reference")) {
      std::string src = attr(c, "source"), id = attr(c, "ref_id"), url = attr(c, "ref_url");
      if (!url.empty()) d.vuln.references.push_back(url);
      if (src == "CVE") {
        cves.push_back(id);
      } else if (advisory.empty() && !id.empty()) {
        advisory = id;
      }
    }
    if (named(c, "advisory")) {
      static const std::regex kEl("el(\\d+)");
      for (xmlNodePtr a = c->children; a; a = a->next) {
        if (named(a, "severity")) d.vuln.severity = vulndb::normalize_severity(text(a));
        if (named(a, "issued")) d.vuln.published = attr(a, "date");
        if (named(a, "updated")) d.vuln.modified = attr(a, "date");
        if (named(a, "cve")) {
          CveFigures f;
          f.id = std::string(trim(text(a)));
          f.impact = vulndb::normalize_severity(attr(a, "impact"));
          f.published = attr(a, "public");
          for (const char* key : {"cvss3", "cvss2"}) {
            std::string v = attr(a, key);  // "5.7/CVSS:3.0/AV:N/..."
            if (v.empty()) continue;
            auto slash = v.find('/');
            std::optional<double> stated;
            if (slash != std::string::npos) {
              char* end = nullptr;
              double x = std::strtod(v.c_str(), &end);
              if (end == v.c_str() + slash) stated = x;
            }
            if (auto c = cvss_entry(v.substr(slash == std::string::npos ? 0 : slash + 1), "redhat", stated))
              f.cvss.push_back(std::move(*c));
          }
          std::string cwe = attr(a, "cwe");  // "CWE-117 CWE-532", "(CWE-1|CWE-2)", "CWE-20->CWE-787"
          static const std::regex kCwe("CWE-\\d+");
          for (auto it = std::sregex_iterator(cwe.begin(), cwe.end(), kCwe); it != std::sregex_iterator(); ++it)
            add_id(f.cwes, it->str());
          if (is_cve(f.id) && (!f.impact.empty() || !f.cvss.empty() || !f.cwes.empty()))
            d.figures.push_back(std::move(f));
        }
        if (named(a, "affected_cpe_list") && d.major.empty()) {
          for (xmlNodePtr cpe = a->children; cpe; cpe = cpe->next) {
            std::smatch m;
            std::string t = text(cpe);
            if (named(cpe, "cpe") && std::regex_search(t, m, kEl)) {
              d.major = m[1];
              break;
            }
          }
        }
      }
    }
  }
  // A patch definition is its advisory (RHSA-2019:3927), its CVEs related; a
  // CVE definition (unpatched streams) is its CVE.
  for (auto& c : cves)
    if (is_cve(c)) add_id(d.cves, c);
  if (d.cls == "vulnerability" && !d.cves.empty()) {
    d.vuln.id = d.cves[0];
  } else {
    d.vuln.id = advisory.empty() ? (cves.empty() ? oval_id : cves[0]) : advisory;
  }
  for (auto& c : d.cves) add_id(d.vuln.related, c, d.vuln.id);
  for (auto& f : d.figures)
    if (iequals(f.id, d.vuln.id)) {  // a CVE definition: its own figures
      d.vuln.cvss = f.cvss;
      d.vuln.cwes = f.cwes;
    }
  d.vuln.scope = {"redhat"};
  if (xmlNodePtr crit = child(def, "criteria")) collect_refs(crit, d, 0);
}

// "rhel-8-including-unpatched.oval.xml", ".../RHEL8/...": the RHEL major.
std::string major_from_path(const std::string& path) {
  static const std::regex kPath("(?:RHEL|rhel-)(\\d+)");
  std::smatch m;
  if (std::regex_search(path, m, kPath)) return m[1];
  return "";
}

struct ErrorSink {
  std::string message;
  uint64_t line = 0;
};

void on_error(void* ctx, const xmlError* e) {
  auto* s = static_cast<ErrorSink*>(ctx);
  if (!e || e->level < XML_ERR_ERROR || !s->message.empty()) return;
  s->message = e->message ? e->message : "XML error";
  while (!s->message.empty() && s->message.back() == '\n') s->message.pop_back();
  s->line = uint64_t(e->line > 0 ? e->line : 0);
}

Status parse(const Entry& entry, vulndb::Sink& sink, Diagnostics& diag) {
  if (entry.data.size() > size_t(INT32_MAX)) return entry_error(entry, "OVAL document over 2 GiB");
  xmlTextReaderPtr reader =
      xmlReaderForMemory(entry.data.data(), int(entry.data.size()), entry.path.c_str(), nullptr,
                         XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
  if (!reader) return entry_error(entry, "cannot start the XML reader");
  ErrorSink errors;
  xmlTextReaderSetStructuredErrorHandler(reader, reinterpret_cast<xmlStructuredErrorFunc>(on_error), &errors);
  std::vector<Definition> defs;
  std::map<std::string, Test> tests;
  std::map<std::string, std::string> objects;  // rpminfo_object id -> package name
  std::map<std::string, State> states;
  bool root_seen = false;
  int ret = xmlTextReaderRead(reader);
  while (ret == 1) {
    if (xmlTextReaderNodeType(reader) == XML_READER_TYPE_DOCUMENT_TYPE) {
      // A DTD can declare entities, whose expansion can be made to blow up
      // ("billion laughs"); OVAL streams have none. Refuse rather than expand.
      uint64_t line = uint64_t(xmlTextReaderGetParserLineNumber(reader));
      xmlFreeTextReader(reader);
      return entry_error(entry, "XML with a document type declaration (DTD): entities are not expanded, the file is refused",
                         line ? std::optional<uint64_t>(line) : std::nullopt);
    }
    if (xmlTextReaderNodeType(reader) != XML_READER_TYPE_ELEMENT) {
      ret = xmlTextReaderRead(reader);
      continue;
    }
    const char* name = reinterpret_cast<const char*>(xmlTextReaderConstLocalName(reader));
    std::string_view n = name ? name : "";
    if (!root_seen) {
      root_seen = true;
      if (n != "oval_definitions") {
        std::string root(n);  // the name belongs to the reader: copy it before freeing the reader
        xmlFreeTextReader(reader);
        return entry_error(entry, "not an OVAL document (root element <" + root + ">)");
      }
    }
    if (n == "definition" || n == "rpminfo_test" || n == "rpminfo_object" || n == "rpminfo_state") {
      xmlNodePtr node = xmlTextReaderExpand(reader);
      if (!node) break;
      if (n == "definition") {
        Definition d;
        read_definition(node, d);
        defs.push_back(std::move(d));
      } else if (n == "rpminfo_test") {
        Test t;
        t.none_exist = attr(node, "check_existence") == "none_exist";
        if (xmlNodePtr o = child(node, "object")) t.object = attr(o, "object_ref");
        if (xmlNodePtr s = child(node, "state")) t.state = attr(s, "state_ref");
        tests[attr(node, "id")] = std::move(t);
      } else if (n == "rpminfo_object") {
        if (xmlNodePtr nm = child(node, "name")) objects[attr(node, "id")] = text(nm);
      } else {
        State s;
        if (xmlNodePtr evr = child(node, "evr")) {
          s.evr = text(evr);
          s.operation = attr(evr, "operation");
        }
        states[attr(node, "id")] = std::move(s);
      }
      ret = xmlTextReaderNext(reader);
      continue;
    }
    ret = xmlTextReaderRead(reader);
  }
  xmlFreeTextReader(reader);
  if (ret != 0 || !errors.message.empty()) {
    std::optional<uint64_t> line;
    if (errors.line) line = errors.line;
    return entry_error(entry, "invalid XML: " + (errors.message.empty() ? "read error" : errors.message), line);
  }
  if (!root_seen) return entry_error(entry, "empty XML document");

  std::string path_major = major_from_path(entry.path);
  sink.source("redhat-oval");
  for (auto& d : defs) {
    std::string major = d.major.empty() ? path_major : d.major;
    std::string ns = major.empty() ? "" : vulndb::distro_namespace("rhel", major);
    std::vector<vulndb::Affected> rows;
    std::map<std::string, size_t> by_package;
    bool unresolved = false;
    for (const auto& ref : d.test_refs) {
      auto t = tests.find(ref);
      if (t == tests.end()) continue;  // rpmverifyfile tests (release checks) and the like
      if (t->second.none_exist) continue;
      auto o = objects.find(t->second.object);
      if (o == objects.end()) {
        unresolved = true;
        continue;
      }
      const std::string& pkg = o->second;
      std::string fixed;
      auto s = states.find(t->second.state);
      if (s != states.end() && s->second.operation == "less than") fixed = s->second.evr;
      if (fixed.empty() && d.cls != "vulnerability") continue;  // "is signed with ..." in a patch
      auto seen = by_package.find(pkg);
      if (seen != by_package.end()) {
        // One row per package: a fix beats "installed" (unfixed).
        auto& row = rows[seen->second];
        if (row.fixed_version.empty() && !fixed.empty()) {
          row.fixed_version = fixed;
          row.status = vulndb::AffectedStatus::fixed;
        }
        continue;
      }
      vulndb::Affected a;
      a.advisory_id = d.vuln.id;
      a.ns = ns;
      a.package = pkg;
      a.severity = d.vuln.severity;
      a.published = d.vuln.published;
      a.fixed_version = fixed;
      a.status = fixed.empty() ? vulndb::AffectedStatus::unfixed : vulndb::AffectedStatus::fixed;
      by_package[pkg] = rows.size();
      rows.push_back(std::move(a));
    }
    Location where;
    where.file = entry.path;
    where.line = d.line;
    if (unresolved)
      diag.warn("redhat-oval.unresolved-test",
                d.vuln.id + ": a test refers to an object that is not in the file", where);
    if (ns.empty() && !rows.empty()) {
      diag.warn(
          "redhat-oval.unknown-release",
          d.vuln.id + ": no RHEL release in its criteria, CPEs or the file name; its packages are skipped",
          where);
      rows.clear();
    }
    // One row per (package, CVE): each CVE rated by its own impact (an
    // advisory's severity is its worst CVE's, not each one's).
    std::vector<std::string> vulns = d.cves.empty() ? std::vector<std::string>{d.vuln.id} : d.cves;
    std::vector<CveFigures> figures = std::move(d.figures);
    std::string advisory_severity = d.vuln.severity;
    std::string advisory_id = d.vuln.id;
    sink.add(std::move(d.vuln));
    for (auto& f : figures) {
      if (iequals(f.id, advisory_id)) continue;  // already the definition's own record
      vulndb::Vulnerability cv;
      cv.id = f.id;
      cv.severity = f.impact;
      cv.published = f.published;
      cv.cvss = f.cvss;
      cv.cwes = f.cwes;
      cv.related = {advisory_id};
      cv.scope = {"redhat"};
      sink.add(std::move(cv));
    }
    for (auto& r : rows)
      for (auto& id : vulns) {
        vulndb::Affected one = r;
        one.vuln_id = id;
        one.severity = vulns.size() == 1 ? advisory_severity : "";
        for (auto& f : figures)
          if (iequals(f.id, id) && !f.impact.empty()) one.severity = f.impact;
        sink.add(std::move(one));
      }
  }
  return ok_status();
}

}  // namespace

extern const ImporterInfo redhat_oval;
const ImporterInfo redhat_oval{
    "redhat-oval", "Red Hat OVAL v2 (RHSA and unpatched CVE definitions, rpm EVRs)", detect, parse};

}  // namespace dagda::importers::feeds
