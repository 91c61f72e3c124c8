// source/stream.hpp: pull-based byte streams. A layer is read as
// file range -> (digest check) -> decompression -> (diff id check) -> tar walker.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace dagda {

class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Reads up to `n` bytes; 0 means the end. Errors name the stream.
  virtual Result<size_t> read(char* buf, size_t n) = 0;
};

// An open host file shared by the streams that read ranges of it.
class HostFile {
 public:
  // `display` names the file in messages when `path` is not meaningful (a /proc/self/fd link).
  static Result<std::shared_ptr<HostFile>> open(const std::string& path, const std::string& display = "");
  ~HostFile();
  int fd() const { return fd_; }
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  HostFile(int fd, uint64_t size, std::string path) : fd_(fd), size_(size), path_(std::move(path)) {}
  int fd_;
  uint64_t size_;
  std::string path_;
};

// Bytes [offset, offset+length) of a host file, read with pread (streams over one
// file can run in parallel). `name` is used in error messages.
std::unique_ptr<ByteStream> file_range_stream(std::shared_ptr<HostFile> file, uint64_t offset, uint64_t length,
                                              std::string name);

enum class Compression { none, gzip, zstd, xz, bzip2 };
std::string_view to_string(Compression c);
// Detects a compression from the first bytes (magic numbers).
Compression sniff_compression(std::string_view head);

// Decompresses `in` (format sniffed from its first bytes unless given). Output
// is capped at `max_output` bytes: past it the stream fails as a decompression
// bomb. `name` is used in error messages.
Result<std::unique_ptr<ByteStream>> decompress_stream(std::unique_ptr<ByteStream> in, std::string name,
                                                      uint64_t max_output);

// Passes bytes through and checks their SHA-256 at the end against `expected_hex`
// (64 lowercase hex digits). A mismatch fails the final read with a corrupt error
// naming `name` and both digests. `*actual_out`, when given, receives the digest.
std::unique_ptr<ByteStream> verify_sha256_stream(std::unique_ptr<ByteStream> in, std::string expected_hex,
                                                 std::string name, std::shared_ptr<std::string> actual_out = {});

}  // namespace dagda
