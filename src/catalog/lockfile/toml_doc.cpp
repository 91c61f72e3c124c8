#include "catalog/lockfile/toml_doc.hpp"

#include <fmt/format.h>

namespace dagda::lockfile {

Result<toml::table> parse_toml(const std::string& path, std::string_view content) {
  DAGDA_TRY(check_size(path, content));
  // Dotted keys and table headers each add a level of nesting, which toml++
  // builds and destroys recursively; lockfiles use two or three.
  LineReader lines(content);
  std::string_view line;
  while (lines.next(line)) {
    std::string_view t = trim(line);
    if (t.empty() || t.front() == '#') continue;
    std::string_view key = t.front() == '[' ? t.substr(0, t.find(']')) : t.substr(0, t.find('='));
    size_t dots = 0;
    for (char c : key) dots += c == '.';
    if (dots > 32)
      return Error(ErrorCode::corrupt, "TOML key nested deeper than 32 levels",
                   {.file = path, .line = lines.number()});
    size_t open = 0;
    for (char c : t) open += c == '[' || c == '{';
    if (open > kMaxNesting)
      return Error(ErrorCode::corrupt, fmt::format("TOML value nested deeper than {} levels", kMaxNesting),
                   {.file = path, .line = lines.number()});
  }
  try {
    return toml::parse(content, path);
  } catch (const toml::parse_error& e) {
    return Error(ErrorCode::corrupt, fmt::format("not valid TOML: {}", e.description()),
                 {.file = path, .line = static_cast<uint64_t>(e.source().begin.line)});
  } catch (const std::exception& e) {
    return Error(ErrorCode::corrupt, fmt::format("not valid TOML: {}", e.what()), {.file = path});
  }
}

std::string toml_string(const toml::table& t, std::string_view key) {
  if (auto v = t[key].value<std::string>()) return *v;
  return {};
}

}  // namespace dagda::lockfile
