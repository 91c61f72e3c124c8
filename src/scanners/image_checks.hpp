// scanners/image_checks.hpp: the configuration checks (our own text, after the image section
// of the CIS Docker Benchmark): on the image config and history, on what the layers leave in
// the final filesystem (setuid/setgid and world-writable files, package caches), and on a
// Dockerfile found in a directory source. Each check has a stable id (docs/scanners.md).
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "inventory/inventory.hpp"
#include "layers/layer_index.hpp"
#include "match/finding.hpp"
#include "scanners/secret.hpp"

namespace dagda::scanners {

// Watches the walk for what the filesystem checks need: the candidates (setuid/setgid,
// world-writable, package cache files) and, per layer, what could hide them later (the same
// path written again, a whiteout, an opaque directory). Thread-safe.
class FsWatch {
 public:
  void see(const LayerInfo& layer, const EntryMeta& e);
  // Findings for the candidates still present in the final image; files an OS package owns
  // (the distribution's own setuid programs) are not reported.
  std::vector<Finding> findings(const Inventory& inv) const;

 private:
  struct Candidate {
    int layer;
    std::string path;
    uint32_t mode;
    int what;  // 1 setuid/setgid, 2 world-writable, 3 package cache
  };
  mutable std::mutex mu_;
  std::vector<Candidate> candidates_;
  std::unordered_map<std::string, std::vector<int>> later_;  // candidate path -> layers that wrote it
  std::vector<std::pair<int, std::string>> hidden_;          // (layer, whiteout or opaque path)
  std::vector<std::pair<int, std::string>> opaque_;
  std::vector<std::pair<int, uint64_t>> paths_;  // (layer, hash of a file path), to see later writes
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
