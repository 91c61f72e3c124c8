// layers/layer_fs.hpp: the merged view of an image's layers as the OCI image
// spec defines it: later layers replace earlier files, whiteouts delete,
// opaque markers hide what lower layers had in a directory. Each path knows
// the layer it came from.
#pragma once

#include <map>
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
  size_t size() const { return nodes_.size(); }

 private:
  struct Node {
    LayerEntry::Kind kind;
    int layer;
    std::string target;  // symlink target
    BlobPtr content;
  };
  void apply(const LayerIndex& layer, int index);
  void erase_below(const std::string& dir);  // everything strictly inside dir

  std::map<std::string, Node, std::less<>> nodes_;
};

}  // namespace dagda
