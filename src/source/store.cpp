#include "source/store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include "common/fs.hpp"
#include "source/tar_index.hpp"

namespace dagda {
namespace {

// dev:ino size mtime ctime of an open regular file ("" otherwise).
std::string file_identity(int fd) {
  struct stat st{};
  // An unnamed temporary file (a decompressed archive) has no lasting identity.
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink == 0) return {};
  return fmt::format("file {}:{} size {} mtime {}.{:09} ctime {}.{:09}", st.st_dev, st.st_ino, st.st_size,
                     st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
}

class TarStore final : public Store {
 public:
  explicit TarStore(TarIndex idx, std::string name) : idx_(std::move(idx)), name_(std::move(name)) {}
  bool exists(std::string_view path) const override { return idx_.contains(path); }
  Result<std::string> read(std::string_view path, uint64_t limit) const override { return idx_.read(path, limit); }
  Result<std::unique_ptr<ByteStream>> open(std::string_view path) const override { return idx_.open(path); }
  std::string describe(std::string_view path) const override { return fmt::format("{}:{}", name_, path); }
  std::string identity(std::string_view path) const override {
    auto m = idx_.find(path);
    if (!m.ok()) return {};
    std::string file = file_identity(idx_.file()->fd());
    return file.empty() ? file : fmt::format("{} member {}+{}", file, (*m)->offset, (*m)->size);
  }
  uint64_t stored_size(std::string_view path) const override {
    auto m = idx_.find(path);
    return m.ok() ? (*m)->size : 0;
  }

 private:
  TarIndex idx_;
  std::string name_;
};

bool safe_relative(std::string_view p) {
  if (p.empty() || p.front() == '/') return false;
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    if (p.substr(i, j - i) == "..") return false;
    i = j + 1;
  }
  return true;
}

class DirStore final : public Store {
 public:
  explicit DirStore(std::string root) : root_(std::move(root)) {}
  bool exists(std::string_view path) const override {
    struct stat st{};
    return safe_relative(path) && ::stat(full(path).c_str(), &st) == 0 && S_ISREG(st.st_mode);
  }
  Result<std::string> read(std::string_view path, uint64_t limit) const override {
    if (!safe_relative(path)) return refuse(path);
    return read_file(full(path), limit);
  }
  Result<std::unique_ptr<ByteStream>> open(std::string_view path) const override {
    if (!safe_relative(path)) return refuse(path);
    DAGDA_ASSIGN_OR_RETURN(auto f, HostFile::open(full(path)));
    uint64_t size = f->size();
    return file_range_stream(f, 0, size, full(path));
  }
  std::string describe(std::string_view path) const override { return full(path); }
  uint64_t stored_size(std::string_view path) const override {
    struct stat st{};
    return safe_relative(path) && ::stat(full(path).c_str(), &st) == 0 && S_ISREG(st.st_mode)
               ? static_cast<uint64_t>(st.st_size)
               : 0;
  }
  std::string identity(std::string_view path) const override {
    if (!safe_relative(path)) return {};
    int fd = ::open(full(path).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return {};
    std::string id = file_identity(fd);
    ::close(fd);
    return id;
  }

 private:
  std::string full(std::string_view p) const { return root_ + "/" + std::string(p); }
  Error refuse(std::string_view p) const {
    return Error(ErrorCode::corrupt, fmt::format("refusing path '{}' that leaves the layout", p), {.file = root_});
  }
  std::string root_;
};

}  // namespace

Result<std::shared_ptr<HostFile>> open_uncompressed(const std::string& path, const std::string& temp_dir) {
  DAGDA_ASSIGN_OR_RETURN(auto file, HostFile::open(path));
  char head[6] = {};
  ssize_t n = ::pread(file->fd(), head, sizeof head, 0);
  if (n < 0) return Error(ErrorCode::io, fmt::format("cannot read: {}", std::strerror(errno)), {.file = path});
  if (sniff_compression({head, static_cast<size_t>(n)}) == Compression::none) return file;

  uint64_t size = file->size();
  DAGDA_ASSIGN_OR_RETURN(auto in, decompress_stream(file_range_stream(file, 0, size, path), path, 256ull << 30));
  std::string dir = temp_dir.empty() ? cache_dir() + "/tmp" : temp_dir;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    return Error(ErrorCode::io, fmt::format("cannot create a temporary file in {}: {}", dir, std::strerror(errno)));
  std::string tmp_name = fmt::format("/proc/self/fd/{}", fd);
  std::vector<char> buf(1 << 20);
  for (;;) {
    auto got = in->read(buf.data(), buf.size());
    if (!got.ok()) {
      ::close(fd);
      return std::move(got).error();
    }
    if (*got == 0) break;
    size_t off = 0;
    while (off < *got) {
      ssize_t w = ::write(fd, buf.data() + off, *got - off);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        int err = errno;
        ::close(fd);
        return Error(ErrorCode::io, fmt::format("cannot write a temporary file in {}: {}", dir, std::strerror(err)));
      }
      off += static_cast<size_t>(w);
    }
  }
  auto reopened = HostFile::open(tmp_name, path + " (decompressed)");
  ::close(fd);
  if (!reopened.ok()) return std::move(reopened).error();
  return reopened;
}

Result<std::unique_ptr<Store>> open_tar_store(const std::string& path) {
  DAGDA_ASSIGN_OR_RETURN(auto file, open_uncompressed(path));
  auto idx = TarIndex::build(file);
  if (!idx.ok()) return std::move(idx).error();
  return make_tar_store(std::move(idx).value(), path);
}

std::unique_ptr<Store> make_tar_store(TarIndex idx, std::string name) {
  return std::make_unique<TarStore>(std::move(idx), std::move(name));
}

Result<std::unique_ptr<Store>> open_dir_store(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0)
    return Error(errno == ENOENT ? ErrorCode::not_found : ErrorCode::io,
                 fmt::format("cannot open: {}", std::strerror(errno)), {.file = path});
  if (!S_ISDIR(st.st_mode)) return Error(ErrorCode::unsupported, "not a directory", {.file = path});
  return std::unique_ptr<Store>(std::make_unique<DirStore>(path));
}

}  // namespace dagda
