// layers/layer_index.hpp: what one pass over a layer leaves behind: every
// path with its kind, and the content of the files a cataloger asked for.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/blob.hpp"
#include "common/diagnostics.hpp"
#include "common/result.hpp"
#include "inventory/inventory.hpp"
#include "source/stream.hpp"

namespace dagda {

// One entry of a layer, as the walkers produce it (and tests build it).
struct LayerEntry {
  enum class Kind : uint8_t { file, dir, symlink, hardlink, whiteout, opaque, other };
  Kind kind = Kind::file;
  std::string path;    // normalised, relative to the root; for whiteout/opaque the path they hide
  std::string target;  // symlink target as written; hard link target as a normalised path
  BlobPtr content;     // set for captured regular files
  uint64_t size = 0;
};

// A stored entry as LayerEntries hands it out: views into the list's own storage,
// valid as long as the list is alive (moving the list keeps them valid).
struct LayerEntryRef {
  LayerEntry::Kind kind;
  std::string_view path;
  std::string_view target;
  const BlobPtr& content;
  uint64_t size;
};

// The entries of one layer in archive order, stored compactly: a layer of a million files
// costs a 32-byte record per entry plus its path bytes (and link target), with no
// per-entry allocation. Paths go into large arena blocks that are never moved, so the
// views handed out stay valid however the list grows.
class LayerEntries {
 public:
  LayerEntries() = default;
  LayerEntries(LayerEntries&&) noexcept = default;
  LayerEntries& operator=(LayerEntries&&) noexcept = default;

  void push_back(LayerEntry e);
  void add(LayerEntry::Kind kind, std::string_view path, std::string_view target = {}, BlobPtr content = {},
           uint64_t size = 0);

  size_t size() const { return records_.size(); }
  bool empty() const { return records_.empty(); }
  LayerEntryRef operator[](size_t i) const;
  LayerEntryRef back() const { return (*this)[size() - 1]; }
  // Sets the captured content of entry i (a second walk that captured it after all).
  void set_content(size_t i, BlobPtr content);
  // Heap bytes held (records, arena blocks, captured-blob pointers), for measurements.
  size_t memory_bytes() const;

  class iterator {
   public:
    using difference_type = std::ptrdiff_t;
    using value_type = LayerEntryRef;
    iterator(const LayerEntries* list, size_t i) : list_(list), i_(i) {}
    LayerEntryRef operator*() const { return (*list_)[i_]; }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator==(const iterator& o) const { return i_ == o.i_; }
    bool operator!=(const iterator& o) const { return i_ != o.i_; }

   private:
    const LayerEntries* list_;
    size_t i_;
  };
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, size()}; }

 private:
  struct Record {
    uint32_t block;
    uint32_t offset;       // of the path in the block; the target follows it
    uint32_t path_len;
    uint32_t target_len;
    uint32_t content;      // index in contents_, or kNone
    LayerEntry::Kind kind;
    uint64_t size;
  };
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Block {
    std::unique_ptr<char[]> bytes;
    size_t capacity = 0;
    size_t used = 0;
  };
  std::pair<uint32_t, uint32_t> store(std::string_view a, std::string_view b);

  std::deque<Record> records_;
  std::vector<Block> blocks_;
  std::deque<BlobPtr> contents_;  // a deque: growing it keeps LayerEntryRef::content valid
};

struct LayerIndex {
  LayerInfo info;
  LayerEntries entries;  // in archive order
  std::vector<Warning> warnings;
  uint64_t bytes = 0;  // uncompressed bytes read
};

// A byte string the content probe looks for, at an offset that is a multiple of `align`
// (Go's build information header is 16-byte aligned).
struct ProbeMarker {
  std::string_view bytes;
  unsigned align = 1;
};

// What a walk observer (WalkOptions::observe) sees of each entry.
struct EntryMeta {
  std::string_view path;  // normalised, relative to the root
  LayerEntry::Kind kind;
  uint64_t size = 0;
  uint32_t mode = 0;  // permission bits with setuid/setgid/sticky (07777)
};

// Receives one regular file's bytes as they stream past, in order, never held whole by the walk.
class ContentSink {
 public:
  virtual ~ContentSink() = default;
  // False: the sink has seen enough; the walk stops feeding it.
  virtual bool feed(std::string_view chunk) = 0;
  // The file ended (or the sink stopped); called once.
  virtual void finish() = 0;
};

struct WalkOptions {
  std::function<bool(std::string_view path)> wants;  // capture this regular file's content?
  // Larger wanted files are skipped with a warning (and a partial inventory). Real package
  // databases are far smaller (a CentOS rpmdb with 400 packages is 33 MB); the cap keeps
  // a hostile multi-gigabyte "database" from costing its size in memory when parsed.
  uint64_t max_captured_file = 256ull << 20;
  size_t memory_per_file = 8 << 20;           // past this a captured file spills to the cache
  std::string spill_dir;                      // where spilled files go (unnamed temp files)
  // Wanted files this names go, whatever their size, to one spill file per layer that is mapped
  // when the walk ends (SpillFile): for files captured by the thousand and mostly never read.
  std::function<bool(std::string_view path)> spill_always;
  const std::atomic<bool>* cancel = nullptr;  // stop early when set (another layer failed)

  // A content test for files `wants` does not name (Go and Rust binaries can be anywhere): a regular
  // file with an executable bit whose first `probe_head_bytes` pass `probe_head` (say, the ELF magic)
  // is read, up to `probe_max` bytes, and captured only when `probe_keep` accepts the whole content.
  // Larger files are read past and not kept. Only one such file is held at a time per walk.
  std::function<bool(std::string_view head)> probe_head;
  std::function<bool(std::string_view content)> probe_keep;
  size_t probe_head_bytes = 64;
  uint64_t probe_max = 128ull << 20;
  // When set, the tar walk decides by these markers instead of probe_keep: a probed file is kept
  // when it holds one of them, searched as the file streams past. A file that holds none is then
  // never held whole (a 35 MB compiler is read through a bounded buffer, not into memory), and a
  // kept one is written like a wanted file (spilled past memory_per_file).
  std::vector<ProbeMarker> probe_markers;
  // Sees every entry of every layer (whiteouts and opaque markers included); for a regular file
  // it may return a sink for its bytes. Called from the walking threads: it must be thread-safe.
  std::function<std::unique_ptr<ContentSink>(const LayerInfo& layer, const EntryMeta& entry)> observe;
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
