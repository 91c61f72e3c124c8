// catalog/text_db.hpp: helpers shared by the catalogers of line-based package
// databases (dpkg status, apk installed).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "common/diagnostics.hpp"

namespace dagda {

// Splits a file into lines; a trailing '\r' is dropped so CRLF files read the same.
class LineReader {
 public:
  explicit LineReader(std::string_view data) : data_(data) {}
  bool next(std::string_view& line) {
    if (pos_ >= data_.size()) return false;
    size_t end = data_.find('\n', pos_);
    if (end == std::string_view::npos) end = data_.size();
    line = data_.substr(pos_, end - pos_);
    pos_ = end + 1;
    ++number_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return true;
  }
  uint64_t number() const { return number_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  uint64_t number_ = 0;
};

// Damage found in one file, one entry per warning code, so that a hostile file
// gives a handful of warnings rather than one per line.
class Findings {
 public:
  void note(std::string_view code, uint64_t line, std::string message) {
    for (auto& e : entries_) {
      if (e.code == code) {
        ++e.count;
        return;
      }
    }
    entries_.push_back({std::string(code), std::move(message), line, 1});
  }
  bool any() const { return !entries_.empty(); }
  void flush(Diagnostics& diag, const std::string& file) {
    for (auto& e : entries_) {
      std::string msg = e.count == 1 ? e.message : fmt::format("{} (and {} more like it)", e.message, e.count - 1);
      diag.warn(e.code, std::move(msg), Location{.file = file, .line = e.line});
    }
    entries_.clear();
  }

 private:
  struct Entry {
    std::string code;
    std::string message;
    uint64_t line;
    uint64_t count;
  };
  std::vector<Entry> entries_;
};

}  // namespace dagda
