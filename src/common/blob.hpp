// common/blob.hpp: the bytes of one file taken out of an image. Small files live
// in memory; large ones are spilled to a private temporary file in the cache
// directory and mapped read-only, so memory stays bounded whatever the image.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace dagda {

class Blob {
 public:
  virtual ~Blob() = default;
  virtual std::string_view data() const = 0;
  size_t size() const { return data().size(); }
  // A reader done with bytes [0, upto) of a large blob says so: a blob spilled to a file
  // drops those pages from memory (they are read back from the file if touched again), so
  // streaming through a database of hundreds of MB costs a window, not its size. No-op
  // for blobs held in memory.
  virtual void release_before(size_t upto) const { (void)upto; }

  static std::shared_ptr<const Blob> from_string(std::string bytes);
};

using BlobPtr = std::shared_ptr<const Blob>;

// Collects a blob written in pieces. Past `memory_limit` bytes it moves to an
// unlinked temporary file under `spill_dir` and maps it when finished.
class BlobWriter {
 public:
  BlobWriter(std::string spill_dir, size_t memory_limit);
  ~BlobWriter();
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;

  Status append(std::string_view bytes);
  Result<BlobPtr> finish();

 private:
  std::string spill_dir_;
  size_t memory_limit_;
  std::string mem_;
  int fd_ = -1;
  uint64_t file_size_ = 0;
};

}  // namespace dagda
