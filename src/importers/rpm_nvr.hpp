// importers/rpm_nvr.hpp: "name-version-release" (as SUSE CVRF, Photon and the
// like write a package) split at its last two dashes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace dagda::importers::feeds {

struct Nvr {
  std::string name, evr;  // evr: "[epoch:]version-release"
};

// nullopt when there are not two dashes with something on each side.
std::optional<Nvr> split_nvr(std::string_view nvr);

}  // namespace dagda::importers::feeds
