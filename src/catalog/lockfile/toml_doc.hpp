// catalog/lockfile/toml_doc.hpp: parsing a TOML lockfile (poetry.lock, Cargo.lock)
// with toml++, with the size and nesting checks every lockfile gets.
#pragma once

#include <toml++/toml.h>

#include "catalog/lockfile/common.hpp"

namespace dagda::lockfile {

Result<toml::table> parse_toml(const std::string& path, std::string_view content);

// The string at `key` in `t`, or "" when absent or not a string.
std::string toml_string(const toml::table& t, std::string_view key);

}  // namespace dagda::lockfile
