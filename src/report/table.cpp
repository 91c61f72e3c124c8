// A table for people: one line per package (name, version, type, layer), a
// header line naming the source and its OS, a footer with the counts. Fits in
// opts.width columns; ANSI colour only when opts.color. The warnings themselves
// are not repeated here (the CLI prints them on stderr; JSON carries them).
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "report/common.hpp"
#include "report/writer.hpp"

namespace dagda {
namespace report {
namespace {

constexpr const char* kBold = "\x1b[1m";
constexpr const char* kDim = "\x1b[2m";
constexpr const char* kYellow = "\x1b[33m";
constexpr const char* kReset = "\x1b[0m";

// Names and versions come from the image: control characters (an escape
// sequence in a hostile database) must not reach the terminal.
std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) out.push_back(c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c));
  return out;
}

// Columns taken on screen, counting UTF-8 code points (not bytes).
size_t width_of(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// Cuts to `w` columns, ending with "..." when something was cut, never inside a UTF-8 sequence.
std::string fit(std::string_view s, size_t w) {
  if (width_of(s) <= w) return std::string(s);
  if (w <= 3) return std::string(w, '.');
  size_t keep = w - 3, cols = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((s[i] & 0xC0) != 0x80) {
      if (cols == keep) break;
      ++cols;
    }
  }
  return std::string(s.substr(0, i)) + "...";
}

std::string pad(std::string_view s, size_t w) {
  std::string out(s);
  size_t cur = width_of(s);
  if (cur < w) out.append(w - cur, ' ');
  return out;
}

std::string paint(const ReportOptions& opts, const char* code, const std::string& text) {
  return opts.color ? code + text + kReset : text;
}

// "NAME (kind, image ID, os/arch)  OS: PRETTY NAME"; when that is too wide,
// the name part is cut rather than the OS.
std::string header_line(const Inventory& inv, size_t width) {
  const SourceInfo& s = inv.source;
  std::string line = source_display_name(s);
  std::vector<std::string> facts;
  if (!s.kind.empty()) facts.push_back(s.kind);
  if (!s.image_id.empty()) facts.push_back("image " + short_digest(s.image_id));
  if (!s.os.empty() || !s.architecture.empty()) {
    facts.push_back(s.os + "/" + s.architecture + (s.variant.empty() ? "" : "/" + s.variant));
  }
  if (!facts.empty()) line += fmt::format(" ({})", fmt::join(facts, ", "));
  std::string os_part = "  OS: ";
  if (inv.os) {
    const OsInfo& os = *inv.os;
    if (os.pretty_name.empty()) {
      os_part += os.family + (os.version_id.empty() ? "" : " " + os.version_id);
      if (!os.codename.empty()) os_part += " (" + os.codename + ")";
    } else {
      os_part += os.pretty_name;
      if (!os.version_id.empty() && os.pretty_name.find(os.version_id) == std::string::npos) {
        os_part += " (" + os.version_id + ")";
      }
    }
  } else {
    os_part += "unknown";
  }
  line = printable(line);
  os_part = printable(os_part);
  const size_t os_width = std::min(width_of(os_part), width / 2);
  return fit(line, width - os_width) + fit(os_part, os_width);
}

Result<std::string> write_table(const Inventory& inv, const ReportOptions& opts) {
  return guarded("table", [&]() -> Result<std::string> {
    const size_t width = static_cast<size_t>(std::max(opts.width, 40));
    const auto pkgs = sorted_packages(inv);

    struct Row {
      std::string name, version, type, layer;
    };
    std::vector<Row> rows;
    rows.reserve(pkgs.size());
    size_t name_max = 4, version_max = 7, type_max = 4, layer_max = 5;
    for (const Package* p : pkgs) {
      Row r{printable(p->name), printable(p->version), printable(p->ecosystem),
            p->layer.empty() ? (p->layer_index >= 0 ? std::to_string(p->layer_index) : "-")
                             : printable(short_digest(p->layer))};
      name_max = std::max(name_max, width_of(r.name));
      version_max = std::max(version_max, width_of(r.version));
      type_max = std::max(type_max, width_of(r.type));
      layer_max = std::max(layer_max, width_of(r.layer));
      rows.push_back(std::move(r));
    }
    type_max = std::min<size_t>(type_max, 10);
    layer_max = std::min<size_t>(layer_max, 12);

    // Name and version share what the type and layer columns and the gaps leave.
    const size_t gaps = 3 * 2;
    const size_t room = width > gaps + type_max + layer_max + 16 ? width - gaps - type_max - layer_max : 16;
    size_t name_w = name_max, version_w = version_max;
    if (name_w + version_w > room) {
      name_w = std::min(name_max, std::max(room / 2, room > version_max ? room - version_max : 0));
      version_w = room - name_w;
    }

    std::string out;
    out += paint(opts, kBold, header_line(inv, width)) + "\n\n";
    out += paint(opts, kBold,
                 pad("NAME", name_w) + "  " + pad("VERSION", version_w) + "  " + pad("TYPE", type_max) +
                     "  " + "LAYER") +
           "\n";
    for (const Row& r : rows) {
      out += pad(fit(r.name, name_w), name_w) + "  " + pad(fit(r.version, version_w), version_w) + "  " +
             pad(fit(r.type, type_max), type_max) + "  " + fit(r.layer, layer_max) + "\n";
    }

    std::map<std::string, size_t> per_type;
    for (const Package* p : pkgs) ++per_type[p->ecosystem];
    std::vector<std::string> counts;
    for (const auto& [type, n] : per_type) counts.push_back(fmt::format("{} {}", type, n));
    std::string footer = fmt::format("{} package{}", pkgs.size(), pkgs.size() == 1 ? "" : "s");
    if (!counts.empty()) footer += fmt::format(" ({})", fmt::join(counts, ", "));
    const size_t layers = inv.source.layers.size();
    if (layers) footer += fmt::format(", {} layer{}", layers, layers == 1 ? "" : "s");
    footer += fmt::format(", {} warning{}", inv.warnings.size(), inv.warnings.size() == 1 ? "" : "s");
    out += "\n" + paint(opts, kDim, fit(footer, width)) + "\n";
    if (inv.partial) {
      out += paint(opts, kYellow,
                   fit("PARTIAL: part of the input could not be read; packages may be missing", width)) +
             "\n";
    }
    return out;
  });
}

}  // namespace
}  // namespace report

namespace formats {
extern const SbomFormat table;
const SbomFormat table = {"table", "A table for people", report::write_table};
}  // namespace formats

}  // namespace dagda
