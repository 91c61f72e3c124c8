#include "common/fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <vector>

#include <fmt/format.h>

namespace dagda {

Result<int> open_regular_file(const std::string& path, struct stat* st_out) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0)
    return Error(errno == ENOENT ? ErrorCode::not_found : ErrorCode::io,
                 fmt::format("cannot open: {}", std::strerror(errno)), {.file = path});
  struct stat st{};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return Error(ErrorCode::io, fmt::format("cannot stat: {}", std::strerror(err)), {.file = path});
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    const char* what = S_ISDIR(st.st_mode)    ? "a directory"
                       : S_ISFIFO(st.st_mode) ? "a FIFO"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                       : S_ISCHR(st.st_mode)  ? "a character device"
                       : S_ISBLK(st.st_mode)  ? "a block device"
                                              : "not a regular file";
    return Error(ErrorCode::unsupported, fmt::format("{}, not a regular file", what), {.file = path});
  }
  // Regular files ignore O_NONBLOCK, but clear it so later reads behave as usual anywhere.
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  if (st_out) *st_out = st;
  return fd;
}

Result<std::string> read_file(const std::string& path, uint64_t limit) {
  struct stat st{};
  DAGDA_ASSIGN_OR_RETURN(int fd, open_regular_file(path, &st));
  if (static_cast<uint64_t>(st.st_size) > limit) {
    ::close(fd);
    return Error(ErrorCode::unsupported, fmt::format("file is {} bytes, over the {} byte limit", st.st_size, limit),
                 {.file = path});
  }
  std::string out(static_cast<size_t>(st.st_size), '\0');
  size_t got = 0;
  while (got < out.size()) {
    ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return Error(ErrorCode::io, fmt::format("cannot read: {}", std::strerror(err)), {.file = path});
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  out.resize(got);
  return out;
}

Result<std::string> read_file_head(const std::string& path, size_t n) {
  DAGDA_ASSIGN_OR_RETURN(int fd, open_regular_file(path));
  std::string out(n, '\0');
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::read(fd, out.data() + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      int err = errno;
      ::close(fd);
      return Error(ErrorCode::io, fmt::format("cannot read: {}", std::strerror(err)), {.file = path});
    }
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  ::close(fd);
  out.resize(got);
  return out;
}

Status write_all_fd(int fd, std::string_view bytes, const std::string& name) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error(ErrorCode::io, fmt::format("cannot write: {}", std::strerror(errno)), {.file = name});
    if (n == 0) return Error(ErrorCode::io, "cannot write: the device took no data", {.file = name});
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return ok_status();
}

namespace {

// Writes `bytes` to a new temporary file beside `path` and renames it onto `path`. When
// `keep` is given (the file being replaced), the new file takes its mode and, when
// permitted, its owner, so a report written over a private file stays private.
Status replace_atomically(const std::string& path, std::string_view bytes, const struct stat* keep) {
  namespace fs = std::filesystem;
  fs::path target(path);
  fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::random_device rd;
  fs::path tmp = dir / fmt::format(".{}.tmp-{:08x}", target.filename().string(), rd());
  mode_t mode = keep ? (keep->st_mode & 07777) : 0644;
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) return Error(ErrorCode::io, fmt::format("cannot create: {}", std::strerror(errno)), {.file = path});
  auto fail = [&](const std::string& what, int err) -> Error {
    ::close(fd);
    ::unlink(tmp.c_str());
    return Error(ErrorCode::io, fmt::format("{}: {}", what, std::strerror(err)), {.file = path});
  };
  if (keep) {
    if (::fchmod(fd, mode) != 0) return fail("cannot set the mode", errno);
    if (::fchown(fd, keep->st_uid, keep->st_gid) != 0 && errno != EPERM) return fail("cannot set the owner", errno);
  }
  if (auto st = write_all_fd(fd, bytes, path); !st.ok()) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return st;
  }
  if (::fsync(fd) != 0) return fail("cannot flush", errno);
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Error(ErrorCode::io, fmt::format("cannot flush: {}", std::strerror(err)), {.file = path});
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Error(ErrorCode::io, fmt::format("cannot rename into place: {}", std::strerror(err)), {.file = path});
  }
  return ok_status();
}

}  // namespace

Status write_file_atomic(const std::string& path, std::string_view bytes) {
  return replace_atomically(path, bytes, nullptr);
}

Status write_output_file(const std::string& path, std::string_view bytes) {
  if (path.empty()) return Error(ErrorCode::invalid_input, "empty output path");
  // Follow symlinks ourselves: the link stays, its target receives the report.
  std::string target = path;
  struct stat st{};
  for (int links = 0;; ++links) {
    if (::lstat(target.c_str(), &st) != 0) {
      if (errno != ENOENT)
        return Error(ErrorCode::io, fmt::format("cannot stat: {}", std::strerror(errno)), {.file = target});
      return replace_atomically(target, bytes, nullptr);  // a new file
    }
    if (!S_ISLNK(st.st_mode)) break;
    if (links == 40)
      return Error(ErrorCode::io, "too many levels of symbolic links", {.file = path});
    std::vector<char> buf(static_cast<size_t>(st.st_size > 0 ? st.st_size : 4095) + 1);
    ssize_t n = ::readlink(target.c_str(), buf.data(), buf.size());
    if (n < 0) return Error(ErrorCode::io, fmt::format("cannot read the link: {}", std::strerror(errno)), {.file = target});
    std::string link(buf.data(), static_cast<size_t>(n));
    std::filesystem::path base = std::filesystem::path(target).parent_path();
    target = (link.starts_with('/') || base.empty()) ? link : (base / link).string();
  }
  if (S_ISREG(st.st_mode)) return replace_atomically(target, bytes, &st);
  if (S_ISDIR(st.st_mode)) return Error(ErrorCode::invalid_input, "is a directory", {.file = path});
  // A device, FIFO or socket: write into it, as a shell redirection would.
  int fd = ::open(target.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return Error(ErrorCode::io, fmt::format("cannot open: {}", std::strerror(errno)), {.file = path});
  Status w = write_all_fd(fd, bytes, path);
  if (::close(fd) != 0 && w.ok())
    return Error(ErrorCode::io, fmt::format("cannot write: {}", std::strerror(errno)), {.file = path});
  return w;
}

namespace {
std::string home_sub(const char* xdg_var, const char* fallback) {
  if (const char* x = std::getenv(xdg_var); x && *x) return std::string(x) + "/dagda";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "/tmp") + "/" + fallback + "/dagda";
}
}  // namespace

std::string cache_dir() {
  if (const char* d = std::getenv("DAGDA_CACHE_DIR"); d && *d) return d;
  return home_sub("XDG_CACHE_HOME", ".cache");
}

std::string data_dir() { return home_sub("XDG_DATA_HOME", ".local/share"); }

}  // namespace dagda
