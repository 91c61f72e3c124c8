#include "common/blob.hpp"
#include "common/spill_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace dagda {
namespace {

class StringBlob final : public Blob {
 public:
  explicit StringBlob(std::string s) : s_(std::move(s)) {}
  std::string_view data() const override { return s_; }

 private:
  std::string s_;
};

class MappedBlob final : public Blob {
 public:
  MappedBlob(void* addr, size_t len) : addr_(addr), len_(len) {}
  ~MappedBlob() override {
    if (addr_) munmap(addr_, len_);
  }
  std::string_view data() const override { return {static_cast<const char*>(addr_), len_}; }
  void release_before(size_t upto) const override {
    static const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    size_t end = std::min(upto, len_) / page * page;
    // A private, never written file mapping: dropped pages come back from the file.
    if (end > 0) ::madvise(addr_, end, MADV_DONTNEED);
  }

 private:
  void* addr_;
  size_t len_;
};

Status write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error(ErrorCode::io, fmt::format("cannot write spill file: {}", std::strerror(errno)));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return ok_status();
}

// An unnamed file in `dir` (created if missing), open for reading and writing. O_TMPFILE: the
// file has no name, so nothing is left behind even on a crash.
Result<int> open_unnamed_file(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    return Error(ErrorCode::io, fmt::format("cannot create a temporary file in {}: {}", dir, std::strerror(errno)));
  return fd;
}

// Drops the whole pages inside [begin, end) of a private, never written file mapping: they
// come back from the file if touched again.
void drop_pages(const char* begin, const char* end) {
  static const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  uintptr_t b = (reinterpret_cast<uintptr_t>(begin) + page - 1) / page * page;
  uintptr_t e = reinterpret_cast<uintptr_t>(end) / page * page;
  if (e > b) ::madvise(reinterpret_cast<void*>(b), e - b, MADV_DONTNEED);
}

}  // namespace

struct FileMapping {
  void* addr = nullptr;
  size_t len = 0;
  ~FileMapping() {
    if (addr) ::munmap(addr, len);
  }
};

namespace {

class SpillSliceBlob final : public Blob {
 public:
  SpillSliceBlob(std::shared_ptr<const FileMapping> m, std::string_view d) : mapping_(std::move(m)), d_(d) {}
  std::string_view data() const override { return d_; }
  void release_before(size_t upto) const override {
    drop_pages(d_.data(), d_.data() + std::min(upto, d_.size()));
  }

 private:
  std::shared_ptr<const FileMapping> mapping_;
  std::string_view d_;
};

// Spilled files are buffered in memory up to this many bytes between writes.
constexpr size_t kSpillBuffer = 1 << 20;

}  // namespace

SpillFile::SpillFile(std::string spill_dir) : spill_dir_(std::move(spill_dir)) {}

SpillFile::~SpillFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status SpillFile::append(std::string_view bytes) {
  if (mapping_) return Error(ErrorCode::internal, "spill file appended to after it was mapped");
  buffer_.append(bytes);
  size_ += bytes.size();
  if (buffer_.size() >= kSpillBuffer) return flush();
  return ok_status();
}

Status SpillFile::flush() {
  if (buffer_.empty()) return ok_status();
  if (fd_ < 0) {
    DAGDA_ASSIGN_OR_RETURN(fd_, open_unnamed_file(spill_dir_));
  }
  DAGDA_TRY(write_all(fd_, buffer_));
  written_ += buffer_.size();
  buffer_.clear();
  return ok_status();
}

Status SpillFile::map() {
  if (mapping_) return ok_status();
  DAGDA_TRY(flush());
  std::string().swap(buffer_);
  auto m = std::make_shared<FileMapping>();
  if (written_ > 0) {
    void* addr = ::mmap(nullptr, written_, PROT_READ, MAP_PRIVATE, fd_, 0);
    if (addr == MAP_FAILED)
      return Error(ErrorCode::io, fmt::format("cannot map spill file: {}", std::strerror(errno)));
    m->addr = addr;
    m->len = written_;
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  mapping_ = std::move(m);
  return ok_status();
}

BlobPtr SpillFile::slice(uint64_t offset, uint64_t length) const {
  if (!mapping_ || length == 0 || offset > mapping_->len || length > mapping_->len - offset)
    return Blob::from_string({});
  return std::make_shared<SpillSliceBlob>(
      mapping_, std::string_view(static_cast<const char*>(mapping_->addr) + offset, static_cast<size_t>(length)));
}

BlobPtr Blob::from_string(std::string bytes) { return std::make_shared<StringBlob>(std::move(bytes)); }

BlobWriter::BlobWriter(std::string spill_dir, size_t memory_limit)
    : spill_dir_(std::move(spill_dir)), memory_limit_(memory_limit) {}

BlobWriter::~BlobWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Status BlobWriter::append(std::string_view bytes) {
  if (fd_ < 0 && mem_.size() + bytes.size() <= memory_limit_) {
    mem_.append(bytes);
    return ok_status();
  }
  if (fd_ < 0) {
    DAGDA_ASSIGN_OR_RETURN(fd_, open_unnamed_file(spill_dir_));
    DAGDA_TRY(write_all(fd_, mem_));
    file_size_ = mem_.size();
    std::string().swap(mem_);
  }
  DAGDA_TRY(write_all(fd_, bytes));
  file_size_ += bytes.size();
  return ok_status();
}

Result<BlobPtr> BlobWriter::finish() {
  if (fd_ < 0) return Blob::from_string(std::move(mem_));
  if (file_size_ == 0) return Blob::from_string({});
  void* addr = ::mmap(nullptr, file_size_, PROT_READ, MAP_PRIVATE, fd_, 0);
  ::close(fd_);
  fd_ = -1;
  if (addr == MAP_FAILED)
    return Error(ErrorCode::io, fmt::format("cannot map spill file: {}", std::strerror(errno)));
  return BlobPtr(std::make_shared<MappedBlob>(addr, file_size_));
}

}  // namespace dagda
