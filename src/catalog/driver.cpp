#include "catalog/driver.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "cache/inventory_memo.hpp"
#include "cache/layer_cache.hpp"
#include "catalog/cataloger.hpp"
#include "catalog/drift.hpp"
#include "catalog/lockfile/lockfile.hpp"
#include "catalog/os_release.hpp"
#include "common/digest.hpp"
#include "common/fs.hpp"
#include "layers/layer_fs.hpp"

namespace dagda {
namespace {

Result<LayerIndex> walk_layer(const Image& image, const LayerSource& layer, const WalkOptions& wo) {
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

// A container's changes layer keeps only the changed paths, and removes the deleted ones.
void apply_changes_filter(const LayerSource& src, LayerIndex& l) {
  if (!src.keep) return;
  std::erase_if(l.entries, [&](const LayerEntry& e) { return !src.keep(e.path); });
  for (const std::string& d : src.deleted) {
    LayerEntry w;
    w.kind = LayerEntry::Kind::whiteout;
    w.path = d;
    l.entries.push_back(std::move(w));
  }
}

// Walks every layer once, several at a time, taking what the per-layer cache holds instead of
// reading it, and feeding the cache. The first failure stops the rest.
Result<std::vector<LayerIndex>> walk_layers(Image& image, const WalkOptions& base, unsigned threads,
                                            cache::LayerCache* lc) {
  const size_t n = image.layers.size();
  std::vector<std::optional<LayerIndex>> done(n);
  if (lc) {
    for (size_t i = 0; i < n; ++i) {
      const LayerSource& l = image.layers[i];
      const std::string& diff = l.info.diff_id;
      if (diff.empty() || l.keep) continue;
      // A host file's layer is taken from the cache only when that file is unchanged since it was verified.
      bool trusted = l.content_addressed || lc->verified(l.identity, diff);
      if (trusted) done[i] = lc->load(diff, l.info);
    }
  }
  auto remember = [&](const LayerSource& l, const LayerIndex& idx) {
    if (!lc || l.info.diff_id.empty() || l.keep) return;
    lc->store(l.info.diff_id, idx);
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
      for (size_t i = 0; i < n; ++i) {
        if (done[i] || image.layers[i].info.diff_id != diff) continue;
        if (!placed) remember(image.layers[i], idx);
        LayerIndex copy = idx;
        copy.info = image.layers[i].info;
        done[i] = std::move(copy);
        placed = true;
      }
      return ok_status();
    };
    DAGDA_TRY(image.stream_layers(wanted, visit, image.info));
    for (size_t i = 0; i < n; ++i) image.layers[i].info = image.info.layers[i];
  }

  std::atomic<bool> cancel{false};
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::optional<std::pair<size_t, Error>> failure;
  WalkOptions wo = base;
  wo.cancel = &cancel;
  auto worker = [&] {
    for (;;) {
      size_t i = next.fetch_add(1);
      if (i >= n || cancel.load()) return;
      if (done[i]) continue;
      const LayerSource& src = image.layers[i];
      if (!src.open && src.host_dir.empty()) {
        std::lock_guard lock(mu);
        if (!cancel.exchange(true) || (failure && i < failure->first))
          failure.emplace(i, Error(ErrorCode::internal, fmt::format("layer {} was not delivered by its source", i)));
        return;
      }
      WalkOptions mine = wo;
      if (src.keep) mine.wants = [&wo, &src](std::string_view p) { return src.keep(p) && wo.wants(p); };
      auto r = walk_layer(image, src, mine);
      if (r.ok()) {
        apply_changes_filter(src, *r);
        remember(src, *r);
        done[i] = std::move(r).value();
        continue;
      }
      std::lock_guard lock(mu);
      if (!cancel.exchange(true) || (failure && i < failure->first)) failure.emplace(i, std::move(r).error());
      return;
    }
  };
  size_t left = static_cast<size_t>(std::count_if(done.begin(), done.end(), [](const auto& d) { return !d; }));
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(left, 1)));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (failure) return std::move(failure->second);
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

// Layers whose content can change what a cataloger sees: they carry a file it
// wants, or delete something.
std::vector<int> relevant_layers(const std::vector<LayerIndex>& layers, const CatalogerInfo& c) {
  std::vector<int> out;
  for (size_t i = 0; i < layers.size(); ++i) {
    for (const LayerEntry& e : layers[i].entries) {
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

// Attributes each package to the first layer from which on it was present at
// its final version, by re-reading the databases as they stood after each
// layer that touched them.
void attribute_layers(const std::vector<LayerIndex>& layers, const CatalogerInfo& c, const OsInfo* os,
                      std::vector<Package>& packages) {
  std::vector<int> relevant = relevant_layers(layers, c);
  std::map<std::string, int> since;  // key -> layer index
  for (const Package& p : packages) since[package_key(p)] = -1;
  std::set<std::string> settled;
  // Walk backwards: a package keeps moving earlier while each older state still has it at this version.
  for (auto it = relevant.rbegin(); it != relevant.rend(); ++it) {
    LayerFs fs = LayerFs::merge(layers, *it);
    Diagnostics scratch;
    CatalogContext ctx{fs, os, scratch};
    auto out = c.catalog(ctx);
    std::set<std::string> seen;
    if (out.ok())
      for (const Package& p : out->packages) seen.insert(package_key(p));
    bool any_open = false;
    for (auto& [key, layer] : since) {
      if (settled.count(key)) continue;
      if (seen.count(key)) {
        layer = *it;
        any_open = true;
      } else {
        settled.insert(key);
      }
    }
    if (!any_open) break;
  }
  for (Package& p : packages) {
    int l = since[package_key(p)];
    if (l < 0) {
      // Never seen in a snapshot (for example, the database was captured only by a hard link): fall back to the
      // layer that wrote the database file.
      continue;
    }
    p.layer_index = l;
  }
}

// The file an OS package would own for an application package: the package's own file (the
// METADATA of a dist-info, the outermost archive of a nested jar).
std::string_view owned_path(const Package& p) {
  std::string_view path = p.path;
  while (path.starts_with('/')) path.remove_prefix(1);
  return path;
}

// Application packages whose file an OS package lists were installed by that OS package
// (Debian's python3-* or lib*-java): they are reported once, as the OS package.
void drop_os_owned(std::vector<Package>& packages) {
  std::set<std::string, std::less<>> owned;
  for (const Package& p : packages) {
    if (!is_os_ecosystem(p.ecosystem)) continue;
    for (const std::string& f : p.files) {
      std::string_view v = f;
      while (v.starts_with('/')) v.remove_prefix(1);
      owned.emplace(v);
    }
  }
  if (owned.empty()) return;
  std::erase_if(packages, [&](const Package& p) { return !is_os_ecosystem(p.ecosystem) && owned.contains(owned_path(p)); });
}

// Lockfiles (fs: sources, or --lockfiles): each package's layer is the layer that wrote its lockfile.
void add_lockfile_packages(const std::vector<LayerIndex>& layers, const LayerFs& fs, Diagnostics& diag, Inventory& inv) {
  std::vector<std::string> paths;
  for (const LayerIndex& l : layers)
    for (const LayerEntry& e : l.entries)
      if (e.content && lockfile_wants(e.path)) paths.push_back(e.path);
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

// Catalogs the merged layers: OS detection, every cataloger, layer attribution.
Inventory catalog_layers(const SourceInfo& info, const std::vector<Warning>& source_warnings,
                         std::vector<LayerIndex>& layers, const std::vector<CatalogerInfo>& cats, bool lockfiles,
                         const InventoryOptions& opts) {
  Inventory inv;
  inv.source = info;
  inv.warnings = source_warnings;
  for (LayerIndex& l : layers) {
    LayerInfo& li = inv.source.layers[static_cast<size_t>(l.info.index)];
    if (li.size == 0) li.size = l.bytes;  // a directory or rootfs layer has no declared size
    for (Warning w : l.warnings) {
      // A wanted file that could not be read means packages may be missing.
      if (w.code == "layer.file-too-large") inv.partial = true;
      if (w.where.layer.empty()) w.where.layer = !l.info.diff_id.empty() ? l.info.diff_id : l.info.digest;
      inv.warnings.push_back(std::move(w));
    }
  }

  LayerFs fs = LayerFs::merge(layers);
  Diagnostics diag;
  inv.os = detect_os(fs, diag);
  if (!inv.os && info.kind != "fs")
    diag.warn("os.unknown",
              "cannot tell the operating system: no os-release, alpine-release, debian_version or redhat-release file");
  const OsInfo* os = inv.os ? &*inv.os : nullptr;

  for (const CatalogerInfo& c : cats) {
    CatalogContext ctx{fs, os, diag, opts.retirejs_repository};
    auto out = c.catalog(ctx);
    if (!out.ok()) {
      diag.add({fmt::format("{}.unreadable", c.name), out.error().render(), out.error().where()});
      inv.partial = true;
      continue;
    }
    if (out->partial) inv.partial = true;
    std::vector<Package> found = std::move(out->packages);
    if (found.empty()) continue;
    if (c.application) {
      // One file per package: its layer is the layer that wrote the file (below).
    } else if (layers.size() > 1) {
      attribute_layers(layers, c, os, found);
    } else {
      for (Package& p : found) p.layer_index = 0;
    }
    for (Package& p : found) {
      if (p.layer_index < 0) p.layer_index = fs.origin(p.path);
      if (p.layer_index >= 0 && static_cast<size_t>(p.layer_index) < inv.source.layers.size()) {
        const LayerInfo& li = inv.source.layers[static_cast<size_t>(p.layer_index)];
        p.layer = !li.diff_id.empty() ? li.diff_id : li.digest;
        p.created_by = li.created_by;
      }
      inv.packages.push_back(std::move(p));
    }
  }
  if (!opts.include_os_owned) drop_os_owned(inv.packages);
  if (lockfiles) add_lockfile_packages(layers, fs, diag, inv);
  for (Warning& w : diag.take_all()) inv.warnings.push_back(std::move(w));
  std::sort(inv.packages.begin(), inv.packages.end(), [](const Package& a, const Package& b) {
    return std::tie(a.ecosystem, a.name, a.version, a.arch) < std::tie(b.ecosystem, b.name, b.version, b.arch);
  });
  return inv;
}

std::unique_ptr<cache::LayerCache> open_layer_cache(const InventoryOptions& opts) {
  if (!opts.use_cache) return nullptr;
  std::vector<CatalogerInfo> cats;
  for (const CatalogerInfo& c : all_catalogers())
    if (!opts.os_only || !c.application) cats.push_back(c);
  WalkOptions wo;
  return std::make_unique<cache::LayerCache>(
      opts.cache_dir.empty() ? cache_dir() : opts.cache_dir,
      cache::catalogers_version(walk_description(cats, opts.lockfiles, wo)),
      opts.cache_max_bytes ? opts.cache_max_bytes : cache::kDefaultMaxBytes);
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
  std::vector<CatalogerInfo> cats;
  for (const CatalogerInfo& c : all_catalogers())
    if (!opts.os_only || !c.application) cats.push_back(c);
  const bool lockfiles = opts.lockfiles || image.info.kind == "fs";
  WalkOptions wo;
  wo.wants = [cats, lockfiles](std::string_view p) {
    if (os_release_wants(p) || (lockfiles && lockfile_wants(p))) return true;
    for (const CatalogerInfo& c : cats)
      if (c.wants(p)) return true;
    return false;
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
  wo.spill_dir = cache_dir() + "/tmp";
  // The cache key must describe this walk; fs: sources read lockfiles whatever the option says.
  std::unique_ptr<cache::LayerCache> lc;
  if (opts.use_cache)
    lc = std::make_unique<cache::LayerCache>(
        opts.cache_dir.empty() ? cache_dir() : opts.cache_dir,
        cache::catalogers_version(walk_description(cats, lockfiles, wo)),
        opts.cache_max_bytes ? opts.cache_max_bytes : cache::kDefaultMaxBytes);
  // The catalogers' results for this chain of layers, when every layer is one the cache may stand for.
  std::string memo_key;
  if (lc && !image.last_layer_is_drift && !image.layers.empty()) {
    memo_key = fmt::format("{}\nretirejs {}\nos_owned {}\nfs {}\n", lc->version(),
                           sha256_hex(opts.retirejs_repository), opts.include_os_owned, image.info.kind == "fs");
    bool trusted = true;
    for (const LayerSource& l : image.layers) {
      if (l.info.diff_id.empty() || l.keep) memo_key.clear();
      if (memo_key.empty()) break;
      memo_key += l.info.diff_id + "\n";
      trusted = trusted && (l.content_addressed || lc->verified(l.identity, l.info.diff_id));
    }
    if (!memo_key.empty() && trusted)
      if (auto m = cache::load_memo(lc->root(), memo_key); m && m->layer_bytes.size() == image.layers.size()) {
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
  DAGDA_ASSIGN_OR_RETURN(std::vector<LayerIndex> layers, walk_layers(image, wo, opts.threads, lc.get()));

  Inventory inv = catalog_layers(image.info, image.warnings, layers, cats, lockfiles, opts);
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
    std::vector<LayerIndex> base(layers.begin(), layers.end() - 1);
    SourceInfo base_info = image.info;
    base_info.layers.pop_back();
    Inventory before = catalog_layers(base_info, {}, base, cats, lockfiles, opts);
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
