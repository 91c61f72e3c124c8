// layers/layer_fs.hpp: the merged view of an image's layers as the OCI image
// spec defines it: later layers replace earlier files, whiteouts delete,
// opaque markers hide what lower layers had in a directory. Each path knows
// the layer it came from.
//
// Only what a reader can use is kept: captured files and symlinks. Every other
// entry (directories, files no cataloger wanted, devices) still has its effect
// while merging — it replaces or hides what lower layers had at its path, and a
// non-directory hides everything below its path — but is not stored, so the view
// costs memory in proportion to the captured files and links, not to the image.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "layers/file_view.hpp"
#include "layers/layer_index.hpp"

namespace dagda {

class LayerFs final : public FileView {
 public:
  // Merges layers[0..=upto] (all when upto < 0).
  static LayerFs merge(const std::vector<LayerIndex>& layers, int upto = -1);

  Result<BlobPtr> read(std::string_view path) const override;
  std::vector<std::string> list(std::string_view dir) const override;
  std::vector<std::string> captured() const override;

  // The index of the layer that wrote `path` (after resolving symlinks), or -1.
  int origin(std::string_view path) const;
  // The path after resolving every symlink inside the root.
  Result<std::string> resolve(std::string_view path) const;
  // Symlinks and captured files held (what the view costs).
  size_t size() const { return nodes_.size(); }

  // A read or listing that followed a symlink and found nothing captured there: the layer
  // walk decided what to keep by the paths written in the tars, so a database reached
  // through a link (var/lib/dpkg -> ../../srv/dpkg) was not kept. `asked` and `real` are
  // the prefixes that differ ("var/lib/dpkg" and "srv/dpkg"): a file under `real` is
  // wanted when its path under `asked` is. The driver walks the layers again for them.
  struct LinkMiss {
    std::string asked, real;
    auto operator<=>(const LinkMiss&) const = default;
  };
  std::vector<LinkMiss> link_misses() const;

 private:
  struct Node {
    LayerEntry::Kind kind;  // file (captured) or symlink
    int layer;
    std::string target;  // symlink target
    BlobPtr content;
  };
  void apply(const LayerIndex& layer, int index);
  Result<std::string> resolve(std::string_view path, bool& followed) const;
  void note_miss(std::string_view asked, std::string_view real) const;
  void erase_below(std::string_view dir);  // everything strictly inside dir

  std::map<std::string, Node, std::less<>> nodes_;
  mutable std::unique_ptr<std::mutex> misses_mu_ = std::make_unique<std::mutex>();
  mutable std::set<LinkMiss> misses_;
};

}  // namespace dagda
