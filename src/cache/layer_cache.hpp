// cache/layer_cache.hpp: the per-layer cache. What one walk of a layer leaves
// behind (every path with its kind, the content of the files the catalogers
// asked for, the layer's warnings) is kept under the cache directory, keyed by
// the layer's diff id and the catalogers' version (the build of Dagda and the
// walk options), so that a rescan of an image whose layers were seen before
// reads none of them again. An entry is written only after its layer's
// digests were verified, with a checksum; a damaged entry is ignored, removed
// and rebuilt. The layer entries are bounded in total size (least recently
// used go first). Beside them: records that a host file's bytes (device,
// inode, size, mtime) were verified to be a layer, and small metadata (an
// engine image's config).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "layers/layer_index.hpp"
#include "source/image.hpp"

namespace dagda::cache {

inline constexpr uint64_t kDefaultMaxBytes = 4ull << 30;

// The catalogers' version: the running build of Dagda (its GNU build id) plus `walk_options`,
// a description of what the walk captures.
std::string catalogers_version(std::string_view walk_options);

class LayerCache final : public MetaCache {
 public:
  // `root`: the cache directory (cache_dir()); `version`: catalogers_version(...).
  LayerCache(std::string root, std::string version, uint64_t max_bytes = kDefaultMaxBytes);

  // The cached walk of the layer whose diff id is `diff_id`, with `info` as its LayerInfo; nullopt when
  // absent or damaged (a damaged entry is removed, so that it is rebuilt).
  std::optional<LayerIndex> load(const std::string& diff_id, const LayerInfo& info);
  // Keeps a layer walked and verified. Failures are silent: the cache is an optimisation.
  void store(const std::string& diff_id, const LayerIndex& layer);

  // The scanners' results for the layer `diff_id` (LayerWatch::save's bytes) under `key` (what they
  // depend on: the rules); nullopt when absent or damaged (removed then). Kept beside the layer's
  // entry, bounded with it.
  std::optional<std::string> load_scan(const std::string& key, const std::string& diff_id);
  void store_scan(const std::string& key, const std::string& diff_id, std::string_view results);

  // Whether the host bytes named `identity` were verified to be the layer `diff_id`.
  bool verified(const std::string& identity, const std::string& diff_id);
  void mark_verified(const std::string& identity, const std::string& diff_id);

  std::optional<std::string> get(const std::string& key) override;
  void put(const std::string& key, std::string_view value) override;

  // Removes least recently used layer entries until they fit the size bound.
  void trim();

  const std::string& version() const { return version_; }
  const std::string& root() const { return root_; }

 private:
  std::string entry_path(const std::string& diff_id) const;
  std::string scan_path(const std::string& key, const std::string& diff_id) const;
  std::string root_, version_;
  uint64_t max_bytes_;
};

// A layer's scanner results with a trailing checksum, and back (nullopt when damaged).
std::string encode_scan(std::string_view results, std::string_view key);
std::optional<std::string> decode_scan(std::string_view bytes, std::string_view key);

// Serialises a walked layer (entries, captured contents, warnings) with a trailing checksum, and
// reads it back; the inverse of each other. Exposed for tests and the fuzz target.
std::string encode_layer(const LayerIndex& layer, std::string_view key);
Result<LayerIndex> decode_layer(std::string_view bytes, std::string_view key, const LayerInfo& info,
                                std::shared_ptr<const void> keep_alive = {});

struct CacheStatus {
  std::string dir;
  uint64_t layer_entries = 0, layer_bytes = 0;
  uint64_t inventory_entries = 0, inventory_bytes = 0;  // catalogers' results per chain of layers
  uint64_t scan_entries = 0, scan_bytes = 0;  // the secret and config scanners' results per layer
  uint64_t other_entries = 0, other_bytes = 0;  // verified-file records and metadata
  uint64_t max_bytes = kDefaultMaxBytes;
};
Result<CacheStatus> cache_status(const std::string& root);
// Removes every cache entry (layers, records, metadata). Returns how many files went.
Result<uint64_t> cache_clean(const std::string& root);

// "4G", "512M", "100k", "1000" (bytes) -> bytes.
Result<uint64_t> parse_size(std::string_view text);

}  // namespace dagda::cache
