#include "common/fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>

#include <fmt/format.h>

namespace dagda {

Result<std::string> read_file(const std::string& path, uint64_t limit) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return Error(errno == ENOENT ? ErrorCode::not_found : ErrorCode::io,
                 fmt::format("cannot open: {}", std::strerror(errno)), {.file = path});
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Error(ErrorCode::unsupported, "not a regular file", {.file = path});
  }
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
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  out.resize(got);
  return out;
}

Status write_file_atomic(const std::string& path, std::string_view bytes) {
  namespace fs = std::filesystem;
  fs::path target(path);
  fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::random_device rd;
  fs::path tmp = dir / fmt::format(".{}.tmp-{:08x}", target.filename().string(), rd());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Error(ErrorCode::io, fmt::format("cannot create: {}", std::strerror(errno)), {.file = path});
  std::string_view rest = bytes;
  while (!rest.empty()) {
    ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return Error(ErrorCode::io, fmt::format("cannot write: {}", std::strerror(err)), {.file = path});
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return Error(ErrorCode::io, fmt::format("cannot flush: {}", std::strerror(errno)), {.file = path});
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Error(ErrorCode::io, fmt::format("cannot rename into place: {}", std::strerror(err)), {.file = path});
  }
  return ok_status();
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
