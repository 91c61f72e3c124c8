// Walks a root filesystem on the host. Nothing is followed: symlinks are
// recorded as symlinks and resolved later inside the image root, and every
// open uses O_NOFOLLOW relative to its parent directory.
#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "layers/layer_index.hpp"

namespace dagda {
namespace {

constexpr size_t kMaxDepth = 256;

struct Walker {
  const WalkOptions& opts;
  LayerIndex& out;
  std::string root;

  void warn(std::string code, std::string msg, std::string file) {
    out.warnings.push_back({std::move(code), std::move(msg), {.file = std::move(file)}});
  }

  Status capture(int dirfd, const char* name, const std::string& path, uint64_t size, LayerEntry& entry) {
    if (size > opts.max_captured_file) {
      warn("layer.file-too-large",
           fmt::format("{} bytes, over the limit for files Dagda reads; skipped", size), path);
      return ok_status();
    }
    int fd = ::openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
      warn("layer.unreadable", fmt::format("cannot open: {}", std::strerror(errno)), path);
      return ok_status();
    }
    // The entry was a regular file when listed; it must still be one (not swapped for a FIFO).
    if (struct stat st{}; ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      warn("layer.unreadable", "no longer a regular file; not read", path);
      ::close(fd);
      return ok_status();
    }
    BlobWriter w(opts.spill_dir, opts.memory_per_file);
    std::vector<char> buf(1 << 16);
    uint64_t total = 0;
    for (;;) {
      ssize_t n = ::read(fd, buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        warn("layer.unreadable", fmt::format("read failed: {}", std::strerror(errno)), path);
        ::close(fd);
        return ok_status();
      }
      if (n == 0) break;
      total += static_cast<uint64_t>(n);
      out.bytes += static_cast<uint64_t>(n);
      if (total > opts.max_captured_file) break;
      auto st = w.append({buf.data(), static_cast<size_t>(n)});
      if (!st.ok()) {
        ::close(fd);
        return st;
      }
    }
    ::close(fd);
    auto blob = w.finish();
    if (!blob.ok()) return std::move(blob).error();
    entry.content = std::move(blob).value();
    return ok_status();
  }

  // WalkOptions::observe: the file's bytes are read once more, for the observer's sink only.
  void observe(int dirfd, const char* name, const LayerEntry& entry, uint32_t mode) {
    auto sink = opts.observe(out.info, EntryMeta{entry.path, entry.kind, entry.size, mode});
    if (!sink) return;
    int fd = ::openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd >= 0) {
      if (struct stat st{}; ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        std::vector<char> buf(1 << 16);
        for (;;) {
          ssize_t n = ::read(fd, buf.data(), buf.size());
          if (n < 0 && errno == EINTR) continue;
          if (n <= 0 || !sink->feed({buf.data(), static_cast<size_t>(n)})) break;
        }
      }
      ::close(fd);
    }
    sink->finish();
  }

  // The content probe (WalkOptions::probe_head): reads the head, then the rest only when it passes.
  void probe(int dirfd, const char* name, LayerEntry& entry) {
    int fd = ::openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return;  // not a file a cataloger asked for by name: no warning
    if (struct stat st{}; ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return;
    }
    std::string content(opts.probe_head_bytes, '\0');
    size_t got = 0;
    bool keep = true;
    std::vector<char> buf(1 << 16);
    for (;;) {
      ssize_t n = got < content.size() ? ::read(fd, content.data() + got, content.size() - got)
                                       : ::read(fd, buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        keep = n == 0 && got >= opts.probe_head_bytes;
        break;
      }
      if (got < opts.probe_head_bytes) {
        got += static_cast<size_t>(n);
        if (got == opts.probe_head_bytes && !opts.probe_head(content)) {
          keep = false;
          break;
        }
        continue;
      }
      content.append(buf.data(), static_cast<size_t>(n));
      got += static_cast<size_t>(n);
      if (got > opts.probe_max) {
        keep = false;
        break;
      }
    }
    ::close(fd);
    out.bytes += got;
    if (keep && opts.probe_keep(content)) entry.content = Blob::from_string(std::move(content));
  }

  Status walk(int dirfd, const std::string& prefix, size_t depth) {
    if (depth > kMaxDepth) {
      warn("layer.too-deep", "directory nesting deeper than 256 levels; not descended", prefix);
      return ok_status();
    }
    int dupfd = ::dup(dirfd);
    DIR* d = dupfd >= 0 ? ::fdopendir(dupfd) : nullptr;
    if (!d) {
      if (dupfd >= 0) ::close(dupfd);
      warn("layer.unreadable", fmt::format("cannot list: {}", std::strerror(errno)), prefix);
      return ok_status();
    }
    std::vector<std::string> names;
    while (struct dirent* de = ::readdir(d)) {
      std::string_view n = de->d_name;
      if (n != "." && n != "..") names.emplace_back(n);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      std::string path = prefix.empty() ? name : prefix + "/" + name;
      struct stat st {};
      if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        warn("layer.unreadable", fmt::format("cannot stat: {}", std::strerror(errno)), path);
        continue;
      }
      LayerEntry entry;
      entry.path = path;
      if (S_ISLNK(st.st_mode)) {
        entry.kind = LayerEntry::Kind::symlink;
        std::string target(4096, '\0');
        ssize_t n = ::readlinkat(dirfd, name.c_str(), target.data(), target.size());
        if (n < 0) {
          warn("layer.unreadable", fmt::format("cannot read link: {}", std::strerror(errno)), path);
          continue;
        }
        target.resize(static_cast<size_t>(n));
        entry.target = std::move(target);
        out.entries.push_back(std::move(entry));
      } else if (S_ISDIR(st.st_mode)) {
        entry.kind = LayerEntry::Kind::dir;
        out.entries.push_back(std::move(entry));
        int sub = ::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0) {
          warn("layer.unreadable", fmt::format("cannot open directory: {}", std::strerror(errno)), path);
          continue;
        }
        Status s = walk(sub, path, depth + 1);
        ::close(sub);
        DAGDA_TRY(s);
      } else if (S_ISREG(st.st_mode)) {
        entry.kind = LayerEntry::Kind::file;
        entry.size = static_cast<uint64_t>(st.st_size);
        if (opts.wants && opts.wants(path)) {
          DAGDA_TRY(capture(dirfd, name.c_str(), path, entry.size, entry));
        } else if (entry.size <= opts.probe_max && entry.size >= opts.probe_head_bytes &&
                   probe_wanted(opts, (st.st_mode & 0111) != 0)) {
          probe(dirfd, name.c_str(), entry);
        }
        if (opts.observe) observe(dirfd, name.c_str(), entry, static_cast<uint32_t>(st.st_mode & 07777));
        out.entries.push_back(std::move(entry));
      } else {
        entry.kind = LayerEntry::Kind::other;
        out.entries.push_back(std::move(entry));
      }
      if (opts.cancel && opts.cancel->load(std::memory_order_relaxed))
        return Error(ErrorCode::internal, "cancelled");
    }
    return ok_status();
  }
};

}  // namespace

Result<LayerIndex> walk_dir_layer(const std::string& root, const LayerInfo& info, const WalkOptions& opts) {
  LayerIndex out;
  out.info = info;
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return Error(errno == ENOENT ? ErrorCode::not_found : ErrorCode::io,
                 fmt::format("cannot open directory: {}", std::strerror(errno)), {.file = root});
  Walker w{opts, out, root};
  Status s = w.walk(fd, "", 0);
  ::close(fd);
  if (!s.ok()) return std::move(s).error();
  for (auto& warning : out.warnings) warning.where.file = root + "/" + warning.where.file;
  return out;
}

}  // namespace dagda
