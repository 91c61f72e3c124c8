// The body the lockfile_*_fuzz targets share: the first byte picks one of the family's
// parsers, the rest is the file. A second copy of the input sits in the tree as a
// sibling file, so includes and parents (requirements -r, pom.xml ../pom.xml) are followed,
// and copies as the companion files (package.json, Gemfile, Cargo.toml, go.sum).
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "catalog/lockfile/lockfile.hpp"
#include "layers/memory_view.hpp"

using LockfileTarget = std::pair<std::string_view, std::string_view>;  // cataloger name, file name

inline int fuzz_lockfiles(std::span<const LockfileTarget> targets, const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auto& [name, file] = targets[data[0] % targets.size()];
  std::string content(reinterpret_cast<const char*>(data + 1), size - 1);
  dagda::MemoryFileView view;
  std::string path = "app/sub/" + std::string(file);
  view.add_file(path, content);
  view.add_file("app/" + std::string(file), content);
  view.add_file("app/sub/requirements/base.txt", content);
  // The same bytes as the companion files some readers look at beside the lockfile (yarn's
  // package.json, a Gemfile, Cargo.toml) and as go.sum for go.mod below go 1.17.
  for (const char* companion : {"package.json", "Gemfile", "gems.rb", "Cargo.toml", "go.sum"})
    if (file != companion) view.add_file("app/sub/" + std::string(companion), content);
  dagda::Diagnostics diag;
  for (const dagda::LockfileCataloger& c : dagda::lockfile_catalogers()) {
    if (c.name != name) continue;
    dagda::LockfileContext ctx{view, diag};
    auto r = c.parse(ctx, path, content);
    (void)r;
  }
  return 0;
}
