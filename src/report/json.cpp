// The dagda.sbom/v1 JSON document (docs/formats.md). Fields that are not known
// are left out rather than written empty; the order of keys and packages is fixed.
#include "inventory/purl.hpp"
#include "report/common.hpp"
#include "report/parts.hpp"
#include "report/spdx_license.hpp"
#include "report/writer.hpp"

namespace dagda {
namespace report {
namespace {

void put_if(ordered_json& obj, const char* key, const std::string& value) {
  if (!value.empty()) obj[key] = value;
}

}  // namespace

ordered_json source_json(const SourceInfo& s) {
  ordered_json j = ordered_json::object();
  j["input"] = s.input;
  j["kind"] = s.kind;
  put_if(j, "image_id", s.image_id);
  put_if(j, "manifest_digest", s.manifest_digest);
  j["tags"] = s.tags;
  put_if(j, "os", s.os);
  put_if(j, "architecture", s.architecture);
  put_if(j, "variant", s.variant);
  ordered_json layers = ordered_json::array();
  for (const auto& l : s.layers) {
    ordered_json lj = ordered_json::object();
    lj["index"] = l.index;
    put_if(lj, "digest", l.digest);
    put_if(lj, "diff_id", l.diff_id);
    put_if(lj, "media_type", l.media_type);
    lj["size"] = l.size;
    put_if(lj, "created_by", l.created_by);
    layers.push_back(std::move(lj));
  }
  j["layers"] = std::move(layers);
  return j;
}

ordered_json os_json(const std::optional<OsInfo>& os) {
  if (!os) return nullptr;
  ordered_json j = ordered_json::object();
  j["family"] = os->family;
  put_if(j, "name", os->name);
  put_if(j, "version_id", os->version_id);
  put_if(j, "version", os->version);
  put_if(j, "codename", os->codename);
  put_if(j, "pretty_name", os->pretty_name);
  if (!os->id_like.empty()) j["id_like"] = os->id_like;
  put_if(j, "source_file", os->source_file);
  return j;
}

ordered_json package_json(const Package& p, const OsInfo* os) {
  ordered_json j = ordered_json::object();
  j["name"] = p.name;
  j["version"] = p.version;
  j["ecosystem"] = p.ecosystem;
  j["purl"] = purl_for(p, os);
  put_if(j, "arch", p.arch);
  put_if(j, "source_name", p.source_name);
  put_if(j, "source_version", p.source_version);
  put_if(j, "license", p.license);
  if (!p.license.empty()) put_if(j, "license_spdx", normalize_license(p.license).expression);
  put_if(j, "scope", p.scope);
  if (p.rpm) {
    ordered_json r = ordered_json::object();
    if (p.rpm->epoch) r["epoch"] = *p.rpm->epoch;
    r["version"] = p.rpm->version;
    r["release"] = p.rpm->release;
    put_if(r, "sourcerpm", p.rpm->sourcerpm);
    put_if(r, "modularitylabel", p.rpm->modularitylabel);
    put_if(r, "vendor", p.rpm->vendor);
    j["rpm"] = std::move(r);
  }
  put_if(j, "layer", p.layer);
  if (p.layer_index >= 0) j["layer_index"] = p.layer_index;
  put_if(j, "created_by", p.created_by);
  put_if(j, "path", p.path);
  if (!p.locations.empty()) j["locations"] = p.locations;
  if (!p.parents.empty()) j["parents"] = p.parents;
  put_if(j, "sha1", p.sha1);
  put_if(j, "drift", p.drift);
  return j;
}

ordered_json warning_json(const Warning& w) {
  ordered_json j = ordered_json::object();
  j["code"] = w.code;
  j["message"] = w.message;
  put_if(j, "file", w.where.file);
  put_if(j, "layer", w.where.layer);
  if (w.where.line) j["line"] = *w.where.line;
  if (w.where.offset) j["offset"] = *w.where.offset;
  return j;
}

namespace {

ordered_json document(const Inventory& inv, const ReportOptions* opts) {
  const OsInfo* os = inv.os ? &*inv.os : nullptr;
  ordered_json doc = ordered_json::object();
  doc["schema"] = "dagda.sbom/v1";
  if (opts) doc["tool"] = {{"name", "dagda"}, {"version", opts->tool_version}};
  doc["source"] = source_json(inv.source);
  doc["os"] = os_json(inv.os);
  ordered_json pkgs = ordered_json::array();
  for (const Package* p : sorted_packages(inv)) pkgs.push_back(package_json(*p, os));
  doc["packages"] = std::move(pkgs);
  ordered_json warnings = ordered_json::array();
  for (const Warning* w : sorted_warnings(inv)) warnings.push_back(warning_json(*w));
  doc["warnings"] = std::move(warnings);
  doc["partial"] = inv.partial;
  return doc;
}

Result<std::string> write_json(const Inventory& inv, const ReportOptions& opts) {
  return guarded("json", [&]() -> Result<std::string> { return dump_json(document(inv, &opts)); });
}

}  // namespace

// Without the tool version, so that a serial number depends on the content only.
std::string inventory_fingerprint(const Inventory& inv) {
  return dump_json(document(inv, nullptr));
}

}  // namespace report

namespace formats {
extern const SbomFormat json;
const SbomFormat json = {"json", "Dagda's own JSON (schema dagda.sbom/v1)", report::write_json};
}  // namespace formats

}  // namespace dagda
