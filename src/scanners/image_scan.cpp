#include "scanners/image_scan.hpp"

#include <fmt/format.h>

#include <map>
#include <mutex>
#include <set>

#include "cache/codec.hpp"
#include "common/digest.hpp"
#include "layers/tee_sink.hpp"
#include "scanners/image_checks.hpp"
#include "scanners/secret.hpp"

namespace dagda::scanners {
namespace {

// What the secret scanner, the Dockerfile checks and the malware scanner found in one layer's files.
struct LayerFinds {
  std::vector<std::pair<std::string, std::vector<SecretHit>>> files;  // (path, hits)
  std::vector<std::pair<std::string, std::string>> dockerfiles;       // (path, text)
  uint64_t truncated = 0;  // files cut at the secret scanner's per-file bound
  std::vector<std::pair<std::string, malware::Hit>> malware;  // (path, hit)
  uint64_t malware_too_large = 0, malware_incomplete = 0;
  std::vector<std::string> incomplete_examples;  // "path: why", the first few
};

// The cache's form of a layer's results: its LayerFinds, then the FsWatch part.
void encode_finds(const LayerFinds& f, std::string& out) {
  cache::put_u64(out, f.truncated);
  cache::put_u64(out, f.files.size());
  for (const auto& [path, hits] : f.files) {
    cache::put_str(out, path);
    cache::put_u64(out, hits.size());
    for (const SecretHit& h : hits) {
      for (const std::string* v : {&h.rule, &h.title, &h.severity, &h.evidence, &h.secret_digest}) cache::put_str(out, *v);
      cache::put_u64(out, h.line);
    }
  }
  cache::put_u64(out, f.dockerfiles.size());
  for (const auto& [path, text] : f.dockerfiles) {
    cache::put_str(out, path);
    cache::put_str(out, text);
  }
  cache::put_u64(out, f.malware.size());
  for (const auto& [path, hit] : f.malware) {
    cache::put_str(out, path);
    cache::put_str(out, hit.engine);
    cache::put_str(out, hit.name);
  }
  cache::put_u64(out, f.malware_too_large);
  cache::put_u64(out, f.malware_incomplete);
  cache::put_u64(out, f.incomplete_examples.size());
  for (const std::string& e : f.incomplete_examples) cache::put_str(out, e);
}

bool decode_finds(cache::Cursor& c, LayerFinds& f) {
  uint64_t n = 0;
  if (!c.u64(&f.truncated) || !c.u64(&n) || n > c.left() / 12) return false;
  for (uint64_t i = 0; i < n; ++i) {
    auto& [path, hits] = f.files.emplace_back();
    uint64_t nh = 0;
    if (!c.str(&path) || !c.u64(&nh) || nh > c.left() / 28) return false;
    for (uint64_t k = 0; k < nh; ++k) {
      SecretHit& h = hits.emplace_back();
      for (std::string* v : {&h.rule, &h.title, &h.severity, &h.evidence, &h.secret_digest})
        if (!c.str(v)) return false;
      if (!c.u64(&h.line)) return false;
    }
  }
  if (!c.u64(&n) || n > c.left() / 8) return false;
  for (uint64_t i = 0; i < n; ++i) {
    auto& [path, text] = f.dockerfiles.emplace_back();
    if (!c.str(&path) || !c.str(&text)) return false;
  }
  if (!c.u64(&n) || n > c.left() / 24) return false;
  for (uint64_t i = 0; i < n; ++i) {
    auto& [path, hit] = f.malware.emplace_back();
    if (!c.str(&path) || !c.str(&hit.engine) || !c.str(&hit.name)) return false;
  }
  if (!c.u64(&f.malware_too_large) || !c.u64(&f.malware_incomplete) || !c.u64(&n) || n > c.left() / 8) return false;
  for (uint64_t i = 0; i < n; ++i)
    if (!c.str(&f.incomplete_examples.emplace_back())) return false;
  return true;
}

// A Dockerfile's text, for the config checks (read whole: they are small).
class DockerfileSink final : public ContentSink {
 public:
  explicit DockerfileSink(std::function<void(std::string)> done) : done_(std::move(done)) {}
  bool feed(std::string_view chunk) override {
    if (text_.size() + chunk.size() > kMax) {
      too_big_ = true;
      return false;
    }
    text_.append(chunk);
    return true;
  }
  void finish() override {
    if (!too_big_) done_(std::move(text_));
  }

 private:
  static constexpr size_t kMax = 1u << 20;
  std::function<void(std::string)> done_;
  std::string text_;
  bool too_big_ = false;
};

// A file held whole (it is no larger than the malware scanner's bound), scanned when it ends.
class MalwareSink final : public ContentSink {
 public:
  MalwareSink(const malware::Scanner& scanner, std::string path, uint64_t size,
              std::function<void(malware::Outcome)> done)
      : scanner_(scanner), path_(std::move(path)), done_(std::move(done)) {
    bytes_.reserve(size_t(size));
  }
  bool feed(std::string_view chunk) override {
    if (bytes_.size() + chunk.size() > scanner_.limits().max_file_bytes) return false;  // a size that lied
    bytes_.append(chunk);
    return true;
  }
  void finish() override {
    malware::Outcome o = scanner_.scan(bytes_, path_);
    std::string().swap(bytes_);
    done_(std::move(o));
  }

 private:
  const malware::Scanner& scanner_;
  std::string path_;
  std::string bytes_;
  std::function<void(malware::Outcome)> done_;
};

Finding malware_finding(const malware::Hit& h, std::string target, std::string layer) {
  Finding f;
  f.kind = std::string(kKindMalware);
  f.package = kNoPackage;
  f.id = h.name;
  f.title = (h.engine == malware::kClamav ? "ClamAV signature " : "YARA rule ") + h.name;
  f.severity = "critical";
  f.target = std::move(target);
  f.evidence = h.engine;
  f.layer = std::move(layer);
  return f;
}

// What the malware results depend on, short, for the per-layer cache key.
std::string malware_key(const ImageScanOptions& o) {
  return sha256_hex(malware::scanner_identity(o.malware_signatures, o.malware_limits)).substr(0, 16);
}

Finding secret_finding(const SecretHit& h, std::string target, std::string layer) {
  Finding f;
  f.kind = std::string(kKindSecret);
  f.package = kNoPackage;
  f.id = h.rule;
  f.title = h.title;
  f.severity = h.severity;
  f.target = std::move(target);
  f.line = h.line;
  f.evidence = h.evidence;
  f.layer = std::move(layer);
  return f;
}

}  // namespace

struct ImageScan::State {
  ImageScanOptions opts;
  std::unique_ptr<SecretScanner> secrets;
  std::string rules_digest;
  FsWatch fs;
  std::mutex mu;
  std::map<int, LayerFinds> layers;  // by layer index
  std::shared_ptr<const malware::Scanner> malware;
};

ImageScan::ImageScan(std::unique_ptr<State> s) : s_(std::move(s)) {}
ImageScan::~ImageScan() = default;

Result<std::unique_ptr<ImageScan>> ImageScan::create(const ImageScanOptions& opts) {
  auto s = std::make_unique<State>();
  s->opts = opts;
  if (opts.selection.secret || opts.selection.config) {
    SecretConfig config;
    if (!opts.secret_config.empty()) {
      DAGDA_ASSIGN_OR_RETURN(config, load_secret_config(opts.secret_config));
    }
    DAGDA_ASSIGN_OR_RETURN(s->secrets, SecretScanner::create(config));
    s->rules_digest = secret_rules_digest(config);
  }
  if (opts.selection.malware && !opts.malware_signatures.empty()) {
    DAGDA_ASSIGN_OR_RETURN(s->malware,
                           malware::shared_scanner(opts.malware_signatures, opts.tmp_dir, opts.malware_limits));
  }
  return std::unique_ptr<ImageScan>(new ImageScan(std::move(s)));
}

bool ImageScan::watches_layers() const {
  return s_->opts.selection.secret || s_->opts.selection.config || s_->malware;
}

std::shared_ptr<const LayerWatch> ImageScan::layer_watch() {
  if (!watches_layers()) return nullptr;
  State* s = s_.get();
  auto w = std::make_shared<LayerWatch>();
  w->key = fmt::format("image-scan-2 secret={} config={} rules={} malware={}", s->opts.selection.secret,
                       s->opts.selection.config, s->rules_digest, s->malware ? malware_key(s->opts) : "off");
  w->observe = [s](const LayerInfo& layer, const EntryMeta& e) -> std::unique_ptr<ContentSink> {
    if (s->opts.selection.config) s->fs.see(layer, e);
    if (e.kind != LayerEntry::Kind::file) return nullptr;
    std::unique_ptr<ContentSink> secret, dockerfile;
    const int index = layer.index;
    if (s->opts.selection.secret) {
      secret = s->secrets->sink(
          std::string(e.path), e.size,
          [s, index, path = std::string(e.path)](std::vector<SecretHit> hits) {
            std::lock_guard lock(s->mu);
            s->layers[index].files.emplace_back(path, std::move(hits));
          },
          [s, index] {
            std::lock_guard lock(s->mu);
            ++s->layers[index].truncated;
          });
    }
    if (s->opts.selection.config && is_dockerfile(e.path)) {
      dockerfile = std::make_unique<DockerfileSink>([s, index, path = std::string(e.path)](std::string text) {
        std::lock_guard lock(s->mu);
        s->layers[index].dockerfiles.emplace_back(path, std::move(text));
      });
    }
    std::unique_ptr<ContentSink> malware_sink;
    if (s->malware && e.size > 0) {
      if (e.size > s->malware->limits().max_file_bytes) {
        std::lock_guard lock(s->mu);
        ++s->layers[index].malware_too_large;
      } else {
        malware_sink = std::make_unique<MalwareSink>(
            *s->malware, std::string(e.path), e.size, [s, index, path = std::string(e.path)](malware::Outcome o) {
              std::lock_guard lock(s->mu);
              LayerFinds& l = s->layers[index];
              for (malware::Hit& h : o.hits) l.malware.emplace_back(path, std::move(h));
              if (!o.incomplete.empty()) {
                ++l.malware_incomplete;
                if (l.incomplete_examples.size() < 3) l.incomplete_examples.push_back(path + ": " + o.incomplete);
              }
            });
      }
    }
    return tee_sinks(tee_sinks(std::move(secret), std::move(dockerfile)), std::move(malware_sink));
  };
  w->save = [s](const LayerInfo& layer) {
    std::string finds, fs;
    {
      std::lock_guard lock(s->mu);
      auto it = s->layers.find(layer.index);
      encode_finds(it == s->layers.end() ? LayerFinds{} : it->second, finds);
    }
    s->fs.save(layer.index, fs);
    std::string out;
    cache::put_str(out, finds);
    cache::put_str(out, fs);
    return out;
  };
  w->restore = [s](const LayerInfo& layer, std::string_view bytes) {
    cache::Cursor c(bytes);
    std::string finds_bytes, fs_bytes;
    if (!c.str(&finds_bytes) || !c.str(&fs_bytes) || c.left() != 0) return false;
    cache::Cursor fc(finds_bytes);
    LayerFinds finds;
    if (!decode_finds(fc, finds) || fc.left() != 0) return false;
    if (!s->fs.restore(layer.index, fs_bytes)) return false;
    std::lock_guard lock(s->mu);
    s->layers[layer.index] = std::move(finds);
    return true;
  };
  w->drop = [s](const LayerInfo& layer) {
    s->fs.drop(layer.index);
    std::lock_guard lock(s->mu);
    s->layers.erase(layer.index);
  };
  return w;
}

void ImageScan::malware_results(const Inventory& inv, std::vector<Warning>& warnings, std::vector<Finding>& out) {
  if (!s_->malware) {
    warnings.push_back({"malware.no-signatures",
                        "the malware scanner ran without signatures and found nothing: none are imported; import "
                        "ClamAV databases or YARA rules with `dagda db import` (docs/scanners.md)"});
    return;
  }
  auto layer_id = [&](int index) -> std::string {
    for (const LayerInfo& l : inv.source.layers)
      if (l.index == index) return l.diff_id;
    return {};
  };
  uint64_t too_large = 0, incomplete = 0;
  std::string examples;
  size_t shown = 0;
  std::lock_guard lock(s_->mu);
  for (const auto& [index, layer] : s_->layers) {
    for (const auto& [path, hit] : layer.malware) out.push_back(malware_finding(hit, path, layer_id(index)));
    too_large += layer.malware_too_large;
    incomplete += layer.malware_incomplete;
    for (const std::string& e : layer.incomplete_examples)
      if (shown++ < 3) examples += (examples.empty() ? "" : "; ") + e;
  }
  if (too_large)
    warnings.push_back({"malware.file-too-large",
                        fmt::format("{} file{} larger than the malware scanner's per-file bound ({} MiB) {} not "
                                    "scanned for malware",
                                    too_large, too_large == 1 ? "" : "s", s_->malware->limits().max_file_bytes >> 20,
                                    too_large == 1 ? "was" : "were")});
  if (incomplete)
    warnings.push_back({"malware.scan-incomplete",
                        fmt::format("{} file{} scanned for malware in part only: a size, depth, member-count or "
                                    "time bound was reached ({})",
                                    incomplete, incomplete == 1 ? " was" : "s were", examples)});
}

std::vector<Finding> ImageScan::finish(const Inventory& inv, std::vector<Warning>& warnings) {
  std::vector<Finding> out;
  auto layer_id = [&](int index) -> std::string {
    for (const LayerInfo& l : inv.source.layers)
      if (l.index == index) return l.diff_id;
    return {};
  };
  const Selection& sel = s_->opts.selection;
  if (sel.secret) {
    std::lock_guard lock(s_->mu);
    for (const auto& [index, layer] : s_->layers)
      for (const auto& [path, hits] : layer.files)
        for (const SecretHit& h : hits) out.push_back(secret_finding(h, path, layer_id(index)));
    // The image config and history: a secret found in Env and again in the history step that set it
    // is one finding (the Env one).
    std::set<std::string> seen;
    const ImageSettings& st = inv.source.settings;
    for (const std::string& env : st.env) {
      std::vector<SecretHit> hits;
      s_->secrets->scan_env(env, hits);
      for (const SecretHit& h : hits)
        if (seen.insert(h.rule + '\0' + h.secret_digest).second) {
          std::string key = env.substr(0, env.find('='));
          out.push_back(secret_finding(h, "image config: Env " + key, ""));
        }
    }
    for (size_t i = 0; i < st.labels.size(); ++i) {
      std::vector<SecretHit> hits;
      s_->secrets->scan_env(st.labels[i].first + "=" + st.labels[i].second, hits);
      for (const SecretHit& h : hits)
        if (seen.insert(h.rule + '\0' + h.secret_digest).second)
          out.push_back(secret_finding(h, "image config: Labels " + st.labels[i].first, ""));
    }
    for (size_t i = 0; i < st.history.size(); ++i) {
      std::vector<SecretHit> hits;
      s_->secrets->scan(st.history[i].created_by, "", 0, hits);
      for (const SecretHit& h : hits)
        if (seen.insert(h.rule + '\0' + h.secret_digest).second)
          out.push_back(secret_finding(h, fmt::format("image history: step {}", i + 1),
                                       st.history[i].layer >= 0 ? layer_id(st.history[i].layer) : ""));
    }
    uint64_t n = 0;
    for (const auto& [index, layer] : s_->layers) n += layer.truncated;
    if (n)
      warnings.push_back({"secret.file-truncated",
                          fmt::format("{} file{} larger than the secret scanner's per-file bound {} scanned in "
                                      "{} first bytes only",
                                      n, n == 1 ? "" : "s", n == 1 ? "was" : "were", n == 1 ? "its" : "their")});
  }
  if (sel.config) {
    for (Finding& f : settings_findings(inv.source, sel.secret ? nullptr : s_->secrets.get())) out.push_back(std::move(f));
    for (Finding& f : s_->fs.findings(inv)) out.push_back(std::move(f));
    std::lock_guard lock(s_->mu);
    for (const auto& [index, layer] : s_->layers)
      for (const auto& [path, text] : layer.dockerfiles)
        // A Dockerfile's ENV/ARG values are checked here whatever runs: the secret scanner reads the
        // file too, but its generic password rule covers configuration files only.
        for (Finding& f : dockerfile_findings(text, path, layer_id(index), s_->secrets.get()))
          out.push_back(std::move(f));
  }
  if (sel.malware) malware_results(inv, warnings, out);
  std::sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.kind, a.target, a.line, a.id, a.layer) < std::tie(b.kind, b.target, b.line, b.id, b.layer);
  });
  return out;
}

}  // namespace dagda::scanners
