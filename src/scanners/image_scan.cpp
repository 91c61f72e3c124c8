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
  return std::unique_ptr<ImageScan>(new ImageScan(std::move(s)));
}

bool ImageScan::watches_layers() const { return s_->opts.selection.secret || s_->opts.selection.config; }

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
    if (secret && dockerfile) return std::make_unique<TeeSink>(std::move(secret), std::move(dockerfile));
    return secret ? std::move(secret) : std::move(dockerfile);
  };
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
  std::sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.kind, a.target, a.line, a.id, a.layer) < std::tie(b.kind, b.target, b.line, b.id, b.layer);
  });
  return out;
}

}  // namespace dagda::scanners
