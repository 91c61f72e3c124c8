#include "layers/memory_view.hpp"

#include "layers/path.hpp"

namespace dagda {

void MemoryFileView::add_file(std::string path, std::string content) {
  auto norm = normalize_entry_path(path);
  if (norm) files_[*norm] = Blob::from_string(std::move(content));
}

void MemoryFileView::add_symlink(std::string path, std::string target) {
  auto norm = normalize_entry_path(path);
  if (norm) links_[*norm] = std::move(target);
}

Result<BlobPtr> MemoryFileView::read(std::string_view path) const {
  auto resolved = resolve_in_root(path, [this](std::string_view p) -> std::optional<std::string> {
    auto it = links_.find(p);
    if (it == links_.end()) return std::nullopt;
    return it->second;
  });
  if (!resolved.ok()) return std::move(resolved).error();
  auto it = files_.find(*resolved);
  if (it == files_.end()) return Error(ErrorCode::not_found, "no such file", {.file = std::string(path)});
  return it->second;
}

std::vector<std::string> MemoryFileView::list(std::string_view dir) const {
  std::vector<std::string> out;
  auto resolved = resolve_in_root(dir, [this](std::string_view p) -> std::optional<std::string> {
    auto it = links_.find(p);
    if (it == links_.end()) return std::nullopt;
    return it->second;
  });
  if (!resolved.ok()) return out;
  std::string prefix = resolved->empty() ? "" : *resolved + "/";
  for (auto it = files_.lower_bound(prefix); it != files_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    if (it->first.find('/', prefix.size()) == std::string::npos) out.push_back(it->first);
  }
  return out;
}

std::vector<std::string> MemoryFileView::captured() const {
  std::vector<std::string> out;
  for (const auto& [path, blob] : files_) out.push_back(path);
  return out;
}

}  // namespace dagda
