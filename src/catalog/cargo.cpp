// catalog/cargo.cpp: Rust binaries built with cargo-auditable, which embeds the
// dependency tree in an ELF section ".dep-v0": zlib-compressed JSON
// {"packages": [{"name", "version", "source", "kind", "dependencies", "root"}]}.
// Every package listed is reported (the root is the binary's own crate).
#include <fmt/format.h>
#include <zlib.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "catalog/app.hpp"
#include "catalog/cataloger.hpp"
#include "catalog/elf.hpp"

namespace dagda {
namespace {

constexpr size_t kMaxJson = 8u << 20;

bool cargo_wants(std::string_view) {
  return false;
}  // found by content
bool cargo_probe_head(std::string_view head) {
  return is_elf(head);
}
constexpr ProbeMarker kMarkers[] = {{std::string_view(".dep-v0\0", 8), 1}};
bool cargo_probe_keep(std::string_view content) {
  return content.find(kMarkers[0].bytes) != std::string_view::npos;
}

// Inflates a zlib stream, up to `limit` bytes. nullopt when damaged or bigger.
std::optional<std::string> inflate_limited(std::string_view in, size_t limit) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return std::nullopt;
  std::string out;
  char buf[1 << 14];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), UINT32_MAX));
  int r = Z_OK;
  while (r == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    r = inflate(&z, Z_NO_FLUSH);
    if (r != Z_OK && r != Z_STREAM_END) break;
    out.append(buf, sizeof buf - z.avail_out);
    if (out.size() > limit) {
      r = Z_MEM_ERROR;
      break;
    }
    if (r == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
      r = Z_DATA_ERROR;  // truncated
      break;
    }
  }
  inflateEnd(&z);
  if (r != Z_STREAM_END) return std::nullopt;
  return out;
}

Result<CatalogOutput> cargo_catalog(const CatalogContext& ctx) {
  CatalogOutput out;
  for (const std::string& path : ctx.fs.captured()) {
    // An OS package's file is reported as that package; not reading it also leaves the
    // pages of the retire.js cataloger's spilled scripts on disk.
    if (ctx.os_owned && ctx.os_owned(path)) continue;
    auto blob = ctx.fs.read(path);
    if (!blob.ok() || !is_elf((*blob)->data())) continue;
    AppParse r = parse_cargo_auditable((*blob)->data(), path, ctx.diag);
    if (r.partial) out.partial = true;
    for (Package& p : r.packages) out.packages.push_back(std::move(p));
  }
  return out;
}

}  // namespace

AppParse parse_cargo_auditable(std::string_view data, const std::string& path, Diagnostics& diag) {
  AppParse out;
  auto elf = ElfFile::parse(data);
  if (!elf) return out;
  auto sec = elf->section(".dep-v0");
  if (!sec) return out;
  auto json = inflate_limited(*sec, kMaxJson);
  auto bad = [&](std::string msg) {
    diag.warn("cargo.bad-dep-v0", std::move(msg), {.file = path});
    out.partial = true;
    return out;
  };
  if (!json) return bad(fmt::format("section .dep-v0 is not a zlib stream of at most {} bytes", kMaxJson));
  nlohmann::json j = nlohmann::json::parse(*json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("section .dep-v0 does not hold a JSON object");
  auto pkgs = j.find("packages");
  if (pkgs == j.end() || !pkgs->is_array()) return bad("section .dep-v0 has no \"packages\" array");
  size_t skipped = 0;
  for (const auto& e : *pkgs) {
    if (!e.is_object()) {
      ++skipped;
      continue;
    }
    auto name = e.find("name"), version = e.find("version");
    if (name == e.end() || version == e.end() || !name->is_string() || !version->is_string()) {
      ++skipped;
      continue;
    }
    Package p;
    p.ecosystem = "cargo";
    p.name = name->get<std::string>();
    p.version = version->get<std::string>();
    p.path = path;
    p.cataloger = "cargo";
    out.packages.push_back(std::move(p));
  }
  if (skipped) {
    diag.warn("cargo.bad-package", fmt::format("{} packages without a name or version; skipped", skipped),
              {.file = path});
    out.partial = true;
  }
  return out;
}

namespace catalogers {
extern const CatalogerInfo cargo;
const CatalogerInfo cargo = {
    .name = "cargo",
    .description = "Rust binaries built with cargo-auditable (ELF section .dep-v0)",
    .version = 1,
    .wants = cargo_wants,
    .catalog = cargo_catalog,
    .application = true,
    .probe_head = cargo_probe_head,
    .probe_keep = cargo_probe_keep,
    .probe_markers = kMarkers,
};
}  // namespace catalogers

}  // namespace dagda
