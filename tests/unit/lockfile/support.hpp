// Helpers shared by the lockfile tests: load a host tree into a FileView the
// way the layer walk would capture it, run the lockfile catalogers, and read
// oracle output from real tools.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "catalog/lockfile/lockfile.hpp"
#include "layers/memory_view.hpp"
#include "support/testdata.hpp"

namespace dagda::locktest {

namespace fs = std::filesystem;

// (name, version)
using NV = std::pair<std::string, std::string>;

struct Scan {
  CatalogOutput out;
  std::vector<Warning> warnings;
  std::set<NV> all() const {
    std::set<NV> s;
    for (const Package& p : out.packages) s.emplace(p.name, p.version);
    return s;
  }
  std::set<NV> with_scope(bool (*keep)(const std::string&)) const {
    std::set<NV> s;
    for (const Package& p : out.packages)
      if (keep(p.scope)) s.emplace(p.name, p.version);
    return s;
  }
  bool has_warning(std::string_view code, std::string_view text = {}) const {
    for (const Warning& w : warnings)
      if (w.code == code && w.message.find(text) != std::string::npos) return true;
    return false;
  }
};

// Every regular file under `root` that a lockfile cataloger wants (symlinks are not followed).
inline Scan scan_tree(const std::string& root) {
  MemoryFileView view;
  std::vector<std::string> paths;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    std::error_code ec;
    if (it->is_symlink(ec) || !it->is_regular_file(ec)) continue;
    std::string rel = fs::relative(it->path(), root).string();
    if (!lockfile_wants(rel)) continue;
    view.add_file(rel, test::slurp(it->path().string()));
    paths.push_back(rel);
  }
  Diagnostics diag;
  Scan s;
  s.out = catalog_lockfiles(view, paths, diag);
  s.warnings = diag.take_all();
  return s;
}

// One cataloger on one in-memory file.
inline Result<CatalogOutput> parse_one(std::string_view cataloger, const std::string& path,
                                       const std::string& content, Diagnostics& diag,
                                       MemoryFileView* view = nullptr) {
  MemoryFileView own;
  MemoryFileView& v = view ? *view : own;
  v.add_file(path, content);
  for (const LockfileCataloger& c : lockfile_catalogers())
    if (c.name == cataloger) {
      LockfileContext ctx{v, diag};
      return c.parse(ctx, path, content);
    }
  return Error(ErrorCode::internal, "no such cataloger");
}

// Runs a shell command in `dir`; fails the test with its output when it fails.
inline std::string run_in(const std::string& dir, const std::string& cmd) {
  int status = 0;
  std::string out = test::run_command("cd '" + dir + "' && " + cmd + " 2>&1", &status);
  EXPECT_EQ(status, 0) << cmd << "\n" << out;
  return out;
}

inline void write_file(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  std::fwrite(content.data(), 1, content.size(), f);
  std::fclose(f);
}

// Lines "name\tversion" -> set.
inline std::set<NV> parse_tsv(const std::string& text) {
  std::set<NV> s;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    size_t tab = line.find('\t');
    if (tab != std::string::npos) s.emplace(line.substr(0, tab), line.substr(tab + 1));
  }
  return s;
}

// The data in the repository (small published lockfiles, see tests/data/lockfiles/README.md).
inline std::string repo_data(const std::string& rel) {
  return test::source_dir() + "/tests/data/lockfiles/" + rel;
}

}  // namespace dagda::locktest
