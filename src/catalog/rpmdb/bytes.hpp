// catalog/rpmdb/bytes.hpp: bounds-checked integer loads for the rpm database
// readers. Callers check ranges first; these never read past `bytes`.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace dagda::rpmdb::detail {

inline uint8_t byte_at(std::string_view b, size_t off) {
  return static_cast<uint8_t>(b[off]);
}

// nullopt when [off, off+4) is not inside `b`.
inline std::optional<uint32_t> be32(std::string_view b, uint64_t off) {
  if (off > b.size() || b.size() - off < 4) return std::nullopt;
  return (uint32_t{byte_at(b, off)} << 24) | (uint32_t{byte_at(b, off + 1)} << 16) |
         (uint32_t{byte_at(b, off + 2)} << 8) | uint32_t{byte_at(b, off + 3)};
}

inline std::optional<uint32_t> le32(std::string_view b, uint64_t off) {
  if (off > b.size() || b.size() - off < 4) return std::nullopt;
  return uint32_t{byte_at(b, off)} | (uint32_t{byte_at(b, off + 1)} << 8) |
         (uint32_t{byte_at(b, off + 2)} << 16) | (uint32_t{byte_at(b, off + 3)} << 24);
}

inline std::optional<uint16_t> be16(std::string_view b, uint64_t off) {
  if (off > b.size() || b.size() - off < 2) return std::nullopt;
  return static_cast<uint16_t>((byte_at(b, off) << 8) | byte_at(b, off + 1));
}

inline std::optional<uint16_t> le16(std::string_view b, uint64_t off) {
  if (off > b.size() || b.size() - off < 2) return std::nullopt;
  return static_cast<uint16_t>(byte_at(b, off) | (byte_at(b, off + 1) << 8));
}

inline std::optional<uint64_t> be64(std::string_view b, uint64_t off) {
  auto hi = be32(b, off), lo = be32(b, off + 4);
  if (!hi || !lo) return std::nullopt;
  return (uint64_t{*hi} << 32) | *lo;
}

// Loads in the byte order a database declared (BerkeleyDB writes host order).
struct Endian {
  bool big = false;
  std::optional<uint32_t> u32(std::string_view b, uint64_t off) const {
    return big ? be32(b, off) : le32(b, off);
  }
  std::optional<uint16_t> u16(std::string_view b, uint64_t off) const {
    return big ? be16(b, off) : le16(b, off);
  }
};

}  // namespace dagda::rpmdb::detail
