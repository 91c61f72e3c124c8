// catalog/cataloger.hpp: the interface every cataloger implements. A cataloger
// is one .cpp file exposing a CatalogerInfo; catalog/registry.cpp lists them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "common/diagnostics.hpp"
#include "layers/layer_index.hpp"
#include "common/result.hpp"
#include "inventory/package.hpp"
#include "layers/file_view.hpp"

namespace dagda {

struct CatalogContext {
  const FileView& fs;
  const OsInfo* os;   // null when the OS is unknown
  Diagnostics& diag;  // warnings about damaged input go here, with a stable code
  // The retire.js repository JSON (InventoryOptions::retirejs_repository); empty: none.
  std::string_view retirejs_repository = {};
  // For application catalogers: whether an OS package owns this file (then what the file
  // holds is reported as that OS package, and the cataloger may skip reading it). Unset
  // when OS-owned files are kept (--include-os-owned).
  std::function<bool(std::string_view path)> os_owned = {};
  // Ceilings (docs/limits.md): a cataloger lists at most `max_packages` packages and
  // `max_files` owned-file paths in all; past them it counts what it leaves out
  // (CatalogOutput::dropped_*) instead of holding it. The driver enforces them too.
  size_t max_packages = SIZE_MAX;
  size_t max_files = SIZE_MAX;
  // Only each package's identity (ecosystem, name, arch, version) is wanted: layer attribution
  // re-reads the databases as they stood after earlier layers and compares identities, so a
  // cataloger may skip what costs more than that (owned files, licenses).
  bool identity_only = false;
};

struct CatalogOutput {
  std::vector<Package> packages;
  bool partial = false;  // set when a database was read only in part
  size_t dropped_packages = 0;  // left out because of CatalogContext::max_packages
  size_t dropped_files = 0;     // owned-file paths left out because of CatalogContext::max_files
};

struct CatalogerInfo {
  std::string_view name;
  std::string_view description;
  int version;  // bump when the output changes; part of future cache keys
  // Decides during the layer walk which files to keep for this cataloger.
  // `path` is relative to the image root and has no leading slash.
  bool (*wants)(std::string_view path);
  Result<CatalogOutput> (*catalog)(const CatalogContext& ctx);
  // Application catalogers: each package comes from one file, so its layer is the layer that
  // wrote that file, and a file an OS package owns is not reported again (driver.cpp).
  bool application = false;
  // The walk's content probe (WalkOptions::probe_head/probe_keep), for files found by content.
  bool (*probe_head)(std::string_view head) = nullptr;
  bool (*probe_keep)(std::string_view content) = nullptr;
  // probe_keep as byte markers the walk can search while the file streams past (so that an
  // executable it does not keep is never held whole); probe_keep must agree with them.
  std::span<const ProbeMarker> probe_markers = {};
  // Has nothing to find without a retire.js repository (CatalogContext::retirejs_repository):
  // left out of the walk then, so its files are not captured for nothing.
  bool needs_retirejs = false;
  // Files this cataloger reads only when no OS package owns them (a runtime's binary: Debian's
  // libnode.so is the nodejs package, a copy in /usr/local is not). The walk does not keep them;
  // once the OS packages are known, the layers that hold unowned ones are walked again to capture
  // them (catalog/driver.cpp). Where a layer cannot be read twice, the walk keeps them like `wants`.
  bool (*wants_unowned)(std::string_view path) = nullptr;
};

// Every cataloger, in the order they run (catalog/registry.cpp).
std::span<const CatalogerInfo> all_catalogers();

}  // namespace dagda
