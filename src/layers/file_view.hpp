// layers/file_view.hpp: a read-only view of an image's merged root filesystem,
// limited to the files the catalogers asked for during the walk. Paths are
// relative to the image root, without a leading slash ("var/lib/dpkg/status").
// Symlinks are resolved inside the image root only, never on the host.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/blob.hpp"
#include "common/result.hpp"

namespace dagda {

class FileView {
 public:
  virtual ~FileView() = default;

  // The content of a captured regular file, following symlinks. not_found when
  // the file is absent; corrupt for a symlink loop.
  virtual Result<BlobPtr> read(std::string_view path) const = 0;

  // Captured regular files directly inside `dir` (after resolving `dir`), as
  // full paths relative to the root, sorted.
  virtual std::vector<std::string> list(std::string_view dir) const = 0;

  // Every captured regular file in the view (symlinks are not repeated), as
  // full paths relative to the root, sorted. The application catalogers look
  // through these for the files their `wants` or content probe kept.
  virtual std::vector<std::string> captured() const = 0;

  // True when `path` names a captured file (after resolving symlinks).
  bool exists(std::string_view path) const { return read(path).ok(); }
};

}  // namespace dagda
