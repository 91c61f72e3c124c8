// common/spill_file.hpp: many captured files in one unnamed temporary file, each read back
// as a Blob over its range of the file's mapping.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/blob.hpp"
#include "common/result.hpp"

namespace dagda {

struct FileMapping;

// Many captured files in one unlinked temporary file under `spill_dir`, mapped once when
// the writer is done: each file is then a Blob over its range of the mapping. A page costs
// memory only once a reader touches it, so thousands of files of which a few are read (the
// scripts a retire.js scan captures, most of them an OS package's and never read) cost a
// file on disk rather than their size in memory.
class SpillFile {
 public:
  explicit SpillFile(std::string spill_dir);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  // Appends to the end of the file (created on first use); size() is the offset of the next byte.
  Status append(std::string_view bytes);
  uint64_t size() const { return size_; }
  // Writes what is buffered and maps the whole file; after it, slice() and no more append().
  Status map();
  // The bytes [offset, offset + length) of the mapped file (a blob that keeps the mapping alive).
  BlobPtr slice(uint64_t offset, uint64_t length) const;

 private:
  Status flush();

  std::string spill_dir_;
  int fd_ = -1;
  uint64_t size_ = 0;     // bytes appended
  uint64_t written_ = 0;  // bytes in the file
  std::string buffer_;
  std::shared_ptr<const FileMapping> mapping_;
};

}  // namespace dagda
