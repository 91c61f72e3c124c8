// cache/inventory_memo.hpp: the catalogers' results for a whole chain of layers.
// The per-layer cache spares reading layers; cataloging their merged view still
// costs a few hundred milliseconds on a large image. This memo keeps the
// result of that step, keyed by the chain of diff ids (as OCI's ChainID is) and
// everything else the catalogers depend on, so that rescanning an image whose
// layers are all known is nearly free. It stores the packages, the OS and the
// layers' and catalogers' warnings; the source's own facts (tags, history) are
// always taken from the image being scanned.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "inventory/inventory.hpp"

namespace dagda::cache {

struct Memo {
  std::optional<OsInfo> os;
  std::vector<Package> packages;
  std::vector<Warning> warnings;  // of the layers and the catalogers (not the source's)
  std::vector<uint64_t> layer_bytes;  // uncompressed bytes of each layer, for layers without a declared size
  bool partial = false;
};

std::string encode_memo(const Memo& m, std::string_view key);
Result<Memo> decode_memo(std::string_view bytes, std::string_view key);

// The memo in the cache directory `root` under `key`; nullopt when absent or damaged (removed then).
std::optional<Memo> load_memo(const std::string& root, const std::string& key);
void store_memo(const std::string& root, const std::string& key, const Memo& m);

}  // namespace dagda::cache
