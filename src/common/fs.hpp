// common/fs.hpp: host file helpers. These touch only paths the user named or
// Dagda's own cache and data directories.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

struct stat;

#include "common/result.hpp"

namespace dagda {

// Reads a whole host file; fails cleanly when it is larger than `limit`. Anything but a
// regular file (a FIFO, a device, a directory) is refused without blocking on it.
Result<std::string> read_file(const std::string& path, uint64_t limit = 1ull << 30);

// The first `n` bytes of a host file (fewer when it is shorter), without reading the rest.
Result<std::string> read_file_head(const std::string& path, size_t n);

// Opens a host file for reading, refusing anything but a regular file: the open never
// blocks (O_NONBLOCK, so a FIFO cannot hang it) and the type is checked on the open
// descriptor. Returns the descriptor (O_CLOEXEC, blocking mode restored) and fills `st`.
Result<int> open_regular_file(const std::string& path, struct stat* st = nullptr);

// Writes through a temporary file in the same directory and renames it into place.
// For Dagda's own files (state, cache); output the user names goes through write_output_file.
Status write_file_atomic(const std::string& path, std::string_view bytes);

// Writes a report to a path the user named (-o FILE). A regular file or a new path is
// replaced atomically (temporary file, fsync, rename; an existing file keeps its mode); a
// symlink is followed to its target, which is then written the same way; a device, FIFO
// or socket is written in place, never replaced. Every write is checked: a full disk or
// device is an io error naming the path, and a regular file is then left as it was.
Status write_output_file(const std::string& path, std::string_view bytes);

// Writes all of `bytes` to a descriptor, retrying short writes and EINTR.
Status write_all_fd(int fd, std::string_view bytes, const std::string& name);

// $DAGDA_CACHE_DIR, else $XDG_CACHE_HOME/dagda, else ~/.cache/dagda.
std::string cache_dir();
// $XDG_DATA_HOME/dagda, else ~/.local/share/dagda.
std::string data_dir();

}  // namespace dagda
