#include "catalog/drift.hpp"

#include <map>
#include <set>
#include <string>

namespace dagda {
namespace {

std::string strip(std::string_view p) {
  while (p.starts_with('/')) p.remove_prefix(1);
  while (p.starts_with("./")) p.remove_prefix(2);
  return std::string(p);
}

// A package's identity without its version: OS packages by name and arch, application
// packages also by the file that declares them (one library may sit in several places).
std::string identity(const Package& p) {
  std::string k = p.ecosystem + '\0' + p.name + '\0' + p.arch;
  if (!is_os_ecosystem(p.ecosystem)) k += '\0' + strip(p.path);
  return k;
}

}  // namespace

void mark_drift(Inventory& container, const Inventory& image, const LayerIndex& changes,
                const std::vector<LayerIndex>& image_layers, const LayerFs& after, const LayerFs& before_fs) {
  // Files (not directories) that were altered or removed at run time.
  std::set<std::string, std::less<>> deleted;
  std::set<std::string, std::less<>> touched;
  for (const LayerEntryRef e : changes.entries) {
    if (e.kind == LayerEntry::Kind::whiteout)
      deleted.insert(strip(e.path));
    else if (e.kind != LayerEntry::Kind::dir && e.kind != LayerEntry::Kind::opaque)
      touched.insert(strip(e.path));
  }
  // A deleted path counts when the image had a file there (a deleted directory's files are listed too).
  if (!deleted.empty())
    for (const LayerIndex& l : image_layers)
      for (const LayerEntryRef e : l.entries)
        if (e.kind != LayerEntry::Kind::dir && e.kind != LayerEntry::Kind::whiteout &&
            e.kind != LayerEntry::Kind::opaque && deleted.count(strip(e.path)))
          touched.insert(strip(e.path));

  std::multimap<std::string, const Package*> earlier;
  for (const Package& p : image.packages) earlier.emplace(identity(p), &p);
  auto hit = [&](std::string_view path) {
    std::string p = strip(path);
    if (touched.count(p)) return true;
    for (const LayerFs* fs : {&after, &before_fs})
      if (auto real = fs->resolve(p); real.ok() && *real != p && touched.count(strip(*real))) return true;
    return false;
  };
  auto altered = [&](const Package& p) {
    if (!is_os_ecosystem(p.ecosystem) && hit(p.path)) return true;
    for (const std::string& f : p.files)
      if (hit(f)) return true;
    return false;
  };
  std::set<std::string> present;
  for (Package& p : container.packages) {
    std::string id = identity(p);
    present.insert(id);
    auto [lo, hi] = earlier.equal_range(id);
    if (lo == hi) {
      p.drift = "added";
      continue;
    }
    bool same_version = false;
    for (auto it = lo; it != hi; ++it) same_version = same_version || it->second->version == p.version;
    if (!same_version || altered(p)) p.drift = "modified";
  }
  for (const Package& p : image.packages) {
    if (present.count(identity(p))) continue;
    Package gone = p;
    gone.drift = "removed";
    container.packages.push_back(std::move(gone));
  }
  std::sort(container.packages.begin(), container.packages.end(), [](const Package& a, const Package& b) {
    return std::tie(a.ecosystem, a.name, a.version, a.arch) < std::tie(b.ecosystem, b.name, b.version, b.arch);
  });
}

}  // namespace dagda
