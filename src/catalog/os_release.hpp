// catalog/os_release.hpp: which operating system an image holds.
#pragma once

#include <optional>
#include <string_view>

#include "common/diagnostics.hpp"
#include "inventory/package.hpp"
#include "layers/file_view.hpp"

namespace dagda {

// The files detect_os reads; the walker keeps them.
bool os_release_wants(std::string_view path);

// Reads, in this order of trust: etc/os-release, usr/lib/os-release, etc/lsb-release,
// etc/alpine-release, the Red Hat style release files (most specific first, then
// etc/redhat-release and etc/system-release), and last etc/debian_version, so that an
// Ubuntu without os-release is not taken for Debian.
// nullopt when none says anything usable.
std::optional<OsInfo> detect_os(const FileView& fs, Diagnostics& diag);

}  // namespace dagda
