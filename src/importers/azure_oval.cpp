// Azure Linux / CBL-Mariner OVAL (github.com/microsoft/AzureLinuxVulnerabilityData:
// cbl-mariner-1.0-oval.xml, cbl-mariner-2.0-oval.xml, azurelinux-3.0-oval.xml):
// one definition per (CVE, package) with "Package P is earlier than E:V-R"
// (fixed) or, when no fix is published (<patchable>false</patchable>),
// "Package P is installed with version V or earlier" (every version up to V
// affected: an OSV range with last_affected). The release (azurelinux:2.0)
// comes from the file name, else from the EVRs' dist tag (.cm2, .azl3).
#include <regex>

#include "importers/oval_rpminfo.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

int detect(std::string_view path, std::string_view head) {
  (void)path;
  std::string_view h = skip_space(head);
  if (!h.starts_with("<") || h.find("<oval_definitions") == std::string_view::npos) return 0;
  if (h.find("com.microsoft.cbl-mariner") != std::string_view::npos ||
      h.find("com.microsoft.azurelinux") != std::string_view::npos)
    return 3;
  return 0;
}

std::string release_of(const Entry& entry, const std::vector<oval::Definition>& defs) {
  static const std::regex kName(R"((?:cbl-mariner|azurelinux)-(\d+\.\d+))");
  static const std::regex kTag(R"(\.(?:cm|azl)(\d+)$)");
  std::smatch m;
  std::string base(base_name(entry.path));
  if (std::regex_search(base, m, kName)) return m[1];
  for (auto& d : defs)
    for (auto& f : d.fixes)
      if (std::regex_search(f.evr, m, kTag)) return m[1].str() + ".0";
  return "";
}

Status parse(const Entry& entry, vulndb::Sink& sink, Diagnostics& diag) {
  DAGDA_ASSIGN_OR_RETURN(auto defs, oval::read(entry, "Azure Linux"));
  std::string ns = entry.release.empty() ? vulndb::distro_namespace("azurelinux", release_of(entry, defs))
                                         : vulndb::distro_namespace("azurelinux", entry.release.substr(entry.release.find(':') + 1));
  if (ns.empty() && !defs.empty())
    return entry_error(entry, "cannot tell the Azure Linux release (not in the file name nor the EVRs); import with --release azurelinux:X.Y",
                       {}, ErrorCode::invalid_input);
  sink.source("azurelinux");
  for (auto& d : defs) {
    std::string cve = d.cves.empty() ? "" : d.cves.front();
    if (cve.empty()) {
      diag.warn("azure-oval.no-cve", d.id + ": a definition without a CVE reference; skipped", where(entry, d.line));
      continue;
    }
    vulndb::Vulnerability v;
    v.id = cve;
    v.summary = d.title;
    v.description = d.description;
    v.severity = vulndb::normalize_severity(d.severity);
    v.published = d.issued;
    v.scope = {"azurelinux"};
    for (auto& r : d.references)
      if (!r.url.empty()) v.references.push_back(r.url);
    std::string severity = v.severity, published = v.published;
    sink.add(std::move(v));
    for (auto& f : d.fixes) {
      vulndb::Affected a;
      a.advisory_id = cve;
      a.vuln_id = cve;
      a.ns = ns;
      a.package = vulndb::normalize_package(ns, f.package);
      a.severity = severity;
      a.published = published;
      if (f.inclusive) {
        a.status = vulndb::AffectedStatus::affected;
        a.ranges.push_back(version::OsvRange{"ECOSYSTEM", {{version::OsvEvent::introduced, "0"},
                                                           {version::OsvEvent::last_affected, f.evr}}});
        a.note = "no fix published; affected up to " + f.evr;
      } else {
        a.status = vulndb::AffectedStatus::fixed;
        a.fixed_version = f.evr;
      }
      sink.add(std::move(a));
    }
  }
  return ok_status();
}

}  // namespace

extern const ImporterInfo azure_oval;
const ImporterInfo azure_oval{"azure-oval", "Azure Linux / CBL-Mariner OVAL (fixed or last affected rpm per CVE)",
                              detect, parse};

}  // namespace dagda::importers::feeds
