// catalog/driver.hpp: source -> layers -> catalogers -> inventory, in one call.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "common/result.hpp"
#include "inventory/inventory.hpp"
#include "layers/layer_index.hpp"
#include "source/image.hpp"

namespace dagda {

// A watcher of the layer walk whose results are kept per layer in the per-layer cache, beside
// the layer's own entry (the secret and configuration scanners). A layer whose entry and whose
// watch results are both cached is not read: its results are handed back with `restore`.
struct LayerWatch {
  std::string key;  // what the results depend on (the rules, their options): part of their cache key
  std::function<std::unique_ptr<ContentSink>(const LayerInfo& layer, const EntryMeta& entry)> observe;
  // The results of one layer, as observed, encoded for the cache.
  std::function<std::string(const LayerInfo& layer)> save;
  // Takes `bytes` (from save) as the layer's results, replacing any it holds; false, and nothing
  // taken, when they cannot be read.
  std::function<bool(const LayerInfo& layer, std::string_view bytes)> restore;
  // Forgets what is held for a layer (before it is walked after all).
  std::function<void(const LayerInfo& layer)> drop;
};

struct InventoryOptions {
  SourceOptions source;
  unsigned threads = 0;  // layers walked at once; 0 = one per core
  // Ceilings (docs/limits.md): packages listed and owned-file paths kept per image; past
  // them the inventory is partial with a warning. 0 = $DAGDA_MAX_PACKAGES / $DAGDA_MAX_FILES,
  // else 100,000 packages and 2,000,000 files.
  size_t max_packages = 0;
  size_t max_files = 0;
  bool lockfiles = false;  // also read lockfiles (always on for fs: sources)
  // The retire.js repository JSON text, for the JavaScript-file cataloger; empty: it finds nothing.
  std::string retirejs_repository;
  // Keep application packages whose file an OS package owns (they are dropped by default).
  bool include_os_owned = false;
  // Run only the OS package catalogers (dpkg, apk, rpm), no application catalogers.
  bool os_only = false;
  // Where captured files too big for memory spill (default: dagda::cache_dir()/tmp).
  std::string spill_dir;
  // Stop early when set from another thread (an ErrorCode::cancelled error).
  const std::atomic<bool>* cancel = nullptr;
  // Called after each layer is read, with the layers read and their total.
  std::function<void(size_t done, size_t total)> progress;
  // Leave out dependencies a lockfile marks as development or test only (scope dev, test,
  // dev-optional); they are included by default.
  bool exclude_dev = false;
  // The per-layer cache (cache/layer_cache.hpp): on unless --no-cache.
  bool use_cache = true;
  std::string cache_dir;         // empty: cache_dir() ($DAGDA_CACHE_DIR, $XDG_CACHE_HOME/dagda)
  uint64_t cache_max_bytes = 0;  // 0: the default bound (--cache-max-size)
  // Sees every entry of every layer as it is walked (WalkOptions::observe). When set, no layer
  // is taken from the per-layer cache. `watch` (the secret and configuration scanners) also
  // observes the walk but keeps its results per layer, so that layers still come from the
  // cache; the two can be set together.
  std::function<std::unique_ptr<ContentSink>(const LayerInfo& layer, const EntryMeta& entry)> observe;
  std::shared_ptr<const LayerWatch> watch;
};

// Opens SOURCE, walks every layer once (in parallel), merges them, detects the
// OS and runs every cataloger. Damaged package databases give warnings and a
// partial inventory; an unreadable or tampered image gives an error.
Result<Inventory> build_inventory(const std::string& source, const InventoryOptions& opts);

// The same, for an image already opened.
Result<Inventory> build_inventory(Image image, const InventoryOptions& opts);

}  // namespace dagda
