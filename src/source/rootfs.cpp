// dir: and rootfs-archive: a root filesystem as a directory on the host or as
// a tar (plain, gzip, xz or zstd), seen as an image with one layer.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "source/sources.hpp"

namespace dagda {

Result<Image> open_dir(const std::string& path, const SourceOptions&) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0)
    return Error(errno == ENOENT ? ErrorCode::not_found : ErrorCode::io,
                 fmt::format("cannot open: {}", std::strerror(errno)), {.file = path});
  if (!S_ISDIR(st.st_mode)) return Error(ErrorCode::unsupported, "not a directory", {.file = path});
  Image img;
  img.info.input = path;
  img.info.kind = "dir";
  LayerSource layer;
  layer.info.index = 0;
  layer.host_dir = path;
  img.info.layers.push_back(layer.info);
  img.layers.push_back(std::move(layer));
  return img;
}

Image rootfs_image_from_file(std::shared_ptr<HostFile> file, const std::string& input, const SourceOptions& opts) {
  Image img;
  img.info.input = input;
  img.info.kind = "rootfs-archive";
  LayerSource layer;
  layer.info.index = 0;
  layer.info.size = file->size();
  layer.open = [file, input, max = opts.max_layer_bytes]() -> Result<std::unique_ptr<ByteStream>> {
    return decompress_stream(file_range_stream(file, 0, file->size(), input), input, max);
  };
  img.info.layers.push_back(layer.info);
  img.layers.push_back(std::move(layer));
  return img;
}

Result<Image> open_rootfs_archive(const std::string& path, const SourceOptions& opts) {
  DAGDA_ASSIGN_OR_RETURN(auto file, HostFile::open(path));
  return rootfs_image_from_file(std::move(file), path, opts);
}

}  // namespace dagda
