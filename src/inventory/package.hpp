// inventory/package.hpp: what the catalogers find, and what every report prints.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dagda {

// Facts an rpm header carries that the combined version string would lose.
struct RpmFields {
  std::optional<int64_t> epoch;  // absent when the header has no EPOCH tag
  std::string version;           // VERSION
  std::string release;           // RELEASE
  std::string sourcerpm;         // SOURCERPM, e.g. "bash-4.2.46-34.el7.src.rpm"; empty for gpg-pubkey
  std::string modularitylabel;   // MODULARITYLABEL
  std::string vendor;            // VENDOR
};

struct Package {
  // "deb", "apk", "rpm" for OS packages; for application packages the comparator's name:
  // "maven", "pypi", "npm", "javascript" (a file retire.js recognises), "gem", "composer",
  // "golang", "cargo", "nuget".
  std::string ecosystem;
  std::string name;
  // The complete version in the ecosystem's own syntax, as its comparator takes it:
  // deb "1:2.36-9+deb12u4", apk "1.36.1-r2", rpm "[E:]V-R" (epoch only when the header has one).
  std::string version;
  std::string arch;
  std::string source_name;     // dpkg Source:, apk origin, rpm source package name
  std::string source_version;  // the source package's version when it differs or is known
  // As the package states it, not normalised, may be empty: dpkg the License short names of
  // usr/share/doc/NAME/copyright joined with " and " (catalog/deb_copyright.hpp), apk L:, rpm
  // License, the language metadata's license field. Reports normalise it (report/spdx_license.hpp).
  std::string license;
  std::optional<RpmFields> rpm;
  // What the dependency is for, where a lockfile or manifest says so: "dev", "test",
  // "optional", "dev-optional", "peer", or a Maven <scope> other than compile ("provided",
  // "runtime", "test"); empty for runtime dependencies and installed packages.
  std::string scope;

  // Where it came from.
  // The database file inside the image, e.g. "var/lib/dpkg/status"; for an application package
  // the file that declares it (a METADATA, package.json, binary, or the outermost archive).
  std::string path;
  int layer_index = -1;            // the layer that first introduced it at this version
  std::string layer;               // that layer's diff id
  std::string created_by;          // that layer's history entry, when the config has one
  std::vector<std::string> files;  // files the package owns, as the database lists them
  // Every file that declares this same package when more than one does (fs: sources: a
  // lockfile entry and the installed node_modules/NAME/package.json), `path` first. Empty
  // when `path` is the only one.
  std::vector<std::string> locations;

  // Application packages only.
  std::string sha1;  // hex SHA-1 of the archive (Java) or file (JavaScript) that holds it
  // For a package inside nested archives: the chain outer -> inner, starting with `path`
  // and then each archive's entry name inside the one before it. Empty otherwise.
  std::vector<std::string> parents;
  std::string cataloger;  // the cataloger that found it ("java", "python", ...); empty for OS packages

  // container: sources only: "added", "removed" or "modified" when the package changed in the
  // container since it started (installed, removed, upgraded, or a file it owns altered); empty otherwise.
  std::string drift;
};

// Scopes of dependencies that are not needed at run time (left out by --exclude-dev).
inline bool is_dev_scope(const std::string& scope) {
  return scope == "dev" || scope == "test" || scope == "dev-optional";
}

// True for the ecosystems of operating-system package managers (deb, apk, rpm).
bool is_os_ecosystem(std::string_view ecosystem);

// The operating system of the image, from /etc/os-release and friends.
struct OsInfo {
  std::string family;      // os-release ID: "debian", "ubuntu", "alpine", "centos", "rhel", "sles", ...
  std::string name;        // NAME
  std::string version_id;  // VERSION_ID, e.g. "12", "3.19.4", "7"
  std::string version;     // VERSION, free text
  std::string codename;    // VERSION_CODENAME or derived ("bookworm", "bionic")
  std::string pretty_name;
  std::vector<std::string> id_like;
  std::string source_file;  // the file it was read from
};

}  // namespace dagda
