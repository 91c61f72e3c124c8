#include "source/sbom_document.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/fs.hpp"
#include "ecosystem/ecosystem.hpp"
#include "inventory/purl_parse.hpp"
#include "source/sources.hpp"

namespace dagda {
namespace {

using json = nlohmann::json;

constexpr uint64_t kMaxDocument = 64u << 20;
constexpr int kMaxDepth = 32;

std::string str(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// name -> first value of a CycloneDX properties array.
std::map<std::string, std::string> properties(const json& c) {
  std::map<std::string, std::string> out;
  auto it = c.find("properties");
  if (it == c.end() || !it->is_array()) return out;
  for (const auto& p : *it) {
    std::string n = str(p, "name");
    if (!n.empty() && !out.count(n)) out[n] = str(p, "value");
  }
  return out;
}

std::string prop(const std::map<std::string, std::string>& props, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (auto it = props.find(n); it != props.end() && !it->second.empty()) return it->second;
  return {};
}

// "debian-12", "alpine-3.19.4", "ubuntu-22.04", "rhel-9.3"; a bare version ("3.15.0", as Trivy writes
// for Alpine) or codename ("bookworm") names a release of the purl's namespace.
void distro_from_qualifier(const std::string& q, const std::string& ns, OsInfo& os) {
  if (!q.empty() && std::isdigit(static_cast<unsigned char>(q[0]))) {
    os.family = lower(ns);
    os.version_id = q;
    return;
  }
  size_t dash = q.rfind('-');
  while (dash != std::string::npos && !(dash + 1 < q.size() && std::isdigit(static_cast<unsigned char>(q[dash + 1]))))
    dash = dash == 0 ? std::string::npos : q.rfind('-', dash - 1);
  if (dash == std::string::npos) {
    os.family = lower(ns);
    os.codename = q;
    return;
  }
  os.family = lower(q.substr(0, dash));
  os.version_id = q.substr(dash + 1);
}

// The parts of a Debian/rpm version: [epoch:]version[-release].
std::string join_version(const std::string& epoch, const std::string& version, const std::string& release) {
  std::string v = version;
  if (!release.empty()) v += "-" + release;
  if (!epoch.empty() && epoch != "0") v = epoch + ":" + v;
  return v;
}

struct Tally {
  size_t components = 0, used = 0, no_purl = 0, no_version = 0;
  std::map<std::string, size_t> other_types;
};

struct Reader {
  std::string name;
  Inventory inv;
  Tally tally;
  std::map<std::pair<std::string, std::string>, size_t> distros;  // (purl namespace, distro qualifier) -> count
  std::optional<OsInfo> os;

  // A package from its purl and what the tool wrote beside it. False when it cannot be matched.
  bool add(const std::string& purl_text, const std::string& fallback_name, const std::string& fallback_version,
           const std::map<std::string, std::string>& props, const std::string& license,
           const std::string& source_info) {
    if (purl_text.empty()) {
      ++tally.no_purl;
      return false;
    }
    auto p = parse_purl(purl_text);
    if (!p) {
      ++tally.other_types["(not a purl)"];
      return false;
    }
    // Only packages Dagda can match: an OS package manager's, or an ecosystem with advisories.
    const eco::Ecosystem* eco_of = eco::from_purl_type(p->type);
    if (!eco_of || (!eco_of->os && eco_of->ns.empty())) {
      ++tally.other_types[p->type];
      return false;
    }
    Package pkg;
    pkg.ecosystem = std::string(eco_of->name);
    if (std::string e = prop(props, {"dagda:package:ecosystem"}); !e.empty()) pkg.ecosystem = e;
    pkg.name = package_name(*p);
    if (pkg.name.empty()) pkg.name = fallback_name;
    pkg.version = p->version.empty() ? fallback_version : p->version;
    if (pkg.version.empty()) {
      ++tally.no_version;
      return false;
    }
    if (auto a = p->qualifiers.find("arch"); a != p->qualifiers.end()) pkg.arch = a->second;
    if (pkg.arch.empty()) pkg.arch = prop(props, {"dagda:package:arch"});
    const bool rpm_versions = eco_of->comparator == "rpm";  // VERSION-RELEASE, the source in sourcerpm
    if (eco_of->os) {
      if (auto d = p->qualifiers.find("distro"); d != p->qualifiers.end()) ++distros[{p->ns, d->second}];
      std::string epoch = p->qualifiers.count("epoch") ? p->qualifiers.at("epoch") : "";
      if (rpm_versions) {
        RpmFields rf;
        size_t dash = pkg.version.rfind('-');
        rf.version = pkg.version.substr(0, dash);
        if (dash != std::string::npos) rf.release = pkg.version.substr(dash + 1);
        if (std::string e = epoch.empty() ? prop(props, {"dagda:rpm:epoch"}) : epoch; !e.empty()) {
          char* end = nullptr;
          long long v = std::strtoll(e.c_str(), &end, 10);
          if (end && *end == '\0') rf.epoch = v;
        }
        rf.sourcerpm = prop(props, {"dagda:rpm:sourcerpm"});
        rf.modularitylabel = prop(props, {"dagda:rpm:modularitylabel"});
        if (rf.epoch) pkg.version = std::to_string(*rf.epoch) + ":" + pkg.version;
        pkg.rpm = std::move(rf);
      } else if (!epoch.empty() && epoch != "0" && pkg.version.find(':') == std::string::npos) {
        pkg.version = epoch + ":" + pkg.version;
      }
      // The source package: our and Syft's `upstream` qualifier, else the tools' properties.
      if (auto u = p->qualifiers.find("upstream"); u != p->qualifiers.end() && !rpm_versions) {
        size_t at = u->second.find('@');
        pkg.source_name = u->second.substr(0, at);
        if (at != std::string::npos) pkg.source_version = u->second.substr(at + 1);
      }
      if (pkg.source_name.empty())
        pkg.source_name = prop(props, {"dagda:package:source_name", "aquasecurity:trivy:SrcName", "syft:metadata:source"});
      if (pkg.source_version.empty()) {
        pkg.source_version = prop(props, {"dagda:package:source_version", "syft:metadata:sourceVersion"});
        if (pkg.source_version.empty()) {
          std::string v = prop(props, {"aquasecurity:trivy:SrcVersion"});
          if (!v.empty())
            pkg.source_version = join_version(prop(props, {"aquasecurity:trivy:SrcEpoch"}), v,
                                              prop(props, {"aquasecurity:trivy:SrcRelease"}));
        }
      }
      if (pkg.source_name.empty() && !source_info.empty()) {
        // SPDX sourceInfo: "built from source package NAME VERSION" (ours), "built package from: NAME VERSION".
        std::string s = source_info;
        size_t from = s.find("from");
        if (from != std::string::npos) {
          s = s.substr(from + 4);
          if (s.starts_with(":")) s.erase(0, 1);
          size_t sp = s.find("source package ");
          if (sp != std::string::npos) s = s.substr(sp + 15);
          std::vector<std::string> words;
          size_t i = 0;
          while (i < s.size()) {
            while (i < s.size() && s[i] == ' ') ++i;
            size_t j = s.find(' ', i);
            if (j == std::string::npos) j = s.size();
            if (j > i) words.push_back(s.substr(i, j - i));
            i = j;
          }
          if (!words.empty() && !rpm_versions) {
            pkg.source_name = words[0];
            if (words.size() > 1) pkg.source_version = words[1];
          }
        }
      }
      // Our own convention: a source version is written only where it differs.
      if (!pkg.source_name.empty() && pkg.source_version.empty()) pkg.source_version = pkg.version;
      if (pkg.source_name.empty() && !rpm_versions) pkg.source_name = pkg.name;
    }
    pkg.license = license;
    pkg.path = prop(props, {"dagda:package:path", "aquasecurity:trivy:FilePath", "syft:location:0:path"});
    pkg.layer = prop(props, {"dagda:layer:diff_id", "aquasecurity:trivy:LayerDiffID", "syft:location:0:layerID"});
    if (std::string li = prop(props, {"dagda:layer:index"}); !li.empty())
      pkg.layer_index = std::atoi(li.c_str());
    pkg.created_by = prop(props, {"dagda:layer:created_by"});
    if (!eco_of->os) pkg.cataloger = "sbom";
    inv.packages.push_back(std::move(pkg));
    ++tally.used;
    return true;
  }

  void os_from(const std::string& family, const std::string& version, const std::map<std::string, std::string>& props,
               const std::string& description) {
    if (os || family.empty()) return;
    OsInfo o;
    o.family = lower(family);
    o.version_id = version;
    o.name = prop(props, {"dagda:os:name"});
    o.version = prop(props, {"dagda:os:version"});
    o.codename = prop(props, {"dagda:os:codename"});
    o.pretty_name = description;
    o.source_file = name;
    os = std::move(o);
  }

  std::string license_of(const json& c) {
    auto it = c.find("licenses");
    if (it == c.end() || !it->is_array()) return {};
    std::vector<std::string> parts;
    for (const auto& l : *it) {
      if (std::string e = str(l, "expression"); !e.empty()) parts.push_back(e);
      auto lic = l.find("license");
      if (lic != l.end()) {
        std::string v = str(*lic, "id");
        if (v.empty()) v = str(*lic, "name");
        if (!v.empty()) parts.push_back(v);
      }
    }
    if (parts.size() == 1) return parts[0];
    return fmt::format("{}", fmt::join(parts, " AND "));
  }

  void cyclonedx_component(const json& c, int depth) {
    if (!c.is_object() || depth > kMaxDepth) return;
    std::string type = str(c, "type");
    auto props = properties(c);
    if (type == "operating-system") {
      os_from(str(c, "name"), str(c, "version"), props, str(c, "description"));
    } else if (type != "container" && type != "file" && !(type == "application" && str(c, "purl").empty())) {
      ++tally.components;
      add(str(c, "purl"), str(c, "name"), str(c, "version"), props, license_of(c), "");
    }
    if (auto sub = c.find("components"); sub != c.end() && sub->is_array())
      for (const auto& s : *sub) cyclonedx_component(s, depth + 1);
  }

  Status cyclonedx(const json& doc) {
    std::string spec = str(doc, "specVersion");
    if (spec != "1.4" && spec != "1.5" && spec != "1.6")
      return Error(ErrorCode::unsupported,
                   fmt::format("CycloneDX {} is not supported (1.4, 1.5 and 1.6 are)", spec.empty() ? "?" : spec.substr(0, 20)),
                   {.file = name});
    if (auto meta = doc.find("metadata"); meta != doc.end() && meta->is_object()) {
      if (auto mc = meta->find("component"); mc != meta->end() && mc->is_object()) {
        auto props = properties(*mc);
        inv.source.image_id = prop(props, {"dagda:image:id"});
        inv.source.architecture = prop(props, {"dagda:image:architecture"});
        for (const auto& [k, v] : props)
          if (k == "dagda:image:tag") inv.source.tags.push_back(v);
        cyclonedx_component(*mc, 0);
      }
    }
    auto comps = doc.find("components");
    if (comps != doc.end() && !comps->is_array())
      return Error(ErrorCode::corrupt, "\"components\" is not an array", {.file = name});
    if (comps != doc.end())
      for (const auto& c : *comps) cyclonedx_component(c, 0);
    return ok_status();
  }

  Status spdx(const json& doc) {
    std::string v = str(doc, "spdxVersion");
    if (v != "SPDX-2.3" && v != "SPDX-2.2")
      return Error(ErrorCode::unsupported, fmt::format("{} is not supported (SPDX-2.2 and SPDX-2.3 are)", v.substr(0, 20)),
                   {.file = name});
    auto pkgs = doc.find("packages");
    if (pkgs == doc.end()) return ok_status();
    if (!pkgs->is_array()) return Error(ErrorCode::corrupt, "\"packages\" is not an array", {.file = name});
    for (const auto& p : *pkgs) {
      if (!p.is_object()) continue;
      std::string purpose = str(p, "primaryPackagePurpose");
      std::string purl;
      if (auto refs = p.find("externalRefs"); refs != p.end() && refs->is_array())
        for (const auto& r : *refs)
          if (lower(str(r, "referenceType")) == "purl") {
            purl = str(r, "referenceLocator");
            break;
          }
      if (purpose == "OPERATING_SYSTEM" || purpose == "OPERATING-SYSTEM") {
        os_from(str(p, "name"), str(p, "versionInfo"), {}, str(p, "description"));
        continue;
      }
      if (purpose == "CONTAINER" || purpose == "FILE" || (purl.starts_with("pkg:oci/") || purl.starts_with("pkg:docker/")))
        continue;
      ++tally.components;
      std::string license = str(p, "licenseDeclared");
      if (license == "NOASSERTION" || license == "NONE") license.clear();
      add(purl, str(p, "name"), str(p, "versionInfo"), {}, license, str(p, "sourceInfo"));
    }
    return ok_status();
  }
};

}  // namespace

Result<Inventory> read_sbom_document(std::string_view text, const std::string& name) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Error(ErrorCode::corrupt, "not valid JSON (a CycloneDX or SPDX JSON SBOM)", {.file = name});
  if (!doc.is_object()) return Error(ErrorCode::corrupt, "not a JSON object (a CycloneDX or SPDX JSON SBOM)", {.file = name});
  Reader r;
  r.name = name;
  if (str(doc, "bomFormat") == "CycloneDX") {
    DAGDA_TRY(r.cyclonedx(doc));
  } else if (doc.contains("spdxVersion")) {
    DAGDA_TRY(r.spdx(doc));
  } else {
    return Error(ErrorCode::unsupported,
                 "neither a CycloneDX document (\"bomFormat\": \"CycloneDX\") nor an SPDX one (\"spdxVersion\")",
                 {.file = name});
  }
  Inventory inv = std::move(r.inv);
  inv.source.kind = "sbom";
  if (r.os) {
    inv.os = std::move(r.os);
  } else if (!r.distros.empty()) {
    // The distro most OS packages name.
    auto best = std::max_element(r.distros.begin(), r.distros.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
    OsInfo os;
    distro_from_qualifier(best->first.second, best->first.first, os);
    os.source_file = name + " (purl distro qualifiers)";
    if (!os.family.empty()) inv.os = std::move(os);
  }
  const Tally& t = r.tally;
  size_t unusable = t.components - t.used;
  if (unusable > 0) {
    std::vector<std::string> why;
    if (t.no_purl) why.push_back(fmt::format("{} without a purl", t.no_purl));
    if (t.no_version) why.push_back(fmt::format("{} without a version", t.no_version));
    for (const auto& [type, n] : t.other_types) why.push_back(fmt::format("{} of purl type '{}'", n, type));
    inv.warnings.push_back({"sbom.unusable-components",
                            fmt::format("{} of {} components cannot be matched and were left out ({})", unusable,
                                        t.components, fmt::join(why, ", ")),
                            {.file = name}});
  }
  std::sort(inv.packages.begin(), inv.packages.end(), [](const Package& a, const Package& b) {
    return std::tie(a.ecosystem, a.name, a.version, a.arch) < std::tie(b.ecosystem, b.name, b.version, b.arch);
  });
  return inv;
}

Result<Image> open_sbom(const std::string& path, const SourceOptions&) {
  DAGDA_ASSIGN_OR_RETURN(std::string text, read_file(path, kMaxDocument));
  DAGDA_ASSIGN_OR_RETURN(Inventory inv, read_sbom_document(text, path));
  Image img;
  inv.source.input = "sbom:" + path;
  img.info = inv.source;
  img.inventory = std::make_shared<Inventory>(std::move(inv));
  return img;
}

}  // namespace dagda
