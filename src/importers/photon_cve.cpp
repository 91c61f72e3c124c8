// VMware Photon OS per-release CVE JSON (https://packages.vmware.com/photon/photon_cve_metadata/
// cve_data_photon<RELEASE>.json): a list of {cve_id, pkg, cve_score, aff_ver,
// res_ver}. One row per entry in photon:<RELEASE> (from the file name, else
// the ".phN" tag of the fixed versions, else `db import --release`), fixed in
// res_ver; res_ver "NA" (no fix yet) is unfixed; "status": "Not Affected" is not_affected.
#include <regex>

#include "importers/feed_util.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

int detect(std::string_view path, std::string_view head) {
  (void)path;
  std::string_view h = skip_space(head);
  if (!h.starts_with("[")) return 0;
  if (h.find("\"cve_id\"") != std::string_view::npos && h.find("\"res_ver\"") != std::string_view::npos &&
      h.find("\"pkg\"") != std::string_view::npos)
    return 3;
  return 0;
}

Status parse(const Entry& entry, vulndb::Sink& sink, Diagnostics& diag) {
  DAGDA_ASSIGN_OR_RETURN(Document doc, parse_json(entry));
  simdjson::dom::array items;
  if (doc.root().get_array().get(items)) return entry_error(entry, "not a Photon CVE list (not a JSON array)");
  std::string release;
  static const std::regex kName(R"(cve_data_photon(\d+\.\d+)\.json)"), kTag(R"(\.ph(\d+)$)");
  std::smatch m;
  std::string base(base_name(entry.path));
  if (!entry.release.empty()) {
    release = entry.release.substr(entry.release.find(':') + 1);
  } else if (std::regex_search(base, m, kName)) {
    release = m[1];
  } else {
    for (element it : items) {
      std::string fixed = jtext(it, "res_ver");
      if (std::regex_search(fixed, m, kTag)) {
        release = m[1].str() + ".0";
        break;
      }
    }
  }
  std::string ns = vulndb::distro_namespace("photon", release);
  if (ns.empty() && items.size() > 0)
    return entry_error(entry, "cannot tell the Photon release (file name cve_data_photonX.Y.json, .phN versions); "
                              "import with --release photon:X.Y",
                       {}, ErrorCode::invalid_input);
  sink.source("photon");
  size_t index = 0;
  for (element it : items) {
    ++index;
    std::string id = jtext(it, "cve_id"), pkg = jtext(it, "pkg"), fixed = jtext(it, "res_ver");
    if (!is_cve(id) || pkg.empty()) {
      diag.warn("photon.bad-entry",
                "entry " + std::to_string(index) + ": cve_id \"" + id + "\" is not a CVE id or pkg is empty; skipped",
                where(entry));
      continue;
    }
    vulndb::Affected a;
    a.advisory_id = id;
    a.vuln_id = id;
    a.ns = ns;
    a.package = vulndb::normalize_package(ns, pkg);
    std::string status = jtext(it, "status");  // newer lists: "Not Affected", "Affected", ...
    if (iequals(status, "Not Affected")) {
      a.status = vulndb::AffectedStatus::not_affected;
    } else if (fixed.empty() || fixed == "NA") {
      a.status = vulndb::AffectedStatus::unfixed;
    } else {
      a.status = vulndb::AffectedStatus::fixed;
      a.fixed_version = fixed;
    }
    a.note = jtext(it, "aff_ver");
    sink.add(std::move(a));
  }
  return ok_status();
}

}  // namespace

extern const ImporterInfo photon_cve;
const ImporterInfo photon_cve{"photon-cve", "Photon OS per-release CVE JSON (cve_data_photonX.Y.json)", detect, parse};

}  // namespace dagda::importers::feeds
