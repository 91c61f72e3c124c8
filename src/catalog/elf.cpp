#include "catalog/elf.hpp"

namespace dagda {
namespace {

uint64_t read_uint(std::string_view d, uint64_t off, unsigned n, bool big) {
  uint64_t v = 0;
  for (unsigned i = 0; i < n; ++i) {
    uint64_t b = static_cast<unsigned char>(d[off + i]);
    v |= big ? b << (8 * (n - 1 - i)) : b << (8 * i);
  }
  return v;
}

bool fits(std::string_view d, uint64_t off, uint64_t len) {
  return off <= d.size() && len <= d.size() - off;
}

}  // namespace

std::optional<ElfFile> ElfFile::parse(std::string_view d) {
  if (d.size() < 52 || !is_elf(d)) return std::nullopt;
  ElfFile f;
  f.data_ = d;
  if (d[4] != 1 && d[4] != 2) return std::nullopt;
  if (d[5] != 1 && d[5] != 2) return std::nullopt;
  f.is64_ = d[4] == 2;
  f.big_ = d[5] == 2;
  if (f.is64_ && d.size() < 64) return std::nullopt;
  const bool b = f.big_;
  const unsigned w = f.is64_ ? 8 : 4;
  uint64_t phoff = read_uint(d, f.is64_ ? 32 : 28, w, b);
  uint64_t shoff = read_uint(d, f.is64_ ? 40 : 32, w, b);
  uint64_t base = f.is64_ ? 54 : 42;
  uint64_t phentsize = read_uint(d, base, 2, b), phnum = read_uint(d, base + 2, 2, b);
  uint64_t shentsize = read_uint(d, base + 4, 2, b), shnum = read_uint(d, base + 6, 2, b);
  uint64_t shstrndx = read_uint(d, base + 8, 2, b);

  if (phentsize >= (f.is64_ ? 56u : 32u) && fits(d, phoff, phentsize * phnum)) {
    for (uint64_t i = 0; i < phnum; ++i) {
      uint64_t p = phoff + i * phentsize;
      Segment s;
      s.type = static_cast<uint32_t>(read_uint(d, p, 4, b));
      if (f.is64_) {
        s.offset = read_uint(d, p + 8, 8, b);
        s.vaddr = read_uint(d, p + 16, 8, b);
        s.filesz = read_uint(d, p + 32, 8, b);
      } else {
        s.offset = read_uint(d, p + 4, 4, b);
        s.vaddr = read_uint(d, p + 8, 4, b);
        s.filesz = read_uint(d, p + 16, 4, b);
      }
      if (fits(d, s.offset, s.filesz)) f.segments_.push_back(s);
    }
  }
  if (shentsize >= (f.is64_ ? 64u : 40u) && shnum > 0 && fits(d, shoff, shentsize * shnum)) {
    struct Raw {
      uint32_t name;
      Section s;
    };
    std::vector<Raw> raw;
    for (uint64_t i = 0; i < shnum; ++i) {
      uint64_t p = shoff + i * shentsize;
      Raw r;
      r.name = static_cast<uint32_t>(read_uint(d, p, 4, b));
      r.s.type = static_cast<uint32_t>(read_uint(d, p + 4, 4, b));
      r.s.offset = read_uint(d, p + (f.is64_ ? 24 : 16), w, b);
      r.s.size = read_uint(d, p + (f.is64_ ? 32 : 20), w, b);
      raw.push_back(r);
    }
    std::string_view strtab;
    if (shstrndx < raw.size() && fits(d, raw[shstrndx].s.offset, raw[shstrndx].s.size))
      strtab = d.substr(raw[shstrndx].s.offset, raw[shstrndx].s.size);
    for (Raw& r : raw) {
      if (r.name < strtab.size()) {
        std::string_view n = strtab.substr(r.name);
        r.s.name = std::string(n.substr(0, n.find('\0')));
      }
      if (r.s.type == 8 /* SHT_NOBITS */ || fits(d, r.s.offset, r.s.size))
        f.sections_.push_back(std::move(r.s));
    }
  }
  return f;
}

std::optional<std::string_view> ElfFile::section(std::string_view name) const {
  for (const Section& s : sections_)
    if (s.name == name && s.type != 8) return data_.substr(s.offset, s.size);
  return std::nullopt;
}

std::optional<std::string_view> ElfFile::at_vaddr(uint64_t addr, uint64_t size) const {
  for (const Segment& s : segments_) {
    if (s.type != 1 /* PT_LOAD */) continue;
    if (addr < s.vaddr || addr - s.vaddr >= s.filesz) continue;
    uint64_t off = addr - s.vaddr;
    if (size > s.filesz - off) return std::nullopt;
    return data_.substr(s.offset + off, size);
  }
  return std::nullopt;
}

}  // namespace dagda
