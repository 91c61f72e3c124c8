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

void LayerFs::erase_below(std::string_view dir) {
  if (nodes_.empty()) return;
  // Called for most entries of every layer: one buffer, no allocation per call.
  thread_local std::string prefix;
  prefix.assign(dir);
  if (!prefix.empty()) prefix += '/';
  auto it = nodes_.lower_bound(prefix);
  while (it != nodes_.end() && it->first.compare(0, prefix.size(), prefix) == 0) it = nodes_.erase(it);
}

void LayerFs::apply(const LayerIndex& layer, int index) {
  using K = LayerEntry::Kind;
  // Whiteouts and opaque markers hide what the layers below had, whatever their
  // place in this layer's tar, so they go first.
  for (const LayerEntryRef e : layer.entries) {
    if (e.kind == K::whiteout) {
      if (auto it = nodes_.find(e.path); it != nodes_.end()) nodes_.erase(it);
      erase_below(e.path);
    } else if (e.kind == K::opaque) {
      erase_below(e.path);
    }
  }
  for (const LayerEntryRef e : layer.entries) {
    if (e.kind == K::whiteout || e.kind == K::opaque) continue;
    auto existing = nodes_.find(e.path);
    if (e.kind == K::dir) {
      // A directory replaces a file or link at its path and keeps what is below it.
      if (existing != nodes_.end()) nodes_.erase(existing);
      continue;
    }
    // Anything else at this path replaces what was there, a directory with all it held.
    Node node{K::file, index, {}, e.content};
    if (e.kind == K::symlink) {
      node = Node{K::symlink, index, std::string(e.target), {}};
    } else if (e.kind == K::hardlink) {
      // A hard link is the same file as its target, as it stands at this point.
      auto t = nodes_.find(e.target);
      node.content = t != nodes_.end() && t->second.kind == K::file ? t->second.content : BlobPtr{};
    } else if (e.kind != K::file) {
      node.content = {};
    }
    erase_below(e.path);
    if (node.kind == K::file && !node.content) {
      // Not captured (no cataloger asked for it, or a device): it only hides what was there.
      if (existing != nodes_.end()) nodes_.erase(existing);
      continue;
    }
    if (existing != nodes_.end())
      existing->second = std::move(node);
    else
      nodes_.emplace(std::string(e.path), std::move(node));
  }
}

Result<std::string> LayerFs::resolve(std::string_view path, bool& followed) const {
  followed = false;
  return resolve_in_root(path, [this, &followed](std::string_view p) -> std::optional<std::string> {
    auto it = nodes_.find(p);
    if (it == nodes_.end() || it->second.kind != LayerEntry::Kind::symlink) return std::nullopt;
    followed = true;
    return it->second.target;
  });
}

Result<std::string> LayerFs::resolve(std::string_view path) const {
  bool followed = false;
  return resolve(path, followed);
}

void LayerFs::note_miss(std::string_view asked, std::string_view real) const {
  // Strip the path components both end with, as long as the shorter asked path still
  // resolves to the shorter real one: what remains is the part a link changed
  // ("var/lib/dpkg/status" -> "srv/dpkg/status" gives "var/lib/dpkg" and "srv/dpkg").
  while (!asked.empty() && !real.empty()) {
    size_t a = asked.rfind('/'), r = real.rfind('/');
    if (a == std::string_view::npos || r == std::string_view::npos) break;
    if (asked.substr(a + 1) != real.substr(r + 1)) break;
    auto parent = resolve(asked.substr(0, a));
    if (!parent.ok() || *parent != real.substr(0, r)) break;
    asked = asked.substr(0, a);
    real = real.substr(0, r);
  }
  std::lock_guard lock(*misses_mu_);
  if (misses_.size() < 4096) misses_.insert(LinkMiss{std::string(asked), std::string(real)});
}

std::vector<LayerFs::LinkMiss> LayerFs::link_misses() const {
  std::lock_guard lock(*misses_mu_);
  return {misses_.begin(), misses_.end()};
}

Result<BlobPtr> LayerFs::read(std::string_view path) const {
  bool followed = false;
  DAGDA_ASSIGN_OR_RETURN(std::string real, resolve(path, followed));
  auto it = nodes_.find(real);
  if (it == nodes_.end() || it->second.kind != LayerEntry::Kind::file) {
    if (followed) note_miss(path, real);
    return Error(ErrorCode::not_found, "no such file (or not captured during the layer walk)",
                 {.file = std::string(path)});
  }
  return it->second.content;
}

std::vector<std::string> LayerFs::list(std::string_view dir) const {
  std::vector<std::string> out;
  bool followed = false;
  auto real = resolve(dir, followed);
  if (!real.ok()) return out;
  if (followed) note_miss(dir, *real);
  std::string prefix = real->empty() ? "" : *real + "/";
  for (auto it = nodes_.lower_bound(prefix); it != nodes_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    if (it->first.find('/', prefix.size()) != std::string::npos) continue;
    if (it->second.kind == LayerEntry::Kind::file) out.push_back(it->first);
  }
  return out;
}

std::vector<std::string> LayerFs::captured() const {
  std::vector<std::string> out;
  for (const auto& [path, node] : nodes_)
    if (node.kind == LayerEntry::Kind::file) out.push_back(path);
  return out;
}

int LayerFs::origin(std::string_view path) const {
  auto real = resolve(path);
  if (!real.ok()) return -1;
  auto it = nodes_.find(*real);
  return it == nodes_.end() ? -1 : it->second.layer;
}

}  // namespace dagda
