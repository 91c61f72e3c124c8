// SPDX 2.3 JSON. The document DESCRIBES one package for the scanned source,
// which CONTAINS a package for its OS and one per installed package.
#include <map>
#include <set>

#include "common/digest.hpp"
#include "inventory/purl.hpp"
#include "report/common.hpp"
#include "report/spdx_license.hpp"
#include "report/writer.hpp"

namespace dagda {
namespace report {
namespace {

constexpr const char* kNoAssertion = "NOASSERTION";

// SPDX identifiers and namespace paths allow letters, digits, '.' and '-'.
std::string sanitize(std::string_view s, size_t max_len = 64) {
  std::string out;
  for (char c : s) {
    if (out.size() >= max_len) break;
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    out.push_back(ok ? c : '-');
  }
  return out;
}

// Identifiers are stable across runs: derived from the purl, numbered on a clash.
std::string unique_id(std::set<std::string>& used, const std::string& wanted) {
  std::string id = wanted;
  for (int n = 2; !used.insert(id).second; ++n) id = wanted + "-" + std::to_string(n);
  return id;
}

ordered_json base_package(const std::string& id, const std::string& name) {
  ordered_json p = ordered_json::object();
  p["SPDXID"] = id;
  p["name"] = name;
  return p;
}

void finish_package(ordered_json& p, const std::string& license_declared) {
  p["downloadLocation"] = kNoAssertion;
  p["filesAnalyzed"] = false;
  p["licenseConcluded"] = kNoAssertion;
  p["licenseDeclared"] = license_declared;
  p["copyrightText"] = kNoAssertion;
}

// Facts SPDX 2.3 has no field for, as annotations "NAME=VALUE" with the property names of our
// CycloneDX output (docs/formats.md), so that a reader of the document finds the same facts.
class Annotations {
 public:
  explicit Annotations(const ReportOptions& opts) : date_(timestamp(opts)), tool_("Tool: dagda-" + opts.tool_version) {}

  void add(ordered_json& annotations, const std::string& name, const std::string& value) const {
    if (value.empty()) return;
    annotations.push_back({{"annotationDate", date_},
                           {"annotationType", "OTHER"},
                           {"annotator", tool_},
                           {"comment", name + "=" + value}});
  }

 private:
  std::string date_, tool_;
};

ordered_json source_package(const SourceInfo& s, const std::string& id) {
  ordered_json p = base_package(id, source_display_name(s));
  if (!s.image_id.empty()) p["versionInfo"] = s.image_id;
  finish_package(p, kNoAssertion);
  std::string hex;
  if (parse_sha256_digest(s.image_id, &hex)) {
    p["checksums"] = ordered_json::array({{{"algorithm", "SHA256"}, {"checksumValue", hex}}});
  }
  p["primaryPackagePurpose"] = is_image_source(s) ? "CONTAINER" : "FILE";
  std::string comment = "source " + s.kind + " " + s.input;
  if (!s.layers.empty()) comment += "; " + std::to_string(s.layers.size()) + " layer(s)";
  for (const auto& l : s.layers) {
    comment += "; layer " + std::to_string(l.index) + " " + (l.diff_id.empty() ? l.digest : l.diff_id);
  }
  p["comment"] = comment;
  return p;
}

ordered_json os_package(const OsInfo& os, const std::string& id, const Annotations& notes) {
  ordered_json p = base_package(id, os.family);
  if (!os.version_id.empty()) p["versionInfo"] = os.version_id;
  finish_package(p, kNoAssertion);
  if (!os.pretty_name.empty()) p["description"] = os.pretty_name;
  p["primaryPackagePurpose"] = "OPERATING_SYSTEM";
  ordered_json annotations = ordered_json::array();
  notes.add(annotations, "dagda:os:family", os.family);
  notes.add(annotations, "dagda:os:version_id", os.version_id);
  notes.add(annotations, "dagda:os:codename", os.codename);
  notes.add(annotations, "dagda:os:name", os.name);
  notes.add(annotations, "dagda:os:version", os.version);
  for (const auto& like : os.id_like) notes.add(annotations, "dagda:os:id_like", like);
  notes.add(annotations, "dagda:os:source_file", os.source_file);
  if (!annotations.empty()) p["annotations"] = std::move(annotations);
  return p;
}

// LicenseRef- ids of the document, each with the license name it stands for.
using ExtractedLicenses = std::map<std::string, std::string>;

ordered_json package_package(const Package& pkg, const std::string& purl, const std::string& id,
                             const Annotations& notes, ExtractedLicenses& extracted) {
  ordered_json p = base_package(id, pkg.name);
  p["versionInfo"] = pkg.version;
  if (pkg.rpm && !pkg.rpm->vendor.empty()) p["supplier"] = "Organization: " + pkg.rpm->vendor;

  NormalizedLicense lic = normalize_license(pkg.license);
  finish_package(p, lic.empty() ? std::string(kNoAssertion) : lic.expression);
  for (const auto& ref : lic.refs) extracted.emplace(ref.id, ref.name);
  if (!lic.empty() && lic.expression != pkg.license) p["licenseComments"] = "Declared by the package as: " + pkg.license;
  if (!pkg.source_name.empty()) {
    std::string info = "built from source package " + pkg.source_name;
    if (!pkg.source_version.empty()) info += " " + pkg.source_version;
    p["sourceInfo"] = info;
  } else if (pkg.rpm && !pkg.rpm->sourcerpm.empty()) {
    p["sourceInfo"] = "built from " + pkg.rpm->sourcerpm;
  }
  p["externalRefs"] = ordered_json::array(
      {{{"referenceCategory", "PACKAGE-MANAGER"}, {"referenceType", "purl"}, {"referenceLocator", purl}}});
  p["primaryPackagePurpose"] = "LIBRARY";
  if (pkg.sha1.size() == 40)
    p["checksums"] = ordered_json::array({{{"algorithm", "SHA1"}, {"checksumValue", pkg.sha1}}});

  std::string comment = pkg.ecosystem + " package";
  if (!pkg.path.empty()) comment += " recorded in " + pkg.path;
  for (size_t i = 1; i < pkg.parents.size(); ++i) comment += " > " + pkg.parents[i];
  if (pkg.layer_index >= 0 || !pkg.layer.empty()) {
    comment += "; introduced by layer";
    if (pkg.layer_index >= 0) comment += " " + std::to_string(pkg.layer_index);
    if (!pkg.layer.empty()) comment += " " + pkg.layer;
  }
  if (!pkg.created_by.empty()) comment += " (" + pkg.created_by + ")";
  p["comment"] = comment;

  ordered_json annotations = ordered_json::array();
  notes.add(annotations, "dagda:package:ecosystem", pkg.ecosystem);
  notes.add(annotations, "dagda:package:arch", pkg.arch);
  notes.add(annotations, "dagda:package:source_name", pkg.source_name);
  notes.add(annotations, "dagda:package:source_version", pkg.source_version);
  notes.add(annotations, "dagda:package:path", pkg.path);
  for (size_t i = 1; i < pkg.locations.size(); ++i) notes.add(annotations, "dagda:package:location", pkg.locations[i]);
  notes.add(annotations, "dagda:package:scope", pkg.scope);
  notes.add(annotations, "dagda:package:cataloger", pkg.cataloger);
  if (pkg.rpm) {
    if (pkg.rpm->epoch) notes.add(annotations, "dagda:rpm:epoch", std::to_string(*pkg.rpm->epoch));
    notes.add(annotations, "dagda:rpm:version", pkg.rpm->version);
    notes.add(annotations, "dagda:rpm:release", pkg.rpm->release);
    notes.add(annotations, "dagda:rpm:sourcerpm", pkg.rpm->sourcerpm);
    notes.add(annotations, "dagda:rpm:modularitylabel", pkg.rpm->modularitylabel);
  }
  if (!annotations.empty()) p["annotations"] = std::move(annotations);
  return p;
}

ordered_json relationship(const std::string& from, const char* type, const std::string& to) {
  return {{"spdxElementId", from}, {"relationshipType", type}, {"relatedSpdxElement", to}};
}

Result<std::string> write_spdx(const Inventory& inv, const ReportOptions& opts) {
  return guarded("spdx", [&]() -> Result<std::string> {
    const OsInfo* os = inv.os ? &*inv.os : nullptr;
    const std::string name = source_display_name(inv.source);
    const std::string uuid = make_uuid(opts, "spdx\n" + inventory_fingerprint(inv));
    std::set<std::string> used = {"SPDXRef-DOCUMENT"};

    ordered_json doc = ordered_json::object();
    doc["spdxVersion"] = "SPDX-2.3";
    doc["dataLicense"] = "CC0-1.0";
    doc["SPDXID"] = "SPDXRef-DOCUMENT";
    doc["name"] = name;
    doc["documentNamespace"] = "https://spdx.org/spdxdocs/dagda-" + sanitize(name) + "-" + uuid;
    ordered_json creation = ordered_json::object();
    creation["created"] = timestamp(opts);
    creation["creators"] = ordered_json::array({"Tool: dagda-" + opts.tool_version});
    std::string comment;
    if (inv.partial) comment = "The source could not be read completely: some packages may be missing.";
    for (const Warning* w : sorted_warnings(inv))
      comment += (comment.empty() ? "" : "\n") + ("warning: " + w->render());
    if (!comment.empty()) creation["comment"] = comment;
    doc["creationInfo"] = std::move(creation);

    const Annotations notes(opts);
    ExtractedLicenses extracted;
    ordered_json packages = ordered_json::array();
    ordered_json relationships = ordered_json::array();
    const std::string root_id = unique_id(used, "SPDXRef-Source-" + sanitize(name));
    packages.push_back(source_package(inv.source, root_id));
    relationships.push_back(relationship("SPDXRef-DOCUMENT", "DESCRIBES", root_id));
    if (os) {
      std::string os_id =
          unique_id(used, "SPDXRef-OperatingSystem-" + sanitize(os->family + "-" + os->version_id));
      packages.push_back(os_package(*os, os_id, notes));
      relationships.push_back(relationship(root_id, "CONTAINS", os_id));
    }
    for (const Package* p : sorted_packages(inv)) {
      std::string purl = purl_for(*p, os);
      std::string id = unique_id(used, "SPDXRef-Package-" + sanitize(p->ecosystem, 16) + "-" +
                                           sanitize(p->name) + "-" + sha256_hex(purl).substr(0, 16));
      packages.push_back(package_package(*p, purl, id, notes, extracted));
      relationships.push_back(relationship(root_id, "CONTAINS", id));
    }
    if (!extracted.empty()) {
      // Each LicenseRef- used: dagda knows the name a package declared, not the license's text.
      ordered_json infos = ordered_json::array();
      for (const auto& [ref, license_name] : extracted) {
        infos.push_back({{"licenseId", ref},
                         {"extractedText", license_name},
                         {"name", license_name.substr(0, 200)},
                         {"comment", "The license as the package declares it; not an SPDX listed license. "
                                     "dagda carries its name, not its full text."}});
      }
      doc["hasExtractedLicensingInfos"] = std::move(infos);
    }
    doc["packages"] = std::move(packages);
    doc["relationships"] = std::move(relationships);
    return dump_json(doc);
  });
}

}  // namespace
}  // namespace report

namespace formats {
extern const SbomFormat spdx;
const SbomFormat spdx = {"spdx", "SPDX 2.3 JSON", report::write_spdx};
}  // namespace formats

}  // namespace dagda
