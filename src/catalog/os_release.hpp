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

// Reads etc/os-release, usr/lib/os-release, etc/alpine-release, etc/debian_version,
// etc/redhat-release, etc/system-release, etc/lsb-release (in that order of trust).
// nullopt when none says anything usable.
std::optional<OsInfo> detect_os(const FileView& fs, Diagnostics& diag);

}  // namespace dagda
