// Fuzzes the layer path: decompression sniffing, the tar walker, whiteouts
// and the merged view with symlink resolution.
#include <cstring>

#include "layers/layer_fs.hpp"
#include "layers/layer_index.hpp"
#include "source/stream.hpp"

namespace {

class MemStream final : public dagda::ByteStream {
 public:
  MemStream(const uint8_t* d, size_t n) : d_(d), n_(n) {}
  dagda::Result<size_t> read(char* buf, size_t n) override {
    size_t k = std::min(n, n_ - off_);
    std::memcpy(buf, d_ + off_, k);
    off_ += k;
    return k;
  }

 private:
  const uint8_t* d_;
  size_t n_, off_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dagda;
  auto in = decompress_stream(std::make_unique<MemStream>(data, size), "fuzz", 64 << 20);
  if (!in.ok()) return 0;
  WalkOptions wo;
  wo.wants = [](std::string_view p) { return p.size() % 2 == 0; };
  wo.spill_dir = "/tmp/dagda-fuzz-spill";
  wo.memory_per_file = 1 << 20;
  wo.max_captured_file = 16 << 20;
  LayerInfo info;
  auto idx = walk_tar_layer(**in, info, wo);
  if (!idx.ok()) return 0;
  std::vector<LayerIndex> layers;
  layers.push_back(std::move(idx).value());
  LayerFs fs = LayerFs::merge(layers);
  for (const LayerEntryRef e : layers[0].entries) {
    (void)fs.read(e.path);
    (void)fs.list(e.path);
    (void)fs.origin(e.path);
  }
  return 0;
}
