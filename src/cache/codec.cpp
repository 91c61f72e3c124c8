#include "cache/codec.hpp"

#include <fcntl.h>
#include <isa-l/crc64.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <optional>
#include <random>

#include <fmt/format.h>

namespace dagda::cache {

bool mkdirs(const std::string& d) {
  std::error_code ec;
  std::filesystem::create_directories(d, ec);
  return !ec;
}

// Writes `fill`'s output to `path` atomically: an unnamed file linked into place when complete.
bool write_atomic(const std::string& dir, const std::string& path, const std::function<Status(const Sink&)>& fill) {
  if (!mkdirs(dir)) return false;
  int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  std::string tmp_name;
  if (fd < 0) {
    // A filesystem without O_TMPFILE: a named temporary file, removed on failure.
    std::random_device rd;
    tmp_name = fmt::format("{}/.tmp-{}-{:x}", dir, ::getpid(), rd());
    fd = ::open(tmp_name.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) return false;
  }
  auto sink = [fd](std::string_view bytes) -> Status {
    while (!bytes.empty()) {
      ssize_t n = ::write(fd, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Error(ErrorCode::io, std::strerror(errno));
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return ok_status();
  };
  bool ok = fill(sink).ok();
  if (ok && tmp_name.empty()) {
    // Link under a unique name, then rename over any older entry.
    std::random_device rd;
    std::string staged = fmt::format("{}/.new-{}-{:x}", dir, ::getpid(), rd());
    ok = ::linkat(AT_FDCWD, fmt::format("/proc/self/fd/{}", fd).c_str(), AT_FDCWD, staged.c_str(), AT_SYMLINK_FOLLOW) == 0;
    if (ok && ::rename(staged.c_str(), path.c_str()) != 0) {
      ::unlink(staged.c_str());
      ok = false;
    }
  } else if (ok) {
    ok = ::rename(tmp_name.c_str(), path.c_str()) == 0;
  }
  ::close(fd);
  if (!ok && !tmp_name.empty()) ::unlink(tmp_name.c_str());
  return ok;
}


uint64_t crc64(uint64_t crc, std::string_view bytes) {
  return crc64_ecma_refl(crc, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

std::optional<std::string> read_small(const std::string& path, uint64_t limit) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > limit) {
      ::close(fd);
      return std::nullopt;
    }
  }
  ::close(fd);
  return out;
}

}  // namespace dagda::cache
