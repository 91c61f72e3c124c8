// scanners/image_checks.hpp: the configuration checks (our own text, after the image section
// of the CIS Docker Benchmark): on the image config and history, on what the layers leave in
// the final filesystem (setuid/setgid and world-writable files, package caches), and on a
// Dockerfile found in a directory source. Each check has a stable id (docs/scanners.md).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "inventory/inventory.hpp"
#include "layers/layer_index.hpp"
#include "match/finding.hpp"
#include "scanners/secret.hpp"

namespace dagda::scanners {

// Watches the walk for what the filesystem checks need: the candidates (setuid/setgid,
// world-writable, package cache files) and, per layer, what could hide them later (the same
// path written again, a whiteout, an opaque directory). Thread-safe. A layer's part can be
// saved and restored (the per-layer cache).
class FsWatch {
 public:
  void see(const LayerInfo& layer, const EntryMeta& e);
  // Findings for the candidates still present in the final image; files an OS package owns
  // (the distribution's own setuid programs) are not reported.
  std::vector<Finding> findings(const Inventory& inv) const;

  // Appends what layer `layer` showed to `out`; `restore` takes it back (false when damaged:
  // nothing is taken); `drop` forgets the layer.
  void save(int layer, std::string& out) const;
  bool restore(int layer, std::string_view bytes);
  void drop(int layer);

 private:
  struct Candidate {
    std::string path;
    uint32_t mode;
    int what;  // 1 setuid/setgid, 2 world-writable, 3 package cache
  };
  struct Layer {
    std::vector<Candidate> candidates;
    std::vector<std::string> whiteouts, opaques;
    std::vector<uint64_t> paths;  // hashes of the paths written, to see later writes
  };
  mutable std::mutex mu_;
  std::map<int, Layer> layers_;
};

// The checks on the image config and history. `secrets`, when set, finds secrets in Env and
// history for the config scanner (used only when the secret scanner does not run).
std::vector<Finding> settings_findings(const SourceInfo& source, const SecretScanner* secrets);

// The same checks on a Dockerfile's text (a directory source); `path` names it.
std::vector<Finding> dockerfile_findings(std::string_view text, const std::string& path, const std::string& layer,
                                         const SecretScanner* secrets);

// True for the file names read as Dockerfiles (Dockerfile, *.Dockerfile, Containerfile).
bool is_dockerfile(std::string_view path);

}  // namespace dagda::scanners
