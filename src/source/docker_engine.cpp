// docker:REF — an image in the engine behind DOCKER_HOST (Docker or Podman's API
// service). The image's description (GET /images/REF/json) gives its id and diff
// ids; the layers are read from the export stream (GET /images/ID/get, a
// `docker save` tar) one by one as they arrive, never stored whole. Layers the
// per-layer cache already holds are skipped, and when every layer and the
// image's config are cached the export is not asked for at all.
#include <archive.h>
#include <archive_entry.h>

#include <map>
#include <set>

#include <fmt/format.h>

#include "common/digest.hpp"
#include "net/engine.hpp"
#include "source/engine_image.hpp"
#include "source/image_config.hpp"
#include "source/remote.hpp"
#include "source/sources.hpp"

namespace dagda {
namespace {

constexpr uint64_t kMaxSmallMember = 64u << 20;  // configs, manifest.json, index.json

// A tar read as it arrives (the export stream), member by member.
class StreamTar {
 public:
  StreamTar(std::unique_ptr<ByteStream> in, std::string name) : in_(std::move(in)), name_(std::move(name)), buf_(1 << 20) {
    a_ = archive_read_new();
    archive_read_support_format_tar(a_);
    archive_read_support_format_gnutar(a_);
  }
  ~StreamTar() { archive_read_free(a_); }
  StreamTar(const StreamTar&) = delete;
  StreamTar& operator=(const StreamTar&) = delete;

  Status start() {
    if (archive_read_open(a_, this, nullptr, &StreamTar::on_read, nullptr) != ARCHIVE_OK) return failure("cannot start");
    return ok_status();
  }

  struct Member {
    std::string name;
    char type = '0';  // '0' file, '5' dir, '2' symlink, '1' hard link, '?' other
    uint64_t size = 0;
  };
  // The next member's header; false at the end of the archive.
  Result<bool> next(Member* m) {
    archive_entry* e = nullptr;
    int r = archive_read_next_header(a_, &e);
    if (r == ARCHIVE_EOF) return false;
    if (r < ARCHIVE_WARN) return failure("damaged tar");
    const char* p = archive_entry_pathname(e);
    m->name = p ? p : "";
    while (m->name.starts_with("./")) m->name.erase(0, 2);
    switch (archive_entry_filetype(e)) {
      case AE_IFREG: m->type = archive_entry_hardlink(e) ? '1' : '0'; break;
      case AE_IFDIR: m->type = '5'; break;
      case AE_IFLNK: m->type = '2'; break;
      default: m->type = '?';
    }
    m->size = archive_entry_size_is_set(e) ? static_cast<uint64_t>(archive_entry_size(e)) : 0;
    return true;
  }

  // The current member's data.
  Result<size_t> read(char* out, size_t n) {
    la_ssize_t got = archive_read_data(a_, out, n);
    if (got < 0) return failure("damaged tar");
    return static_cast<size_t>(got);
  }

  Result<std::string> read_all(uint64_t limit, const std::string& member) {
    std::string out;
    char buf[65536];
    for (;;) {
      DAGDA_ASSIGN_OR_RETURN(size_t n, read(buf, sizeof buf));
      if (n == 0) return out;
      if (out.size() + n > limit)
        return Error(ErrorCode::corrupt, fmt::format("member {} is larger than {} bytes", member, limit), {.file = name_});
      out.append(buf, n);
    }
  }

  // Reads past the rest of the current member and checks that the stream ends cleanly.
  Status drain() {
    char buf[65536];
    for (;;) {
      DAGDA_ASSIGN_OR_RETURN(size_t n, read(buf, sizeof buf));
      if (n == 0) return ok_status();
    }
  }

 private:
  static la_ssize_t on_read(archive*, void* self, const void** out) {
    auto* t = static_cast<StreamTar*>(self);
    auto got = t->in_->read(t->buf_.data(), t->buf_.size());
    if (!got.ok()) {
      t->error_ = std::move(got).error();
      return -1;
    }
    *out = t->buf_.data();
    return static_cast<la_ssize_t>(*got);
  }
  Error failure(std::string_view what) {
    if (error_) return *error_;
    const char* msg = archive_error_string(a_);
    return Error(ErrorCode::corrupt, fmt::format("{}: {}", what, msg ? msg : "unknown error"), {.file = name_});
  }

  std::unique_ptr<ByteStream> in_;
  std::string name_;
  std::vector<char> buf_;
  archive* a_ = nullptr;
  std::optional<Error> error_;
};

// One member of a StreamTar as a ByteStream (the layer reader reads it to its end).
class MemberStream final : public ByteStream {
 public:
  explicit MemberStream(StreamTar& t) : t_(t) {}
  Result<size_t> read(char* buf, size_t n) override { return t_.read(buf, n); }

 private:
  StreamTar& t_;
};

// Lets the first bytes of a stream be looked at and then read again.
class Replay final : public ByteStream {
 public:
  Replay(std::string head, ByteStream& rest) : head_(std::move(head)), rest_(rest) {}
  Result<size_t> read(char* buf, size_t n) override {
    if (off_ < head_.size()) {
      size_t k = std::min(n, head_.size() - off_);
      std::memcpy(buf, head_.data() + off_, k);
      off_ += k;
      return k;
    }
    return rest_.read(buf, n);
  }

 private:
  std::string head_;
  size_t off_ = 0;
  ByteStream& rest_;
};

std::string base_name(const std::string& p) { return p.substr(p.rfind('/') == std::string::npos ? 0 : p.rfind('/') + 1); }

bool is_metadata_name(const std::string& name) {
  std::string base = base_name(name);
  return base.ends_with(".json") || base == "json" || base == "VERSION" || base == "repositories" ||
         base == "oci-layout";
}

// The 64 hex digits a member name carries ("<hex>.tar", "blobs/sha256/<hex>", "<hex>/layer.tar"), or "".
std::string hex_in(const std::string& name) {
  std::string base = base_name(name);
  if (base == "layer.tar") {
    size_t slash = name.rfind('/');
    base = slash == std::string::npos ? "" : base_name(name.substr(0, slash));
  } else if (base.ends_with(".tar")) {
    base.resize(base.size() - 4);
  }
  std::string hex;
  return parse_sha256_digest("sha256:" + base, &hex) ? hex : std::string();
}

// The image config from what an export carried: manifest.json (docker save), or index.json and the
// manifest blob (an OCI layout export).
Result<std::string> config_from_export(const std::map<std::string, std::string>& small, const std::string& name) {
  auto find = [&](const std::string& n) -> const std::string* {
    auto it = small.find(n);
    return it == small.end() ? nullptr : &it->second;
  };
  if (const std::string* m = find("manifest.json")) {
    DAGDA_ASSIGN_OR_RETURN(nlohmann::json j, parse_json(*m, name + ":manifest.json"));
    if (j.is_array() && !j.empty()) {
      std::string cfg = json_string(j[0], "Config");
      if (const std::string* c = find(cfg)) return *c;
      return Error(ErrorCode::corrupt, fmt::format("the export's manifest.json names config '{}', which it does not hold",
                                                   cfg.substr(0, 100)),
                   {.file = name});
    }
  }
  if (const std::string* idx = find("index.json")) {
    DAGDA_ASSIGN_OR_RETURN(nlohmann::json j, parse_json(*idx, name + ":index.json"));
    if (j.is_object() && j.contains("manifests") && j["manifests"].is_array() && !j["manifests"].empty()) {
      std::string hex;
      if (parse_sha256_digest(json_string(j["manifests"][0], "digest"), &hex))
        if (const std::string* m = find("blobs/sha256/" + hex)) {
          DAGDA_ASSIGN_OR_RETURN(nlohmann::json mj, parse_json(*m, name + ":blobs/sha256/" + hex));
          if (mj.is_object() && mj.contains("config") &&
              parse_sha256_digest(json_string(mj["config"], "digest"), &hex))
            if (const std::string* c = find("blobs/sha256/" + hex)) return *c;
        }
    }
  }
  return Error(ErrorCode::corrupt, "the export holds no manifest.json or index.json naming the image config",
               {.file = name});
}

void apply_config(const ImageConfig& cfg, SourceInfo& info) {
  for (size_t i = 0; i < info.layers.size() && i < cfg.created_by.size(); ++i) info.layers[i].created_by = cfg.created_by[i];
  if (info.os.empty()) info.os = cfg.os;
  if (info.architecture.empty()) info.architecture = cfg.architecture;
  if (info.variant.empty()) info.variant = cfg.variant;
  info.settings = cfg.settings;
}

std::string config_cache_key(const std::string& image_id) { return "engine-config-" + image_id.substr(image_id.find(':') + 1); }

// Reads the export of image `id`, visiting the layers that are wanted.
Status read_export(net::EngineClient& engine, const net::EngineImage& ei, const std::string& input,
                   const std::vector<bool>& wanted, const LayerVisitor& visit, SourceInfo& info,
                   const SourceOptions& opts, bool need_config) {
  std::string name = fmt::format("{} (export from {})", input, engine.describe());
  auto streamed = engine.stream("/images/" + net::engine_path_escape(ei.id, false) + "/get");
  if (!streamed.ok()) return name_error(std::move(streamed).error(), input);
  StreamTar tar(body_stream(std::move(streamed->body), name), name);
  DAGDA_TRY(tar.start());

  std::map<std::string, std::vector<size_t>> slots;  // diff id -> layer positions
  for (size_t i = 0; i < ei.diff_ids.size(); ++i) slots[ei.diff_ids[i]].push_back(i);
  auto still_wanted = [&](const std::string& diff_id, const std::set<std::string>& seen) {
    if (seen.count(diff_id)) return false;
    auto it = slots.find(diff_id);
    if (it == slots.end()) return false;
    for (size_t i : it->second)
      if (wanted[i]) return true;
    return false;
  };
  std::set<std::string> seen;  // diff ids delivered
  std::map<std::string, std::string> small;
  StreamTar::Member m;
  for (;;) {
    DAGDA_ASSIGN_OR_RETURN(bool more, tar.next(&m));
    if (!more) break;
    if (m.type != '0') continue;  // directories, and links between the legacy and the OCI layout
    MemberStream member(tar);
    // What is this member? Metadata is small JSON; a blob of an OCI layout may be either.
    std::string head;
    bool metadata = is_metadata_name(m.name);
    if (!metadata && m.name.starts_with("blobs/") && m.size <= kMaxSmallMember) {
      head.resize(std::min<uint64_t>(m.size, 64));
      size_t got = 0;
      while (got < head.size()) {
        DAGDA_ASSIGN_OR_RETURN(size_t n, member.read(head.data() + got, head.size() - got));
        if (n == 0) break;
        got += n;
      }
      head.resize(got);
      size_t first = head.find_first_not_of(" \t\r\n");
      metadata = first != std::string::npos && head[first] == '{';
    }
    if (metadata) {
      DAGDA_ASSIGN_OR_RETURN(std::string rest, tar.read_all(kMaxSmallMember, m.name));
      small[m.name] = head + rest;
      continue;
    }
    std::string hex = hex_in(m.name);
    std::string named_diff = !hex.empty() && slots.count("sha256:" + hex) ? "sha256:" + hex : "";
    bool unknown_but_useless = named_diff.empty() && std::find(wanted.begin(), wanted.end(), true) == wanted.end();
    if ((!named_diff.empty() && !still_wanted(named_diff, seen)) || unknown_but_useless) {
      DAGDA_TRY(tar.drain());
      continue;
    }
    std::string lname = fmt::format("{}:{}", name, m.name);
    std::unique_ptr<ByteStream> s = std::make_unique<Replay>(head, member);
    // A blob named by a digest that is not a diff id is a compressed layer: check that digest too.
    if (!hex.empty() && named_diff.empty() && m.name.starts_with("blobs/sha256/"))
      s = verify_sha256_stream(std::move(s), hex, lname);
    DAGDA_ASSIGN_OR_RETURN(s, decompress_stream(std::move(s), lname, opts.max_layer_bytes));
    auto actual = std::make_shared<std::string>();
    std::string expect_hex = named_diff.empty() ? "" : named_diff.substr(7);
    s = verify_sha256_stream(std::move(s), expect_hex, lname + " (uncompressed)", actual);
    ArrivingLayer al;
    al.tar = s.get();
    al.diff_id = named_diff;
    al.actual_hex = actual;  // known once the visitor has read the layer to its end
    Status st = visit(al);
    if (!st.ok()) return name_error(std::move(st).error(), input);
    std::string diff = "sha256:" + *actual;
    if (!slots.count(diff))
      return Error(ErrorCode::corrupt,
                   fmt::format("the export holds a layer ({}, {}) that the image's description does not list", m.name,
                               diff),
                   {.file = input});
    seen.insert(diff);
  }
  for (size_t i = 0; i < ei.diff_ids.size(); ++i)
    if (wanted[i] && !seen.count(ei.diff_ids[i]))
      return Error(ErrorCode::corrupt, fmt::format("the engine's export lacks layer {} ({})", i, ei.diff_ids[i]),
                   {.file = input});
  if (!need_config && small.empty()) return ok_status();
  DAGDA_ASSIGN_OR_RETURN(std::string ctext, config_from_export(small, name));
  DAGDA_ASSIGN_OR_RETURN(ImageConfig cfg, parse_image_config(ctext, name + " (image config)"));
  if (cfg.diff_ids != ei.diff_ids)
    return Error(ErrorCode::corrupt, "the exported image config lists other layers than the engine's description",
                 {.file = input});
  apply_config(cfg, info);
  if (opts.meta_cache) opts.meta_cache->put(config_cache_key(ei.id), ctext);
  return ok_status();
}

bool valid_engine_name(const std::string& s) {
  if (s.empty() || s.size() > 512 || s.front() == '/' || s.front() == '-') return false;
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != '.' && c != '-' && c != '_' && c != '/' && c != ':' && c != '@') return false;
  return s.find("..") == std::string::npos && s.find("//") == std::string::npos;
}

}  // namespace

Result<Image> open_engine_image(std::shared_ptr<net::EngineClient> engine, const std::string& name,
                                const std::string& input, const SourceOptions& opts) {
  if (!valid_engine_name(name))
    return Error(ErrorCode::invalid_input, fmt::format("'{}' is not an image name, reference or id", name.substr(0, 200)),
                 {.file = input});
  auto r = engine->get("/images/" + net::engine_path_escape(name, true) + "/json", 16u << 20);
  if (!r.ok()) {
    if (r.error().code() == ErrorCode::not_found)
      return Error(ErrorCode::not_found, fmt::format("no image '{}' in the engine at {}", name, engine->describe()),
                   {.file = input});
    return name_error(std::move(r).error(), input);
  }
  auto parsed = net::parse_image_inspect(r->body);
  if (!parsed.ok()) return name_error(std::move(parsed).error(), input);
  auto ei = std::make_shared<net::EngineImage>(std::move(*parsed));
  if (ei->diff_ids.empty())
    return Error(ErrorCode::corrupt, "the engine describes the image without any layer (RootFS.Layers)", {.file = input});
  for (const std::string& d : ei->diff_ids)
    if (!parse_sha256_digest(d, nullptr))
      return Error(ErrorCode::unsupported, fmt::format("layer diff id '{}' is not a sha256 digest", d.substr(0, 80)),
                   {.file = input});

  Image img;
  img.info.input = input;
  img.info.kind = "docker";
  img.info.image_id = ei->id;
  img.info.tags = ei->repo_tags;
  img.info.os = ei->os;
  img.info.architecture = ei->architecture;
  img.info.variant = ei->variant;
  for (size_t i = 0; i < ei->diff_ids.size(); ++i) {
    LayerInfo li;
    li.index = static_cast<int>(i);
    li.diff_id = ei->diff_ids[i];
    li.media_type = "application/vnd.docker.image.rootfs.diff.tar";
    img.info.layers.push_back(li);
    LayerSource ls;
    ls.info = li;
    ls.content_addressed = true;
    img.layers.push_back(std::move(ls));
  }
  // The config (history for each layer) from an earlier export, when it still matches.
  bool have_config = false;
  if (opts.meta_cache)
    if (auto text = opts.meta_cache->get(config_cache_key(ei->id))) {
      auto cfg = parse_image_config(*text, "cached config");
      if (cfg.ok() && cfg->diff_ids == ei->diff_ids) {
        apply_config(*cfg, img.info);
        have_config = true;
      }
    }
  img.stream_layers = [engine, ei, input, opts, have_config](const std::vector<bool>& wanted, const LayerVisitor& visit,
                                                            SourceInfo& info) -> Status {
    bool any = std::find(wanted.begin(), wanted.end(), true) != wanted.end();
    if (!any && have_config) return ok_status();  // everything is cached: the engine is not asked
    return read_export(*engine, *ei, input, wanted, visit, info, opts, !have_config);
  };
  return img;
}

Result<std::shared_ptr<net::EngineClient>> connect_engine(const std::string& input) {
  auto ep = net::engine_from_env();
  if (!ep.ok()) return name_error(std::move(ep).error(), input);
  auto engine = std::make_shared<net::EngineClient>(std::move(*ep));
  if (Status s = engine->ping(); !s.ok()) return name_error(std::move(s).error(), input);
  return engine;
}

Result<Image> open_docker(const std::string& ref, const SourceOptions& opts) {
  std::string input = "docker:" + ref;
  DAGDA_ASSIGN_OR_RETURN(auto engine, connect_engine(input));
  return open_engine_image(engine, ref, input, opts);
}

}  // namespace dagda
