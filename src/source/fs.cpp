// fs: a project directory (source tree, checkout) read like `dir:` — one layer,
// walked without following any host symlink — but for its lockfiles: the
// catalog driver runs the lockfile catalogers for this kind (catalog/lockfile/).

#include "source/sources.hpp"

namespace dagda {

Result<Image> open_fs(const std::string& path, const SourceOptions& opts) {
  DAGDA_ASSIGN_OR_RETURN(Image img, open_dir(path, opts));
  img.info.kind = "fs";
  return img;
}

}  // namespace dagda
