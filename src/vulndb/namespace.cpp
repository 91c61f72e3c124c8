// The namespace rules live in the ecosystem table (ecosystem/table.cpp); these
// are the vulndb names for them.
#include "vulndb/namespace.hpp"

#include "ecosystem/ecosystem.hpp"

namespace dagda::vulndb {

std::string debian_release_number(std::string_view codename) { return eco::debian_release_number(codename); }
std::string ubuntu_release_number(std::string_view codename) { return eco::ubuntu_release_number(codename); }

std::string distro_namespace(std::string_view distro, std::string_view release) {
  return eco::distro_namespace(distro, release);
}

std::string ecosystem_namespace(std::string_view ecosystem) { return eco::ecosystem_namespace(ecosystem); }

std::string normalize_package(std::string_view ns, std::string_view name) { return eco::normalize_package(ns, name); }

const version::Comparator* comparator_for(std::string_view ns) {
  std::string_view name = eco::namespace_comparator(ns);
  return name.empty() ? nullptr : version::find_comparator(name);
}

}  // namespace dagda::vulndb
