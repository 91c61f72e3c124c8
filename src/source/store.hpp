// source/store.hpp: the files of an image archive (a tar on disk) or of an
// image layout directory, read in place.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "source/stream.hpp"

namespace dagda {

class Store {
 public:
  virtual ~Store() = default;
  virtual bool exists(std::string_view path) const = 0;
  virtual Result<std::string> read(std::string_view path, uint64_t limit) const = 0;
  virtual Result<std::unique_ptr<ByteStream>> open(std::string_view path) const = 0;
  // "archive.tar:blobs/sha256/ab.." or "dir/blobs/sha256/ab..", for messages.
  virtual std::string describe(std::string_view path) const = 0;
  // Where `path`'s bytes are on the host (device, inode, size, mtime, ctime, and the member's place in
  // an archive), so that the layer cache knows an unchanged file; "" when that cannot be said.
  virtual std::string identity(std::string_view) const { return {}; }
  // How many bytes `path` holds as stored (compressed or not); 0 when unknown.
  virtual uint64_t stored_size(std::string_view) const { return 0; }
};

// A tar archive, plain or compressed (a compressed one is first inflated into
// an unnamed temporary file in the cache directory).
Result<std::unique_ptr<Store>> open_tar_store(const std::string& path);
class TarIndex;
// A store over an already indexed tar.
std::unique_ptr<Store> make_tar_store(TarIndex idx, std::string name);
// A directory. Paths with ".." or a leading "/" are refused.
Result<std::unique_ptr<Store>> open_dir_store(const std::string& path);

// Opens `path` as a host file; when compressed, inflates it into an unnamed
// temporary file in the cache directory first. Used for archives that need
// random access.
Result<std::shared_ptr<HostFile>> open_uncompressed(const std::string& path, const std::string& temp_dir = "");

}  // namespace dagda
