// layers/layer_index.hpp: what one pass over a layer leaves behind: every
// path with its kind, and the content of the files a cataloger asked for.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/blob.hpp"
#include "common/diagnostics.hpp"
#include "common/result.hpp"
#include "inventory/inventory.hpp"
#include "source/stream.hpp"

namespace dagda {

struct LayerEntry {
  enum class Kind : uint8_t { file, dir, symlink, hardlink, whiteout, opaque, other };
  Kind kind = Kind::file;
  std::string path;    // normalised, relative to the root; for whiteout/opaque the path they hide
  std::string target;  // symlink target as written; hard link target as a normalised path
  BlobPtr content;     // set for captured regular files
  uint64_t size = 0;
};

struct LayerIndex {
  LayerInfo info;
  std::vector<LayerEntry> entries;  // in archive order
  std::vector<Warning> warnings;
  uint64_t bytes = 0;  // uncompressed bytes read
};

struct WalkOptions {
  std::function<bool(std::string_view path)> wants;  // capture this regular file's content?
  // Larger wanted files are skipped with a warning (and a partial inventory). Real package
  // databases are far smaller (a CentOS rpmdb with 400 packages is 33 MB); the cap keeps
  // a hostile multi-gigabyte "database" from costing its size in memory when parsed.
  uint64_t max_captured_file = 256ull << 20;
  size_t memory_per_file = 8 << 20;           // past this a captured file spills to the cache
  std::string spill_dir;                      // where spilled files go (unnamed temp files)
  const std::atomic<bool>* cancel = nullptr;  // stop early when set (another layer failed)

  // A content test for files `wants` does not name (Go and Rust binaries can be anywhere): a regular
  // file with an executable bit whose first `probe_head_bytes` pass `probe_head` (say, the ELF magic)
  // is read, up to `probe_max` bytes, and captured only when `probe_keep` accepts the whole content.
  // Larger files are read past and not kept. Only one such file is held at a time per walk.
  std::function<bool(std::string_view head)> probe_head;
  std::function<bool(std::string_view content)> probe_keep;
  size_t probe_head_bytes = 64;
  uint64_t probe_max = 128ull << 20;
};

// True when the walk should read this executable file for the content probe.
inline bool probe_wanted(const WalkOptions& o, bool executable) {
  return executable && o.probe_head && o.probe_keep;
}

// Reads a layer tar (already decompressed) to its end, applying nothing: the
// whiteouts are recorded as entries. Fails on a damaged tar or a failed digest
// check of the stream.
Result<LayerIndex> walk_tar_layer(ByteStream& in, const LayerInfo& info, const WalkOptions& opts);

// Walks a root filesystem directory on the host without following any symlink.
Result<LayerIndex> walk_dir_layer(const std::string& root, const LayerInfo& info, const WalkOptions& opts);

}  // namespace dagda
