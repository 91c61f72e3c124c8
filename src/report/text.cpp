#include "report/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "report/common.hpp"

namespace dagda::report {

namespace {

// The length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or 0 when it is not one.
size_t utf8_length(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  size_t n = c < 0x80                 ? 1
             : c >= 0xC2 && c <= 0xDF ? 2
             : c >= 0xE0 && c <= 0xEF ? 3
             : c >= 0xF0 && c <= 0xF4 ? 4
                                      : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
  }
  if (n == 3 && ((c == 0xE0 && b(1) < 0xA0) || (c == 0xED && b(1) >= 0xA0))) return 0;
  if (n == 4 && ((c == 0xF0 && b(1) < 0x90) || (c == 0xF4 && b(1) >= 0x90))) return 0;
  return n;
}

}  // namespace

std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t n = utf8_length(s, i);
    const bool control =
        c < 0x20 || c == 0x7f || (n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0);
    if (n == 0 || control) {
      out.push_back('?');
      i += n == 0 ? 1 : n;
      continue;
    }
    out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

size_t width_of(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

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

}  // namespace dagda::report
