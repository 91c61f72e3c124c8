// NDB, rpm's own package database "Packages.db" (rpm >= 4.16; SUSE). All
// integers little endian. Layout (rpm's lib/backend/ndb/rpmpkg.c):
//   bytes 0..31: "RpmP", version 0, generation, slot page count, next index
//   slot pages (4096 bytes each, the first 32 bytes being the header above):
//     16-byte slots {"Slot", package index, block offset, block count};
//     block offset 0 marks a free slot. Blocks are 16 bytes.
//   blobs at block offset * 16:
//     head {"BlbS", package index, timestamp, blob length}, the header blob,
//     zero padding to a whole block, tail {adler32, blob length, "BlbE"};
//     the adler32 covers everything from the head to the tail.
#include <algorithm>
#include <string>
#include <tuple>
#include <unordered_set>
#include <vector>

#include "catalog/rpmdb/bytes.hpp"
#include "catalog/rpmdb/rpmdb.hpp"

namespace dagda::rpmdb {

namespace {

using detail::le32;

constexpr uint32_t fourcc(char a, char b, char c, char d) {
  return uint32_t(uint8_t(a)) | uint32_t(uint8_t(b)) << 8 | uint32_t(uint8_t(c)) << 16 |
         uint32_t(uint8_t(d)) << 24;
}
constexpr uint32_t kDbMagic = fourcc('R', 'p', 'm', 'P');
constexpr uint32_t kSlotMagic = fourcc('S', 'l', 'o', 't');
constexpr uint32_t kBlobHeadMagic = fourcc('B', 'l', 'b', 'S');
constexpr uint32_t kBlobTailMagic = fourcc('B', 'l', 'b', 'E');
constexpr uint64_t kHeaderSize = 32;
constexpr uint64_t kSlotSize = 16;
constexpr uint64_t kBlockSize = 16;
constexpr uint64_t kSlotPageSize = 4096;
constexpr uint64_t kBlobHeadSize = 16;
constexpr uint64_t kBlobTailSize = 12;

// RFC 1950.
uint32_t adler32(std::string_view data) {
  constexpr uint32_t kMod = 65521;
  uint32_t a = 1, b = 0;
  while (!data.empty()) {
    size_t n = std::min<size_t>(data.size(), 5552);  // keeps the sums below 2^32 between reductions
    for (size_t i = 0; i < n; ++i) {
      a += static_cast<uint8_t>(data[i]);
      b += a;
    }
    a %= kMod;
    b %= kMod;
    data.remove_prefix(n);
  }
  return (b << 16) | a;
}

// The blob a slot points at, checked as rpm checks it before use. `claimed`
// is set once the head and tail prove the blocks belong to this blob.
Result<std::string_view> read_blob(std::string_view bytes, uint32_t pkgidx, uint64_t blkoff, uint64_t blkcnt,
                                   bool& claimed) {
  uint64_t start = blkoff * kBlockSize, size = blkcnt * kBlockSize;
  if (size < kBlobHeadSize + kBlobTailSize)
    return Error(ErrorCode::corrupt, "blob of " + std::to_string(blkcnt) + " blocks is too small");
  if (start > bytes.size() || size > bytes.size() - start)
    return Error(ErrorCode::corrupt,
                 "blob at block " + std::to_string(blkoff) + " runs past the end of the file");
  std::string_view area = bytes.substr(start, size);
  if (*le32(area, 0) != kBlobHeadMagic) return Error(ErrorCode::corrupt, "blob head has no BlbS magic");
  if (*le32(area, 4) != pkgidx)
    return Error(ErrorCode::corrupt, "blob head names package " + std::to_string(*le32(area, 4)));
  uint64_t bloblen = *le32(area, 12);
  if ((kBlobHeadSize + bloblen + kBlobTailSize + kBlockSize - 1) / kBlockSize != blkcnt)
    return Error(ErrorCode::corrupt, "blob length " + std::to_string(bloblen) + " does not fit its " +
                                         std::to_string(blkcnt) + " blocks");
  uint64_t tail = size - kBlobTailSize;
  if (*le32(area, tail + 8) != kBlobTailMagic)
    return Error(ErrorCode::corrupt, "blob tail has no BlbE magic");
  if (*le32(area, tail + 4) != bloblen)
    return Error(ErrorCode::corrupt, "blob tail length differs from its head");
  claimed = true;
  if (*le32(area, tail) != adler32(area.substr(0, tail)))
    return Error(ErrorCode::corrupt, "blob checksum mismatch");
  return area.substr(kBlobHeadSize, bloblen);
}

}  // namespace

Result<ScanReport> scan_ndb(std::string_view bytes, const BlobVisitor& visit) {
  if (bytes.size() < kHeaderSize)
    return Error(ErrorCode::corrupt,
                 "NDB file of " + std::to_string(bytes.size()) + " bytes is shorter than its header");
  if (*le32(bytes, 0) != kDbMagic) return Error(ErrorCode::corrupt, "not an rpm NDB database (bad magic)");
  if (uint32_t v = *le32(bytes, 4); v != 0)
    return Error(ErrorCode::unsupported, "NDB database version " + std::to_string(v) + " (only 0 is read)");
  uint64_t slot_pages = *le32(bytes, 12);
  if (slot_pages == 0) return Error(ErrorCode::corrupt, "NDB header declares no slot pages");

  ScanReport report;
  uint64_t slot_bytes = slot_pages * kSlotPageSize;
  if (slot_bytes > bytes.size()) {
    report.add({Problem::Kind::storage,
                "file is truncated: " + std::to_string(slot_pages) + " slot pages declared, " +
                    std::to_string(bytes.size()) + " bytes present",
                {}});
    slot_bytes = bytes.size() / kSlotSize * kSlotSize;
  }
  if (bytes.size() % kBlockSize != 0)
    report.add({Problem::Kind::storage,
                "file size " + std::to_string(bytes.size()) + " is not a whole number of blocks",
                {}});

  uint64_t first_data_block = slot_pages * (kSlotPageSize / kBlockSize);
  struct Slot {
    uint32_t pkgidx;
    uint64_t blkoff, blkcnt;
  };
  std::vector<Slot> slots;
  std::unordered_set<uint32_t> seen;
  for (uint64_t off = kHeaderSize; off + kSlotSize <= slot_bytes; off += kSlotSize) {
    uint64_t slotno = off / kSlotSize;
    if (*le32(bytes, off) != kSlotMagic) {
      report.add({Problem::Kind::storage, "slot " + std::to_string(slotno) + " has no Slot magic", {}});
      continue;
    }
    uint32_t pkgidx = *le32(bytes, off + 4);
    uint64_t blkoff = *le32(bytes, off + 8), blkcnt = *le32(bytes, off + 12);
    if (blkoff == 0) continue;  // free slot
    if (pkgidx == 0 || blkcnt == 0 || blkoff < first_data_block) {
      report.add({Problem::Kind::storage, "slot " + std::to_string(slotno) + " is malformed", pkgidx});
      continue;
    }
    if (!seen.insert(pkgidx).second) {
      report.add({Problem::Kind::storage, "package " + std::to_string(pkgidx) + " has two slots", pkgidx});
      continue;
    }
    slots.push_back({pkgidx, blkoff, blkcnt});
  }

  // Blobs never overlap in a sound database; refusing overlaps also keeps the
  // checksum work linear in the file size whatever the slots claim.
  std::sort(slots.begin(), slots.end(), [](const Slot& a, const Slot& b) {
    return std::tie(a.blkoff, a.pkgidx) < std::tie(b.blkoff, b.pkgidx);
  });
  uint64_t end_of_previous = first_data_block;
  for (const Slot& s : slots) {
    if (s.blkoff < end_of_previous) {
      report.add({Problem::Kind::storage,
                  "package " + std::to_string(s.pkgidx) + " overlaps the blob before it", s.pkgidx});
      continue;
    }
    bool claimed = false;
    auto blob = read_blob(bytes, s.pkgidx, s.blkoff, s.blkcnt, claimed);
    if (claimed) end_of_previous = s.blkoff + s.blkcnt;
    if (!blob.ok()) {
      report.add({Problem::Kind::storage,
                  "package " + std::to_string(s.pkgidx) + ": " + blob.error().message(), s.pkgidx});
      continue;
    }
    ++report.records;
    visit(s.pkgidx, *blob);
  }
  return report;
}

}  // namespace dagda::rpmdb
