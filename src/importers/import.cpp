#include "importers/import.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "common/digest.hpp"
#include "common/fs.hpp"
#include "importers/input.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers {
namespace {

namespace fs = std::filesystem;

Status hash_file(const fs::path& p, Hasher& h) {
  // A FIFO or device given as an input is refused, never waited on.
  DAGDA_ASSIGN_OR_RETURN(int fd, open_regular_file(p.string()));
  std::string buf(1 << 20, '\0');
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return Error(ErrorCode::io, "read failed", {.file = p.string()});
    }
    if (n == 0) break;
    h.update(std::string_view(buf.data(), size_t(n)));
  }
  ::close(fd);
  return Ok{};
}

// The content digest of an input: a file's bytes, or a folder's relative
// paths and file bytes in name order (no symlinks followed, as the walker).
Result<std::string> content_digest(const std::string& path) {
  std::error_code ec;
  Hasher h;
  if (!fs::is_directory(path, ec)) {
    DAGDA_TRY(hash_file(path, h));
    return h.hex();
  }
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (!it->is_symlink(ec) && it->is_regular_file(ec)) files.push_back(it->path());
  if (ec) return Error(ErrorCode::io, fmt::format("cannot read folder: {}", ec.message()), {.file = path});
  std::sort(files.begin(), files.end());
  for (auto& f : files) {
    std::string rel = f.lexically_relative(path).string();
    h.update(rel);
    h.update(std::string_view("\0", 1));
    DAGDA_TRY(hash_file(f, h));
  }
  return h.hex();
}

// The key an input is remembered by: its absolute, normalised path.
std::string input_key(const std::string& path) {
  std::error_code ec;
  auto abs = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return ec ? path : abs.string();
}

// `input_fault` is set when the error is the input's (its content), not the database's.
Status import_one(vulndb::Store& store, const std::string& path, const ImportOptions& opts, Diagnostics& diag,
                  InputResult& res, bool& input_fault) {
  input_fault = true;
  const ImporterInfo* forced = nullptr;
  if (!opts.format.empty()) {
    forced = find_importer(opts.format);
    if (!forced) {
      std::string names;
      for (auto& i : all_importers()) names += (names.empty() ? "" : ", ") + std::string(i.name);
      return Error(ErrorCode::invalid_input, fmt::format("unknown feed format '{}'; known: {}", opts.format, names));
    }
  }
  if (!opts.release.empty()) {
    auto colon = opts.release.find(':');
    std::string ns = colon == std::string::npos
                         ? ""
                         : vulndb::distro_namespace(opts.release.substr(0, colon), opts.release.substr(colon + 1));
    if (ns.empty())
      return Error(ErrorCode::invalid_input,
                   fmt::format("--release '{}' is not a distro release Dagda matches (DISTRO:RELEASE, e.g. amazon:2023)",
                               opts.release));
  }
  DAGDA_ASSIGN_OR_RETURN(res.sha256, content_digest(path));
  std::string key = input_key(path);
  input_fault = false;
  DAGDA_ASSIGN_OR_RETURN(std::string last, store.input_digest(key));
  if (!opts.force && last == res.sha256) {
    res.unchanged = true;
    return Ok{};
  }
  DAGDA_ASSIGN_OR_RETURN(auto sink, store.replace_input(key, res.sha256, forced ? forced->name : "", opts.feed,
                                                        opts.data_date));
  input_fault = true;
  std::vector<std::string> unknown;
  DAGDA_TRY(for_each_entry(path, [&](const Entry& e) -> Status {
    const ImporterInfo* imp = forced ? forced : detect_importer(e.path, e.data.substr(0, 4096));
    if (!imp) {
      res.skipped_files++;
      if (unknown.size() < 3) unknown.push_back(e.path);
      return Ok{};
    }
    res.files++;
    sink->source(imp->name);
    Entry entry{e.path, e.data, opts.release};
    auto st = imp->parse(entry, *sink, diag);
    if (!st.ok()) {
      Error err = std::move(st).error();
      if (err.where().file.empty()) err.in_file(e.path);
      return err;
    }
    return Ok{};
  }));
  if (res.files == 0)
    return Error(ErrorCode::invalid_input,
                 res.skipped_files == 0
                     ? std::string("holds no files")
                     : fmt::format("not a known feed format (no importer recognises {}); see `dagda db import --help`",
                                   unknown.empty() ? path : unknown.front()),
                 {.file = path});
  if (res.skipped_files)
    diag.warn("import.unrecognised-files",
              fmt::format("{} file(s) in no known feed format were skipped, e.g. {}", res.skipped_files,
                          unknown.front()),
              {.file = path});
  input_fault = false;
  DAGDA_TRY(sink->finish());
  for (auto& [src, c] : sink->counts()) res.records[src] = c.total();
  return Ok{};
}

}  // namespace

Result<ImportResult> import_into(vulndb::Store& store, const std::vector<std::string>& paths,
                                 const ImportOptions& opts, ImportFailure* failure) {
  ImportResult out;
  if (failure) failure->input.clear();
  Diagnostics diag;
  DAGDA_TRY(store.begin());
  for (auto& p : paths) {
    InputResult r;
    r.path = p;
    bool input_fault = false;
    auto st = import_one(store, p, opts, diag, r, input_fault);
    if (!st.ok()) {
      if (failure && input_fault) failure->input = p;
      store.rollback();
      Error e = std::move(st).error();
      if (e.where().file.empty()) e.in_file(p);
      return e;
    }
    out.inputs.push_back(std::move(r));
  }
  auto st = store.commit();
  if (!st.ok()) {
    store.rollback();
    return std::move(st).error();
  }
  out.warnings = diag.take_all();
  return out;
}

}  // namespace dagda::importers
