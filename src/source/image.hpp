// source/image.hpp: an image opened from any source, as a list of layers that
// can each be streamed. Nothing is extracted and nothing is run.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/diagnostics.hpp"
#include "common/result.hpp"
#include "inventory/inventory.hpp"
#include "source/stream.hpp"

namespace dagda {

struct LayerSource {
  LayerInfo info;  // index, digest, diff_id, media type, size, created_by
  // Opens the layer as an uncompressed tar stream whose digests are checked as
  // it is read (a mismatch fails the last read). Unset for a directory layer.
  std::function<Result<std::unique_ptr<ByteStream>>()> open;
  // A root filesystem directory on the host, for `dir:` sources.
  std::string host_dir;
  // The stored bytes' identity when they are a host file (device, inode, size, mtime and the
  // member's place in it): a file unchanged since its layer was verified is not hashed again.
  std::string identity;
  // The stored bytes' size when known (else 0): the larger layers are walked first.
  uint64_t stored_bytes = 0;
  // True when the source names the layer by its diff id alone (a registry, an engine): a cached walk
  // of that diff id stands for it without reading it.
  bool content_addressed = false;
  // A container's changes (container:): only paths `keep` accepts count, and `deleted` are removed.
  std::function<bool(std::string_view path)> keep;
  std::vector<std::string> deleted;
};

// One layer of a source whose layers arrive in a single sequential stream (an engine's export).
struct ArrivingLayer {
  ByteStream* tar = nullptr;  // the uncompressed layer; its digests are checked as it is read
  std::string diff_id;        // when the source knows it before reading
  // The SHA-256 (hex) of what `tar` delivered, once it has been read to its end.
  std::shared_ptr<const std::string> actual_hex;
};
using LayerVisitor = std::function<Status(ArrivingLayer& layer)>;

// Small metadata kept between runs (an engine image's config), in the per-layer cache.
class MetaCache {
 public:
  virtual ~MetaCache() = default;
  virtual std::optional<std::string> get(const std::string& key) = 0;
  virtual void put(const std::string& key, std::string_view value) = 0;
};

struct Image {
  SourceInfo info;
  std::vector<LayerSource> layers;
  std::vector<Warning> warnings;  // found while opening (e.g. an archive with several images)
  // Set by sources whose layers arrive in one stream (docker:) instead of LayerSource::open: calls
  // `visit` for each layer as it arrives; `wanted[i]` says which layers are still needed (a source
  // may skip the others, or not fetch at all). It may complete `info` (history, platform) on the way.
  std::function<Status(const std::vector<bool>& wanted, const LayerVisitor& visit, SourceInfo& info)> stream_layers;
  // Set by sources that list packages themselves (sbom:): their inventory; there are no layers.
  std::shared_ptr<Inventory> inventory;
  // container: the last layer holds what changed in the container since it started; packages that
  // differ from the image's carry a drift mark.
  bool last_layer_is_drift = false;
};

struct SourceOptions {
  std::string platform;                       // "os/arch[/variant]"; default linux/amd64
  uint64_t max_layer_bytes = 64ull << 30;      // uncompressed size of one layer
  std::string temp_dir;                       // unnamed temporary files (default: dagda::cache_dir()/tmp)
  std::string registry_ca;                     // --registry-ca FILE
  bool insecure_registry = false;              // --insecure-registry
  std::shared_ptr<MetaCache> meta_cache;       // none: nothing is remembered
};

// Opens SOURCE as PRODUCT.md's "Sources" table describes: a `kind:` prefix, or
// a bare path detected by content. Unknown prefixes and unreadable inputs fail
// with a clear error.
Result<Image> open_image(const std::string& source, const SourceOptions& opts);

// One function per kind (source/NAME.cpp), listed in source/registry.cpp.
struct SourceKind {
  std::string_view prefix;  // "docker-archive"
  std::string_view description;
  Result<Image> (*open)(const std::string& path, const SourceOptions& opts);
};
std::span<const SourceKind> source_kinds();

}  // namespace dagda
