// importers/suse_cvrf.hpp: the namespace a SUSE CVRF product name stands for.
#pragma once

#include <string>
#include <string_view>

namespace dagda::importers::feeds {

// "SUSE Linux Enterprise Server 15 SP1" -> "sles:15.1", "openSUSE Leap 15.0" ->
// "opensuse-leap:15.0"; "" for a product that is not a distro release.
std::string suse_product_namespace(std::string_view product);

}  // namespace dagda::importers::feeds
