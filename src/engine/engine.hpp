// engine/engine.hpp: Dagda's work as a library. `sbom` reads an image into an
// inventory; `Engine::scan` adds matching against the knowledge base,
// enrichment and policy, in one call. The CLI, the server, the agent and the
// monitor all call these; none of them repeats the steps.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "catalog/driver.hpp"
#include "common/result.hpp"
#include "match/finding.hpp"
#include "match/matcher.hpp"
#include "match/policy.hpp"
#include "scanners/image_scan.hpp"
#include "state/store.hpp"
#include "vulndb/store.hpp"

namespace dagda::engine {

// Where a call stands: stage "open", "read" (layers), "catalog", "match",
// "policy"; `done` of `total` units (layers, packages) when they are counted.
struct Progress {
  std::string_view stage;
  uint64_t done = 0, total = 0;
};

// Cancellation from another thread: the call stops at its next check and
// fails with ErrorCode::cancelled.
class CancelToken {
 public:
  void cancel() { flag_.store(true); }
  bool cancelled() const { return flag_.load(); }
  const std::atomic<bool>* flag() const { return &flag_; }

 private:
  std::atomic<bool> flag_{false};
};

struct Hooks {
  std::function<void(const Progress&)> progress;  // called on the calling thread
  const CancelToken* cancel = nullptr;
};

struct SbomOptions {
  InventoryOptions inventory;  // platform, threads, lockfiles, include_os_owned, os_only, ...
  std::string retirejs_file;   // a retire.js repository to recognise vendored JavaScript files
  std::string cache_dir;       // where big files spill while reading (default: dagda::cache_dir())
};

struct ScanOptions {
  // The scanners to run (--scanners): "vuln,secret,config,malware", any subset; empty: the
  // default (scanners::default_selection(): vuln,secret,config, plus malware when signatures
  // have been imported) for `scan`, vuln for `match` (an inventory read elsewhere has no layers
  // to look into); docs/scanners.md.
  std::string scanners;
  std::string secret_config;  // custom secret rules and allow-lists (YAML); empty: none
  InventoryOptions inventory;
  std::string retirejs_file;  // default: the repository imported into the database
  std::string cache_dir;
  MatchOptions match;
  PolicyOptions policy;
};

// Reads SOURCE (see source/image.hpp) into an inventory, without any database.
Result<Inventory> sbom(const std::string& source, const SbomOptions& opts, const Hooks& hooks = {});

// A scanner bound to one database (the VulnDB and the state store named by
// the same --db). One Engine is used by one thread at a time.
class Engine {
 public:
  struct Config {
    std::string db;  // SQLite path or postgresql:// URL; empty = the default SQLite file
  };
  static Result<std::unique_ptr<Engine>> open(const Config& config);
  ~Engine();

  // Inventory, matching, enrichment and policy (false-positive marks, ignore
  // file, VEX, --ignore-unfixed, --severity).
  Result<ScanResult> scan(const std::string& source, const ScanOptions& opts, const Hooks& hooks = {});
  // The same for an inventory read elsewhere (an agent's, a stored one).
  Result<ScanResult> match(Inventory inventory, const ScanOptions& opts, const Hooks& hooks = {});

  vulndb::Store& vulndb() { return *vulndb_; }
  state::Store& state() { return *state_; }

 private:
  Engine(std::unique_ptr<vulndb::Store> v, std::unique_ptr<state::Store> s);
  Result<std::string> retirejs_repository(const std::string& file);
  // Whether ClamAV databases or YARA rules have been imported (the default scanners gain malware).
  Result<bool> malware_signatures_imported();
  // The secret config and, with malware selected, the imported signatures.
  Result<scanners::ImageScanOptions> image_scan_options(const scanners::Selection& sel, const ScanOptions& opts);
  Result<ScanResult> finish(Inventory inventory, const ScanOptions& opts, const Hooks& hooks,
                            const scanners::Selection& selection, scanners::ImageScan& image_scan);
  std::unique_ptr<vulndb::Store> vulndb_;
  std::unique_ptr<state::Store> state_;
};

}  // namespace dagda::engine
