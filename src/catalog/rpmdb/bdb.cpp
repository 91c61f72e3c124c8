// BerkeleyDB hash database, as rpm < 4.16 wrote /var/lib/rpm/Packages: key =
// header number (4 bytes, writer's byte order), value = header blob, usually
// stored on a chain of overflow pages. Layout (BerkeleyDB db_page.h):
//   page 0: metadata; magic 0x061561 at 12, version 16, pagesize 20,
//           encrypt_alg 24, page type 25, last_pgno 32, max_bucket 72,
//           spares[32] at 96 (bucket b lives on page b + spares[bitlen(b)]).
//   every page: pgno 8, prev 12, next 16, entries 20 (u16), hf_offset 22
//           (u16; on overflow pages the bytes used), type 25, then the
//           entries' u16 offsets from 26; items are packed down from the end.
//   hash items: type byte 1 = inline data, 3 = off-page {pgno 4, tlen 8}.
// All integers are in the byte order of the machine that wrote the file.
#include <string>
#include <vector>

#include "catalog/rpmdb/bytes.hpp"
#include "catalog/rpmdb/rpmdb.hpp"

namespace dagda::rpmdb {

namespace {

using detail::Endian;

constexpr uint32_t kHashMagic = 0x061561;
constexpr uint32_t kBtreeMagic = 0x053162;
constexpr uint64_t kPageHeader = 26;
constexpr uint8_t kPageHashUnsorted = 2;
constexpr uint8_t kPageOverflow = 7;
constexpr uint8_t kPageHashMeta = 8;
constexpr uint8_t kPageHash = 13;
constexpr uint8_t kItemKeyData = 1;
constexpr uint8_t kItemOffPage = 3;

unsigned bit_length(uint64_t v) {
  unsigned n = 0;
  for (; v; v >>= 1) ++n;
  return n;
}

class BdbReader {
 public:
  BdbReader(std::string_view bytes, Endian e, uint32_t pagesize)
      : bytes_(bytes),
        e_(e),
        pagesize_(pagesize),
        npages_(bytes.size() / pagesize),
        hash_seen_(npages_, 0),
        overflow_seen_(npages_, 0) {}

  uint64_t npages() const { return npages_; }

  // The page `pg`, checked to be inside the file and to name itself.
  Result<std::string_view> page(uint64_t pg, std::vector<uint8_t>& seen, std::string_view what) const {
    if (pg == 0)
      return Error(ErrorCode::corrupt, std::string(what) + " page link points at the metadata page");
    if (pg >= npages_)
      return Error(ErrorCode::corrupt, std::string(what) + " page " + std::to_string(pg) +
                                           " is past the end of the file (" + std::to_string(npages_) +
                                           " pages)");
    if (seen[pg])
      return Error(ErrorCode::corrupt,
                   std::string(what) + " page " + std::to_string(pg) + " is reached twice (a loop)");
    seen[pg] = 1;
    std::string_view p = bytes_.substr(pg * pagesize_, pagesize_);
    auto self = e_.u32(p, 8);
    if (*self != pg)
      return Error(ErrorCode::corrupt, std::string(what) + " page " + std::to_string(pg) +
                                           " is damaged: it says it is page " + std::to_string(*self));
    return p;
  }

  // Reassembles an off-page item of `tlen` bytes starting at page `pg` into `out`.
  Status overflow(uint64_t pg, uint64_t tlen, std::string& out) {
    out.clear();
    if (tlen == 0) return Error(ErrorCode::corrupt, "off-page item has length 0");
    if (tlen > npages_ * (pagesize_ - kPageHeader) || tlen > kMaxDataBytes + 16ull * kMaxIndexEntries)
      return Error(ErrorCode::corrupt,
                   "off-page item claims " + std::to_string(tlen) + " bytes, more than the file holds");
    out.reserve(tlen);
    uint64_t remaining = tlen;
    while (remaining > 0) {
      if (pg == 0)
        return Error(ErrorCode::corrupt, "overflow chain ends " + std::to_string(remaining) +
                                             " bytes short of " + std::to_string(tlen));
      DAGDA_ASSIGN_OR_RETURN(std::string_view p, page(pg, overflow_seen_, "overflow"));
      if (detail::byte_at(p, 25) != kPageOverflow)
        return Error(ErrorCode::corrupt, "page " + std::to_string(pg) + " in an overflow chain has type " +
                                             std::to_string(detail::byte_at(p, 25)));
      uint64_t used = *e_.u16(p, 22);
      if (used == 0 || used > pagesize_ - kPageHeader || used > remaining)
        return Error(ErrorCode::corrupt, "overflow page " + std::to_string(pg) + " holds an impossible " +
                                             std::to_string(used) + " bytes");
      out.append(p.substr(kPageHeader, used));
      remaining -= used;
      pg = *e_.u32(p, 16);
    }
    return ok_status();
  }

  // An item on a hash page: inline bytes (a view) or off-page (copied to `buf`).
  Result<std::string_view> item(std::string_view p, uint64_t off, uint64_t len, std::string& buf) {
    uint8_t type = detail::byte_at(p, off);
    if (type == kItemKeyData) return p.substr(off + 1, len - 1);
    if (type == kItemOffPage) {
      if (len != 12)
        return Error(ErrorCode::corrupt, "off-page item of " + std::to_string(len) + " bytes, not 12");
      DAGDA_TRY(overflow(*e_.u32(p, off + 4), *e_.u32(p, off + 8), buf));
      return std::string_view(buf);
    }
    return Error(ErrorCode::corrupt, "hash item of unsupported type " + std::to_string(type));
  }

  // Every key/value pair on the pages of one bucket's chain.
  void bucket(uint64_t b, uint64_t first_page, const BlobVisitor& visit, ScanReport& report) {
    uint64_t pg = first_page;
    for (bool first = true; first || pg != 0; first = false) {
      auto page_or = page(pg, hash_seen_, "hash");
      if (!page_or.ok()) {
        report.add(
            {Problem::Kind::storage, "bucket " + std::to_string(b) + ": " + page_or.error().message(), {}});
        return;
      }
      std::string_view p = *page_or;
      uint8_t type = detail::byte_at(p, 25);
      if (type != kPageHash && type != kPageHashUnsorted) {
        report.add({Problem::Kind::storage,
                    "bucket " + std::to_string(b) + ": page " + std::to_string(pg) + " has type " +
                        std::to_string(type) + ", not a hash page",
                    {}});
        return;
      }
      uint64_t n = *e_.u16(p, 20);
      if (n > (pagesize_ - kPageHeader) / 2 || n % 2 != 0) {
        report.add({Problem::Kind::storage,
                    "hash page " + std::to_string(pg) + " has an impossible entry count " + std::to_string(n),
                    {}});
        return;
      }
      uint64_t min_off = kPageHeader + 2 * n;
      for (uint64_t i = 0; i < n; i += 2) {
        uint64_t koff = *e_.u16(p, kPageHeader + 2 * i);
        uint64_t voff = *e_.u16(p, kPageHeader + 2 * i + 2);
        uint64_t kend = i == 0 ? pagesize_ : *e_.u16(p, kPageHeader + 2 * i - 2);
        if (koff < min_off || voff < min_off || kend > pagesize_ || koff >= kend || voff >= koff) {
          report.add(
              {Problem::Kind::storage,
               "hash page " + std::to_string(pg) + " entry " + std::to_string(i / 2) + " has bad offsets",
               {}});
          continue;
        }
        auto key = item(p, koff, kend - koff, key_buf_);
        if (!key.ok()) {
          report.add({Problem::Kind::storage,
                      "hash page " + std::to_string(pg) + " entry " + std::to_string(i / 2) +
                          " key: " + key.error().message(),
                      {}});
          continue;
        }
        if (key->size() != 4) {
          report.add({Problem::Kind::storage,
                      "hash page " + std::to_string(pg) + " entry " + std::to_string(i / 2) + " has a " +
                          std::to_string(key->size()) + "-byte key, not a header number",
                      {}});
          continue;
        }
        uint32_t record = *e_.u32(*key, 0);
        if (record == 0) continue;  // rpm's record 0 holds the next free header number
        auto value = item(p, voff, koff - voff, value_buf_);
        if (!value.ok()) {
          report.add({Problem::Kind::storage,
                      "header " + std::to_string(record) + ": " + value.error().message(), record});
          continue;
        }
        ++report.records;
        visit(record, *value);
      }
      pg = *e_.u32(p, 16);
    }
  }

 private:
  std::string_view bytes_;
  Endian e_;
  uint64_t pagesize_;
  uint64_t npages_;
  std::vector<uint8_t> hash_seen_;
  std::vector<uint8_t> overflow_seen_;
  std::string key_buf_;
  std::string value_buf_;
};

}  // namespace

Result<ScanReport> scan_bdb(std::string_view bytes, const BlobVisitor& visit) {
  if (bytes.size() < 512)
    return Error(ErrorCode::corrupt, "BerkeleyDB file of " + std::to_string(bytes.size()) +
                                         " bytes is shorter than its metadata page");
  Endian e;
  uint32_t magic = *detail::le32(bytes, 12);
  if (magic == kHashMagic || magic == kBtreeMagic) {
    e.big = false;
  } else if (*detail::be32(bytes, 12) == kHashMagic || *detail::be32(bytes, 12) == kBtreeMagic) {
    e.big = true;
    magic = *detail::be32(bytes, 12);
  } else {
    return Error(ErrorCode::corrupt, "not a BerkeleyDB hash database (bad magic)");
  }
  if (magic == kBtreeMagic)
    return Error(ErrorCode::unsupported, "BerkeleyDB btree database; rpm's Packages is a hash database");
  uint32_t version = *e.u32(bytes, 16);
  if (version < 8 || version > 10)
    return Error(ErrorCode::unsupported,
                 "BerkeleyDB hash version " + std::to_string(version) + " (8 to 10 are read)");
  uint32_t pagesize = *e.u32(bytes, 20);
  if (pagesize < 512 || pagesize > 65536 || (pagesize & (pagesize - 1)) != 0)
    return Error(ErrorCode::corrupt, "BerkeleyDB page size " + std::to_string(pagesize) + " is impossible");
  if (detail::byte_at(bytes, 24) != 0) return Error(ErrorCode::unsupported, "encrypted BerkeleyDB database");
  if (detail::byte_at(bytes, 25) != kPageHashMeta)
    return Error(ErrorCode::corrupt,
                 "BerkeleyDB metadata page has type " + std::to_string(detail::byte_at(bytes, 25)));

  BdbReader reader(bytes, e, pagesize);
  ScanReport report;
  uint64_t last_pgno = *e.u32(bytes, 32);
  if (bytes.size() % pagesize != 0 || last_pgno >= reader.npages())
    report.add({Problem::Kind::storage,
                "file is truncated: " + std::to_string(bytes.size()) + " bytes hold " +
                    std::to_string(reader.npages()) + " pages of " + std::to_string(pagesize) +
                    ", the metadata says " + std::to_string(last_pgno + 1),
                {}});
  uint64_t max_bucket = *e.u32(bytes, 72);
  uint64_t spares[32];
  for (int i = 0; i < 32; ++i) spares[i] = *e.u32(bytes, 96 + 4 * i);

  // A bucket's page number is at least the bucket number, so buckets past the
  // file's last page cannot be read; say so once instead of once per bucket.
  uint64_t buckets = max_bucket + 1;
  if (buckets > reader.npages()) {
    report.add({Problem::Kind::storage,
                std::to_string(buckets - reader.npages()) + " hash buckets lie past the end of the file",
                {}});
    buckets = reader.npages();
  }
  for (uint64_t b = 0; b < buckets && bit_length(b) < 32; ++b)
    reader.bucket(b, b + spares[bit_length(b)], visit, report);
  return report;
}

}  // namespace dagda::rpmdb
