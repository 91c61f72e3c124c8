// layers/memory_view.hpp: a FileView over files held in a map, for tests and
// fuzz targets. Symlinks are resolved the same way LayerFs resolves them.
#pragma once

#include <map>
#include <string>

#include "layers/file_view.hpp"

namespace dagda {

class MemoryFileView final : public FileView {
 public:
  void add_file(std::string path, std::string content);
  void add_symlink(std::string path, std::string target);

  Result<BlobPtr> read(std::string_view path) const override;
  std::vector<std::string> list(std::string_view dir) const override;
  std::vector<std::string> captured() const override;

 private:
  std::map<std::string, BlobPtr, std::less<>> files_;
  std::map<std::string, std::string, std::less<>> links_;
};

}  // namespace dagda
