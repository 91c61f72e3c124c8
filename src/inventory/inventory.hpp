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

// The image config's run settings and build history (what the config scanner checks).
struct ImageSettings {
  bool present = false;  // false: the source has no image config (a directory, a rootfs)
  std::string user;
  std::vector<std::string> env;  // "KEY=value"
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<std::string> exposed_ports;  // "22/tcp"
  bool healthcheck = false;                // a HEALTHCHECK other than NONE
  struct Step {
    std::string created_by;
    int layer = -1;  // index of the layer the step made; -1 for an empty_layer step
  };
  std::vector<Step> history;
};

struct SourceInfo {
  std::string input;           // what the user typed
  std::string kind;            // "docker-archive", "oci-archive", "oci-dir", "dir", "rootfs-archive"
  std::string image_id;        // config digest, for images
  std::string manifest_digest;
  std::vector<std::string> tags;
  std::string os, architecture, variant;
  std::vector<LayerInfo> layers;
  ImageSettings settings;
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
