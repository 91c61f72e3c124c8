// Fuzzes opening an image archive: the outer tar index, manifest.json,
// index.json and config parsing, and reading each layer to its end.
#include <sys/mman.h>
#include <unistd.h>

#include <string>

#include "source/image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dagda;
  int fd = memfd_create("image", MFD_CLOEXEC);
  if (fd < 0) return 0;
  if (::write(fd, data, size) != static_cast<ssize_t>(size)) {
    ::close(fd);
    return 0;
  }
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  SourceOptions opts;
  opts.max_layer_bytes = 64 << 20;
  for (std::string prefix : {"docker-archive:", "oci-archive:", ""}) {
    auto img = open_image(prefix + path, opts);
    if (!img.ok()) continue;
    for (const LayerSource& l : img->layers) {
      if (!l.open) continue;
      auto s = l.open();
      if (!s.ok()) continue;
      char buf[65536];
      for (;;) {
        auto n = (*s)->read(buf, sizeof buf);
        if (!n.ok() || *n == 0) break;
      }
    }
  }
  ::close(fd);
  return 0;
}
