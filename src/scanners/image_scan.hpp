// scanners/image_scan.hpp: the scanners that are not package matching (secret, config, malware),
// run over one image: they watch the layer walk (every entry, every file's bytes, deleted
// ones included) and then read the image config and history. Their results are findings
// of their own kind, with the layer that held what they found. What they found in each layer is
// kept in the per-layer cache, so that a rescan reads no layer again.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "catalog/driver.hpp"
#include "common/result.hpp"
#include "inventory/inventory.hpp"
#include "layers/layer_index.hpp"
#include "malware/scanner.hpp"
#include "match/finding.hpp"
#include "scanners/selection.hpp"

namespace dagda::scanners {

struct ImageScanOptions {
  Selection selection;
  std::string secret_config;  // YAML: custom rules and allow-lists (docs/secrets.md); empty: none
  // The imported ClamAV databases and YARA rules (none: the malware scanner warns and finds nothing).
  std::vector<malware::SignatureFile> malware_signatures;
  std::string tmp_dir;  // where ClamAV's temporary files go (in the cache)
  malware::Limits malware_limits = {};
};

class ImageScan {
 public:
  static Result<std::unique_ptr<ImageScan>> create(const ImageScanOptions& opts);
  ~ImageScan();

  // Whether the layer walk must be watched (secret, config or malware selected).
  bool watches_layers() const;
  // The walk's watch (InventoryOptions::watch): it observes the walk, thread-safe, and saves and
  // restores each layer's results for the per-layer cache, keyed by the scanners selected and
  // the rule set (built-in rules and --secret-config). Null when no layer needs watching; valid
  // while this object lives.
  std::shared_ptr<const LayerWatch> layer_watch();
  // After the walk: every finding, from the files and from the image config and history.
  // `inv` gives the layers' diff ids and the files OS packages own.
  std::vector<Finding> finish(const Inventory& inv, std::vector<Warning>& warnings);

 private:
  struct State;
  void malware_results(const Inventory& inv, std::vector<Warning>& warnings, std::vector<Finding>& out);
  explicit ImageScan(std::unique_ptr<State> s);
  std::unique_ptr<State> s_;
};

}  // namespace dagda::scanners
