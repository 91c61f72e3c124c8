// Fuzzes reading the per-layer cache's entries (a walked layer, an inventory memo) past
// their checksum: the input is the body, and the checksum and end marker are made for it,
// as if the cache directory had been written by someone else.
#include <isa-l/crc64.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "cache/inventory_memo.hpp"
#include "cache/layer_cache.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dagda;
  std::string body(reinterpret_cast<const char*>(data), size);
  uint64_t crc = crc64_ecma_refl(0, data, size);
  std::string crc_bytes(8, '\0');
  std::memcpy(crc_bytes.data(), &crc, 8);
  // The key the entry says it has (the encoder writes it right after the magic), so that
  // mutations get past the key check to the entries.
  std::string key = "k";
  if (size >= 16) {
    uint32_t n = 0;
    std::memcpy(&n, data + 12, 4);
    if (n <= size - 16) key.assign(reinterpret_cast<const char*>(data) + 16, n);
  }
  LayerInfo info;
  (void)cache::decode_layer(body + crc_bytes + "DAGDAEND", key, info);
  (void)cache::decode_memo(body + crc_bytes, key);
  // A real entry, cut or extended by the input.
  LayerIndex l;
  l.entries.push_back({LayerEntry::Kind::file, "var/lib/dpkg/status", "", Blob::from_string(body.substr(0, 64)), 64});
  std::string real = cache::encode_layer(l, "k");
  (void)cache::decode_layer(real.substr(0, size % (real.size() + 1)), "k", info);
  return 0;
}
