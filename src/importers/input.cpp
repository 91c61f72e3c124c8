#include "importers/input.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "common/fs.hpp"

namespace dagda::importers {
namespace {

namespace fs = std::filesystem;

enum class Kind { plain, zip, tar, compressed };

Kind sniff(std::string_view head) {
  auto starts = [&](std::string_view magic) { return head.substr(0, magic.size()) == magic; };
  if (starts("PK\x03\x04") || starts("PK\x05\x06")) return Kind::zip;
  if (starts("\x1f\x8b") || starts(std::string_view("\xfd" "7zXZ\0", 6)) || starts("\x28\xb5\x2f\xfd") ||
      starts("BZh"))
    return Kind::compressed;
  if (head.size() >= 262 && head.substr(257, 5) == "ustar") return Kind::tar;
  return Kind::plain;
}

std::string strip_compression_suffix(const std::string& name) {
  for (std::string_view ext : {".gz", ".xz", ".zst", ".bz2", ".tgz"}) {
    if (name.size() > ext.size() && name.ends_with(ext)) {
      std::string base = name.substr(0, name.size() - ext.size());
      return ext == ".tgz" ? base + ".tar" : base;
    }
  }
  return name;
}

struct ArchiveCloser {
  void operator()(archive* a) const { archive_read_free(a); }
};

class Walker {
 public:
  Walker(const std::function<Status(const Entry&)>& fn, const InputLimits& limits) : fn_(fn), limits_(limits) {}

  Status file(const std::string& host_path, const std::string& shown) {
    DAGDA_ASSIGN_OR_RETURN(std::string data, read_file(host_path, limits_.max_entry_bytes));
    return bytes(shown, std::move(data), 0);
  }

  Status dir(const fs::path& root, const std::string& shown) {
    std::vector<fs::path> files;
    std::error_code ec;
    auto it = fs::recursive_directory_iterator(root, fs::directory_options::none, ec);
    if (ec) return Error(ErrorCode::io, fmt::format("cannot read folder: {}", ec.message()), {.file = shown});
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) return Error(ErrorCode::io, fmt::format("cannot read folder: {}", ec.message()), {.file = shown});
      const auto& e = *it;
      // Only regular files; symlinks are not followed, so nothing outside the folder is read.
      if (e.is_symlink(ec) || !e.is_regular_file(ec)) continue;
      files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::string rel = f.lexically_relative(root).string();
      DAGDA_TRY(file(f.string(), shown + "/" + rel));
    }
    return Ok{};
  }

  // `data` is a whole file; archives and compressed files are opened, others handed over.
  Status bytes(const std::string& shown, std::string data, int depth) {
    total_ += data.size();
    if (total_ > limits_.max_total_bytes)
      return Error(ErrorCode::corrupt,
                   fmt::format("input expands to more than {} bytes; refusing to read further", limits_.max_total_bytes),
                   {.file = shown});
    Kind k = sniff(std::string_view(data).substr(0, 512));
    if (k == Kind::plain) return fn_(Entry{shown, data});
    if (depth >= 2) return Error(ErrorCode::unsupported, "archives nested more than two deep", {.file = shown});
    return archive_members(shown, data, k, depth);
  }

 private:
  Status archive_members(const std::string& shown, const std::string& data, Kind k, int depth) {
    std::unique_ptr<archive, ArchiveCloser> a(archive_read_new());
    archive_read_support_filter_all(a.get());
    archive_read_support_format_zip(a.get());
    archive_read_support_format_tar(a.get());
    archive_read_support_format_gnutar(a.get());
    if (k == Kind::compressed) archive_read_support_format_raw(a.get());
    if (archive_read_open_memory(a.get(), data.data(), data.size()) != ARCHIVE_OK)
      return Error(ErrorCode::corrupt, fmt::format("not a readable archive: {}", archive_error_string(a.get())),
                   {.file = shown});
    archive_entry* e = nullptr;
    for (;;) {
      int r = archive_read_next_header(a.get(), &e);
      if (r == ARCHIVE_EOF) break;
      if (r < ARCHIVE_WARN)
        return Error(ErrorCode::corrupt, fmt::format("damaged archive: {}", archive_error_string(a.get())),
                     {.file = shown});
      bool raw = archive_format(a.get()) == ARCHIVE_FORMAT_RAW;
      if (!raw && archive_entry_filetype(e) != AE_IFREG) continue;
      std::string name = raw ? strip_compression_suffix(shown) : shown + "!" + archive_entry_pathname(e);
      std::string member;
      if (archive_entry_size_is_set(e) && uint64_t(archive_entry_size(e)) > limits_.max_entry_bytes)
        return too_big(name);
      if (archive_entry_size_is_set(e)) member.reserve(size_t(archive_entry_size(e)));
      char buf[1 << 16];
      for (;;) {
        la_ssize_t n = archive_read_data(a.get(), buf, sizeof buf);
        if (n == 0) break;
        if (n < 0)
          return Error(ErrorCode::corrupt,
                       fmt::format("damaged or truncated archive: {}", archive_error_string(a.get())), {.file = name});
        member.append(buf, size_t(n));
        if (member.size() > limits_.max_entry_bytes) return too_big(name);
      }
      DAGDA_TRY(bytes(name, std::move(member), depth + 1));
    }
    return Ok{};
  }

  Status too_big(const std::string& name) const {
    return Error(ErrorCode::corrupt, fmt::format("file expands to more than {} bytes", limits_.max_entry_bytes),
                 {.file = name});
  }

  const std::function<Status(const Entry&)>& fn_;
  InputLimits limits_;
  uint64_t total_ = 0;
};

}  // namespace

Status for_each_entry(const std::string& path, const std::function<Status(const Entry&)>& fn,
                      const InputLimits& limits) {
  Walker w(fn, limits);
  std::error_code ec;
  auto st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return Error(ErrorCode::not_found, "no such file or folder", {.file = path});
  if (fs::is_directory(st)) return w.dir(path, path);
  if (!fs::is_regular_file(st)) return Error(ErrorCode::invalid_input, "not a file or folder", {.file = path});
  return w.file(path, path);
}

}  // namespace dagda::importers
