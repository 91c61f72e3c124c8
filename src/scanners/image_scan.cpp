#include "scanners/image_scan.hpp"

#include <fmt/format.h>

#include <map>
#include <mutex>
#include <set>

#include "scanners/image_checks.hpp"
#include "scanners/secret.hpp"

namespace dagda::scanners {
namespace {

// A file's hits, with where they were.
struct FileHits {
  int layer;
  std::string path;
  std::vector<SecretHit> hits;
};

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

// Both sinks for one file: each stops on its own.
class TeeSink final : public ContentSink {
 public:
  TeeSink(std::unique_ptr<ContentSink> a, std::unique_ptr<ContentSink> b) : a_(std::move(a)), b_(std::move(b)) {}
  bool feed(std::string_view chunk) override {
    step(a_, chunk);
    step(b_, chunk);
    return a_ || b_;
  }
  void finish() override {
    if (a_) a_->finish();
    if (b_) b_->finish();
  }

 private:
  static void step(std::unique_ptr<ContentSink>& s, std::string_view chunk) {
    if (s && !s->feed(chunk)) {
      s->finish();
      s.reset();
    }
  }
  std::unique_ptr<ContentSink> a_, b_;
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

std::unique_ptr<ContentSink> tee(std::unique_ptr<ContentSink> a, std::unique_ptr<ContentSink> b) {
  if (a && b) return std::make_unique<TeeSink>(std::move(a), std::move(b));
  return a ? std::move(a) : std::move(b);
}

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
  FsWatch fs;
  std::mutex mu;
  std::vector<FileHits> file_hits;
  std::vector<std::tuple<int, std::string, std::string>> dockerfiles;  // (layer, path, text)
  std::unique_ptr<malware::Scanner> malware;
  std::vector<std::tuple<int, std::string, malware::Hit>> malware_hits;  // (layer, path, hit)
  uint64_t malware_too_large = 0, malware_incomplete = 0;
  std::vector<std::string> incomplete_examples;  // "path: why", the first few
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
  }
  if (opts.selection.malware && !opts.malware_signatures.empty()) {
    DAGDA_ASSIGN_OR_RETURN(s->malware,
                           malware::Scanner::create(opts.malware_signatures, opts.tmp_dir, opts.malware_limits));
  }
  return std::unique_ptr<ImageScan>(new ImageScan(std::move(s)));
}

bool ImageScan::watches_layers() const {
  return s_->opts.selection.secret || s_->opts.selection.config || s_->malware;
}

std::function<std::unique_ptr<ContentSink>(const LayerInfo&, const EntryMeta&)> ImageScan::observer() {
  State* s = s_.get();
  return [s](const LayerInfo& layer, const EntryMeta& e) -> std::unique_ptr<ContentSink> {
    if (s->opts.selection.config) s->fs.see(layer, e);
    if (e.kind != LayerEntry::Kind::file) return nullptr;
    std::unique_ptr<ContentSink> secret, dockerfile;
    const int index = layer.index;
    if (s->opts.selection.secret) {
      secret = s->secrets->sink(std::string(e.path), [s, index, path = std::string(e.path)](std::vector<SecretHit> hits) {
        std::lock_guard lock(s->mu);
        s->file_hits.push_back({index, path, std::move(hits)});
      });
    }
    if (s->opts.selection.config && is_dockerfile(e.path)) {
      dockerfile = std::make_unique<DockerfileSink>([s, index, path = std::string(e.path)](std::string text) {
        std::lock_guard lock(s->mu);
        s->dockerfiles.emplace_back(index, path, std::move(text));
      });
    }
    std::unique_ptr<ContentSink> malware_sink;
    if (s->malware && e.size > 0) {
      if (e.size > s->malware->limits().max_file_bytes) {
        std::lock_guard lock(s->mu);
        ++s->malware_too_large;
      } else {
        malware_sink = std::make_unique<MalwareSink>(
            *s->malware, std::string(e.path), e.size, [s, index, path = std::string(e.path)](malware::Outcome o) {
              std::lock_guard lock(s->mu);
              for (malware::Hit& h : o.hits) s->malware_hits.emplace_back(index, path, std::move(h));
              if (!o.incomplete.empty()) {
                ++s->malware_incomplete;
                if (s->incomplete_examples.size() < 3) s->incomplete_examples.push_back(path + ": " + o.incomplete);
              }
            });
      }
    }
    return tee(tee(std::move(secret), std::move(dockerfile)), std::move(malware_sink));
  };
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
  std::lock_guard lock(s_->mu);
  for (auto& [layer, path, hit] : s_->malware_hits) out.push_back(malware_finding(hit, path, layer_id(layer)));
  if (uint64_t n = s_->malware_too_large)
    warnings.push_back({"malware.file-too-large",
                        fmt::format("{} file{} larger than the malware scanner's per-file bound ({} MiB) {} not "
                                    "scanned for malware",
                                    n, n == 1 ? "" : "s", s_->malware->limits().max_file_bytes >> 20,
                                    n == 1 ? "was" : "were")});
  if (uint64_t n = s_->malware_incomplete) {
    std::string examples;
    for (const std::string& e : s_->incomplete_examples) examples += (examples.empty() ? "" : "; ") + e;
    warnings.push_back({"malware.scan-incomplete",
                        fmt::format("{} file{} scanned for malware in part only: a size, depth, member-count or "
                                    "time bound was reached ({})",
                                    n, n == 1 ? " was" : "s were", examples)});
  }
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
    for (const FileHits& fh : s_->file_hits)
      for (const SecretHit& h : fh.hits) out.push_back(secret_finding(h, fh.path, layer_id(fh.layer)));
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
    if (uint64_t n = s_->secrets->truncated_files())
      warnings.push_back({"secret.file-truncated",
                          fmt::format("{} file{} larger than the secret scanner's per-file bound {} scanned in "
                                      "{} first bytes only",
                                      n, n == 1 ? "" : "s", n == 1 ? "was" : "were", n == 1 ? "its" : "their")});
  }
  if (sel.config) {
    for (Finding& f : settings_findings(inv.source, sel.secret ? nullptr : s_->secrets.get())) out.push_back(std::move(f));
    for (Finding& f : s_->fs.findings(inv)) out.push_back(std::move(f));
    std::lock_guard lock(s_->mu);
    for (auto& [layer, path, text] : s_->dockerfiles)
      // A Dockerfile's ENV/ARG values are checked here whatever runs: the secret scanner reads the
      // file too, but its generic password rule covers configuration files only.
      for (Finding& f : dockerfile_findings(text, path, layer_id(layer), s_->secrets.get()))
        out.push_back(std::move(f));
  }
  if (sel.malware) malware_results(inv, warnings, out);
  std::sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.kind, a.target, a.line, a.id, a.layer) < std::tie(b.kind, b.target, b.line, b.id, b.layer);
  });
  return out;
}

}  // namespace dagda::scanners
