// inventory/inventory.hpp: the result of cataloging one source.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/diagnostics.hpp"
#include "inventory/package.hpp"

namespace dagda {

struct LayerInfo {
  int index = 0;
  std::string digest;      // blob digest as the manifest names it (compressed), if any
  std::string diff_id;     // digest of the uncompressed tar
  std::string media_type;
  uint64_t size = 0;
  std::string created_by;  // history entry
};

struct SourceInfo {
  std::string input;           // what the user typed
  std::string kind;            // "docker-archive", "oci-archive", "oci-dir", "dir", "rootfs-archive"
  std::string image_id;        // config digest, for images
  std::string manifest_digest;
  std::vector<std::string> tags;
  std::string os, architecture, variant;
  std::vector<LayerInfo> layers;
};

struct Inventory {
  SourceInfo source;
  std::optional<OsInfo> os;
  std::vector<Package> packages;
  std::vector<Warning> warnings;
  // True when some input could not be read completely; the packages listed are
  // real but others may be missing. The warnings say what.
  bool partial = false;
};

}  // namespace dagda
