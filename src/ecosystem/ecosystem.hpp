// ecosystem/ecosystem.hpp: what an ecosystem is, declared once. Every package
// ecosystem (the package managers of distros and of languages) and every
// distro is one row of ecosystem/table.cpp; the comparator, purl, namespace,
// name-normalising and rating rules everywhere else come from these rows.
//
// Adding an application ecosystem: its comparator (version/NAME.cpp, listed in
// version/registry.cpp) and its row in kEcosystems. Adding a distro: its row in
// kDistros (and a release rule in names.cpp when none of the existing fits).
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace dagda::eco {

// The stored and looked-up form of a package name in an advisory namespace.
using Normalizer = std::string (*)(std::string_view name);
// A release as os-release or a feed writes it ("12", "bookworm", "v3.10",
// "3.10.4", "el8") to the release part of a namespace ("12", "3.10", "8");
// "" when it cannot be read.
using ReleaseRule = std::string (*)(std::string_view release);

struct Ecosystem {
  std::string_view name;        // ours, as Package::ecosystem: "deb", "npm", "javascript", ...
  bool os = false;              // a distro package manager (deb, apk, rpm): matched by distro release
  std::string_view purl_type;   // "deb", "npm", "pypi", "maven", ...
  std::string_view comparator;  // the version comparator (version/registry.cpp)
  // Other names of the ecosystem: OSV ecosystems, purl types, feeds' words ("PyPI", "crates.io").
  std::span<const std::string_view> aliases;
  // Application ecosystems: the advisory namespace its packages are looked up
  // in ("" = no advisories are kept for it), and further namespaces consulted
  // for the same packages (npm packages also meet retire.js's "javascript" rows).
  std::string_view ns;
  std::span<const std::string_view> also_ns;
  Normalizer normalize = nullptr;  // stored/looked-up package name (nullptr = unchanged)
  // Sources whose severity rates this ecosystem's packages, preferred first.
  // Only sources that matched the package are ever used.
  std::span<const std::string_view> rating_sources;
  // OSV's name for it, whose all.zip `db update` downloads ("" = none).
  std::string_view osv;
  // Namespaces consulted for a package only when `ns` holds no row for it, and then as a
  // best effort: runtimes installed by hand meet NVD's CPE ranges ("nvd-cpe") unless
  // Dagda keeps advisories of the runtime's own (Node.js: node-core).
  std::span<const std::string_view> fallback_ns = {};
};

enum class DistroKey {
  source_package,  // Debian/Ubuntu source package, Alpine origin
  binary_package,  // RPM distros: the binary package name
};

// Whether a release with no advisories in the database may be matched against
// another release's as a best effort (match.release-fallback), and which.
enum class ReleaseFallback {
  never,       // releases do not share packages (Amazon 2 vs 2023, RHEL-like majors, rolling distros)
  same_major,  // only a release of the same major ("15.6" -> "15.5": SUSE service packs)
  nearest,     // the nearest release (Debian, Ubuntu, Alpine: each release continues the one before)
};

struct Distro {
  std::string_view id;            // namespace prefix: "debian", "ubuntu", "alpine", "redhat"
  std::string_view package_type;  // the Ecosystem::name of its packages: "deb", "apk", "rpm"
  // os-release IDs (and feed spellings) that mean this distro, ours first.
  std::span<const std::string_view> ids;
  // nullptr: Dagda keeps no advisories for this distro; its packages are
  // listed but not matched (and a scan says so).
  ReleaseRule release = nullptr;
  DistroKey key = DistroKey::source_package;
  std::span<const std::string_view> rating_sources;  // as Ecosystem::rating_sources
  std::string_view osv;                              // as Ecosystem::osv
  ReleaseFallback fallback = ReleaseFallback::never;
  // RHEL-like modularity (8 and later): a package built in a module stream is
  // keyed NAME@MODULE:STREAM (module_package), so that it meets only that
  // stream's advisories and a package outside modules never meets them.
  bool module_streams = false;
  // Advisories that may fix a package in another EVR per architecture (Oracle's ELSA
  // OVAL): such rows are keyed NAME#ARCH (arch_package) and a package is looked up
  // by its name and by NAME#<the image's architecture>.
  bool arch_rows = false;
};

// Every row, in table order.
std::span<const Ecosystem> ecosystems();
std::span<const Distro> distros();

// By our name or any alias, case-insensitively; a suffix after ':' (an OSV
// release qualifier such as "Debian:12") is ignored. nullptr when unknown.
const Ecosystem* find(std::string_view name);
// The ecosystem whose packages a purl of this type names (the first in table order:
// "npm" is npm, not javascript). nullptr when no ecosystem has that purl type.
const Ecosystem* from_purl_type(std::string_view type);
// By os-release ID or a feed's distro name ("rhel", "Red Hat", "centos"). nullptr when unknown.
const Distro* find_distro(std::string_view id);

bool is_os(std::string_view ecosystem);
// The purl type of a package ecosystem (its name when unknown, lower case).
std::string purl_type(std::string_view ecosystem);

// "debian:12", "ubuntu:18.04", "alpine:3.10", "redhat:8"; "" when the distro
// is unknown, not covered, or the release unreadable.
std::string distro_namespace(std::string_view distro, std::string_view release);
// An application ecosystem's namespace ("PyPI" -> "pypi"), or for an OSV
// distro ecosystem ("Debian:10", "Alpine:v3.16", "Ubuntu:Pro:18.04:LTS") the
// distro namespace. "" when unknown.
std::string ecosystem_namespace(std::string_view ecosystem);
// The package name as stored and looked up in a namespace.
std::string normalize_package(std::string_view ns, std::string_view name);
// The comparator name that decides versions in a namespace ("" when unknown).
std::string_view namespace_comparator(std::string_view ns);
// The key of a package in a namespace when it was built in a module stream
// ("ruby:2.6"): "NAME@ruby:2.6" where the namespace's distro keys module
// streams, else the package name unchanged. An empty stream: the name.
std::string module_package(std::string_view ns, std::string_view name, std::string_view module_stream);
// "ruby:2.6" of an rpm MODULARITYLABEL "ruby:2.6:8060020220628150300:d63f516d";
// the whole label when it has no second field.
std::string module_stream_of_label(std::string_view modularitylabel);
// "NAME#x86_64" where the namespace's distro keys per-architecture rows, else the
// name (also for an empty arch).
std::string arch_package(std::string_view ns, std::string_view name, std::string_view arch);
// The rpm architecture of an image platform ("amd64" -> "x86_64", "arm64" -> "aarch64");
// other names unchanged.
std::string rpm_arch(std::string_view platform_arch);
// The release fallback of a distro namespace's distro (never when unknown).
ReleaseFallback namespace_fallback(std::string_view ns);
// The rating preference of a namespace's ecosystem or distro (empty when unknown).
std::span<const std::string_view> namespace_rating_sources(std::string_view ns);

// Release codenames to numbers ("bookworm" -> "12", "bionic" -> "18.04"); "" when unknown.
std::string debian_release_number(std::string_view codename);
std::string ubuntu_release_number(std::string_view codename);

}  // namespace dagda::eco
