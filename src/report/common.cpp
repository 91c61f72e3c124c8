#include "report/common.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <random>
#include <tuple>

#include "common/digest.hpp"

namespace dagda::report {

std::vector<const Package*> sorted_packages(const Inventory& inv) {
  std::vector<const Package*> out;
  out.reserve(inv.packages.size());
  for (const auto& p : inv.packages) out.push_back(&p);
  auto key = [](const Package* p) {
    return std::tie(p->ecosystem, p->name, p->version, p->arch, p->path, p->layer_index, p->source_name,
                    p->source_version, p->layer);
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const Package* a, const Package* b) { return key(a) < key(b); });
  return out;
}

std::vector<const Warning*> sorted_warnings(const Inventory& inv) {
  std::vector<const Warning*> out;
  out.reserve(inv.warnings.size());
  for (const auto& w : inv.warnings) out.push_back(&w);
  auto key = [](const Warning* w) {
    return std::make_tuple(std::cref(w->code), std::cref(w->where.file), std::cref(w->where.layer),
                           w->where.line.value_or(0), w->where.offset.value_or(0), std::cref(w->message));
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const Warning* a, const Warning* b) { return key(a) < key(b); });
  return out;
}

std::string timestamp(const ReportOptions& opts) {
  if (opts.deterministic) return "1970-01-01T00:00:00Z";
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", now);
}

namespace {

std::string format_uuid(std::array<uint8_t, 16> b, int version) {
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | (version << 4));
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  std::string out;
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += fmt::format("{:02x}", b[i]);
  }
  return out;
}

uint8_t hex_value(char c) {
  return static_cast<uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10);
}

}  // namespace

std::string make_uuid(const ReportOptions& opts, std::string_view content) {
  std::array<uint8_t, 16> b{};
  if (opts.deterministic) {
    // Version 5 in our own namespace: SHA-1 over the namespace UUID's bytes and the name.
    static constexpr std::array<uint8_t, 16> kNamespace = {0x6d, 0x1b, 0x0e, 0x52, 0x3f, 0x4a, 0x5c, 0x2e,
                                                           0x9a, 0x61, 0x0d, 0xa9, 0xda, 0x00, 0x5b, 0x0b};
    Hasher h(Hasher::Algo::sha1);
    h.update(std::string_view(reinterpret_cast<const char*>(kNamespace.data()), kNamespace.size()));
    h.update(content);
    std::string hex = h.hex();
    for (size_t i = 0; i < b.size(); ++i) {
      b[i] = static_cast<uint8_t>(hex_value(hex[2 * i]) << 4 | hex_value(hex[2 * i + 1]));
    }
    return format_uuid(b, 5);
  }
  std::random_device rd;
  for (size_t i = 0; i < b.size(); i += 4) {
    uint32_t r = rd();
    for (size_t j = 0; j < 4; ++j) b[i + j] = static_cast<uint8_t>(r >> (8 * j));
  }
  return format_uuid(b, 4);
}

std::string source_display_name(const SourceInfo& s) {
  if (!s.tags.empty()) return s.tags.front();
  if (!s.input.empty()) return s.input;
  if (!s.image_id.empty()) return s.image_id;
  return "unknown";
}

bool is_image_source(const SourceInfo& s) {
  return s.kind != "dir" && s.kind != "rootfs-archive" && s.kind != "fs";
}

std::string short_digest(std::string_view digest) {
  if (auto colon = digest.find(':'); colon != std::string_view::npos) digest.remove_prefix(colon + 1);
  return std::string(digest.substr(0, 12));
}

std::string dump_json(const ordered_json& doc) {
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace dagda::report
