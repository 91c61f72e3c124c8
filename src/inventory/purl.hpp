// inventory/purl.hpp: package URLs as the purl specification defines them.
#pragma once

#include <string>

#include "inventory/package.hpp"

namespace dagda {

// pkg:deb/debian/NAME@VERSION?arch=ARCH&distro=debian-12 (percent-encoded per the spec);
// pkg:apk/alpine/...; pkg:rpm/centos/NAME@V-R?arch=..&epoch=..&distro=..
std::string purl_for(const Package& pkg, const OsInfo* os);

}  // namespace dagda
