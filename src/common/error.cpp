#include "common/error.hpp"

#include <fmt/format.h>

namespace dagda {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::not_found: return "not found";
    case ErrorCode::invalid_input: return "invalid input";
    case ErrorCode::unsupported: return "unsupported";
    case ErrorCode::corrupt: return "corrupt";
    case ErrorCode::io: return "i/o error";
    case ErrorCode::internal: return "internal error";
    case ErrorCode::cancelled: return "cancelled";
  }
  return "error";
}

Error Error::wrap(std::string message, Location where) const& {
  Error outer(code_, std::move(message), std::move(where));
  outer.cause_ = std::make_shared<const Error>(*this);
  return outer;
}

std::string Error::render() const {
  std::string out;
  for (const Error* e = this; e; e = e->cause()) {
    if (!out.empty()) out += ": ";
    const Location& w = e->where_;
    if (!w.file.empty()) {
      out += w.file;
      if (w.line) out += fmt::format(":{}", *w.line);
      if (w.offset) out += fmt::format(" (byte {})", *w.offset);
      out += ": ";
    }
    out += e->message_;
    if (!w.layer.empty()) out += fmt::format(" (layer {})", w.layer);
  }
  return terminal_safe(out);
}

namespace {

// The length of the UTF-8 sequence starting at s[i] and its code point, or 0 when invalid
// (overlong forms, surrogates and values past U+10FFFF are invalid).
size_t utf8_sequence(std::string_view s, size_t i, char32_t& cp) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char c = b(0);
  size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (len == 0 || c > 0xF4 || i + len > s.size()) return 0;
  cp = c & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

// Code points a terminal acts on rather than shows: C1 controls (0x9B is CSI on many
// terminals) and the bidirectional controls that reorder what is displayed.
bool invisible_control(char32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

std::string terminal_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x80) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      char32_t cp = 0;
      size_t len = utf8_sequence(text, i, cp);
      if (len == 0) {
        out += fmt::format("\\x{:02x}", c);
      } else {
        if (invisible_control(cp))
          out += fmt::format("\\u{{{:04x}}}", static_cast<uint32_t>(cp));
        else
          out.append(text.substr(i, len));
        i += len;
        continue;
      }
    }
    ++i;
  }
  return out;
}

}  // namespace dagda
