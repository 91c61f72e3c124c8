// Fuzzes reading the secret and config scanners' per-layer results back from the cache: the
// entry's frame (decode_scan, the checksum made for the input as if someone else had written the
// cache directory) and the results inside it (LayerWatch::restore), which must refuse what they
// cannot read whole and never crash or allocate without bound.
#include <isa-l/crc64.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "cache/layer_cache.hpp"
#include "scanners/image_scan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dagda;
  std::string body(reinterpret_cast<const char*>(data), size);
  uint64_t crc = crc64_ecma_refl(0, data, size);
  std::string crc_bytes(8, '\0');
  std::memcpy(crc_bytes.data(), &crc, 8);
  (void)cache::decode_scan(body + crc_bytes + "DAGDAEND", "k");

  static auto scan = scanners::ImageScan::create({.selection = scanners::default_selection(false)});
  if (!scan.ok()) __builtin_trap();
  auto watch = (*scan)->layer_watch();
  LayerInfo info;
  info.index = 1;
  info.diff_id = "sha256:l1";
  if (watch->restore(info, body)) {
    // What was taken is saved again and read back the same.
    std::string again = watch->save(info);
    if (!watch->restore(info, again) || watch->save(info) != again) __builtin_trap();
  }
  watch->drop(info);
  return 0;
}
