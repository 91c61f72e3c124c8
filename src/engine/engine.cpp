#include "engine/engine.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

#include "common/fs.hpp"
#include "malware/signatures.hpp"

namespace dagda::engine {
namespace {

void report(const Hooks& hooks, std::string_view stage, uint64_t done = 0, uint64_t total = 0) {
  if (hooks.progress) hooks.progress(Progress{stage, done, total});
}

Status check_cancel(const Hooks& hooks) {
  if (hooks.cancel && hooks.cancel->cancelled()) return Error(ErrorCode::cancelled, "the scan was cancelled");
  return Ok{};
}

Result<Inventory> read_inventory(const std::string& source, InventoryOptions opts, const std::string& cache_dir,
                                 const Hooks& hooks) {
  DAGDA_TRY(check_cancel(hooks));
  if (!cache_dir.empty()) {
    opts.spill_dir = cache_dir + "/tmp";
    opts.source.temp_dir = cache_dir + "/tmp";
    if (opts.cache_dir.empty()) opts.cache_dir = cache_dir;  // the per-layer cache
  }
  if (hooks.cancel) opts.cancel = hooks.cancel->flag();
  if (hooks.progress)
    opts.progress = [&hooks](size_t done, size_t total) { report(hooks, "read", done, total); };
  report(hooks, "open");
  auto inv = build_inventory(source, opts);
  if (!inv.ok()) return std::move(inv).error();
  DAGDA_TRY(check_cancel(hooks));
  return inv;
}

// `fallback`: the selection when none is asked for (worked out only then).
Result<scanners::Selection> selection_of(const ScanOptions& opts,
                                         const std::function<Result<scanners::Selection>()>& fallback) {
  if (!opts.scanners.empty()) return scanners::parse_selection(opts.scanners);
  return fallback();
}

}  // namespace

Result<Inventory> sbom(const std::string& source, const SbomOptions& opts, const Hooks& hooks) {
  InventoryOptions io = opts.inventory;
  if (!opts.retirejs_file.empty()) {
    DAGDA_ASSIGN_OR_RETURN(io.retirejs_repository, read_file(opts.retirejs_file, 256u << 20));
  }
  return read_inventory(source, std::move(io), opts.cache_dir, hooks);
}

Engine::Engine(std::unique_ptr<vulndb::Store> v, std::unique_ptr<state::Store> s)
    : vulndb_(std::move(v)), state_(std::move(s)) {}
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::open(const Config& config) {
  // The VulnDB first: a scan without one is an error, not an empty report.
  DAGDA_ASSIGN_OR_RETURN(auto v, vulndb::Store::open(config.db, /*read_only=*/true));
  DAGDA_ASSIGN_OR_RETURN(auto s, state::Store::open(config.db, /*read_only=*/true));
  return std::unique_ptr<Engine>(new Engine(std::move(v), std::move(s)));
}

Result<std::string> Engine::retirejs_repository(const std::string& file) {
  if (!file.empty()) return read_file(file, 256u << 20);
  DAGDA_ASSIGN_OR_RETURN(auto sigs, vulndb_->signatures("retirejs"));
  std::string repo;
  for (auto& s : sigs)
    if (s.name == "jsrepository.json" || (repo.empty() && s.name.starts_with("jsrepository"))) repo = s.body;
  return repo;
}

Result<scanners::ImageScanOptions> Engine::image_scan_options(const scanners::Selection& sel,
                                                              const ScanOptions& opts) {
  scanners::ImageScanOptions o{sel, opts.secret_config};
  if (!sel.malware) return o;
  o.tmp_dir = (opts.cache_dir.empty() ? cache_dir() : opts.cache_dir) + "/tmp";
  for (std::string_view kind : {malware::kClamav, malware::kYara}) {
    DAGDA_ASSIGN_OR_RETURN(auto rows, vulndb_->signatures(kind));
    for (vulndb::Signature& row : rows) {
      DAGDA_ASSIGN_OR_RETURN(malware::SignatureFile f, malware::decode_row(kind, row.name, row.body));
      o.malware_signatures.push_back(std::move(f));
    }
  }
  return o;
}

Result<bool> Engine::malware_signatures_imported() {
  DAGDA_ASSIGN_OR_RETURN(auto sources, vulndb_->status());
  for (const vulndb::SourceStatus& s : sources)
    if ((s.source == malware::kClamav || s.source == malware::kYara) && s.counts.signatures > 0) return true;
  return false;
}

Result<ScanResult> Engine::scan(const std::string& source, const ScanOptions& opts, const Hooks& hooks) {
  // The default: scanners::default_selection(), with malware once signatures are imported.
  DAGDA_ASSIGN_OR_RETURN(scanners::Selection sel, selection_of(opts, [this]() -> Result<scanners::Selection> {
                           DAGDA_ASSIGN_OR_RETURN(bool malware, malware_signatures_imported());
                           return scanners::default_selection(malware);
                         }));
  DAGDA_ASSIGN_OR_RETURN(auto iso, image_scan_options(sel, opts));
  DAGDA_ASSIGN_OR_RETURN(auto image_scan, scanners::ImageScan::create(iso));
  InventoryOptions io = opts.inventory;
  if (io.retirejs_repository.empty() && !io.os_only) {
    DAGDA_ASSIGN_OR_RETURN(io.retirejs_repository, retirejs_repository(opts.retirejs_file));
  }
  io.watch = image_scan->layer_watch();
  DAGDA_ASSIGN_OR_RETURN(Inventory inv, read_inventory(source, std::move(io), opts.cache_dir, hooks));
  return finish(std::move(inv), opts, hooks, sel, *image_scan);
}

Result<ScanResult> Engine::match(Inventory inventory, const ScanOptions& opts, const Hooks& hooks) {
  // An inventory read elsewhere brings no layers to look into: vulnerabilities unless asked otherwise.
  DAGDA_ASSIGN_OR_RETURN(scanners::Selection sel, selection_of(opts, []() -> Result<scanners::Selection> {
                           return scanners::Selection{.vuln = true};
                         }));
  // An inventory holds no file contents: the malware scanner has nothing to read.
  const bool malware = std::exchange(sel.malware, false);
  scanners::ImageScanOptions iso{sel, opts.secret_config};
  DAGDA_ASSIGN_OR_RETURN(auto image_scan, scanners::ImageScan::create(iso));
  DAGDA_ASSIGN_OR_RETURN(ScanResult result, finish(std::move(inventory), opts, hooks, sel, *image_scan));
  if (malware)
    result.warnings.push_back({"malware.no-files",
                               "the malware scanner did not run: an inventory holds no file contents; scan the image"});
  return result;
}

Result<ScanResult> Engine::finish(Inventory inventory, const ScanOptions& opts, const Hooks& hooks,
                                  const scanners::Selection& sel, scanners::ImageScan& image_scan) {
  DAGDA_TRY(check_cancel(hooks));
  ScanResult result;
  result.inventory = std::move(inventory);
  result.database = vulndb_->url();
  result.scanners = scanners::selection_names(sel);
  if (sel.vuln) {
    MatchOptions mo = opts.match;
    if (hooks.cancel) mo.cancel = hooks.cancel->flag();
    if (hooks.progress && !mo.progress)
      mo.progress = [&hooks](size_t done, size_t total) { report(hooks, "match", done, total); };
    report(hooks, "match", 0, result.inventory.packages.size());
    DAGDA_TRY(match_inventory(*vulndb_, result, mo));
    DAGDA_TRY(check_cancel(hooks));
  }
  for (Finding& f : image_scan.finish(result.inventory, result.warnings)) result.findings.push_back(std::move(f));
  report(hooks, "policy");
  DAGDA_ASSIGN_OR_RETURN(auto marks, state_->list_fp());
  DAGDA_TRY(apply_policy(result, opts.policy, marks));
  return result;
}

}  // namespace dagda::engine
