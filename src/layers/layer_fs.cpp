#include "layers/layer_fs.hpp"

#include "layers/path.hpp"

namespace dagda {

LayerFs LayerFs::merge(const std::vector<LayerIndex>& layers, int upto) {
  LayerFs fs;
  int last = upto < 0 ? static_cast<int>(layers.size()) - 1
                      : std::min<int>(upto, static_cast<int>(layers.size()) - 1);
  for (int i = 0; i <= last; ++i) fs.apply(layers[static_cast<size_t>(i)], i);
  return fs;
}

void LayerFs::erase_below(const std::string& dir) {
  std::string prefix = dir.empty() ? "" : dir + "/";
  auto it = nodes_.lower_bound(prefix);
  while (it != nodes_.end() && it->first.compare(0, prefix.size(), prefix) == 0) it = nodes_.erase(it);
}

void LayerFs::apply(const LayerIndex& layer, int index) {
  using K = LayerEntry::Kind;
  // Whiteouts and opaque markers hide what the layers below had, whatever their
  // place in this layer's tar, so they go first.
  for (const LayerEntry& e : layer.entries) {
    if (e.kind == K::whiteout) {
      nodes_.erase(e.path);
      erase_below(e.path);
    } else if (e.kind == K::opaque) {
      erase_below(e.path);
    }
  }
  for (const LayerEntry& e : layer.entries) {
    if (e.kind == K::whiteout || e.kind == K::opaque) continue;
    auto existing = nodes_.find(e.path);
    if (existing != nodes_.end() && existing->second.kind == K::dir && e.kind != K::dir) erase_below(e.path);
    Node node{e.kind, index, e.target, e.content};
    if (e.kind == K::hardlink) {
      // A hard link is the same file as its target, as it stands at this point.
      auto t = nodes_.find(e.target);
      if (t == nodes_.end() || (t->second.kind != K::file && t->second.kind != K::hardlink)) continue;
      node = Node{K::file, index, {}, t->second.content};
    }
    if (e.kind == K::dir && existing != nodes_.end() && existing->second.kind == K::dir) continue;
    nodes_[e.path] = std::move(node);
  }
}

Result<std::string> LayerFs::resolve(std::string_view path) const {
  return resolve_in_root(path, [this](std::string_view p) -> std::optional<std::string> {
    auto it = nodes_.find(p);
    if (it == nodes_.end() || it->second.kind != LayerEntry::Kind::symlink) return std::nullopt;
    return it->second.target;
  });
}

Result<BlobPtr> LayerFs::read(std::string_view path) const {
  DAGDA_ASSIGN_OR_RETURN(std::string real, resolve(path));
  auto it = nodes_.find(real);
  if (it == nodes_.end() || it->second.kind != LayerEntry::Kind::file)
    return Error(ErrorCode::not_found, "no such file", {.file = std::string(path)});
  if (!it->second.content)
    return Error(ErrorCode::not_found, "file was not captured during the layer walk",
                 {.file = std::string(path)});
  return it->second.content;
}

std::vector<std::string> LayerFs::list(std::string_view dir) const {
  std::vector<std::string> out;
  auto real = resolve(dir);
  if (!real.ok()) return out;
  std::string prefix = real->empty() ? "" : *real + "/";
  for (auto it = nodes_.lower_bound(prefix); it != nodes_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    if (it->first.find('/', prefix.size()) != std::string::npos) continue;
    if (it->second.kind == LayerEntry::Kind::file && it->second.content) out.push_back(it->first);
  }
  return out;
}

std::vector<std::string> LayerFs::captured() const {
  std::vector<std::string> out;
  for (const auto& [path, node] : nodes_)
    if (node.kind == LayerEntry::Kind::file && node.content) out.push_back(path);
  return out;
}

int LayerFs::origin(std::string_view path) const {
  auto real = resolve(path);
  if (!real.ok()) return -1;
  auto it = nodes_.find(*real);
  return it == nodes_.end() ? -1 : it->second.layer;
}

}  // namespace dagda
