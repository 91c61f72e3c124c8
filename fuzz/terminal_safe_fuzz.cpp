// Fuzzes terminal_safe (common/error.hpp), which every error and warning goes through on
// its way to a terminal: the output holds no control byte and no C1 or bidi control, is
// valid UTF-8, and escaping it again changes nothing.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace {

bool valid_and_visible(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (len == 0 || i + len > s.size()) return false;
    char32_t cp = c & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) {
      auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    if ((cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) return false;
    i += len;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string once = dagda::terminal_safe(in);
  if (!valid_and_visible(once)) abort();
  if (dagda::terminal_safe(once) != once) abort();
  dagda::Error e(dagda::ErrorCode::corrupt, std::string(in), {.file = std::string(in)});
  if (!valid_and_visible(e.render())) abort();
  return 0;
}
