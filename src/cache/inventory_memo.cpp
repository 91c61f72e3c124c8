#include "cache/inventory_memo.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "cache/codec.hpp"
#include "common/digest.hpp"

namespace dagda::cache {
namespace {

// Every field of these types is written below. A field added to them must be added here too, or a
// warm scan would lose it: these checks fail the build until it is (sizes on x86-64, GCC and Clang).
static_assert(sizeof(Package) == 712, "Package changed: update cache/inventory_memo.cpp (encode/decode) and this size");
static_assert(sizeof(OsInfo) == 248, "OsInfo changed: update cache/inventory_memo.cpp (encode/decode) and this size");
static_assert(sizeof(RpmFields) == 176, "RpmFields changed: update cache/inventory_memo.cpp and this size");
static_assert(sizeof(Warning) == 160, "Warning changed: update cache/inventory_memo.cpp and this size");

constexpr std::string_view kMagic = "DAGDAIM2";
constexpr uint64_t kMaxMemo = 1ull << 30;

void put_strings(std::string& s, const std::vector<std::string>& v) {
  put_u64(s, v.size());
  for (const std::string& x : v) put_str(s, x);
}
bool get_strings(Cursor& c, std::vector<std::string>* v) {
  uint64_t n = 0;
  if (!c.u64(&n) || n > c.left() / 4) return false;
  v->resize(static_cast<size_t>(n));
  for (std::string& x : *v)
    if (!c.str(&x)) return false;
  return true;
}

void put_warning(std::string& s, const Warning& w) {
  put_str(s, w.code);
  put_str(s, w.message);
  put_str(s, w.where.file);
  put_str(s, w.where.layer);
  put_u8(s, w.where.line ? 1 : 0);
  put_u64(s, w.where.line.value_or(0));
  put_u8(s, w.where.offset ? 1 : 0);
  put_u64(s, w.where.offset.value_or(0));
}
bool get_warning(Cursor& c, Warning* w) {
  uint8_t hl = 0, ho = 0;
  uint64_t line = 0, off = 0;
  if (!c.str(&w->code) || !c.str(&w->message) || !c.str(&w->where.file) || !c.str(&w->where.layer) || !c.u8(&hl) ||
      !c.u64(&line) || !c.u8(&ho) || !c.u64(&off))
    return false;
  if (hl) w->where.line = line;
  if (ho) w->where.offset = off;
  return true;
}

void put_package(std::string& s, const Package& p) {
  for (const std::string* f : {&p.ecosystem, &p.name, &p.version, &p.arch, &p.source_name, &p.source_version,
                               &p.license, &p.scope, &p.path, &p.layer, &p.created_by, &p.sha1, &p.cataloger, &p.drift})
    put_str(s, *f);
  put_u64(s, static_cast<uint64_t>(static_cast<int64_t>(p.layer_index)));
  put_strings(s, p.files);
  put_strings(s, p.locations);
  put_strings(s, p.parents);
  put_u8(s, p.rpm ? 1 : 0);
  if (p.rpm) {
    put_u8(s, p.rpm->epoch ? 1 : 0);
    put_u64(s, static_cast<uint64_t>(p.rpm->epoch.value_or(0)));
    for (const std::string* f : {&p.rpm->version, &p.rpm->release, &p.rpm->sourcerpm, &p.rpm->modularitylabel,
                                 &p.rpm->vendor})
      put_str(s, *f);
  }
}
bool get_package(Cursor& c, Package* p) {
  for (std::string* f : {&p->ecosystem, &p->name, &p->version, &p->arch, &p->source_name, &p->source_version,
                         &p->license, &p->scope, &p->path, &p->layer, &p->created_by, &p->sha1, &p->cataloger, &p->drift})
    if (!c.str(f)) return false;
  uint64_t li = 0;
  uint8_t has_rpm = 0;
  if (!c.u64(&li) || !get_strings(c, &p->files) || !get_strings(c, &p->locations) || !get_strings(c, &p->parents) || !c.u8(&has_rpm)) return false;
  p->layer_index = static_cast<int>(static_cast<int64_t>(li));
  if (has_rpm) {
    RpmFields r;
    uint8_t has_epoch = 0;
    uint64_t epoch = 0;
    if (!c.u8(&has_epoch) || !c.u64(&epoch)) return false;
    if (has_epoch) r.epoch = static_cast<int64_t>(epoch);
    for (std::string* f : {&r.version, &r.release, &r.sourcerpm, &r.modularitylabel, &r.vendor})
      if (!c.str(f)) return false;
    p->rpm = std::move(r);
  }
  return true;
}

void put_os(std::string& s, const OsInfo& o) {
  for (const std::string* f : {&o.family, &o.name, &o.version_id, &o.version, &o.codename, &o.pretty_name, &o.source_file})
    put_str(s, *f);
  put_strings(s, o.id_like);
}
bool get_os(Cursor& c, OsInfo* o) {
  for (std::string* f : {&o->family, &o->name, &o->version_id, &o->version, &o->codename, &o->pretty_name, &o->source_file})
    if (!c.str(f)) return false;
  return get_strings(c, &o->id_like);
}

std::string memo_path(const std::string& root, const std::string& key) { return root + "/inventories/" + sha256_hex(key); }

}  // namespace

std::string encode_memo(const Memo& m, std::string_view key) {
  std::string s;
  put_str(s, kMagic);
  put_str(s, key);
  put_u8(s, m.partial ? 1 : 0);
  put_u8(s, m.os ? 1 : 0);
  if (m.os) put_os(s, *m.os);
  put_u64(s, m.layer_bytes.size());
  for (uint64_t b : m.layer_bytes) put_u64(s, b);
  put_u64(s, m.warnings.size());
  for (const Warning& w : m.warnings) put_warning(s, w);
  put_u64(s, m.packages.size());
  for (const Package& p : m.packages) put_package(s, p);
  put_u64(s, crc64(0, s));
  return s;
}

Result<Memo> decode_memo(std::string_view bytes, std::string_view key) {
  auto damaged = [](std::string_view why) {
    return Error(ErrorCode::corrupt, fmt::format("damaged inventory cache entry: {}", why));
  };
  if (bytes.size() < 8) return damaged("too short");
  std::string_view body = bytes.substr(0, bytes.size() - 8);
  uint64_t want = 0;
  std::memcpy(&want, bytes.data() + body.size(), 8);
  if (crc64(0, body) != want) return damaged("checksum mismatch");
  Cursor c(body);
  std::string magic, k;
  if (!c.str(&magic) || magic != kMagic || !c.str(&k) || k != key) return damaged("another key");
  Memo m;
  uint8_t partial = 0, has_os = 0;
  if (!c.u8(&partial) || !c.u8(&has_os)) return damaged("truncated");
  m.partial = partial;
  if (has_os) {
    OsInfo o;
    if (!get_os(c, &o)) return damaged("truncated os");
    m.os = std::move(o);
  }
  uint64_t n = 0;
  if (!c.u64(&n) || n > c.left() / 8) return damaged("bad layer count");
  m.layer_bytes.resize(static_cast<size_t>(n));
  for (uint64_t& b : m.layer_bytes)
    if (!c.u64(&b)) return damaged("truncated");
  if (!c.u64(&n) || n > c.left() / 34) return damaged("bad warning count");
  m.warnings.resize(static_cast<size_t>(n));
  for (Warning& w : m.warnings)
    if (!get_warning(c, &w)) return damaged("truncated warning");
  if (!c.u64(&n) || n > c.left() / 64) return damaged("bad package count");
  m.packages.resize(static_cast<size_t>(n));
  for (Package& p : m.packages)
    if (!get_package(c, &p)) return damaged("truncated package");
  if (c.left() != 0) return damaged("trailing bytes");
  return m;
}

std::optional<Memo> load_memo(const std::string& root, const std::string& key) {
  std::string path = memo_path(root, key);
  auto bytes = read_small(path, kMaxMemo);
  if (!bytes) return std::nullopt;
  auto m = decode_memo(*bytes, key);
  if (!m.ok()) {
    ::unlink(path.c_str());
    return std::nullopt;
  }
  ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);
  return std::move(m).value();
}

void store_memo(const std::string& root, const std::string& key, const Memo& m) {
  std::string dir = root + "/inventories";
  std::string bytes = encode_memo(m, key);
  write_atomic(dir, memo_path(root, key), [&](const Sink& sink) { return sink(bytes); });
}

}  // namespace dagda::cache
