#include "catalog/rpmdb/header.hpp"

#include <string>

#include "catalog/rpmdb/bytes.hpp"

namespace dagda::rpmdb {

using detail::be16;
using detail::be32;
using detail::be64;

namespace {

constexpr std::string_view kHeaderMagic("\x8e\xad\xe8\x01\x00\x00\x00\x00", 8);
constexpr uint64_t kEntrySize = 16;
// How many times its own size a header's file list may expand to.
constexpr uint64_t kMaxFileListExpansion = 16;

bool is_integer(TagType t) {
  return t == TagType::char_ || t == TagType::int8 || t == TagType::int16 || t == TagType::int32 ||
         t == TagType::int64;
}

uint64_t integer_width(TagType t) {
  switch (t) {
    case TagType::int16:
      return 2;
    case TagType::int32:
      return 4;
    case TagType::int64:
      return 8;
    default:
      return 1;
  }
}

}  // namespace

Result<Header> Header::parse(std::string_view blob) {
  if (blob.size() >= kHeaderMagic.size() && blob.substr(0, kHeaderMagic.size()) == kHeaderMagic)
    blob.remove_prefix(kHeaderMagic.size());
  auto il = be32(blob, 0), dl = be32(blob, 4);
  if (!il || !dl)
    return Error(ErrorCode::corrupt,
                 "rpm header is " + std::to_string(blob.size()) + " bytes, shorter than its 8-byte intro");
  if (*il == 0 || *il > kMaxIndexEntries)
    return Error(ErrorCode::corrupt, "rpm header has an impossible index entry count " + std::to_string(*il));
  if (*dl > kMaxDataBytes)
    return Error(ErrorCode::corrupt, "rpm header has an impossible data size " + std::to_string(*dl));
  uint64_t need = 8 + uint64_t{*il} * kEntrySize + *dl;
  if (need > blob.size())
    return Error(ErrorCode::corrupt, "rpm header is truncated: index and data need " + std::to_string(need) +
                                         " bytes, blob has " + std::to_string(blob.size()));

  std::vector<IndexEntry> entries;
  entries.reserve(*il);
  for (uint64_t i = 0; i < *il; ++i) {
    uint64_t at = 8 + i * kEntrySize;
    IndexEntry e{*be32(blob, at), static_cast<TagType>(*be32(blob, at + 4)), *be32(blob, at + 8),
                 *be32(blob, at + 12)};
    if (static_cast<uint32_t>(e.type) > static_cast<uint32_t>(TagType::i18nstring))
      return Error(ErrorCode::corrupt, "rpm header entry " + std::to_string(i) + " (tag " +
                                           std::to_string(e.tag) + ") has unknown type " +
                                           std::to_string(static_cast<uint32_t>(e.type)));
    if (e.offset > *dl)
      return Error(ErrorCode::corrupt, "rpm header entry " + std::to_string(i) + " (tag " +
                                           std::to_string(e.tag) + ") points past the data store: offset " +
                                           std::to_string(e.offset) + " > " + std::to_string(*dl));
    entries.push_back(e);
  }
  std::string_view data = blob.substr(8 + uint64_t{*il} * kEntrySize, *dl);
  return Header(data, std::move(entries));
}

const IndexEntry* Header::find(uint32_t tag) const {
  const IndexEntry* found = nullptr;
  for (const auto& e : entries_)
    if (e.tag == tag) found = &e;
  return found;
}

Error Header::bad(const IndexEntry& e, std::string what) const {
  return Error(ErrorCode::corrupt, "rpm header tag " + std::to_string(e.tag) + ": " + what);
}

Result<std::optional<std::vector<std::string>>> Header::string_array(uint32_t tag) const {
  const IndexEntry* e = find(tag);
  if (!e) return std::optional<std::vector<std::string>>();
  if (e->type != TagType::string && e->type != TagType::string_array && e->type != TagType::i18nstring)
    return bad(*e, "expected strings, found type " + std::to_string(static_cast<uint32_t>(e->type)));
  if (e->type == TagType::string && e->count != 1) return bad(*e, "a STRING must have count 1");
  // Each string takes at least its NUL byte, so a count larger than the rest
  // of the data store is impossible and rejected before any allocation.
  uint64_t room = data_.size() - e->offset;
  if (e->count > room)
    return bad(*e, std::to_string(e->count) + " strings cannot fit in " + std::to_string(room) + " bytes");
  std::vector<std::string> out;
  out.reserve(e->count);
  size_t pos = e->offset;
  for (uint32_t i = 0; i < e->count; ++i) {
    size_t end = data_.find('\0', pos);
    if (end == std::string_view::npos)
      return bad(*e, "string " + std::to_string(i) + " runs past the data store");
    out.emplace_back(data_.substr(pos, end - pos));
    pos = end + 1;
  }
  return std::optional(std::move(out));
}

Result<std::optional<std::string>> Header::string(uint32_t tag) const {
  const IndexEntry* e = find(tag);
  if (!e) return std::optional<std::string>();
  if (e->type != TagType::string && e->type != TagType::string_array && e->type != TagType::i18nstring)
    return bad(*e, "expected a string, found type " + std::to_string(static_cast<uint32_t>(e->type)));
  if (e->count == 0) return bad(*e, "string entry has count 0");
  size_t end = data_.find('\0', e->offset);
  if (end == std::string_view::npos) return bad(*e, "string runs past the data store");
  return std::optional<std::string>(std::string(data_.substr(e->offset, end - e->offset)));
}

Result<std::optional<std::vector<uint64_t>>> Header::integers(uint32_t tag) const {
  const IndexEntry* e = find(tag);
  if (!e) return std::optional<std::vector<uint64_t>>();
  if (!is_integer(e->type))
    return bad(*e, "expected integers, found type " + std::to_string(static_cast<uint32_t>(e->type)));
  uint64_t width = integer_width(e->type);
  uint64_t room = data_.size() - e->offset;
  if (uint64_t{e->count} * width > room)
    return bad(*e, std::to_string(e->count) + " integers of " + std::to_string(width) +
                       " bytes cannot fit in " + std::to_string(room) + " bytes");
  std::vector<uint64_t> out;
  out.reserve(e->count);
  for (uint64_t i = 0; i < e->count; ++i) {
    uint64_t at = e->offset + i * width;
    switch (width) {
      case 1:
        out.push_back(static_cast<uint8_t>(data_[at]));
        break;
      case 2:
        out.push_back(*be16(data_, at));
        break;
      case 4:
        out.push_back(*be32(data_, at));
        break;
      default:
        out.push_back(*be64(data_, at));
    }
  }
  return std::optional(std::move(out));
}

Result<std::optional<uint64_t>> Header::integer(uint32_t tag) const {
  const IndexEntry* e = find(tag);
  if (!e) return std::optional<uint64_t>();
  if (e->count == 0) return bad(*e, "integer entry has count 0");
  if (!is_integer(e->type))
    return bad(*e, "expected an integer, found type " + std::to_string(static_cast<uint32_t>(e->type)));
  uint64_t width = integer_width(e->type);
  if (width > data_.size() - e->offset) return bad(*e, "integer runs past the data store");
  switch (width) {
    case 1:
      return std::optional<uint64_t>(static_cast<uint8_t>(data_[e->offset]));
    case 2:
      return std::optional<uint64_t>(*be16(data_, e->offset));
    case 4:
      return std::optional<uint64_t>(*be32(data_, e->offset));
    default:
      return std::optional<uint64_t>(*be64(data_, e->offset));
  }
}

namespace {

// Owned paths: dirnames[dirindexes[i]] + basenames[i] (rpm >= 4.0), or the
// old FILENAMES list. nullopt result means "no files".
Result<std::vector<std::string>> read_files(const Header& h, uint64_t max_expanded) {
  DAGDA_ASSIGN_OR_RETURN(auto basenames, h.string_array(tag::basenames));
  if (!basenames) {
    DAGDA_ASSIGN_OR_RETURN(auto old, h.string_array(tag::old_filenames));
    return old ? std::move(*old) : std::vector<std::string>();
  }
  DAGDA_ASSIGN_OR_RETURN(auto dirnames, h.string_array(tag::dirnames));
  DAGDA_ASSIGN_OR_RETURN(auto dirindexes, h.integers(tag::dirindexes));
  if (!dirnames || !dirindexes) return Error(ErrorCode::corrupt, "BASENAMES without DIRNAMES or DIRINDEXES");
  if (dirindexes->size() != basenames->size())
    return Error(ErrorCode::corrupt, std::to_string(basenames->size()) + " BASENAMES but " +
                                         std::to_string(dirindexes->size()) + " DIRINDEXES");
  // Every path repeats its directory, so a hostile header (one long dirname,
  // many one-byte basenames) could expand quadratically. Real headers expand
  // to less than their own size; far more than that is refused.
  uint64_t expanded = 0;
  for (size_t i = 0; i < basenames->size(); ++i) {
    uint64_t d = (*dirindexes)[i];
    if (d >= dirnames->size())
      return Error(ErrorCode::corrupt, "DIRINDEXES[" + std::to_string(i) + "] = " + std::to_string(d) +
                                           " but there are " + std::to_string(dirnames->size()) +
                                           " DIRNAMES");
    expanded += (*dirnames)[d].size() + (*basenames)[i].size();
  }
  if (expanded > max_expanded)
    return Error(ErrorCode::corrupt, "file list would expand to " + std::to_string(expanded) +
                                         " bytes, far more than the header holds");
  std::vector<std::string> files;
  files.reserve(basenames->size());
  for (size_t i = 0; i < basenames->size(); ++i)
    files.push_back((*dirnames)[(*dirindexes)[i]] + (*basenames)[i]);
  return files;
}

Result<std::string> required_string(const Header& h, uint32_t t, std::string_view what) {
  DAGDA_ASSIGN_OR_RETURN(auto s, h.string(t));
  if (!s) return Error(ErrorCode::corrupt, "rpm header has no " + std::string(what));
  return std::move(*s);
}

Result<std::string> optional_string(const Header& h, uint32_t t) {
  DAGDA_ASSIGN_OR_RETURN(auto s, h.string(t));
  return s ? std::move(*s) : std::string();
}

}  // namespace

Result<PackageHeader> read_package_header(std::string_view blob) {
  DAGDA_ASSIGN_OR_RETURN(Header h, Header::parse(blob));
  PackageHeader p;
  DAGDA_ASSIGN_OR_RETURN(p.name, required_string(h, tag::name, "NAME"));
  DAGDA_ASSIGN_OR_RETURN(p.version, required_string(h, tag::version, "VERSION"));
  DAGDA_ASSIGN_OR_RETURN(p.release, required_string(h, tag::release, "RELEASE"));
  DAGDA_ASSIGN_OR_RETURN(auto epoch, h.integer(tag::epoch));
  if (epoch) {
    if (*epoch > UINT32_MAX)
      return Error(ErrorCode::corrupt, "rpm header EPOCH " + std::to_string(*epoch) + " is out of range");
    p.epoch = static_cast<uint32_t>(*epoch);
  }
  DAGDA_ASSIGN_OR_RETURN(p.arch, optional_string(h, tag::arch));
  DAGDA_ASSIGN_OR_RETURN(p.sourcerpm, optional_string(h, tag::sourcerpm));
  DAGDA_ASSIGN_OR_RETURN(p.modularitylabel, optional_string(h, tag::modularitylabel));
  DAGDA_ASSIGN_OR_RETURN(p.vendor, optional_string(h, tag::vendor));
  DAGDA_ASSIGN_OR_RETURN(p.license, optional_string(h, tag::license));
  auto files = read_files(h, kMaxFileListExpansion * blob.size() + 65536);
  if (files.ok())
    p.files = std::move(*files);
  else
    p.files_problem = files.error().message();
  return p;
}

}  // namespace dagda::rpmdb
