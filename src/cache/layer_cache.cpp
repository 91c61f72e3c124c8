#include "cache/layer_cache.hpp"

#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <isa-l/crc64.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <functional>
#include <mutex>
#include <random>
#include <vector>

#include <fmt/format.h>

#include "cache/codec.hpp"
#include "common/digest.hpp"

namespace dagda::cache {
namespace {

constexpr std::string_view kMagic = "DAGDALC1";
constexpr std::string_view kEnd = "DAGDAEND";
constexpr std::string_view kScanMagic = "DAGDASC1";
constexpr uint64_t kMaxScanEntry = 512ull << 20;
constexpr uint64_t kMaxRecords = 20000;  // verified-file records and metadata kept at most

// ---- the running build's GNU build id ----
int on_object(dl_phdr_info* info, size_t, void* out) {
  // The first object is the program itself.
  auto* id = static_cast<std::string*>(out);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    const char* p = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
    const char* end = p + ph.p_memsz;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      auto* nh = reinterpret_cast<const ElfW(Nhdr)*>(p);
      const char* name = p + sizeof(ElfW(Nhdr));
      const char* desc = name + ((nh->n_namesz + 3) & ~3u);
      if (desc + nh->n_descsz > end) break;
      if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0) {
        for (uint32_t k = 0; k < nh->n_descsz; ++k)
          *id += fmt::format("{:02x}", static_cast<unsigned char>(desc[k]));
        return 1;
      }
      p = desc + ((nh->n_descsz + 3) & ~3u);
    }
  }
  return 1;
}

std::string build_id() {
  static std::once_flag once;
  static std::string id;
  std::call_once(once, [] {
    dl_iterate_phdr(on_object, &id);
    if (id.empty()) {
      // No build id: the executable's identity on disk stands in for it.
      struct stat st{};
      if (::stat("/proc/self/exe", &st) == 0)
        id = fmt::format("exe-{}-{}-{}", st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
      else
        id = "unknown";
    }
  });
  return id;
}

// Writes the encoding in pieces to `sink`; the content bytes are not copied into one buffer.
Status encode_to(const LayerIndex& layer, std::string_view key, const std::function<Status(std::string_view)>& sink) {
  std::string head;
  put_str(head, kMagic);
  put_str(head, key);
  put_u64(head, layer.bytes);
  put_u64(head, layer.entries.size());
  uint64_t data_off = 0;
  for (const LayerEntryRef e : layer.entries) {
    put_u8(head, static_cast<uint8_t>(e.kind));
    put_u64(head, e.size);
    put_str(head, e.path);
    put_str(head, e.target);
    put_u8(head, e.content ? 1 : 0);
    if (e.content) {
      put_u64(head, data_off);
      put_u64(head, e.content->size());
      data_off += e.content->size();
    }
  }
  put_u64(head, layer.warnings.size());
  for (const Warning& w : layer.warnings) {
    put_str(head, w.code);
    put_str(head, w.message);
    put_str(head, w.where.file);
    put_str(head, w.where.layer);
    put_u8(head, w.where.line ? 1 : 0);
    put_u64(head, w.where.line.value_or(0));
    put_u8(head, w.where.offset ? 1 : 0);
    put_u64(head, w.where.offset.value_or(0));
  }
  put_u64(head, data_off);
  uint64_t crc = crc64_ecma_refl(0, reinterpret_cast<const unsigned char*>(head.data()), head.size());
  DAGDA_TRY(sink(head));
  for (const LayerEntryRef e : layer.entries) {
    if (!e.content) continue;
    std::string_view d = e.content->data();
    crc = crc64_ecma_refl(crc, reinterpret_cast<const unsigned char*>(d.data()), d.size());
    DAGDA_TRY(sink(d));
    e.content->release_before(d.size());  // a spilled file's pages go back once written
  }
  std::string tail;
  put_u64(tail, crc);
  tail.append(kEnd);
  return sink(tail);
}

// A captured file's bytes inside a mapped cache entry.
class SliceBlob final : public Blob {
 public:
  SliceBlob(std::shared_ptr<const void> owner, std::string_view d) : owner_(std::move(owner)), d_(d) {}
  std::string_view data() const override { return d_; }

 private:
  std::shared_ptr<const void> owner_;
  std::string_view d_;
};

struct Mapping {
  void* addr = nullptr;
  size_t len = 0;
  ~Mapping() {
    if (addr) ::munmap(addr, len);
  }
};

std::string hex_name(std::string_view key) { return sha256_hex(key); }

struct DirFile {
  std::string path;
  uint64_t size = 0;
  timespec mtime{};
};

std::vector<DirFile> list_files(const std::string& dir) {
  std::vector<DirFile> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    std::string p = dir + "/" + name;
    struct stat st{};
    if (::lstat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    out.push_back({p, static_cast<uint64_t>(st.st_size), st.st_mtim});
  }
  ::closedir(d);
  return out;
}

bool older(const DirFile& a, const DirFile& b) {
  return std::tie(a.mtime.tv_sec, a.mtime.tv_nsec) < std::tie(b.mtime.tv_sec, b.mtime.tv_nsec);
}

void touch(const std::string& path) { ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0); }

void trim_records(const std::string& dir) {
  auto files = list_files(dir);
  if (files.size() <= kMaxRecords) return;
  std::sort(files.begin(), files.end(), older);
  for (size_t i = 0; i + kMaxRecords < files.size(); ++i) ::unlink(files[i].path.c_str());
}

}  // namespace

std::string catalogers_version(std::string_view walk_options) {
  return fmt::format("dagda-layer-cache-1 build:{} walk:{}", build_id(), walk_options);
}

std::string encode_layer(const LayerIndex& layer, std::string_view key) {
  std::string out;
  auto st = encode_to(layer, key, [&](std::string_view b) {
    out.append(b);
    return ok_status();
  });
  (void)st;
  return out;
}

Result<LayerIndex> decode_layer(std::string_view bytes, std::string_view key, const LayerInfo& info,
                                std::shared_ptr<const void> keep_alive) {
  auto damaged = [](std::string_view why) {
    return Error(ErrorCode::corrupt, fmt::format("damaged layer cache entry: {}", why));
  };
  if (bytes.size() < 16 + kEnd.size() || bytes.substr(bytes.size() - kEnd.size()) != kEnd) return damaged("no end marker");
  std::string_view body = bytes.substr(0, bytes.size() - kEnd.size() - 8);
  uint64_t want = 0;
  std::memcpy(&want, bytes.data() + body.size(), 8);
  if (crc64_ecma_refl(0, reinterpret_cast<const unsigned char*>(body.data()), body.size()) != want)
    return damaged("checksum mismatch");
  Cursor c(body);
  std::string magic, stored_key;
  if (!c.str(&magic) || magic != kMagic) return damaged("bad magic");
  if (!c.str(&stored_key) || stored_key != key) return damaged("another key");
  LayerIndex out;
  out.info = info;
  uint64_t n = 0;
  if (!c.u64(&out.bytes) || !c.u64(&n) || n > c.left() / 18) return damaged("bad entry count");
  struct Pending {
    size_t entry;
    uint64_t off, len;
  };
  std::vector<Pending> contents;
  for (uint64_t i = 0; i < n; ++i) {
    LayerEntry e;
    uint8_t kind = 0, has = 0;
    if (!c.u8(&kind) || kind > static_cast<uint8_t>(LayerEntry::Kind::other) || !c.u64(&e.size) || !c.str(&e.path) ||
        !c.str(&e.target) || !c.u8(&has))
      return damaged("truncated entry");
    e.kind = static_cast<LayerEntry::Kind>(kind);
    if (has) {
      Pending p{out.entries.size(), 0, 0};
      if (!c.u64(&p.off) || !c.u64(&p.len)) return damaged("truncated entry");
      contents.push_back(p);
    }
    out.entries.push_back(std::move(e));
  }
  uint64_t nw = 0;
  if (!c.u64(&nw) || nw > c.left() / 34) return damaged("bad warning count");
  for (uint64_t i = 0; i < nw; ++i) {
    Warning w;
    uint8_t has_line = 0, has_off = 0;
    uint64_t line = 0, off = 0;
    if (!c.str(&w.code) || !c.str(&w.message) || !c.str(&w.where.file) || !c.str(&w.where.layer) || !c.u8(&has_line) ||
        !c.u64(&line) || !c.u8(&has_off) || !c.u64(&off))
      return damaged("truncated warning");
    if (has_line) w.where.line = line;
    if (has_off) w.where.offset = off;
    out.warnings.push_back(std::move(w));
  }
  uint64_t data_len = 0;
  if (!c.u64(&data_len) || data_len != c.left()) return damaged("bad data length");
  std::string_view data = body.substr(c.pos());
  for (const Pending& p : contents) {
    if (p.off > data_len || p.len > data_len - p.off) return damaged("content out of bounds");
    std::string_view d = data.substr(static_cast<size_t>(p.off), static_cast<size_t>(p.len));
    out.entries.set_content(p.entry, keep_alive ? std::make_shared<SliceBlob>(keep_alive, d)
                                                : Blob::from_string(std::string(d)));
  }
  return out;
}

std::string encode_scan(std::string_view results, std::string_view key) {
  std::string out;
  put_str(out, kScanMagic);
  put_str(out, key);
  put_u64(out, results.size());
  out.append(results);
  put_u64(out, crc64(0, out));
  out.append(kEnd);
  return out;
}

std::optional<std::string> decode_scan(std::string_view bytes, std::string_view key) {
  if (bytes.size() < 8 + kEnd.size() || bytes.substr(bytes.size() - kEnd.size()) != kEnd) return std::nullopt;
  std::string_view body = bytes.substr(0, bytes.size() - kEnd.size() - 8);
  uint64_t want = 0;
  std::memcpy(&want, bytes.data() + body.size(), 8);
  if (crc64(0, body) != want) return std::nullopt;
  Cursor c(body);
  std::string magic, stored_key;
  uint64_t n = 0;
  if (!c.str(&magic) || magic != kScanMagic || !c.str(&stored_key) || stored_key != key || !c.u64(&n) ||
      n != c.left())
    return std::nullopt;
  return std::string(body.substr(c.pos()));
}

LayerCache::LayerCache(std::string root, std::string version, uint64_t max_bytes)
    : root_(std::move(root)), version_(std::move(version)), max_bytes_(max_bytes) {}

std::string LayerCache::entry_path(const std::string& diff_id) const {
  return root_ + "/layers/" + hex_name(version_ + "\n" + diff_id);
}

std::optional<LayerIndex> LayerCache::load(const std::string& diff_id, const LayerInfo& info) {
  std::string path = entry_path(diff_id);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
    ::close(fd);
    return std::nullopt;
  }
  auto map = std::make_shared<Mapping>();
  map->len = static_cast<size_t>(st.st_size);
  map->addr = ::mmap(nullptr, map->len, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map->addr == MAP_FAILED) {
    map->addr = nullptr;
    return std::nullopt;
  }
  auto r = decode_layer({static_cast<const char*>(map->addr), map->len}, version_ + "\n" + diff_id, info, map);
  if (!r.ok()) {
    ::unlink(path.c_str());  // damaged: rebuilt by this scan
    return std::nullopt;
  }
  touch(path);
  return std::move(r).value();
}

void LayerCache::store(const std::string& diff_id, const LayerIndex& layer) {
  std::string key = version_ + "\n" + diff_id;
  bool ok = write_atomic(root_ + "/layers", entry_path(diff_id),
                         [&](const std::function<Status(std::string_view)>& sink) { return encode_to(layer, key, sink); });
  if (ok) trim();
}

std::string LayerCache::scan_path(const std::string& key, const std::string& diff_id) const {
  return root_ + "/scans/" + hex_name(version_ + "\n" + key + "\n" + diff_id);
}

std::optional<std::string> LayerCache::load_scan(const std::string& key, const std::string& diff_id) {
  std::string path = scan_path(key, diff_id);
  auto bytes = read_small(path, kMaxScanEntry);
  if (!bytes) return std::nullopt;
  auto r = decode_scan(*bytes, version_ + "\n" + key + "\n" + diff_id);
  if (!r) {
    ::unlink(path.c_str());  // damaged: rebuilt by this scan
    return std::nullopt;
  }
  touch(path);
  return r;
}

void LayerCache::store_scan(const std::string& key, const std::string& diff_id, std::string_view results) {
  std::string bytes = encode_scan(results, version_ + "\n" + key + "\n" + diff_id);
  if (bytes.size() > kMaxScanEntry) return;
  bool ok = write_atomic(root_ + "/scans", scan_path(key, diff_id),
                         [&](const std::function<Status(std::string_view)>& sink) { return sink(bytes); });
  if (ok) trim();
}

bool LayerCache::verified(const std::string& identity, const std::string& diff_id) {
  if (identity.empty()) return false;
  std::string path = root_ + "/verified/" + hex_name(identity);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[256];
  ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  return n > 0 && std::string_view(buf, static_cast<size_t>(n)) == diff_id;
}

void LayerCache::mark_verified(const std::string& identity, const std::string& diff_id) {
  if (identity.empty()) return;
  std::string dir = root_ + "/verified";
  write_atomic(dir, dir + "/" + hex_name(identity),
               [&](const std::function<Status(std::string_view)>& sink) { return sink(diff_id); });
  trim_records(dir);
}

std::optional<std::string> LayerCache::get(const std::string& key) {
  std::string path = root_ + "/meta/" + hex_name(key);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > (64u << 20)) break;
  }
  ::close(fd);
  touch(path);
  return out;
}

void LayerCache::put(const std::string& key, std::string_view value) {
  std::string dir = root_ + "/meta";
  write_atomic(dir, dir + "/" + hex_name(key),
               [&](const std::function<Status(std::string_view)>& sink) { return sink(value); });
  trim_records(dir);
}

void LayerCache::trim() {
  auto files = list_files(root_ + "/layers");
  for (DirFile& f : list_files(root_ + "/inventories")) files.push_back(std::move(f));
  for (DirFile& f : list_files(root_ + "/scans")) files.push_back(std::move(f));
  uint64_t total = 0;
  for (const DirFile& f : files) total += f.size;
  if (total <= max_bytes_) return;
  std::sort(files.begin(), files.end(), older);
  for (const DirFile& f : files) {
    if (total <= max_bytes_) break;
    if (::unlink(f.path.c_str()) == 0) total -= f.size;
  }
}

Result<CacheStatus> cache_status(const std::string& root) {
  CacheStatus s;
  s.dir = root;
  for (const DirFile& f : list_files(root + "/layers")) {
    if (f.path.find("/.") != std::string::npos) continue;
    ++s.layer_entries;
    s.layer_bytes += f.size;
  }
  for (const DirFile& f : list_files(root + "/inventories")) {
    ++s.inventory_entries;
    s.inventory_bytes += f.size;
  }
  for (const DirFile& f : list_files(root + "/scans")) {
    if (f.path.find("/.") != std::string::npos) continue;
    ++s.scan_entries;
    s.scan_bytes += f.size;
  }
  for (const char* sub : {"/verified", "/meta"})
    for (const DirFile& f : list_files(root + sub)) {
      ++s.other_entries;
      s.other_bytes += f.size;
    }
  return s;
}

Result<uint64_t> cache_clean(const std::string& root) {
  uint64_t n = 0;
  for (const char* sub : {"/layers", "/inventories", "/scans", "/verified", "/meta"}) {
    for (const DirFile& f : list_files(root + sub)) {
      if (::unlink(f.path.c_str()) == 0)
        ++n;
      else if (errno != ENOENT)
        return Error(ErrorCode::io, fmt::format("cannot remove: {}", std::strerror(errno)), {.file = f.path});
    }
  }
  return n;
}

Result<uint64_t> parse_size(std::string_view text) {
  std::string t(text);
  if (t.empty()) return Error(ErrorCode::invalid_input, "empty size");
  size_t i = 0;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
  if (i == 0 || i > 18) return Error(ErrorCode::invalid_input, fmt::format("'{}' is not a size (like 500M or 4G)", t));
  uint64_t v = std::stoull(t.substr(0, i));
  std::string unit = t.substr(i);
  for (char& ch : unit) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (unit.ends_with("ib")) unit.erase(unit.size() - 2);
  else if (unit.ends_with("b")) unit.pop_back();
  int shift = 0;
  if (unit.empty()) shift = 0;
  else if (unit == "k") shift = 10;
  else if (unit == "m") shift = 20;
  else if (unit == "g") shift = 30;
  else if (unit == "t") shift = 40;
  else return Error(ErrorCode::invalid_input, fmt::format("'{}' is not a size (like 500M or 4G)", t));
  if (shift && v > (UINT64_MAX >> shift)) return Error(ErrorCode::invalid_input, fmt::format("'{}' is too large", t));
  return v << shift;
}

}  // namespace dagda::cache
