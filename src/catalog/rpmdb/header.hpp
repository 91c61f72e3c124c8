// catalog/rpmdb/header.hpp: the rpm header blob, as rpm stores it in its
// database (and after the 8-byte header magic in a package file):
//   int32 il, int32 dl            (big endian: index entries, data bytes)
//   il x {int32 tag, type, offset, count}
//   dl bytes of data store
// Every offset and count is checked against the data store before use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace dagda::rpmdb {

enum class TagType : uint32_t {
  null = 0,
  char_ = 1,
  int8 = 2,
  int16 = 3,
  int32 = 4,
  int64 = 5,
  string = 6,
  bin = 7,
  string_array = 8,
  i18nstring = 9,
};

namespace tag {
inline constexpr uint32_t name = 1000;
inline constexpr uint32_t version = 1001;
inline constexpr uint32_t release = 1002;
inline constexpr uint32_t epoch = 1003;
inline constexpr uint32_t vendor = 1011;
inline constexpr uint32_t license = 1014;
inline constexpr uint32_t arch = 1022;
inline constexpr uint32_t old_filenames = 1027;
inline constexpr uint32_t sourcerpm = 1044;
inline constexpr uint32_t dirindexes = 1116;
inline constexpr uint32_t basenames = 1117;
inline constexpr uint32_t dirnames = 1118;
inline constexpr uint32_t modularitylabel = 5096;
}  // namespace tag

// Sanity limits, as rpm itself applies them to headers it reads.
inline constexpr uint32_t kMaxIndexEntries = 0x00ffffff;
inline constexpr uint32_t kMaxDataBytes = 0x0fffffff;

struct IndexEntry {
  uint32_t tag;
  TagType type;
  uint32_t offset;  // into the data store
  uint32_t count;
};

// A validated view of one header blob. It points into the blob given to
// parse(), which must outlive it. Accessors return nullopt for an absent tag
// and an Error (corrupt) for a present tag whose type or data is malformed.
class Header {
 public:
  // Accepts the blob with or without the 8-byte header magic in front.
  static Result<Header> parse(std::string_view blob);

  const std::vector<IndexEntry>& entries() const { return entries_; }
  // The last entry for `tag`: entries appended after the immutable region
  // replace the region's own, as rpm does when it loads a header.
  const IndexEntry* find(uint32_t tag) const;

  // STRING, or the first element of I18NSTRING / STRING_ARRAY.
  Result<std::optional<std::string>> string(uint32_t tag) const;
  // STRING_ARRAY or I18NSTRING (a STRING counts as a list of one).
  Result<std::optional<std::vector<std::string>>> string_array(uint32_t tag) const;
  // Any integer type, each value widened.
  Result<std::optional<std::vector<uint64_t>>> integers(uint32_t tag) const;
  // The first value of an integer tag.
  Result<std::optional<uint64_t>> integer(uint32_t tag) const;

 private:
  Header(std::string_view data, std::vector<IndexEntry> entries)
      : data_(data), entries_(std::move(entries)) {}
  Error bad(const IndexEntry& e, std::string what) const;

  std::string_view data_;
  std::vector<IndexEntry> entries_;
};

// The facts the rpm cataloger needs from one installed-package header.
struct PackageHeader {
  std::string name;
  std::optional<uint32_t> epoch;  // absent when the header has no EPOCH
  std::string version;
  std::string release;
  std::string arch;       // empty when absent (gpg-pubkey entries)
  std::string sourcerpm;  // empty when absent
  std::string modularitylabel;
  std::string vendor;
  std::string license;
  std::vector<std::string> files;  // owned paths, from BASENAMES/DIRNAMES/DIRINDEXES or FILENAMES
  // Set when the file list was malformed and dropped; the rest is intact.
  std::optional<std::string> files_problem;
};

// Reads NAME, EPOCH, VERSION, RELEASE, ARCH, SOURCERPM, MODULARITYLABEL,
// VENDOR, LICENSE and the owned files. corrupt when the blob is damaged or
// lacks NAME, VERSION or RELEASE.
Result<PackageHeader> read_package_header(std::string_view blob);

}  // namespace dagda::rpmdb
