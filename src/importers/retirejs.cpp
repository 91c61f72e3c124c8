// importers/retirejs.cpp: retire.js repositories. jsrepository.json and
// jsrepository-v4.json (JavaScript libraries found by file name and content:
// namespace "javascript", package = the library key in lower case) and
// npmrepository.json (npm packages: namespace "npm"). Each entry of a
// library's vulnerabilities[] is one Affected with an OSV range:
// introduced atOrAbove (or 0), fixed below. Its identifiers (CVE, githubID)
// are names of one vulnerability: the first CVE is its vuln_id, the others
// aliases; the GHSA is the advisory. The file itself is also kept whole
// as a Signature (kind "retirejs") for the JavaScript cataloger's extractors.
// "retire-example" is retire.js's own test entry and is skipped.
#include "importers/feed_util.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

int detect(std::string_view path, std::string_view head) {
  std::string_view h = skip_space(head);
  if (!h.starts_with("{")) return 0;
  if (contains(h, "\"retire-example\"")) return 3;
  if (contains(h, "\"vulnerabilities\"") && (contains(h, "\"atOrAbove\"") || contains(h, "\"below\"")) &&
      contains(h, "\"identifiers\""))
    return contains(h, "\"extractors\"") || contains(base_name(path), "repository") ? 3 : 2;
  return 0;
}

Status parse(const Entry& e, vulndb::Sink& sink, Diagnostics& diag) {
  DAGDA_ASSIGN_OR_RETURN(Document doc, parse_json(e));
  element root = doc.root();
  simdjson::dom::object libs;
  if (root.get_object().get(libs)) return entry_error(e, "not a retire.js repository: not a JSON object");
  // npmrepository.json has no extractors; a jsrepository always has some.
  bool any_extractors = false;
  for (auto lib : libs)
    if (lib.value.is_object() && jobject(lib.value, "extractors")) any_extractors = true;
  std::string_view name = base_name(e.path);
  bool npm = contains(name, "npmrepository") || (!contains(name, "jsrepository") && !any_extractors);
  std::string ns = npm ? "npm" : "javascript";
  size_t libraries = 0;
  for (auto lib : libs) {
    std::string_view key = lib.key;
    if (!lib.value.is_object())
      return entry_error(e, "retire.js entry \"" + std::string(key.substr(0, 60)) + "\" is not an object");
    ++libraries;
    if (key == "retire-example") continue;
    auto vulns = jarray(lib.value, "vulnerabilities");
    if (!vulns) continue;
    std::string package = vulndb::normalize_package(ns, key);
    size_t n = 0;
    for (element x : *vulns) {
      ++n;
      if (!x.is_object()) {
        diag.warn(
            "retirejs.bad-entry",
            std::string(key) + ": vulnerabilities[" + std::to_string(n - 1) + "] is not an object: skipped",
            {e.path, {}, {}, {}});
        continue;
      }
      std::string below(jstr(x, "below")), at(jstr(x, "atOrAbove"));
      if (below.empty() && at.empty()) {
        diag.warn("retirejs.no-range",
                  std::string(key) + ": vulnerabilities[" + std::to_string(n - 1) +
                      "] has neither atOrAbove nor below: skipped",
                  {e.path, {}, {}, {}});
        continue;
      }
      vulndb::Affected a;
      a.ns = ns;
      a.package = package;
      element ids;
      std::vector<std::string> cves, ghsa, others;
      std::string summary;
      if (!x["identifiers"].get(ids) && ids.is_object()) {
        cves = jstrings(ids, "CVE");
        ghsa = jstrings(ids, "githubID");
        summary = std::string(jstr(ids, "summary"));
        for (const char* k :
             {"issue", "bug", "retid", "osvdb", "PR", "commit", "release", "gist", "tenable"}) {
          for (auto& s : jstrings(ids, k)) others.push_back(std::string(k) + ":" + s);
        }
      }
      if (!ghsa.empty())
        a.advisory_id = ghsa[0];
      else if (!cves.empty())
        a.advisory_id = cves[0];
      else
        a.advisory_id = "RETIREJS-" + package + "-" + std::to_string(n);  // retire.js gives no id of its own
      a.vuln_id = cves.empty() ? a.advisory_id : cves[0];
      for (auto* list : {&cves, &ghsa})
        for (auto& s : *list) add_id(a.aliases, s, a.vuln_id);
      a.severity = vulndb::normalize_severity(jstr(x, "severity"));
      a.note = summary;
      for (auto& o : others) a.note += (a.note.empty() ? "" : " ") + std::string("[") + o + "]";
      version::OsvRange r;
      r.type = "ECOSYSTEM";
      r.events.push_back({version::OsvEvent::introduced, at.empty() ? "0" : at});
      if (!below.empty()) r.events.push_back({version::OsvEvent::fixed, below});
      a.ranges.push_back(std::move(r));
      a.fixed_version = below;
      sink.add(std::move(a));
    }
  }
  if (libraries == 0) return entry_error(e, "retire.js repository without any library");
  vulndb::Signature s;
  s.kind = "retirejs";
  s.name = std::string(name);
  s.body = std::string(e.data);
  sink.add(std::move(s));
  return ok_status();
}

}  // namespace

extern const ImporterInfo retirejs{
    "retirejs", "retire.js repositories (jsrepository*.json, npmrepository.json)", detect, parse};

}  // namespace dagda::importers::feeds
