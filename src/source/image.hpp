// source/image.hpp: an image opened from any source, as a list of layers that
// can each be streamed. Nothing is extracted and nothing is run.
#pragma once

#include <functional>
#include <memory>
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
};

struct Image {
  SourceInfo info;
  std::vector<LayerSource> layers;
  std::vector<Warning> warnings;  // found while opening (e.g. an archive with several images)
};

struct SourceOptions {
  std::string platform;                       // "os/arch[/variant]"; default linux/amd64
  uint64_t max_layer_bytes = 64ull << 30;      // uncompressed size of one layer
  std::string temp_dir;                       // unnamed temporary files (default: dagda::cache_dir()/tmp)
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
