// Package URLs as the purl specification (ECMA-427) builds them: type, namespace,
// name, version, then the qualifiers sorted by key, each component percent-encoded.
#include "inventory/purl.hpp"

#include "ecosystem/ecosystem.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace dagda {
namespace {

// The spec leaves unencoded only the alphanumerics, the punctuation ".-_~" and
// the colon; every other octet (including '+', '@', '/', '%', space and
// non-ASCII UTF-8 bytes) becomes a %XX triplet.
std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (std::isalnum(c) && c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c == '.' || c == '-' || c == '_' || c == '~' || c == ':') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "debian-12", "alpine-3.19.4", "centos-7"; the codename when the OS has no
// VERSION_ID (Debian testing and sid), nothing when neither is known.
std::string distro_qualifier(const OsInfo* os) {
  if (!os || os->family.empty()) return {};
  const std::string& v = !os->version_id.empty() ? os->version_id : os->codename;
  if (v.empty()) return {};
  return lower(os->family) + "-" + v;
}

struct RpmVersion {
  std::string epoch;  // empty when absent
  std::string version_release;
};

// The purl of an rpm carries V-R as its version and the epoch as a qualifier.
RpmVersion split_rpm_version(const Package& pkg) {
  if (pkg.rpm) {
    RpmVersion r;
    if (pkg.rpm->epoch) r.epoch = std::to_string(*pkg.rpm->epoch);
    r.version_release = pkg.rpm->version;
    if (!pkg.rpm->release.empty()) r.version_release += "-" + pkg.rpm->release;
    return r;
  }
  // Only the combined "[E:]V-R" string is known.
  std::string_view v = pkg.version;
  size_t colon = v.find(':');
  if (colon != std::string_view::npos && colon > 0 &&
      std::all_of(v.begin(), v.begin() + colon, [](char c) { return c >= '0' && c <= '9'; })) {
    return {std::string(v.substr(0, colon)), std::string(v.substr(colon + 1))};
  }
  return {"", std::string(v)};
}

std::string default_namespace(std::string_view type) {
  if (type == "deb") return "debian";
  if (type == "apk") return "alpine";
  return {};
}

// Splits an application package's name into purl namespace and name, per type.
std::pair<std::string, std::string> split_name(const std::string& type, const std::string& name) {
  auto at_last = [&](char sep) -> std::pair<std::string, std::string> {
    size_t i = name.rfind(sep);
    if (i == std::string::npos || i == 0 || i + 1 == name.size()) return {"", name};
    return {name.substr(0, i), name.substr(i + 1)};
  };
  if (type == "maven") return at_last(':');                         // group:artifact
  if (type == "npm" && name.starts_with('@')) return at_last('/');  // @scope/name
  if (type == "composer" || type == "golang") return at_last('/');  // vendor/name, module path
  if (type == "pypi") return {"", lower(name)};
  return {"", name};
}

// Each '/'-separated segment of a namespace is encoded on its own.
std::string encode_namespace(std::string_view ns) {
  std::string out;
  for (;;) {
    size_t slash = ns.find('/');
    out += percent_encode(ns.substr(0, slash));
    if (slash == std::string_view::npos) return out;
    out += '/';
    ns.remove_prefix(slash + 1);
  }
}

}  // namespace

std::string purl_for(const Package& pkg, const OsInfo* os) {
  const std::string type = eco::purl_type(pkg.ecosystem);
  const bool is_os_type = eco::is_os(pkg.ecosystem);

  std::string ns;
  // deb and apk names are case-insensitive and normalised to lower case; rpm names are not.
  std::string name = (type == "deb" || type == "apk") ? lower(pkg.name) : pkg.name;
  if (is_os_type) {
    ns = os && !os->family.empty() ? lower(os->family) : default_namespace(type);
  } else {
    std::tie(ns, name) = split_name(type, pkg.name);
  }

  std::string version = pkg.version;
  std::vector<std::pair<std::string, std::string>> qualifiers;
  if (!pkg.arch.empty()) qualifiers.emplace_back("arch", pkg.arch);
  if (is_os_type) qualifiers.emplace_back("distro", distro_qualifier(os));
  if (type == "rpm") {
    RpmVersion rv = split_rpm_version(pkg);
    version = std::move(rv.version_release);
    qualifiers.emplace_back("epoch", std::move(rv.epoch));
  }
  if ((type == "deb" || type == "apk") && !pkg.source_name.empty()) {
    // The source package, where it is not the binary package itself.
    std::string upstream;
    if (pkg.source_name != pkg.name) upstream = pkg.source_name;
    if (!pkg.source_version.empty() && pkg.source_version != pkg.version) {
      upstream = pkg.source_name + "@" + pkg.source_version;
    }
    qualifiers.emplace_back("upstream", std::move(upstream));
  }

  std::string out = "pkg:" + type + "/";
  if (!ns.empty()) {
    out += encode_namespace(ns);
    out += '/';
  }
  out += percent_encode(name);
  if (!version.empty()) {
    out += '@';  // appended in two steps: GCC 12 -O3 gives a false -Wrestrict on "@" + string
    out += percent_encode(version);
  }

  std::vector<std::string> encoded;
  for (auto& [key, value] : qualifiers) {
    if (value.empty()) continue;
    encoded.push_back(key + "=" + percent_encode(value));
  }
  std::sort(encoded.begin(), encoded.end());
  for (size_t i = 0; i < encoded.size(); ++i) {
    out += (i == 0 ? "?" : "&");
    out += encoded[i];
  }
  return out;
}

}  // namespace dagda
