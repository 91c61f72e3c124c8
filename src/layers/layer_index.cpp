#include "layers/layer_index.hpp"

#include <algorithm>
#include <cstring>

namespace dagda {
namespace {

// Arena blocks start small (most layers are small) and grow to 1 MiB; a longer string
// gets a block of its own.
constexpr size_t kFirstBlock = 4 << 10;
constexpr size_t kLargestBlock = 1 << 20;

const BlobPtr& no_content() {
  static const BlobPtr none;
  return none;
}

}  // namespace

std::pair<uint32_t, uint32_t> LayerEntries::store(std::string_view a, std::string_view b) {
  size_t need = a.size() + b.size();
  if (blocks_.empty() || blocks_.back().capacity - blocks_.back().used < need) {
    size_t cap = blocks_.empty() ? kFirstBlock : std::min(blocks_.back().capacity * 2, kLargestBlock);
    cap = std::max(cap, need);
    blocks_.push_back(Block{std::make_unique_for_overwrite<char[]>(cap), cap, 0});
  }
  Block& blk = blocks_.back();
  char* at = blk.bytes.get() + blk.used;
  if (!a.empty()) std::memcpy(at, a.data(), a.size());
  if (!b.empty()) std::memcpy(at + a.size(), b.data(), b.size());
  auto where = std::make_pair(static_cast<uint32_t>(blocks_.size() - 1), static_cast<uint32_t>(blk.used));
  blk.used += need;
  return where;
}

void LayerEntries::add(LayerEntry::Kind kind, std::string_view path, std::string_view target, BlobPtr content,
                       uint64_t size) {
  // Lengths past 4 GiB cannot come from a tar header libarchive accepts; cut rather than wrap.
  path = path.substr(0, std::min<size_t>(path.size(), UINT32_MAX / 2));
  target = target.substr(0, std::min<size_t>(target.size(), UINT32_MAX / 2));
  auto [block, offset] = store(path, target);
  uint32_t c = kNone;
  if (content) {
    c = static_cast<uint32_t>(contents_.size());
    contents_.push_back(std::move(content));
  }
  records_.push_back(Record{block, offset, static_cast<uint32_t>(path.size()), static_cast<uint32_t>(target.size()),
                            c, kind, size});
}

void LayerEntries::push_back(LayerEntry e) { add(e.kind, e.path, e.target, std::move(e.content), e.size); }

LayerEntryRef LayerEntries::operator[](size_t i) const {
  const Record& r = records_[i];
  const char* base = blocks_[r.block].bytes.get() + r.offset;
  return LayerEntryRef{r.kind, std::string_view(base, r.path_len), std::string_view(base + r.path_len, r.target_len),
                       r.content == kNone ? no_content() : contents_[r.content], r.size};
}

void LayerEntries::set_content(size_t i, BlobPtr content) {
  Record& r = records_[i];
  if (r.content != kNone) {
    contents_[r.content] = std::move(content);
  } else if (content) {
    r.content = static_cast<uint32_t>(contents_.size());
    contents_.push_back(std::move(content));
  }
}

size_t LayerEntries::memory_bytes() const {
  size_t n = records_.size() * sizeof(Record) + contents_.size() * sizeof(BlobPtr) +
             blocks_.capacity() * sizeof(Block);
  for (const Block& b : blocks_) n += b.capacity;
  return n;
}

}  // namespace dagda
