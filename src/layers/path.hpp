// layers/path.hpp: paths inside an image root. Every path is kept relative to
// the root with no leading slash, no "." or ".." parts and no doubled slashes.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace dagda {

// Normalises a path as stored in a layer tar ("./usr//bin/../lib/x" -> "usr/lib/x").
// A leading "/" is dropped (tar entries are relative to the root). nullopt when a
// ".." would climb above the root: such an entry is hostile and must be skipped.
std::optional<std::string> normalize_entry_path(std::string_view path);

// Looks up a symlink: returns its target when `path` (normalised) is a symlink.
using LinkLookup = std::function<std::optional<std::string>(std::string_view path)>;

// Resolves every symlink in `path` inside the image root, like the kernel would
// with the root as "/": absolute targets restart at the root and ".." stops at
// it, so a resolution can never leave the image. corrupt after 40 links (a loop).
Result<std::string> resolve_in_root(std::string_view path, const LinkLookup& lookup);

// "a/b/c" -> "a/b"; "c" -> "".
std::string_view parent_path(std::string_view path);

}  // namespace dagda
