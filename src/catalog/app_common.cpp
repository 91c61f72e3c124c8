// catalog/app_common.cpp: helpers the application catalogers share.
#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

#include <cctype>
#include <memory>

#include "catalog/app.hpp"
#include "layers/utf8_names.hpp"

namespace dagda {

std::string pep503_normalize(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool in_sep = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (!in_sep) out.push_back('-');
      in_sep = true;
      continue;
    }
    in_sep = false;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

std::string_view base_name(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool ends_with_icase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  s = s.substr(s.size() - suffix.size());
  for (size_t i = 0; i < s.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(suffix[i])))
      return false;
  return true;
}

Status read_zip(std::string_view data,
                const std::function<uint64_t(std::string_view name, int64_t size)>& want,
                const std::function<void(std::string_view name, std::string_view bytes, bool complete)>& take,
                uint64_t* budget) {
  Utf8NamesScope utf8_names;  // entry names flagged UTF-8 pass through unchanged
  std::unique_ptr<struct archive, int (*)(struct archive*)> a(archive_read_new(), archive_read_free);
  archive_read_support_format_zip(a.get());
  auto damaged = [&](std::string_view what) {
    const char* msg = archive_error_string(a.get());
    return Error(ErrorCode::corrupt, fmt::format("{}: {}", what, msg ? msg : "unreadable zip"));
  };
  if (archive_read_open_memory(a.get(), data.data(), data.size()) != ARCHIVE_OK)
    return damaged("not a zip archive");
  struct archive_entry* e = nullptr;
  std::string buf;
  std::string chunk(1 << 16, '\0');
  for (;;) {
    int r = archive_read_next_header(a.get(), &e);
    if (r == ARCHIVE_EOF) break;
    if (r == ARCHIVE_RETRY) continue;
    if (r == ARCHIVE_FATAL) return damaged("damaged zip");
    if (archive_entry_filetype(e) != AE_IFREG) continue;
    const char* raw = archive_entry_pathname(e);
    if (!raw) continue;
    std::string name(raw);
    int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
    uint64_t cap = want(name, size);
    if (cap == 0) continue;
    buf.clear();
    bool complete = true;
    for (;;) {
      la_ssize_t n = archive_read_data(a.get(), chunk.data(), chunk.size());
      if (n < 0) return damaged(fmt::format("damaged entry '{}'", name));
      if (n == 0) break;
      if (budget) {
        if (*budget < static_cast<uint64_t>(n)) {
          *budget = 0;
          return Error(ErrorCode::corrupt,
                       fmt::format("entry '{}' inflates past the limit for one archive", name));
        }
        *budget -= static_cast<uint64_t>(n);
      }
      if (buf.size() + static_cast<size_t>(n) > cap) {
        buf.append(chunk.data(), cap - buf.size());
        complete = false;
        break;
      }
      buf.append(chunk.data(), static_cast<size_t>(n));
    }
    take(name, buf, complete);
  }
  return ok_status();
}

}  // namespace dagda
