// common/fs.hpp: host file helpers. These touch only paths the user named or
// Dagda's own cache and data directories.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace dagda {

// Reads a whole host file; fails cleanly when it is larger than `limit`.
Result<std::string> read_file(const std::string& path, uint64_t limit = 1ull << 30);

// Writes through a temporary file in the same directory and renames it into place.
Status write_file_atomic(const std::string& path, std::string_view bytes);

// $DAGDA_CACHE_DIR, else $XDG_CACHE_HOME/dagda, else ~/.cache/dagda.
std::string cache_dir();
// $XDG_DATA_HOME/dagda, else ~/.local/share/dagda.
std::string data_dir();

}  // namespace dagda
