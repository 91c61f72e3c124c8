#include "source/tar_index.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace dagda {
namespace {

constexpr size_t kBlock = 512;
constexpr uint64_t kMaxMembers = 1'000'000;
constexpr uint64_t kMaxMetaSize = 1 << 20;  // long names and pax headers

// Reads an octal (or GNU base-256) numeric field.
bool parse_number(const char* p, size_t n, uint64_t* out) {
  if (n && (static_cast<unsigned char>(p[0]) & 0x80)) {
    uint64_t v = static_cast<unsigned char>(p[0]) & 0x7f;
    for (size_t i = 1; i < n; ++i) {
      if (v >> 56) return false;
      v = (v << 8) | static_cast<unsigned char>(p[i]);
    }
    *out = v;
    return true;
  }
  uint64_t v = 0;
  size_t i = 0;
  while (i < n && (p[i] == ' ' || p[i] == '\0')) ++i;
  bool any = false;
  for (; i < n && p[i] >= '0' && p[i] <= '7'; ++i) {
    if (v >> 60) return false;
    v = v * 8 + static_cast<uint64_t>(p[i] - '0');
    any = true;
  }
  for (; i < n; ++i)
    if (p[i] != ' ' && p[i] != '\0') return false;
  *out = any ? v : 0;
  return true;
}

std::string field(const char* p, size_t n) { return std::string(p, strnlen(p, n)); }

bool checksum_ok(const char* h) {
  uint64_t want = 0;
  if (!parse_number(h + 148, 8, &want)) return false;
  uint64_t sum = 0;
  for (size_t i = 0; i < kBlock; ++i)
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(h[i]);
  return sum == want;
}

// Parses pax "LEN key=value\n" records; keeps path, linkpath and size.
bool parse_pax(std::string_view data, std::map<std::string, std::string>* out) {
  while (!data.empty()) {
    size_t sp = data.find(' ');
    if (sp == std::string_view::npos) return false;
    uint64_t len = 0;
    for (char c : data.substr(0, sp)) {
      if (c < '0' || c > '9' || len > data.size()) return false;
      len = len * 10 + static_cast<uint64_t>(c - '0');
    }
    if (len <= sp + 1 || len > data.size() || data[len - 1] != '\n') return false;
    std::string_view rec = data.substr(sp + 1, len - sp - 2);
    size_t eq = rec.find('=');
    if (eq == std::string_view::npos) return false;
    (*out)[std::string(rec.substr(0, eq))] = std::string(rec.substr(eq + 1));
    data.remove_prefix(len);
  }
  return true;
}

std::string normalize(std::string_view name) {
  std::string out;
  size_t i = 0;
  while (i < name.size()) {
    size_t j = name.find('/', i);
    if (j == std::string_view::npos) j = name.size();
    std::string_view part = name.substr(i, j - i);
    if (part == "..") {
      size_t slash = out.rfind('/');
      out.erase(slash == std::string::npos ? 0 : slash);
    } else if (!part.empty() && part != ".") {
      if (!out.empty()) out += '/';
      out += part;
    }
    i = j + 1;
  }
  return out;
}

Status pread_all(const HostFile& f, char* buf, size_t n, uint64_t off) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::pread(f.fd(), buf + got, n - got, static_cast<off_t>(off + got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Error(ErrorCode::io, fmt::format("read failed: {}", std::strerror(errno)), {.file = f.path()});
    if (r == 0) return Error(ErrorCode::corrupt, "unexpected end of tar archive (truncated?)", {.file = f.path(), .offset = off + got});
    got += static_cast<size_t>(r);
  }
  return ok_status();
}

}  // namespace

Result<TarIndex> TarIndex::build(std::shared_ptr<HostFile> file) {
  TarIndex idx;
  idx.file_ = file;
  const uint64_t fsize = file->size();
  uint64_t off = 0;
  char h[kBlock];
  std::string long_name, long_link;
  std::map<std::string, std::string> pax;
  uint64_t count = 0;
  auto bad = [&](std::string what) {
    return Error(ErrorCode::corrupt, fmt::format("not a valid tar archive: {}", what), {.file = file->path(), .offset = off});
  };
  if (fsize < kBlock) return bad("too short");
  while (off + kBlock <= fsize) {
    DAGDA_TRY(pread_all(*file, h, kBlock, off));
    bool zero = true;
    for (char c : h)
      if (c) {
        zero = false;
        break;
      }
    if (zero) break;  // end-of-archive marker
    if (!checksum_ok(h)) return bad("header checksum mismatch");
    if (++count > kMaxMembers) return bad("too many members");
    uint64_t size = 0;
    if (!parse_number(h + 124, 12, &size)) return bad("bad size field");
    char type = h[156];
    uint64_t data_off = off + kBlock;
    if (auto it = pax.find("size"); it != pax.end()) {
      const std::string& v = it->second;
      if (v.empty() || v.size() > 19 || v.find_first_not_of("0123456789") != std::string::npos)
        return bad("bad pax size");
      size = std::stoull(v);
    }
    if (data_off > fsize || size > fsize - data_off)
      return Error(ErrorCode::corrupt, "tar member runs past the end of the archive (truncated?)",
                   {.file = file->path(), .offset = off});
    uint64_t next = data_off + ((size + kBlock - 1) / kBlock) * kBlock;

    if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
      if (size > kMaxMetaSize) return bad("oversized long-name or pax header");
      std::string data(size, '\0');
      DAGDA_TRY(pread_all(*file, data.data(), size, data_off));
      if (type == 'L') long_name = field(data.data(), data.size());
      if (type == 'K') long_link = field(data.data(), data.size());
      if (type == 'x' && !parse_pax(data, &pax)) return bad("malformed pax header");
      off = next;
      continue;
    }
    std::string name;
    if (pax.count("path")) name = pax["path"];
    else if (!long_name.empty()) name = long_name;
    else {
      name = field(h, 100);
      std::string magic = field(h + 257, 6);
      if (magic == "ustar") {
        std::string prefix = field(h + 345, 155);
        if (!prefix.empty()) name = prefix + "/" + name;
      }
    }
    std::string link = pax.count("linkpath") ? pax["linkpath"] : !long_link.empty() ? long_link : field(h + 157, 100);
    TarMember m{type == '\0' ? '0' : type, data_off, size, link};
    std::string key = normalize(name);
    if (!key.empty()) idx.members_[key] = std::move(m);
    long_name.clear();
    long_link.clear();
    pax.clear();
    off = next;
  }
  return idx;
}

Result<const TarMember*> TarIndex::find(std::string_view name) const {
  std::string key = normalize(name);
  for (int hops = 0; hops < 40; ++hops) {
    auto it = members_.find(key);
    if (it == members_.end())
      return Error(ErrorCode::not_found, fmt::format("archive has no member '{}'", name), {.file = file_->path()});
    const TarMember& m = it->second;
    if (m.type == '2') {
      std::string base = key.substr(0, key.rfind('/') == std::string::npos ? 0 : key.rfind('/'));
      key = normalize(m.link.starts_with('/') ? m.link : (base.empty() ? m.link : base + "/" + m.link));
    } else if (m.type == '1') {
      key = normalize(m.link);
    } else {
      return &m;
    }
  }
  return Error(ErrorCode::corrupt, fmt::format("member '{}' is a link loop", name), {.file = file_->path()});
}

Result<std::string> TarIndex::read(std::string_view name, uint64_t limit) const {
  DAGDA_ASSIGN_OR_RETURN(const TarMember* m, find(name));
  if (m->size > limit)
    return Error(ErrorCode::corrupt, fmt::format("member '{}' is {} bytes, over the {} byte limit", name, m->size, limit),
                 {.file = file_->path()});
  std::string out(m->size, '\0');
  DAGDA_TRY(pread_all(*file_, out.data(), out.size(), m->offset));
  return out;
}

Result<std::unique_ptr<ByteStream>> TarIndex::open(std::string_view name) const {
  DAGDA_ASSIGN_OR_RETURN(const TarMember* m, find(name));
  return file_range_stream(file_, m->offset, m->size, fmt::format("{}:{}", file_->path(), name));
}

}  // namespace dagda
