// catalog/text_db.hpp: helpers shared by the catalogers of line-based package
// databases (dpkg status, apk installed).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "catalog/cataloger.hpp"
#include "common/blob.hpp"
#include "common/diagnostics.hpp"

namespace dagda {

// Splits a file into lines; a trailing '\r' is dropped so CRLF files read the same.
// Given the blob itself, it streams: the pages it has read past are released (see
// Blob::release_before), so a database of hundreds of MB costs a window of memory.
class LineReader {
 public:
  explicit LineReader(std::string_view data) : data_(data) {}
  explicit LineReader(const Blob& blob) : data_(blob.data()), blob_(&blob) {}
  bool next(std::string_view& line) {
    if (pos_ >= data_.size()) return false;
    if (blob_ && pos_ - released_ >= kReleaseWindow) {
      blob_->release_before(pos_);
      released_ = pos_;
    }
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
  static constexpr size_t kReleaseWindow = size_t{8} << 20;
  std::string_view data_;
  const Blob* blob_ = nullptr;
  size_t pos_ = 0;
  size_t released_ = 0;
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

// The package and owned-file ceilings of one cataloger run (CatalogContext::max_packages,
// max_files): what is past them is counted, not held.
class Ceilings {
 public:
  explicit Ceilings(const CatalogContext& ctx) : packages_left_(ctx.max_packages), files_left_(ctx.max_files) {}
  // True when one more package may be listed; otherwise it is counted as dropped.
  bool take_package() {
    if (packages_left_ == 0) {
      ++dropped_packages_;
      return false;
    }
    --packages_left_;
    return true;
  }
  bool take_file() {
    if (files_left_ == 0) {
      ++dropped_files_;
      return false;
    }
    --files_left_;
    return true;
  }
  void report(CatalogOutput& out) const {
    out.dropped_packages += dropped_packages_;
    out.dropped_files += dropped_files_;
  }

 private:
  size_t packages_left_, files_left_;
  size_t dropped_packages_ = 0, dropped_files_ = 0;
};

}  // namespace dagda
