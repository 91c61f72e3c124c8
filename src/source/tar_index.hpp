// source/tar_index.hpp: the table of contents of an uncompressed tar file on
// disk (a `docker save` or OCI archive), so that members can be read in place
// and in parallel without extracting anything.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "source/stream.hpp"

namespace dagda {

struct TarMember {
  char type = '0';       // '0' file, '1' hard link, '2' symlink, '5' directory, other
  uint64_t offset = 0;   // of the data, in the tar file
  uint64_t size = 0;
  std::string link;      // target of a link
};

class TarIndex {
 public:
  // Reads every header of the tar held by `file`; fails on a damaged or truncated archive.
  static Result<TarIndex> build(std::shared_ptr<HostFile> file);

  // Looks a member up by normalised name, following links inside the archive.
  Result<const TarMember*> find(std::string_view name) const;
  bool contains(std::string_view name) const { return find(name).ok(); }
  // Reads a member whole; fails when it is larger than `limit`.
  Result<std::string> read(std::string_view name, uint64_t limit) const;
  // Streams a member.
  Result<std::unique_ptr<ByteStream>> open(std::string_view name) const;

  const std::map<std::string, TarMember, std::less<>>& members() const { return members_; }
  const std::shared_ptr<HostFile>& file() const { return file_; }

 private:
  std::shared_ptr<HostFile> file_;
  std::map<std::string, TarMember, std::less<>> members_;
};

}  // namespace dagda
