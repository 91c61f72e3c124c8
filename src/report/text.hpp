// report/text.hpp: what the table formats share: making strings from an image
// or a feed safe for a terminal, fitting them into columns, colour, and the
// line that names the scanned source.
#pragma once

#include <string>
#include <string_view>

#include "inventory/inventory.hpp"
#include "report/writer.hpp"

namespace dagda::report {

inline constexpr const char* kBold = "\x1b[1m";
inline constexpr const char* kDim = "\x1b[2m";
inline constexpr const char* kRed = "\x1b[31m";
inline constexpr const char* kBoldRed = "\x1b[1;31m";
inline constexpr const char* kYellow = "\x1b[33m";
inline constexpr const char* kCyan = "\x1b[36m";
inline constexpr const char* kReset = "\x1b[0m";

// Names, versions and titles come from the image or a feed: control characters
// (C0, DEL, and C1 written as UTF-8, such as the one-byte CSI U+009B) and bytes
// that are not UTF-8 become '?', so that nothing reaches the terminal as a command.
std::string printable(std::string_view s);

// Columns taken on screen, counting UTF-8 code points (not bytes).
size_t width_of(std::string_view s);

// Cuts to `w` columns, ending with "..." when something was cut, never inside a UTF-8 sequence.
std::string fit(std::string_view s, size_t w);

// Pads with spaces to `w` columns.
std::string pad(std::string_view s, size_t w);

// `text` in the ANSI colour `code` when opts.color, else as is.
std::string paint(const ReportOptions& opts, const char* code, const std::string& text);

// "NAME (kind, image ID, os/arch)  OS: PRETTY NAME" in `width` columns; when
// that is too wide, the name part is cut rather than the OS.
std::string header_line(const Inventory& inv, size_t width);

}  // namespace dagda::report
