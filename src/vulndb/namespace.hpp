// vulndb/namespace.hpp: how advisories are keyed. A namespace is a distro
// release ("debian:12", "ubuntu:18.04", "alpine:3.10", "redhat:8") or an
// application ecosystem named as our comparators are ("npm", "pypi", "maven",
// "gem", "composer", "golang", "cargo", "nuget"). Importers and the matcher use
// the same functions, so a key written by one is found by the other.
#pragma once

#include <string>
#include <string_view>

#include "version/comparator.hpp"

namespace dagda::vulndb {

// A distro and a release as any feed or os-release writes them ("Debian",
// "bookworm"; "ubuntu", "bionic"; "alpine", "v3.10" or "3.10.4"; "rhel", "8.2")
// to its namespace. "" when the distro is unknown or the release cannot be read.
std::string distro_namespace(std::string_view distro, std::string_view release);

// An OSV ecosystem ("PyPI", "crates.io", "Debian:10", "Alpine:v3.16",
// "Ubuntu:22.04:LTS", ...) or one of our ecosystem names to its namespace.
// "" when unknown.
std::string ecosystem_namespace(std::string_view ecosystem);

// The package name as stored and looked up: PEP 503 for pypi, lower case for
// composer and nuget, "group:artifact" for maven; others unchanged.
std::string normalize_package(std::string_view ns, std::string_view name);

// The comparator that decides versions in a namespace; nullptr when unknown.
const version::Comparator* comparator_for(std::string_view ns);

// Release codenames to numbers and back ("bookworm" <-> "12", "bionic" <-> "18.04").
std::string debian_release_number(std::string_view codename);
std::string ubuntu_release_number(std::string_view codename);

}  // namespace dagda::vulndb
