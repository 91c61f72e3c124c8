// cache/codec.hpp: what the cache's entries share: a little-endian-as-stored
// binary encoding with bounds-checked reading, and atomic writes of a file
// into the cache directory (an unnamed file linked into place when complete).
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace dagda::cache {

inline void put_u8(std::string& s, uint8_t v) { s.push_back(static_cast<char>(v)); }
inline void put_u32(std::string& s, uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); }
inline void put_u64(std::string& s, uint64_t v) { s.append(reinterpret_cast<const char*>(&v), 8); }
inline void put_str(std::string& s, std::string_view v) {
  put_u32(s, static_cast<uint32_t>(v.size()));
  s.append(v);
}

class Cursor {
 public:
  explicit Cursor(std::string_view b) : b_(b) {}
  bool u8(uint8_t* v) { return take(v, 1); }
  bool u32(uint32_t* v) { return take(v, 4); }
  bool u64(uint64_t* v) { return take(v, 8); }
  bool str(std::string* v) {
    uint32_t n = 0;
    if (!u32(&n) || n > b_.size() - pos_) return false;
    v->assign(b_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  size_t pos() const { return pos_; }
  size_t left() const { return b_.size() - pos_; }

 private:
  bool take(void* out, size_t n) {
    if (n > b_.size() - pos_) return false;
    std::memcpy(out, b_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  std::string_view b_;
  size_t pos_ = 0;
};

using Sink = std::function<Status(std::string_view)>;

bool mkdirs(const std::string& dir);
// Writes what `fill` sends to its sink into `path` (inside `dir`), atomically; false on failure.
bool write_atomic(const std::string& dir, const std::string& path, const std::function<Status(const Sink&)>& fill);
// CRC-64 (ECMA, reflected; isa-l) continuing from `crc`.
uint64_t crc64(uint64_t crc, std::string_view bytes);
// Reads a whole cache file (nullopt when absent or larger than `limit`).
std::optional<std::string> read_small(const std::string& path, uint64_t limit);

}  // namespace dagda::cache
