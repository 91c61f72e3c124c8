#include "catalog/driver.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <future>
#include <unordered_set>
#include <chrono>
#include <condition_variable>
#include <thread>
#include <iterator>
#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

#include "cache/inventory_memo.hpp"
#include "cache/layer_cache.hpp"
#include "catalog/cataloger.hpp"
#include "catalog/drift.hpp"
#include "catalog/lockfile/lockfile.hpp"
#include "catalog/merge.hpp"
#include "catalog/os_release.hpp"
#include "common/digest.hpp"
#include "common/fs.hpp"
#include "layers/layer_fs.hpp"
#include "layers/tee_sink.hpp"

namespace dagda {
namespace {

// Ceilings of docs/limits.md, far above real images (a large Debian image lists a few
// thousand packages and a few hundred thousand owned files), so that a hostile one stops
// there instead of taking all memory: about 1 KB per package and 80 bytes per file path.
constexpr size_t kDefaultMaxPackages = 100000;
constexpr size_t kDefaultMaxFiles = 2000000;

Result<LayerIndex> walk_layer_unguarded(const Image& image, const LayerSource& layer, const WalkOptions& wo) {
  if (!layer.host_dir.empty()) return walk_dir_layer(layer.host_dir, layer.info, wo);
  auto stream = layer.open();
  auto r = stream.ok() ? walk_tar_layer(**stream, layer.info, wo) : Result<LayerIndex>(std::move(stream).error());
  if (!r.ok() && r.error().where().file.empty()) {
    // Name the input when the layer itself has no name of its own (a rootfs archive).
    Error e = std::move(r).error();
    e.in_file(image.info.input);
    return e;
  }
  return r;
}

// Runs on the walker threads, where an exception would end the process: none leaves.
Result<LayerIndex> walk_layer(const Image& image, const LayerSource& layer, const WalkOptions& wo) {
  try {
    return walk_layer_unguarded(image, layer, wo);
  } catch (const std::bad_alloc&) {
    return Error(ErrorCode::internal, fmt::format("out of memory reading layer {}", layer.info.index));
  } catch (const std::exception& e) {
    return Error(ErrorCode::internal, fmt::format("reading layer {} failed: {}", layer.info.index, e.what()));
  }
}

// A layer can be walked a second time unless it came in a stream read once (no `open`, no
// folder) or is a container's changes, whose paths are filtered on the fly.
bool can_walk_again(const LayerSource& l) { return (l.open || !l.host_dir.empty()) && !l.keep; }

// A container's changes layer keeps only the changed paths, and removes the deleted ones.
void apply_changes_filter(const LayerSource& src, LayerIndex& l) {
  if (!src.keep) return;
  LayerEntries kept;
  for (const LayerEntryRef e : l.entries)
    if (src.keep(e.path)) kept.add(e.kind, e.path, e.target, e.content, e.size);
  for (const std::string& d : src.deleted) kept.add(LayerEntry::Kind::whiteout, d);
  l.entries = std::move(kept);
}

// A second copy of a layer's index (the image's layers under a container's changes).
LayerIndex clone_layer(const LayerIndex& l) {
  LayerIndex c;
  c.info = l.info;
  c.warnings = l.warnings;
  c.bytes = l.bytes;
  for (const LayerEntryRef e : l.entries) c.entries.add(e.kind, e.path, e.target, e.content, e.size);
  return c;
}

// Walks every layer once, several at a time, taking what the per-layer cache holds instead of
// reading it, and feeding the cache. The first failure stops the rest; so does the caller's
// cancel flag.
Result<std::vector<LayerIndex>> walk_layers(Image& image, const WalkOptions& base, const InventoryOptions& opts,
                                            cache::LayerCache* lc) {
  const LayerWatch* watch = opts.watch.get();
  const size_t n = image.layers.size();
  std::vector<std::optional<LayerIndex>> done(n);
  if (lc) {
    for (size_t i = 0; i < n; ++i) {
      const LayerSource& l = image.layers[i];
      const std::string& diff = l.info.diff_id;
      if (diff.empty() || l.keep) continue;
      // A host file's layer is taken from the cache only when that file is unchanged since it was verified.
      bool trusted = l.content_addressed || lc->verified(l.identity, diff);
      if (!trusted) continue;
      // With a watch, a layer is taken from the cache only when the watch's results for it are there too.
      std::optional<std::string> results;
      if (watch && !(results = lc->load_scan(watch->key, diff))) continue;
      done[i] = lc->load(diff, l.info);
      if (done[i] && watch && !watch->restore(l.info, *results)) done[i].reset();
    }
  }
  auto remember = [&](const LayerSource& l, const LayerIndex& idx) {
    if (!lc || l.info.diff_id.empty() || l.keep) return;
    lc->store(l.info.diff_id, idx);
    if (watch) lc->store_scan(watch->key, l.info.diff_id, watch->save(l.info));
    lc->mark_verified(l.identity, l.info.diff_id);
  };

  // Layers that arrive in one stream (an engine's export), in their order of arrival.
  if (image.stream_layers) {
    std::vector<bool> wanted(n, false);
    for (size_t i = 0; i < n; ++i)
      wanted[i] = !done[i] && !image.layers[i].open && image.layers[i].host_dir.empty();
    LayerVisitor visit = [&](ArrivingLayer& a) -> Status {
      LayerInfo info;
      for (size_t i = 0; i < n; ++i)
        if (!a.diff_id.empty() && image.layers[i].info.diff_id == a.diff_id) {
          info = image.layers[i].info;
          break;
        }
      if (info.diff_id.empty()) info.digest = "(a layer of the export, identified once read)";
      DAGDA_ASSIGN_OR_RETURN(LayerIndex idx, walk_tar_layer(*a.tar, info, base));
      std::string diff = a.diff_id.empty() && a.actual_hex ? "sha256:" + *a.actual_hex : a.diff_id;
      bool placed = false;
      std::string results;  // the watch saw the layer once: its copies get the same results
      for (size_t i = 0; i < n; ++i) {
        if (done[i] || image.layers[i].info.diff_id != diff) continue;
        if (!placed) {
          remember(image.layers[i], idx);
          if (watch) results = watch->save(info);
        } else if (watch) {
          watch->restore(image.layers[i].info, results);
        }
        LayerIndex copy = clone_layer(idx);
        copy.info = image.layers[i].info;
        done[i] = std::move(copy);
        placed = true;
      }
      return ok_status();
    };
    DAGDA_TRY(image.stream_layers(wanted, visit, image.info));
    for (size_t i = 0; i < n; ++i) image.layers[i].info = image.info.layers[i];
  }

  const size_t left = static_cast<size_t>(std::count_if(done.begin(), done.end(), [](const auto& d) { return !d; }));
  std::atomic<bool> cancel{false};
  std::atomic<size_t> next{0}, finished{n - left};
  std::mutex mu;
  std::condition_variable cv;
  std::optional<std::pair<size_t, Error>> failure;
  WalkOptions wo = base;
  wo.cancel = &cancel;
  // The largest layers first: a big layer started last would leave the other threads idle while
  // it is walked alone (the stored size stands for the work; a compressed size does as well).
  auto work = [&](size_t i) {
    const LayerSource& l = image.layers[i];
    return l.stored_bytes ? l.stored_bytes : l.info.size;
  };
  std::vector<size_t> order;
  for (size_t i = 0; i < n; ++i)
    if (!done[i]) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return work(a) > work(b); });
  auto worker = [&] {
    for (;;) {
      const size_t k = next.fetch_add(1);
      if (k >= order.size() || cancel.load()) return;
      const size_t i = order[k];
      const LayerSource& src = image.layers[i];
      if (!src.open && src.host_dir.empty()) {
        std::lock_guard lock(mu);
        if (!cancel.exchange(true) || (failure && i < failure->first))
          failure.emplace(i, Error(ErrorCode::internal, fmt::format("layer {} was not delivered by its source", i)));
        cv.notify_all();
        return;
      }
      if (watch) watch->drop(src.info);
      WalkOptions mine = wo;
      if (src.keep) mine.wants = [&wo, &src](std::string_view p) { return src.keep(p) && wo.wants(p); };
      auto r = walk_layer(image, src, mine);
      if (r.ok()) {
        apply_changes_filter(src, *r);
        remember(src, *r);
      }
      std::lock_guard lock(mu);
      if (r.ok()) {
        done[i] = std::move(r).value();
        finished++;
        cv.notify_all();
        continue;
      }
      if (!cancel.exchange(true) || (failure && i < failure->first)) failure.emplace(i, std::move(r).error());
      cv.notify_all();
      return;
    }
  };
  unsigned threads = opts.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(left, 1)));
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);
  // This thread reports progress and passes the caller's cancel flag on to the walkers.
  {
    std::unique_lock lock(mu);
    size_t reported = SIZE_MAX;
    bool cancelled = false;
    while (finished.load() < n && !cancel.load()) {
      if (opts.progress && reported != finished.load()) {
        reported = finished.load();
        lock.unlock();
        opts.progress(reported, n);
        lock.lock();
      }
      cv.wait_for(lock, std::chrono::milliseconds(50));
      if (opts.cancel && opts.cancel->load()) {
        cancelled = true;
        cancel.store(true);
      }
    }
    lock.unlock();
    for (auto& t : pool) t.join();
    if (cancelled) return Error(ErrorCode::cancelled, "the scan was cancelled");
  }
  if (failure) return std::move(failure->second);
  if (opts.progress) opts.progress(n, n);
  std::vector<LayerIndex> out;
  out.reserve(n);
  for (auto& d : done) out.push_back(std::move(*d));
  return out;
}


// What the walk captures, for the cache key: the catalogers that ask and the walk's limits.
std::string walk_description(const std::vector<CatalogerInfo>& cats, bool lockfiles, const WalkOptions& wo) {
  std::string s;
  for (const CatalogerInfo& c : cats) s += std::string(c.name) + ",";
  return fmt::format("cats={} lockfiles={} max_file={} probe={}/{}", s, lockfiles, wo.max_captured_file,
                     wo.probe_head_bytes, wo.probe_max);
}

// Includes the version: rpm databases may hold one name several times (kernels, gpg-pubkeys).
std::string package_key(const Package& p) {
  return p.ecosystem + '\0' + p.name + '\0' + p.arch + '\0' + p.version;
}

// Packages are compared across layer snapshots by a 64-bit hash of their key: 8 bytes each
// instead of a map of strings. A collision could only misplace a package's layer.
uint64_t package_hash(const Package& p) { return std::hash<std::string>{}(package_key(p)); }

// Layers whose content can change what a cataloger sees: they carry a file it
// wants, or delete something.
std::vector<int> relevant_layers(const std::vector<LayerIndex>& layers, const CatalogerInfo& c) {
  std::vector<int> out;
  for (size_t i = 0; i < layers.size(); ++i) {
    for (const LayerEntryRef e : layers[i].entries) {
      bool deletes = e.kind == LayerEntry::Kind::whiteout || e.kind == LayerEntry::Kind::opaque;
      bool wanted = (e.kind == LayerEntry::Kind::file || e.kind == LayerEntry::Kind::hardlink ||
                     e.kind == LayerEntry::Kind::symlink) &&
                    c.wants(e.path);
      if (deletes || wanted) {
        out.push_back(static_cast<int>(i));
        break;
      }
    }
  }
  return out;
}

// Attributes each package (by its package_hash) to the first layer from which on it was
// present at its final version, by re-reading the databases as they stood after each layer that
// touched them: -1 where no snapshot had it. One snapshot's packages are held at a time, and only
// as long as it takes to hash them.
std::vector<int> attribute_layers(const std::vector<LayerIndex>& layers, const CatalogerInfo& c, const OsInfo* os,
                                  const std::vector<uint64_t>& keys, size_t max_packages) {
  std::vector<int> relevant = relevant_layers(layers, c);
  const size_t n = keys.size();
  std::vector<int> since(n, -1);
  std::vector<char> open(n, 1);
  // Walk backwards: a package keeps moving earlier while each older state still has it at this version.
  for (auto it = relevant.rbegin(); it != relevant.rend(); ++it) {
    std::vector<uint64_t> seen;
    {
      LayerFs fs = LayerFs::merge(layers, *it);
      Diagnostics scratch;
      CatalogContext ctx{fs, os, scratch};
      ctx.max_packages = max_packages;
      ctx.identity_only = true;
      auto out = c.catalog(ctx);
      if (out.ok()) {
        seen.reserve(out->packages.size());
        for (const Package& p : out->packages) seen.push_back(package_hash(p));
      }
    }
    std::sort(seen.begin(), seen.end());
    bool any_open = false;
    for (size_t i = 0; i < n; ++i) {
      if (!open[i]) continue;
      if (std::binary_search(seen.begin(), seen.end(), keys[i])) {
        since[i] = *it;
        any_open = true;
      } else {
        open[i] = 0;
      }
    }
    if (!any_open) break;
  }
  return since;
}

// Paths relative to the image root, looked up by string_view.
struct PathHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using PathSet = std::unordered_set<std::string, PathHash, std::equal_to<>>;

// The file an OS package would own for an application package: the package's own file (the
// METADATA of a dist-info, the outermost archive of a nested jar).
std::string_view owned_path(const Package& p) {
  std::string_view path = p.path;
  while (path.starts_with('/')) path.remove_prefix(1);
  return path;
}

// Application packages whose file an OS package lists were installed by that OS package
// (Debian's python3-* or lib*-java): they are reported once, as the OS package. `owned` holds
// the files of every OS package.
void drop_os_owned(std::vector<Package>& packages, const PathSet& owned) {
  if (owned.empty()) return;
  std::erase_if(packages, [&](const Package& p) { return !is_os_ecosystem(p.ecosystem) && owned.contains(owned_path(p)); });
}

// Lockfiles (fs: sources, or --lockfiles): each package's layer is the layer that wrote its lockfile.
void add_lockfile_packages(const std::vector<LayerIndex>& layers, const LayerFs& fs, Diagnostics& diag, Inventory& inv) {
  std::vector<std::string> paths;
  for (const LayerIndex& l : layers)
    for (const LayerEntryRef e : l.entries)
      if (e.content && lockfile_wants(e.path)) paths.emplace_back(e.path);
  CatalogOutput out = catalog_lockfiles(fs, std::move(paths), diag);
  if (out.partial) inv.partial = true;
  for (Package& p : out.packages) {
    p.layer_index = fs.origin(p.path);
    if (p.layer_index >= 0 && static_cast<size_t>(p.layer_index) < inv.source.layers.size()) {
      const LayerInfo& li = inv.source.layers[static_cast<size_t>(p.layer_index)];
      p.layer = !li.diff_id.empty() ? li.diff_id : li.digest;
      p.created_by = li.created_by;
    }
    inv.packages.push_back(std::move(p));
  }
}

struct Limits {
  size_t max_packages;
  size_t max_files;
};

// An explicit option, else the environment variable, else the default (docs/limits.md).
Result<size_t> limit_value(size_t option, const char* env, size_t fallback) {
  if (option > 0) return option;
  const char* v = std::getenv(env);
  if (!v || !*v) return fallback;
  std::string_view s(v);
  size_t n = 0;
  bool ok = s.size() <= 12;
  for (char c : s) ok = ok && c >= '0' && c <= '9';
  if (ok) n = static_cast<size_t>(std::stoull(std::string(s)));
  if (!ok || n == 0)
    return Error(ErrorCode::invalid_input, fmt::format("{}={}: not a positive whole number", env, terminal_safe(s)));
  return n;
}

Result<Limits> resolve_limits(const InventoryOptions& opts) {
  Limits l{};
  DAGDA_ASSIGN_OR_RETURN(l.max_packages, limit_value(opts.max_packages, "DAGDA_MAX_PACKAGES", kDefaultMaxPackages));
  DAGDA_ASSIGN_OR_RETURN(l.max_files, limit_value(opts.max_files, "DAGDA_MAX_FILES", kDefaultMaxFiles));
  return l;
}

// Runs os detection and every cataloger on the merged view, within the ceilings.
void catalog_image(const LayerFs& fs, const std::vector<LayerIndex>& layers, const std::vector<CatalogerInfo>& cats,
                   const std::string& kind, const InventoryOptions& opts, const Limits& limits, bool lockfiles,
                   Inventory& inv, PathSet& owned) {
  Diagnostics diag;
  inv.os = detect_os(fs, diag);
  if (!inv.os && kind != "fs")
    diag.warn("os.unknown",
              "cannot tell the operating system: no os-release, alpine-release, debian_version or redhat-release file");
  const OsInfo* os = inv.os ? &*inv.os : nullptr;

  // Files the OS packages own: application catalogers need not read them (drop_os_owned
  // would drop what they found there anyway).
  owned.clear();
  auto is_owned = [&owned](std::string_view path) {
    while (path.starts_with('/')) path.remove_prefix(1);
    return owned.contains(path);
  };
  size_t dropped_packages = 0, dropped_files = 0, files = 0;
  // A package's layer: the one attribution found, else the one that wrote its file.
  auto place = [&](Package& p) {
    if (p.layer_index < 0) p.layer_index = fs.origin(p.path);
    if (p.layer_index >= 0 && static_cast<size_t>(p.layer_index) < inv.source.layers.size()) {
      const LayerInfo& li = inv.source.layers[static_cast<size_t>(p.layer_index)];
      p.layer = !li.diff_id.empty() ? li.diff_id : li.digest;
      p.created_by = li.created_by;
    }
  };
  struct Attribution {
    size_t first, count;  // the cataloger's packages in inv.packages
    std::future<std::vector<int>> since;
  };
  std::vector<Attribution> attributions;
  for (const CatalogerInfo& c : cats) {
    CatalogContext ctx{fs, os, diag, opts.retirejs_repository};
    if (c.application && !opts.include_os_owned && !owned.empty()) ctx.os_owned = is_owned;
    ctx.max_packages = limits.max_packages - std::min(limits.max_packages, inv.packages.size());
    ctx.max_files = limits.max_files - std::min(limits.max_files, files);
    auto out = c.catalog(ctx);
    if (!out.ok()) {
      diag.add({fmt::format("{}.unreadable", c.name), out.error().render(), out.error().where()});
      inv.partial = true;
      continue;
    }
    if (out->partial) inv.partial = true;
    dropped_packages += out->dropped_packages;
    dropped_files += out->dropped_files;
    std::vector<Package> found = std::move(out->packages);
    // Catalogers that do not count against the ceilings themselves are cut here.
    if (found.size() > ctx.max_packages) {
      dropped_packages += found.size() - ctx.max_packages;
      found.erase(found.begin() + static_cast<std::ptrdiff_t>(ctx.max_packages), found.end());
    }
    for (Package& p : found) {
      size_t keep = std::min(p.files.size(), limits.max_files - std::min(limits.max_files, files));
      dropped_files += p.files.size() - keep;
      p.files.resize(keep);
      files += keep;
    }
    if (found.empty()) continue;
    if (!c.application && !opts.include_os_owned)
      for (const Package& p : found)
        for (const std::string& f : p.files) {
          std::string_view v = f;
          while (v.starts_with('/')) v.remove_prefix(1);
          owned.emplace(v);
        }
    if (c.application) {
      // One file per package: its layer is the layer that wrote the file (below).
      for (Package& p : found) place(p);
    } else if (layers.size() > 1) {
      // Attribution re-reads earlier snapshots of the database: it runs beside the catalogers
      // that follow, and its packages are placed once it is done (below).
      std::vector<uint64_t> keys;
      keys.reserve(found.size());
      for (const Package& p : found) keys.push_back(package_hash(p));
      attributions.push_back(Attribution{
          inv.packages.size(), found.size(),
          std::async(std::launch::async, [&layers, c, os, keys = std::move(keys), max = limits.max_packages] {
            return attribute_layers(layers, c, os, keys, max);
          })});
    } else {
      for (Package& p : found) {
        p.layer_index = 0;
        place(p);
      }
    }
    if (inv.packages.empty()) {
      inv.packages = std::move(found);  // no second vector of packages, not even for a moment
    } else {
      inv.packages.reserve(inv.packages.size() + found.size());
      std::move(found.begin(), found.end(), std::back_inserter(inv.packages));
    }
  }
  for (Attribution& a : attributions) {
    std::vector<int> since = a.since.get();
    for (size_t i = 0; i < a.count; ++i) {
      Package& p = inv.packages[a.first + i];
      if (since[i] >= 0) p.layer_index = since[i];
      place(p);
    }
  }
  if (!opts.include_os_owned) drop_os_owned(inv.packages, owned);
  if (lockfiles) {
    add_lockfile_packages(layers, fs, diag, inv);
    merge_lockfile_and_installed(inv.packages);
    if (inv.packages.size() > limits.max_packages) {
      dropped_packages += inv.packages.size() - limits.max_packages;
      inv.packages.erase(inv.packages.begin() + static_cast<std::ptrdiff_t>(limits.max_packages), inv.packages.end());
    }
  }
  if (opts.exclude_dev) drop_dev_packages(inv.packages);
  if (dropped_packages > 0) {
    diag.warn("catalog.too-many-packages",
              fmt::format("the image lists more than {} packages: {} are reported and {} more are left out "
                          "(--max-packages or DAGDA_MAX_PACKAGES raises the limit)",
                          limits.max_packages, inv.packages.size(), dropped_packages));
    inv.partial = true;
  }
  if (dropped_files > 0)
    diag.warn("catalog.too-many-files",
              fmt::format("the package databases list more than {} owned files: {} file paths are left out "
                          "(DAGDA_MAX_FILES raises the limit); application packages inside them may be "
                          "reported a second time",
                          limits.max_files, dropped_files));
  for (Warning& w : diag.take_all()) inv.warnings.push_back(std::move(w));
  std::sort(inv.packages.begin(), inv.packages.end(), [](const Package& a, const Package& b) {
    return std::tie(a.ecosystem, a.name, a.version, a.arch) < std::tie(b.ecosystem, b.name, b.version, b.arch);
  });
}

bool under(std::string_view path, std::string_view dir) {
  return dir.empty() || path == dir || (path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/');
}

// After a cataloging pass: the files that the catalogers reached only through a symlink and
// that the walk did not keep. Walks the layers that hold them again, keeping just those,
// and sets their content in `layers`. True when something new was captured.
// Walks again each layer that has entries in `want` (layer index -> paths) to capture them.
// False when nothing new was captured: a stream read once, or a container's changes, cannot be
// walked again.
Result<bool> walk_again(const Image& image, std::vector<LayerIndex>& layers,
                        const std::map<size_t, std::set<std::string, std::less<>>>& want, const WalkOptions& base) {
  bool captured = false;
  for (const auto& entry : want) {
    const auto& paths = entry.second;  // a named variable: Clang 14 cannot capture a structured binding
    LayerIndex& layer = layers[entry.first];
    const LayerSource& src = image.layers[static_cast<size_t>(layer.info.index)];
    if (!can_walk_again(src)) continue;
    WalkOptions wo = base;
    wo.wants = [&paths](std::string_view p) { return paths.contains(p); };
    wo.probe_head = nullptr;
    wo.probe_keep = nullptr;
    wo.probe_markers.clear();
    wo.cancel = nullptr;
    wo.observe = nullptr;  // the observer saw this layer in the first walk
    DAGDA_ASSIGN_OR_RETURN(LayerIndex again, walk_layer(image, src, wo));
    if (again.entries.size() != layer.entries.size()) continue;  // not the same layer twice: leave it
    for (size_t i = 0; i < again.entries.size(); ++i) {
      LayerEntryRef e = again.entries[i];
      if (!e.content || layer.entries[i].content || layer.entries[i].path != e.path) continue;
      layer.entries.set_content(i, e.content);
      captured = true;
    }
  }
  return captured;
}

Result<bool> capture_through_links(const Image& image, std::vector<LayerIndex>& layers,
                                   const std::vector<LayerFs::LinkMiss>& misses, const WalkOptions& base) {
  if (misses.empty()) return false;
  std::map<size_t, std::set<std::string, std::less<>>> want;
  for (size_t li = 0; li < layers.size(); ++li) {
    for (const LayerEntryRef e : layers[li].entries) {
      if (e.kind != LayerEntry::Kind::file || e.content) continue;
      for (const LayerFs::LinkMiss& m : misses) {
        if (!under(e.path, m.real)) continue;
        std::string alias = m.asked;
        std::string_view rest = e.path.substr(std::min(e.path.size(), m.real.size()));
        if (m.real.empty() && !alias.empty()) alias += '/';
        alias += rest;
        if (!alias.empty() && alias.front() == '/') alias.erase(0, 1);
        if (base.wants(alias)) {
          want[li].emplace(e.path);
          break;
        }
      }
    }
  }
  return walk_again(image, layers, want, base);
}

// The files catalogers want only when no OS package owns them (CatalogerInfo::wants_unowned),
// as the merged view has them: captured by walking their layers again. Nothing to do in the
// usual image, whose runtimes all come from its package manager.
Result<bool> capture_unowned(const Image& image, std::vector<LayerIndex>& layers,
                             const std::vector<CatalogerInfo>& cats, const PathSet& owned, const WalkOptions& base) {
  auto later = [&cats](std::string_view p) {
    for (const CatalogerInfo& c : cats)
      if (c.wants_unowned && c.wants_unowned(p)) return true;
    return false;
  };
  // Each candidate as the last layer that writes it has it (the view holds no uncaptured file);
  // one a later layer deletes is left out.
  std::map<std::string, size_t, std::less<>> last;
  for (size_t li = 0; li < layers.size(); ++li)
    for (const LayerEntryRef e : layers[li].entries) {
      if (e.kind == LayerEntry::Kind::whiteout) {
        last.erase(std::string(e.path));
      } else if (e.kind == LayerEntry::Kind::file && later(e.path)) {
        if (e.content || owned.contains(e.path)) last.erase(std::string(e.path));
        else last[std::string(e.path)] = li;
      }
    }
  if (last.empty()) return false;
  std::map<size_t, std::set<std::string, std::less<>>> want;
  for (auto& [path, li] : last) want[li].insert(path);
  return walk_again(image, layers, want, base);
}

// Catalogs the merged layers: OS detection, every cataloger, layer attribution. A database
// reached through a symlink is captured by walking its layers again (capture_through_links).
Result<Inventory> catalog_layers(const Image& image, const SourceInfo& info, const std::vector<Warning>& source_warnings,
                                 std::vector<LayerIndex>& layers, const std::vector<CatalogerInfo>& cats,
                                 bool lockfiles, const InventoryOptions& opts, const Limits& limits,
                                 const WalkOptions& wo) {
  Inventory base;
  base.source = info;
  base.warnings = source_warnings;
  for (LayerIndex& l : layers) {
    LayerInfo& li = base.source.layers[static_cast<size_t>(l.info.index)];
    if (li.size == 0) li.size = l.bytes;  // a directory or rootfs layer has no declared size
    for (Warning w : l.warnings) {
      // A wanted file that could not be read means packages may be missing.
      if (w.code == "layer.file-too-large") base.partial = true;
      if (w.where.layer.empty()) w.where.layer = !l.info.diff_id.empty() ? l.info.diff_id : l.info.digest;
      base.warnings.push_back(std::move(w));
    }
  }

  // The walk kept files by the paths written in the tars. A database reached through a
  // symlink (var/lib/dpkg -> ../../srv/dpkg, lib/apk/db/installed -> installed.real) is
  // seen only now, when the catalogers read through the merged view: the layers that
  // hold it are walked again to capture it, and the image cataloged again. Rare, bounded.
  constexpr int kLinkRounds = 3;
  bool unowned_captured = false;
  for (int round = 0;; ++round) {
    Inventory inv = base;
    LayerFs fs = LayerFs::merge(layers);
    PathSet owned;
    catalog_image(fs, layers, cats, info.kind, opts, limits, lockfiles, inv, owned);
    if (!unowned_captured) {
      unowned_captured = true;
      DAGDA_ASSIGN_OR_RETURN(bool more, capture_unowned(image, layers, cats, owned, wo));
      if (more) {
        --round;  // not a round of links
        continue;
      }
    }
    if (round < kLinkRounds) {
      DAGDA_ASSIGN_OR_RETURN(bool more, capture_through_links(image, layers, fs.link_misses(), wo));
      if (more) continue;
    }
    return inv;
  }
}

// The catalogers this inventory runs: OS ones only with --os-only; none that needs a retire.js
// repository when there is none.
std::vector<CatalogerInfo> active_catalogers(const InventoryOptions& opts) {
  std::vector<CatalogerInfo> cats;
  for (const CatalogerInfo& c : all_catalogers())
    if ((!opts.os_only || !c.application) && (!c.needs_retirejs || !opts.retirejs_repository.empty()))
      cats.push_back(c);
  return cats;
}

std::unique_ptr<cache::LayerCache> open_layer_cache(const InventoryOptions& opts) {
  if (!opts.use_cache) return nullptr;
  std::vector<CatalogerInfo> cats = active_catalogers(opts);
  WalkOptions wo;
  return std::make_unique<cache::LayerCache>(
      opts.cache_dir.empty() ? cache_dir() : opts.cache_dir,
      cache::catalogers_version(walk_description(cats, opts.lockfiles, wo)),
      opts.cache_max_bytes ? opts.cache_max_bytes : cache::kDefaultMaxBytes);
}

// The walk's observer: the caller's, the watch's, or both.
std::function<std::unique_ptr<ContentSink>(const LayerInfo&, const EntryMeta&)> observer_of(const InventoryOptions& opts) {
  if (!opts.watch) return opts.observe;
  if (!opts.observe) return opts.watch->observe;
  return [a = opts.observe, b = opts.watch->observe](const LayerInfo& l, const EntryMeta& e) {
    return tee_sinks(a(l, e), b(l, e));
  };
}

// With a memo and a watch: every layer's watch results from the cache, or none (then the layers are walked).
bool restore_all(const Image& image, const LayerWatch* watch, cache::LayerCache& lc) {
  if (!watch) return true;
  std::vector<std::string> results;
  for (const LayerSource& l : image.layers) {
    auto r = lc.load_scan(watch->key, l.info.diff_id);
    if (!r) return false;
    results.push_back(std::move(*r));
  }
  for (size_t i = 0; i < image.layers.size(); ++i)
    if (!watch->restore(image.layers[i].info, results[i])) {
      for (size_t k = 0; k < i; ++k) watch->drop(image.layers[k].info);
      return false;
    }
  return true;
}

// The inventory of `image` from the catalogers' results of an earlier scan of the same layers.
Inventory inventory_from_memo(const Image& image, cache::Memo m) {
  Inventory inv;
  inv.source = image.info;
  inv.warnings = image.warnings;
  for (Warning& w : m.warnings) inv.warnings.push_back(std::move(w));
  inv.os = std::move(m.os);
  inv.partial = m.partial;
  for (size_t i = 0; i < inv.source.layers.size() && i < m.layer_bytes.size(); ++i)
    if (inv.source.layers[i].size == 0) inv.source.layers[i].size = m.layer_bytes[i];
  inv.packages = std::move(m.packages);
  // Layer facts come from this image (two images may share layers but not their history).
  for (Package& p : inv.packages) {
    if (p.layer_index < 0 || static_cast<size_t>(p.layer_index) >= inv.source.layers.size()) continue;
    const LayerInfo& li = inv.source.layers[static_cast<size_t>(p.layer_index)];
    p.layer = !li.diff_id.empty() ? li.diff_id : li.digest;
    p.created_by = li.created_by;
  }
  return inv;
}

}  // namespace

Result<Inventory> build_inventory(Image image, const InventoryOptions& opts) {
  // A source that lists its packages itself (an SBOM document).
  if (image.inventory) {
    Inventory inv = *image.inventory;
    for (Warning& w : image.warnings) inv.warnings.push_back(std::move(w));
    return inv;
  }
  DAGDA_ASSIGN_OR_RETURN(Limits limits, resolve_limits(opts));
  std::vector<CatalogerInfo> cats = active_catalogers(opts);
  const bool lockfiles = opts.lockfiles || image.info.kind == "fs";
  WalkOptions wo;
  // A layer that cannot be read twice (a stream) keeps now what is wanted only when unowned.
  bool rereadable = true;
  for (const LayerSource& l : image.layers) rereadable = rereadable && can_walk_again(l);
  wo.wants = [cats, lockfiles, rereadable](std::string_view p) {
    if (os_release_wants(p) || (lockfiles && lockfile_wants(p))) return true;
    for (const CatalogerInfo& c : cats)
      if (c.wants(p) || (!rereadable && c.wants_unowned && c.wants_unowned(p))) return true;
    return false;
  };
  // The scripts the retire.js cataloger wants (16,478 in deb-fat, most an OS package's and never
  // read) go to a spill file rather than memory, when no other cataloger wants them too.
  wo.spill_always = [cats, lockfiles](std::string_view p) {
    if (os_release_wants(p) || (lockfiles && lockfile_wants(p))) return false;
    bool spill = false;
    for (const CatalogerInfo& c : cats)
      if (c.wants(p)) {
        if (!c.needs_retirejs) return false;
        spill = true;
      }
    return spill;
  };
  wo.probe_head = [cats](std::string_view head) {
    for (const CatalogerInfo& c : cats)
      if (c.probe_head && c.probe_head(head)) return true;
    return false;
  };
  wo.probe_keep = [cats](std::string_view content) {
    for (const CatalogerInfo& c : cats)
      if (c.probe_keep && c.probe_keep(content)) return true;
    return false;
  };
  // Markers stand for probe_keep only when every probing cataloger gives them.
  bool all_markers = true;
  for (const CatalogerInfo& c : cats)
    if (c.probe_keep) {
      all_markers = all_markers && !c.probe_markers.empty();
      wo.probe_markers.insert(wo.probe_markers.end(), c.probe_markers.begin(), c.probe_markers.end());
    }
  if (!all_markers) wo.probe_markers.clear();
  wo.spill_dir = opts.spill_dir.empty() ? cache_dir() + "/tmp" : opts.spill_dir;
  wo.observe = observer_of(opts);
  // The cache key must describe this walk; fs: sources read lockfiles whatever the option says.
  // An observer must see every layer's files, so the layers are walked, not taken from the cache;
  // a watch keeps its results per layer, so its layers may be.
  std::unique_ptr<cache::LayerCache> lc;
  if (opts.use_cache && !opts.observe)
    lc = std::make_unique<cache::LayerCache>(
        opts.cache_dir.empty() ? cache_dir() : opts.cache_dir,
        cache::catalogers_version(walk_description(cats, lockfiles, wo)),
        opts.cache_max_bytes ? opts.cache_max_bytes : cache::kDefaultMaxBytes);
  // The catalogers' results for this chain of layers, when every layer is one the cache may stand for.
  std::string memo_key;
  if (lc && !image.last_layer_is_drift && !image.layers.empty()) {
    memo_key = fmt::format("{}\nretirejs {}\nos_owned {}\nfs {}\nexclude_dev {}\nmax {} {}\n", lc->version(),
                           sha256_hex(opts.retirejs_repository), opts.include_os_owned, image.info.kind == "fs",
                           opts.exclude_dev, limits.max_packages, limits.max_files);
    bool trusted = true;
    for (const LayerSource& l : image.layers) {
      if (l.info.diff_id.empty() || l.keep) memo_key.clear();
      if (memo_key.empty()) break;
      memo_key += l.info.diff_id + "\n";
      trusted = trusted && (l.content_addressed || lc->verified(l.identity, l.info.diff_id));
    }
    if (!memo_key.empty() && trusted)
      if (auto m = cache::load_memo(lc->root(), memo_key);
          m && m->layer_bytes.size() == image.layers.size() && restore_all(image, opts.watch.get(), *lc)) {
        // A streamed source may still need its stream for the image's own facts (an engine image whose
        // config is not cached): it is read, but no layer is walked.
        if (image.stream_layers) {
          std::vector<bool> none(image.layers.size(), false);
          LayerVisitor skip = [](ArrivingLayer&) -> Status {
            return Error(ErrorCode::internal, "a layer was delivered that was not asked for");
          };
          DAGDA_TRY(image.stream_layers(none, skip, image.info));
        }
        return inventory_from_memo(image, std::move(*m));
      }
  }
  DAGDA_ASSIGN_OR_RETURN(std::vector<LayerIndex> layers, walk_layers(image, wo, opts, lc.get()));

  DAGDA_ASSIGN_OR_RETURN(Inventory inv,
                         catalog_layers(image, image.info, image.warnings, layers, cats, lockfiles, opts, limits, wo));
  if (!memo_key.empty()) {
    cache::Memo m;
    m.os = inv.os;
    m.packages = inv.packages;
    m.warnings.assign(inv.warnings.begin() + static_cast<std::ptrdiff_t>(image.warnings.size()), inv.warnings.end());
    for (const LayerIndex& l : layers) m.layer_bytes.push_back(l.bytes);
    m.partial = inv.partial;
    cache::store_memo(lc->root(), memo_key, m);
    lc->trim();
  }
  if (image.last_layer_is_drift && layers.size() >= 2) {
    // The image as it was: every layer but the container's changes.
    std::vector<LayerIndex> base;
    for (size_t i = 0; i + 1 < layers.size(); ++i) base.push_back(clone_layer(layers[i]));
    SourceInfo base_info = image.info;
    base_info.layers.pop_back();
    DAGDA_ASSIGN_OR_RETURN(Inventory before, catalog_layers(image, base_info, {}, base, cats, lockfiles, opts, limits, wo));
    mark_drift(inv, before, layers.back(), base, LayerFs::merge(layers), LayerFs::merge(base));
  }
  return inv;
}

Result<Inventory> build_inventory(const std::string& source, const InventoryOptions& opts) {
  SourceOptions so = opts.source;
  std::shared_ptr<cache::LayerCache> meta = open_layer_cache(opts);
  if (meta && !so.meta_cache) so.meta_cache = meta;
  DAGDA_ASSIGN_OR_RETURN(Image image, open_image(source, so));
  return build_inventory(std::move(image), opts);
}

}  // namespace dagda
