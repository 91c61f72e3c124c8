// catalog/golang.cpp: the module build information the Go linker writes into
// every binary built with module support (Go 1.13 on), as the Go source's
// debug/buildinfo reads it.
//
// A 32-byte header, 16-byte aligned, starts with the magic "\xff Go buildinf:";
// byte 14 is the pointer size and byte 15 flags (bit 0: big endian, bit 1:
// strings inline). Go 1.18 and later write the strings inline after the
// header: the toolchain version, then the module information, each preceded by
// its length as an unsigned varint. Older binaries hold two pointers to Go
// string headers (pointer, length) instead, resolved here through the ELF
// program headers. The module information is tab-separated lines between two
// 16-byte sentinels: "path P", "mod PATH VERSION SUM", "dep PATH VERSION SUM",
// "=> PATH VERSION SUM" (the line before is replaced), "build KEY=VALUE".
// Stripped binaries keep all of this (it is data, not a symbol).
#include <fmt/format.h>

#include <cctype>
#include <cstring>

#include "catalog/app.hpp"
#include "catalog/cataloger.hpp"
#include "catalog/elf.hpp"
#include "catalog/text_db.hpp"

namespace dagda {
namespace {

constexpr std::string_view kMagic("\xff Go buildinf:", 14);
constexpr uint64_t kMaxString = 4u << 20;  // longer build information is not believed
constexpr ProbeMarker kMarkers[] = {{kMagic, 16}};  // has_go_buildinfo's header, for the streaming probe

// Finds the header: the first occurrence of the magic at a 16-byte aligned offset.
std::optional<size_t> find_header(std::string_view data) {
  size_t pos = 0;
  for (;;) {
    size_t i = data.find(kMagic, pos);
    if (i == std::string_view::npos) return std::nullopt;
    if (i % 16 == 0 && data.size() - i >= 32) return i;
    pos = i + 1;
  }
}

bool read_uvarint(std::string_view& d, uint64_t& v) {
  v = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (d.empty()) return false;
    auto b = static_cast<unsigned char>(d[0]);
    d.remove_prefix(1);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

std::optional<std::string_view> read_inline_string(std::string_view& d) {
  uint64_t n = 0;
  if (!read_uvarint(d, n) || n > d.size() || n > kMaxString) return std::nullopt;
  std::string_view s = d.substr(0, n);
  d.remove_prefix(n);
  return s;
}

uint64_t read_ptr(std::string_view d, unsigned size, bool big) {
  uint64_t v = 0;
  for (unsigned i = 0; i < size; ++i) {
    uint64_t b = static_cast<unsigned char>(d[i]);
    v |= big ? b << (8 * (size - 1 - i)) : b << (8 * i);
  }
  return v;
}

// Pre-1.18: a pointer to a Go string header {data pointer, length}.
std::optional<std::string_view> read_pointed_string(const ElfFile& elf, uint64_t addr, unsigned ptr,
                                                    bool big) {
  auto hdr = elf.at_vaddr(addr, 2ull * ptr);
  if (!hdr) return std::nullopt;
  uint64_t data = read_ptr(*hdr, ptr, big), len = read_ptr(hdr->substr(ptr), ptr, big);
  if (len > kMaxString) return std::nullopt;
  if (len == 0) return std::string_view();
  return elf.at_vaddr(data, len);
}

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> out;
  for (;;) {
    size_t t = line.find('\t');
    out.push_back(line.substr(0, t));
    if (t == std::string_view::npos) return out;
    line.remove_prefix(t + 1);
  }
}

bool golang_wants(std::string_view) {
  return false;
}  // found by content (probe below)
bool golang_probe_head(std::string_view head) {
  return is_elf(head);
}

Result<CatalogOutput> golang_catalog(const CatalogContext& ctx) {
  CatalogOutput out;
  for (const std::string& path : ctx.fs.captured()) {
    // An OS package's file is reported as that package; not reading it also leaves the
    // pages of the retire.js cataloger's spilled scripts on disk.
    if (ctx.os_owned && ctx.os_owned(path)) continue;
    auto blob = ctx.fs.read(path);
    if (!blob.ok() || !is_elf((*blob)->data())) continue;
    AppParse r = parse_go_binary((*blob)->data(), path, ctx.diag);
    if (r.partial) out.partial = true;
    for (Package& p : r.packages) out.packages.push_back(std::move(p));
  }
  return out;
}

}  // namespace

bool has_go_buildinfo(std::string_view content) {
  return find_header(content).has_value();
}

std::string go_toolchain_version(std::string_view v) {
  v = v.substr(0, v.find(' '));  // "go1.21.3 X:boringcrypto"
  if (!v.starts_with("go") || v.size() < 3 || !std::isdigit(static_cast<unsigned char>(v[2]))) return {};
  v.remove_prefix(2);
  // Split the numeric part from a pre-release ("1.22rc1", "1.21beta2").
  size_t i = 0;
  while (i < v.size() && (std::isdigit(static_cast<unsigned char>(v[i])) || v[i] == '.')) ++i;
  std::string num(v.substr(0, i));
  std::string_view pre = v.substr(i);
  if (!num.empty() && num.back() == '.') return {};
  int dots = static_cast<int>(std::count(num.begin(), num.end(), '.'));
  if (dots == 0) num += ".0.0";
  if (dots == 1) num += ".0";
  if (pre.empty()) return num;
  size_t d = 0;
  while (d < pre.size() && !std::isdigit(static_cast<unsigned char>(pre[d]))) ++d;
  if (d == 0 || d == pre.size()) return num + "-" + std::string(pre);
  return num + "-" + std::string(pre.substr(0, d)) + "." + std::string(pre.substr(d));
}

AppParse parse_go_binary(std::string_view data, const std::string& path, Diagnostics& diag) {
  AppParse out;
  auto at = find_header(data);
  if (!at) return out;
  std::string_view hdr = data.substr(*at);
  const unsigned ptr = static_cast<unsigned char>(hdr[14]);
  const unsigned flags = static_cast<unsigned char>(hdr[15]);
  const bool big = flags & 1;
  std::optional<std::string_view> version, mod;
  if (flags & 2) {
    std::string_view rest = hdr.substr(32);
    version = read_inline_string(rest);
    if (version) mod = read_inline_string(rest);
  } else if (ptr == 4 || ptr == 8) {
    auto elf = ElfFile::parse(data);
    if (elf) {
      version = read_pointed_string(*elf, read_ptr(hdr.substr(16), ptr, big), ptr, big);
      if (version) mod = read_pointed_string(*elf, read_ptr(hdr.substr(16 + ptr), ptr, big), ptr, big);
    }
  }
  if (!version || !mod) {
    diag.warn("golang.bad-buildinfo",
              "the Go build information header is there but its strings cannot be read", {.file = path});
    out.partial = true;
    return out;
  }
  std::string_view m = *mod;
  if (m.size() >= 33 && m[m.size() - 17] == '\n') m = m.substr(16, m.size() - 32);

  auto add = [&](std::string name, std::string ver) -> Package& {
    Package p;
    p.ecosystem = "golang";
    p.name = std::move(name);
    p.version = std::move(ver);
    p.path = path;
    p.cataloger = "golang";
    out.packages.push_back(std::move(p));
    return out.packages.back();
  };
  if (std::string tv = go_toolchain_version(*version); !tv.empty()) {
    add("stdlib", tv).source_version = std::string(*version);  // the raw "go1.21.3 X:..." string
  } else if (!version->empty()) {
    diag.warn("golang.bad-go-version", fmt::format("'{}' is not a Go version", version->substr(0, 100)),
              {.file = path});
  }
  LineReader lines(m);
  std::string_view line;
  Package* last = nullptr;
  while (lines.next(line)) {
    auto f = split_tabs(line);
    if ((f[0] == "mod" || f[0] == "dep") && f.size() >= 3 && !f[1].empty()) {
      last = &add(std::string(f[1]), std::string(f[2]));
    } else if (f[0] == "=>" && f.size() >= 2 && last) {
      // A replacement: the code built is the replacement's. A local directory has no version.
      const bool directory =
          f.size() < 3 || f[2].empty() || f[2] == "(devel)" || f[1].starts_with('.') || f[1].starts_with('/');
      if (!directory) {
        last->source_name = last->name;
        last->source_version = last->version;
        last->name = std::string(f[1]);
        last->version = std::string(f[2]);
      } else {
        last->source_name = std::string(f[1]);  // replaced by a directory: keep the module it stands for
      }
      last = nullptr;
    } else if (f[0] == "mod" || f[0] == "dep") {
      diag.warn("golang.bad-module-line", "a mod or dep line without a path and a version", {.file = path});
    }
  }
  return out;
}

namespace catalogers {
extern const CatalogerInfo golang;
const CatalogerInfo golang = {
    .name = "golang",
    .description = "Go binaries (any executable ELF file): module build information and toolchain version",
    .version = 1,
    .wants = golang_wants,
    .catalog = golang_catalog,
    .application = true,
    .probe_head = golang_probe_head,
    .probe_keep = has_go_buildinfo,
    .probe_markers = kMarkers,
};
}  // namespace catalogers

}  // namespace dagda
