// The Debian security tracker's JSON (https://security-tracker.debian.org/tracker/data/json):
// {source package: {CVE or TEMP id: {description, scope, releases: {codename:
// {status, fixed_version, urgency, nodsa, nodsa_reason, repositories}}}}}.
// One Vulnerability per id (its first description) and one Affected per
// (package, id, release).
#include <set>

#include "importers/feed_util.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

int detect(std::string_view path, std::string_view head) {
  (void)path;
  std::string_view h = skip_space(head);
  if (!h.starts_with("{")) return 0;
  // {"pkg": {"CVE-...": {  or  {"pkg": {"TEMP-...": {
  size_t q1 = h.find('"');
  if (q1 == std::string_view::npos) return 0;
  size_t q2 = h.find('"', q1 + 1);
  if (q2 == std::string_view::npos) return 0;
  std::string_view rest = skip_space(h.substr(q2 + 1));
  if (!rest.starts_with(":")) return 0;
  rest = skip_space(rest.substr(1));
  if (!rest.starts_with("{")) return 0;
  rest = skip_space(rest.substr(1));
  if (rest.starts_with("\"CVE-") || rest.starts_with("\"TEMP-")) return 3;
  if (h.find("\"releases\"") != std::string_view::npos && h.find("\"urgency\"") != std::string_view::npos)
    return 2;
  return 0;
}

// The tracker's urgency ("low**" marks a guess) to our severity words.
std::string severity(std::string urgency) {
  while (!urgency.empty() && urgency.back() == '*') urgency.pop_back();
  if (urgency == "unimportant") return "negligible";
  if (urgency == "low" || urgency == "medium" || urgency == "high") return urgency;
  return "";  // "not yet assigned", "end-of-life", ""
}

Status parse(const Entry& entry, vulndb::Sink& sink, Diagnostics& diag) {
  DAGDA_ASSIGN_OR_RETURN(Document doc, parse_json(entry));
  simdjson::dom::object packages;
  if (doc.root().get_object().get(packages))
    return entry_error(entry, "not a Debian security tracker document (not an object)");
  sink.source("debian-tracker");
  std::set<std::string> seen_ids;
  std::set<std::string> warned_releases;
  for (auto pkg_field : packages) {
    std::string package(pkg_field.key);
    simdjson::dom::object ids;
    if (pkg_field.value.get_object().get(ids))
      return entry_error(entry, "package \"" + package + "\": expected an object of vulnerability ids");
    for (auto id_field : ids) {
      std::string id(id_field.key);
      element info = id_field.value;
      if (!info.is_object()) return entry_error(entry, package + " " + id + ": expected an object");
      if (seen_ids.insert(id).second) {
        vulndb::Vulnerability v;
        v.id = id;
        v.description = jtext(info, "description");
        v.scope = {"debian"};
        sink.add(std::move(v));
      }
      auto rels = jfield(info, "releases");
      if (!rels || rels->is_null() || (rels->is_array() && rels->get_array().size() == 0)) continue;
      simdjson::dom::object releases;
      if (rels->get_object().get(releases))
        return entry_error(entry, package + " " + id + ": \"releases\" is not an object");
      for (auto rel_field : releases) {
        std::string codename(rel_field.key);
        element r = rel_field.value;
        if (!r.is_object()) return entry_error(entry, package + " " + id + " " + codename + ": expected an object");
        std::string ns = vulndb::distro_namespace("debian", codename);
        if (ns.empty()) {
          if (warned_releases.insert(codename).second)
            diag.warn("debian-tracker.unknown-release",
                      "release \"" + codename + "\" is not a Debian release; skipped", where(entry));
          continue;
        }
        std::string status = jtext(r, "status");
        std::string fixed = jtext(r, "fixed_version");
        std::string urgency = jtext(r, "urgency");
        std::string nodsa_reason = jtext(r, "nodsa_reason");
        vulndb::Affected a;
        a.advisory_id = id;
        a.vuln_id = id;
        a.ns = ns;
        a.package = vulndb::normalize_package(ns, package);
        a.severity = severity(urgency);
        a.note = jtext(r, "nodsa");
        if (status == "resolved") {
          if (fixed == "0") {
            a.status = vulndb::AffectedStatus::not_affected;
          } else {
            a.status = vulndb::AffectedStatus::fixed;
            a.fixed_version = fixed;
          }
        } else if (status == "open" || status == "undetermined") {
          if (urgency == "end-of-life")
            a.status = vulndb::AffectedStatus::end_of_life;
          else if (nodsa_reason == "postponed")
            a.status = vulndb::AffectedStatus::postponed;
          else if (nodsa_reason == "ignored")
            a.status = vulndb::AffectedStatus::will_not_fix;
          else
            a.status = vulndb::AffectedStatus::unfixed;
          if (status == "undetermined") a.note = a.note.empty() ? "undetermined" : "undetermined; " + a.note;
        } else {
          diag.warn("debian-tracker.unknown-status",
                    package + " " + id + " " + codename + ": status \"" + status + "\" is unknown; skipped",
                    where(entry));
          continue;
        }
        sink.add(std::move(a));
      }
    }
  }
  return ok_status();
}

}  // namespace

extern const ImporterInfo debian_tracker;
const ImporterInfo debian_tracker{
    "debian-tracker", "Debian security tracker JSON (data/json): per release status and fixed version",
    detect, parse};

}  // namespace dagda::importers::feeds
