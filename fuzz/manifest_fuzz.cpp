// Fuzzes the registry documents read before any layer: an image index or manifest list
// (platform selection), an image manifest, and an image config.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "source/distribution.hpp"
#include "source/image_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dagda;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)parse_image_config(text, "config");
  auto j = parse_json(text, "manifest");
  if (!j.ok()) return 0;
  for (const char* media : {"", "application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json"}) {
    auto index = distribution::is_index(*j, media, "manifest");
    if (!index.ok()) continue;
    if (*index) {
      std::vector<Warning> w;
      for (const char* p : {"", "linux/arm64/v8", "windows/amd64"})
        (void)distribution::choose_platform(*j, *distribution::parse_platform(p), "index", w);
    } else {
      (void)distribution::manifest_parts(*j, "manifest");
    }
  }
  return 0;
}
