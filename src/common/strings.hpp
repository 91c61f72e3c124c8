// common/strings.hpp: the small string helpers every module needs, once.
// ASCII rules throughout (case, space): identifiers, versions and feed keys
// are ASCII; other text is only passed through.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace dagda {

// Without leading/trailing ASCII whitespace (space, \t, \n, \v, \f, \r).
std::string_view trim(std::string_view s);
std::string_view trim_left(std::string_view s);
std::string_view trim_right(std::string_view s);

// ASCII case mapping; other bytes unchanged.
std::string lower(std::string_view s);
std::string upper(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
bool iends_with(std::string_view s, std::string_view suffix);
// Whether s ends with one of the suffixes, ignoring ASCII case.
bool iends_with_any(std::string_view s, std::initializer_list<std::string_view> suffixes);

bool contains(std::string_view hay, std::string_view needle);

// Every field between separators, empty ones included ("a,,b" -> a, "", b).
std::vector<std::string_view> split(std::string_view s, char sep);
// Fields separated by runs of ASCII whitespace; no empty fields.
std::vector<std::string_view> split_words(std::string_view s);
std::string join(const std::vector<std::string>& parts, std::string_view sep);

// Text as valid UTF-8: every invalid or truncated sequence (stray continuation
// bytes, overlong forms, surrogates, code points above U+10FFFF) becomes
// U+FFFD and NUL bytes are dropped. Valid input comes back unchanged.
std::string repair_utf8(std::string_view s);
// Whether repair_utf8(s) would return s unchanged.
bool is_clean_utf8(std::string_view s);

}  // namespace dagda
