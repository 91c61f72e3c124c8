// CycloneDX 1.6 JSON. The scanned image is metadata.component (type container,
// or file for a root filesystem), the OS one component of type operating-system,
// each package a library with its purl; facts CycloneDX has no field for are
// properties in the "dagda:" namespace (docs/formats.md lists them).
#include <algorithm>
#include <set>

#include "common/digest.hpp"
#include "inventory/purl.hpp"
#include "report/common.hpp"
#include "report/parts.hpp"
#include "report/spdx_license.hpp"
#include "report/writer.hpp"

namespace dagda {
namespace report {
namespace {

void add_property(ordered_json& props, std::string name, const std::string& value) {
  if (value.empty()) return;
  props.push_back({{"name", std::move(name)}, {"value", value}});
}

// The package's license: one listed id as {license: {id}}, a name SPDX does not list as
// {license: {name}}, a conjunction of such as one entry each, and anything else (OR, WITH) as
// one SPDX expression, where a license SPDX does not list is a LicenseRef- (docs/formats.md).
ordered_json licenses_json(const std::string& declared) {
  NormalizedLicense lic = normalize_license(declared);
  if (lic.empty()) return nullptr;
  auto one = [](const NormalizedLicense::Term& t) -> ordered_json {
    ordered_json l = ordered_json::object();
    if (t.listed)
      l["id"] = t.text;
    else
      l["name"] = t.text;
    l["acknowledgement"] = "declared";
    return {{"license", std::move(l)}};
  };
  bool simple_terms = std::none_of(lic.terms.begin(), lic.terms.end(),
                                   [](const NormalizedLicense::Term& t) { return t.compound; });
  if (simple_terms) {
    ordered_json out = ordered_json::array();
    for (const auto& t : lic.terms) out.push_back(one(t));
    return out;
  }
  return ordered_json::array({{{"expression", lic.expression}, {"acknowledgement", "declared"}}});
}

ordered_json source_component(const SourceInfo& s, const OsInfo* os, const std::string& ref) {
  ordered_json c = ordered_json::object();
  c["type"] = is_image_source(s) ? "container" : "file";
  c["bom-ref"] = ref;
  c["name"] = source_display_name(s);
  if (!s.image_id.empty()) c["version"] = s.image_id;
  std::string hex;
  if (parse_sha256_digest(s.image_id, &hex)) {
    c["hashes"] = ordered_json::array({{{"alg", "SHA-256"}, {"content", hex}}});
  }
  ordered_json props = ordered_json::array();
  add_property(props, "dagda:source:input", s.input);
  add_property(props, "dagda:source:kind", s.kind);
  add_property(props, "dagda:image:id", s.image_id);
  add_property(props, "dagda:image:manifest_digest", s.manifest_digest);
  for (const auto& t : s.tags) add_property(props, "dagda:image:tag", t);
  add_property(props, "dagda:image:os", s.os);
  add_property(props, "dagda:image:architecture", s.architecture);
  add_property(props, "dagda:image:variant", s.variant);
  if (os) {
    // The distro and release, for a reader that matches this BOM without the image (scan sbom:).
    add_property(props, "dagda:os:family", os->family);
    add_property(props, "dagda:os:version_id", os->version_id);
    add_property(props, "dagda:os:codename", os->codename);
  }
  for (const auto& l : s.layers) {
    std::string prefix = "dagda:image:layer:" + std::to_string(l.index) + ":";
    add_property(props, prefix + "digest", l.digest);
    add_property(props, prefix + "diff_id", l.diff_id);
    add_property(props, prefix + "media_type", l.media_type);
    add_property(props, prefix + "size", std::to_string(l.size));
    add_property(props, prefix + "created_by", l.created_by);
  }
  if (!props.empty()) c["properties"] = std::move(props);
  return c;
}

ordered_json os_component(const OsInfo& os, const std::string& ref) {
  ordered_json c = ordered_json::object();
  c["type"] = "operating-system";
  c["bom-ref"] = ref;
  c["name"] = os.family;
  if (!os.version_id.empty()) c["version"] = os.version_id;
  if (!os.pretty_name.empty()) c["description"] = os.pretty_name;
  ordered_json props = ordered_json::array();
  add_property(props, "dagda:os:family", os.family);
  add_property(props, "dagda:os:version_id", os.version_id);
  add_property(props, "dagda:os:name", os.name);
  add_property(props, "dagda:os:version", os.version);
  add_property(props, "dagda:os:codename", os.codename);
  for (const auto& like : os.id_like) add_property(props, "dagda:os:id_like", like);
  add_property(props, "dagda:os:source_file", os.source_file);
  if (!props.empty()) c["properties"] = std::move(props);
  return c;
}

ordered_json package_component(const Package& p, const std::string& purl, const std::string& ref) {
  ordered_json c = ordered_json::object();
  c["type"] = "library";
  c["bom-ref"] = ref;
  if (p.rpm && !p.rpm->vendor.empty()) c["publisher"] = p.rpm->vendor;
  c["name"] = p.name;
  c["version"] = p.version;
  if (is_dev_scope(p.scope)) {
    c["scope"] = "excluded";  // CycloneDX: not needed at run time (development, test)
  } else if (p.scope == "optional") {
    c["scope"] = "optional";
  }
  ordered_json lic = licenses_json(p.license);
  if (!lic.is_null()) c["licenses"] = std::move(lic);
  c["purl"] = purl;
  if (p.sha1.size() == 40) c["hashes"] = ordered_json::array({{{"alg", "SHA-1"}, {"content", p.sha1}}});
  ordered_json props = ordered_json::array();
  add_property(props, "dagda:package:ecosystem", p.ecosystem);
  add_property(props, "dagda:package:arch", p.arch);
  add_property(props, "dagda:package:source_name", p.source_name);
  add_property(props, "dagda:package:source_version", p.source_version);
  add_property(props, "dagda:package:path", p.path);
  for (size_t i = 1; i < p.locations.size(); ++i) add_property(props, "dagda:package:location", p.locations[i]);
  add_property(props, "dagda:package:scope", p.scope);
  add_property(props, "dagda:package:license", p.license);
  add_property(props, "dagda:package:cataloger", p.cataloger);
  for (size_t i = 1; i < p.parents.size(); ++i) add_property(props, "dagda:package:nested_in", p.parents[i]);
  add_property(props, "dagda:layer:diff_id", p.layer);
  if (p.layer_index >= 0) add_property(props, "dagda:layer:index", std::to_string(p.layer_index));
  add_property(props, "dagda:layer:created_by", p.created_by);
  if (p.rpm) {
    if (p.rpm->epoch) add_property(props, "dagda:rpm:epoch", std::to_string(*p.rpm->epoch));
    add_property(props, "dagda:rpm:version", p.rpm->version);
    add_property(props, "dagda:rpm:release", p.rpm->release);
    add_property(props, "dagda:rpm:sourcerpm", p.rpm->sourcerpm);
    add_property(props, "dagda:rpm:modularitylabel", p.rpm->modularitylabel);
  }
  if (!props.empty()) c["properties"] = std::move(props);
  return c;
}

// bom-refs must be unique; two records may share a purl (the same package in
// two databases), so later ones get a numbered suffix.
std::string unique_ref(std::set<std::string>& used, const std::string& wanted) {
  std::string ref = wanted;
  for (int n = 2; !used.insert(ref).second; ++n) ref = wanted + "#" + std::to_string(n);
  return ref;
}

bool is_os_package(const Package& p) {
  return is_os_ecosystem(p.ecosystem);
}

}  // namespace

CycloneDxBom cyclonedx_bom(const Inventory& inv, const ReportOptions& opts, std::string_view serial_seed) {
  const OsInfo* os = inv.os ? &*inv.os : nullptr;
  std::set<std::string> used;
  CycloneDxBom bom;
  ordered_json& doc = bom.doc;
  doc["bomFormat"] = "CycloneDX";
  doc["specVersion"] = "1.6";
  doc["serialNumber"] = "urn:uuid:" + make_uuid(opts, serial_seed);
  doc["version"] = 1;

  const std::string root_ref = unique_ref(used, "dagda:source");
  ordered_json tool = {{"type", "application"}, {"name", "dagda"}, {"version", opts.tool_version}};
  doc["metadata"] = {{"timestamp", timestamp(opts)},
                     {"tools", {{"components", ordered_json::array({tool})}}},
                     {"component", source_component(inv.source, os, root_ref)}};

  ordered_json components = ordered_json::array();
  std::string os_ref;
  if (os) {
    os_ref =
        unique_ref(used, "dagda:os:" + os->family + (os->version_id.empty() ? "" : "@" + os->version_id));
    components.push_back(os_component(*os, os_ref));
  }
  std::vector<std::string> os_pkg_refs, other_refs;
  for (const Package* p : sorted_packages(inv)) {
    std::string purl = purl_for(*p, os);
    std::string ref = unique_ref(used, purl);
    components.push_back(package_component(*p, purl, ref));
    (os && is_os_package(*p) ? os_pkg_refs : other_refs).push_back(ref);
    bom.refs.emplace(p, ref);
  }
  doc["components"] = std::move(components);

  // The image holds its OS and whatever is not an OS package; the OS holds its packages.
  ordered_json root_deps = ordered_json::array();
  if (os) root_deps.push_back(os_ref);
  for (auto& r : other_refs) root_deps.push_back(r);
  ordered_json deps = ordered_json::array();
  deps.push_back({{"ref", root_ref}, {"dependsOn", std::move(root_deps)}});
  if (os) deps.push_back({{"ref", os_ref}, {"dependsOn", os_pkg_refs}});
  doc["dependencies"] = std::move(deps);

  ordered_json props = ordered_json::array();
  props.push_back({{"name", "dagda:partial"}, {"value", inv.partial ? "true" : "false"}});
  for (const Warning* w : sorted_warnings(inv)) add_property(props, "dagda:warning", w->render());
  doc["properties"] = std::move(props);
  return bom;
}

namespace {

Result<std::string> write_cyclonedx(const Inventory& inv, const ReportOptions& opts) {
  return guarded("cyclonedx", [&]() -> Result<std::string> {
    return dump_json(cyclonedx_bom(inv, opts, "cyclonedx\n" + inventory_fingerprint(inv)).doc);
  });
}

}  // namespace
}  // namespace report

namespace formats {
extern const SbomFormat cyclonedx;
const SbomFormat cyclonedx = {"cyclonedx", "CycloneDX 1.6 JSON", report::write_cyclonedx};
}  // namespace formats

}  // namespace dagda
