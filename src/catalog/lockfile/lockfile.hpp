// catalog/lockfile/lockfile.hpp: application dependencies read from lockfiles
// and manifests (package-lock.json, yarn.lock, go.mod, Cargo.lock, pom.xml, ...).
// Each format is one .cpp file exposing a LockfileCataloger; registry.cpp lists
// them. They run for `fs:` sources, and for images when asked (--lockfiles).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/cataloger.hpp"

namespace dagda {

struct LockfileContext {
  const FileView& fs;  // the whole tree, to follow `-r` includes and Maven parents
  Diagnostics& diag;   // skipped entries and damage, with a stable code
};

struct LockfileCataloger {
  std::string_view name;  // "npm-lock"
  std::string_view description;
  int version;  // bump when the output changes
  // True for the files this cataloger reads (`path` relative to the root, no leading slash).
  bool (*wants)(std::string_view path);
  // Reads one file. An error means nothing could be read from it; damage past a
  // readable start gives the packages read so far with `partial` set.
  Result<CatalogOutput> (*parse)(const LockfileContext& ctx, const std::string& path,
                                 std::string_view content);
  // Files read beside a lockfile but not parsed as one (the package.json that says which
  // yarn.lock entries are dev dependencies, a Gemfile's groups, Cargo.toml's dev-dependencies);
  // captured so that parse() finds them in ctx.fs. Null: none.
  bool (*companion)(std::string_view path) = nullptr;
};

// Every lockfile cataloger, in the order they run.
std::span<const LockfileCataloger> lockfile_catalogers();

// True when some lockfile cataloger wants `path`, as a lockfile or as a companion file.
bool lockfile_wants(std::string_view path);

// Runs every lockfile cataloger on each of `paths` that it wants (paths of
// captured files; duplicates are ignored). Unreadable lockfiles become
// "lockfile.unreadable" warnings and set `partial`. Packages are deduplicated
// by (ecosystem, name, version, path).
CatalogOutput catalog_lockfiles(const FileView& fs, std::vector<std::string> paths, Diagnostics& diag);

}  // namespace dagda
