// oci-dir / oci-archive: an OCI image layout (oci-layout, index.json, blobs/),
// as a directory or as a tar of one. An index with several platforms resolves
// to linux/amd64 unless --platform says otherwise.
#include <fmt/format.h>

#include "common/digest.hpp"
#include "source/image_config.hpp"
#include "source/sources.hpp"

namespace dagda {
namespace {

constexpr uint64_t kMaxJson = 64 << 20;
constexpr int kMaxIndexDepth = 4;

struct Platform {
  std::string os = "linux", arch = "amd64", variant;
};

Platform parse_platform(const std::string& s) {
  Platform p;
  if (s.empty()) return p;
  size_t a = s.find('/');
  if (a == std::string::npos) {
    p.arch = s;
    return p;
  }
  p.os = s.substr(0, a);
  size_t b = s.find('/', a + 1);
  p.arch = s.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
  if (b != std::string::npos) p.variant = s.substr(b + 1);
  return p;
}

struct Descriptor {
  std::string media_type, digest, hex;
  uint64_t size = 0;
  nlohmann::json platform, annotations;
};

Result<Descriptor> parse_descriptor(const nlohmann::json& j, const std::string& where) {
  Descriptor d;
  d.media_type = json_string(j, "mediaType");
  d.digest = json_string(j, "digest");
  if (!parse_sha256_digest(d.digest, &d.hex))
    return Error(ErrorCode::unsupported,
                 fmt::format("descriptor digest '{}' is not a sha256 digest", d.digest.substr(0, 80)),
                 {.file = where});
  if (j.contains("size") && j["size"].is_number_unsigned()) d.size = j["size"].get<uint64_t>();
  if (j.contains("platform")) d.platform = j["platform"];
  if (j.contains("annotations")) d.annotations = j["annotations"];
  return d;
}

// Reads a small blob and checks its digest and size.
Result<std::string> read_blob(const Store& store, const Descriptor& d) {
  std::string path = "blobs/sha256/" + d.hex;
  DAGDA_ASSIGN_OR_RETURN(std::string text, store.read(path, kMaxJson));
  std::string actual = sha256_hex(text);
  if (actual != d.hex)
    return Error(ErrorCode::corrupt, fmt::format("digest mismatch: expected {}, content is sha256:{}", d.digest, actual),
                 {.file = store.describe(path)});
  if (d.size && d.size != text.size())
    return Error(ErrorCode::corrupt, fmt::format("size mismatch: descriptor says {} bytes, blob has {}", d.size, text.size()),
                 {.file = store.describe(path)});
  return text;
}

std::string ref_name(const Descriptor& d) {
  for (const char* key : {"io.containerd.image.name", "org.opencontainers.image.ref.name"})
    if (std::string v = json_string(d.annotations, key); !v.empty()) return v;
  return {};
}

bool is_index(const Descriptor& d, const nlohmann::json& body) {
  if (d.media_type == "application/vnd.oci.image.index.v1+json" ||
      d.media_type == "application/vnd.docker.distribution.manifest.list.v2+json")
    return true;
  return d.media_type.empty() && body.contains("manifests");
}

std::string platform_string(const nlohmann::json& p) {
  std::string s = json_string(p, "os") + "/" + json_string(p, "architecture");
  if (std::string v = json_string(p, "variant"); !v.empty()) s += "/" + v;
  return s;
}

// Picks one image manifest from an index, following nested indexes.
Result<Descriptor> select_manifest(const Store& store, const nlohmann::json& index, const std::string& where,
                                   const Platform& want, const std::string& selector,
                                   int depth, std::vector<Warning>& warnings) {
  if (depth > kMaxIndexDepth) return Error(ErrorCode::corrupt, "image indexes nest too deeply", {.file = where});
  if (!index.is_object() || !index.contains("manifests") || !index["manifests"].is_array() ||
      index["manifests"].empty())
    return Error(ErrorCode::corrupt, "index lists no manifests", {.file = where});
  std::vector<Descriptor> all;
  for (const auto& m : index["manifests"]) {
    DAGDA_ASSIGN_OR_RETURN(Descriptor d, parse_descriptor(m, where));
    all.push_back(std::move(d));
  }
  std::vector<Descriptor> candidates = all;
  if (!selector.empty() && depth == 0) {
    candidates.clear();
    for (size_t i = 0; i < all.size(); ++i)
      if (ref_name(all[i]) == selector || std::to_string(i) == selector ||
          all[i].digest.rfind(selector, 0) == 0)
        candidates.push_back(all[i]);
    if (candidates.empty())
      return Error(ErrorCode::not_found, fmt::format("layout has no image '{}'", selector), {.file = where});
  }
  // Platform filtering applies to entries that declare one.
  std::vector<Descriptor> matching, with_platform;
  std::vector<std::string> available;
  for (const auto& d : candidates) {
    if (!d.platform.is_object()) {
      matching.push_back(d);
      continue;
    }
    // Attestation manifests of BuildKit carry platform unknown/unknown.
    if (json_string(d.platform, "os") == "unknown") continue;
    available.push_back(platform_string(d.platform));
    with_platform.push_back(d);
    if (json_string(d.platform, "os") == want.os && json_string(d.platform, "architecture") == want.arch &&
        (want.variant.empty() || json_string(d.platform, "variant") == want.variant))
      matching.push_back(d);
  }
  if (matching.empty()) {
    if (!with_platform.empty())
      return Error(ErrorCode::not_found,
                   fmt::format("no image for platform {}/{}{}; available: {}", want.os, want.arch,
                               want.variant.empty() ? "" : "/" + want.variant, fmt::join(available, ", ")),
                   {.file = where});
    return Error(ErrorCode::corrupt, "index lists no usable manifest", {.file = where});
  }
  if (matching.size() > 1 && depth == 0 && selector.empty())
    warnings.push_back({"source.several-images",
                        fmt::format("layout holds {} images; scanning the first. Pick one with oci-dir:PATH#REF",
                                    matching.size()),
                        {.file = where}});
  const Descriptor& chosen = matching.front();
  DAGDA_ASSIGN_OR_RETURN(std::string text, read_blob(store, chosen));
  std::string name = store.describe("blobs/sha256/" + chosen.hex);
  DAGDA_ASSIGN_OR_RETURN(nlohmann::json body, parse_json(text, name));
  if (is_index(chosen, body))
    return select_manifest(store, body, name, want, selector, depth + 1, warnings);
  return chosen;
}

}  // namespace

Result<Image> open_oci_store(std::shared_ptr<const Store> store, const std::string& input, const std::string& selector,
                             const std::string& kind, const SourceOptions& opts) {
  if (!store->exists("oci-layout"))
    return Error(ErrorCode::unsupported, "not an OCI image layout: it has no oci-layout file", {.file = input});
  DAGDA_ASSIGN_OR_RETURN(std::string layout_text, store->read("oci-layout", 1 << 20));
  DAGDA_ASSIGN_OR_RETURN(nlohmann::json layout, parse_json(layout_text, store->describe("oci-layout")));
  if (json_string(layout, "imageLayoutVersion").empty())
    return Error(ErrorCode::corrupt, "oci-layout has no imageLayoutVersion", {.file = store->describe("oci-layout")});

  Image img;
  std::string index_name = store->describe("index.json");
  DAGDA_ASSIGN_OR_RETURN(std::string index_text, store->read("index.json", kMaxJson));
  DAGDA_ASSIGN_OR_RETURN(nlohmann::json index, parse_json(index_text, index_name));
  Platform want = parse_platform(opts.platform);
  DAGDA_ASSIGN_OR_RETURN(Descriptor md, select_manifest(*store, index, index_name, want, selector, 0, img.warnings));
  DAGDA_ASSIGN_OR_RETURN(std::string mtext, read_blob(*store, md));
  std::string mname = store->describe("blobs/sha256/" + md.hex);
  DAGDA_ASSIGN_OR_RETURN(nlohmann::json manifest, parse_json(mtext, mname));
  if (!manifest.is_object() || !manifest.contains("config") || !manifest.contains("layers") ||
      !manifest["layers"].is_array())
    return Error(ErrorCode::corrupt, "image manifest lacks config or layers", {.file = mname});
  DAGDA_ASSIGN_OR_RETURN(Descriptor cd, parse_descriptor(manifest["config"], mname));
  DAGDA_ASSIGN_OR_RETURN(std::string ctext, read_blob(*store, cd));
  DAGDA_ASSIGN_OR_RETURN(ImageConfig config, parse_image_config(ctext, store->describe("blobs/sha256/" + cd.hex)));
  const auto& layers = manifest["layers"];
  if (layers.size() != config.diff_ids.size())
    return Error(ErrorCode::corrupt,
                 fmt::format("manifest lists {} layers but the config has {} diff ids", layers.size(),
                             config.diff_ids.size()),
                 {.file = mname});

  img.info.input = input;
  img.info.kind = kind;
  img.info.image_id = cd.digest;
  img.info.manifest_digest = md.digest;
  img.info.os = config.os;
  img.info.architecture = config.architecture;
  img.info.variant = config.variant;
  img.info.settings = config.settings;
  if (std::string ref = ref_name(md); !ref.empty()) img.info.tags.push_back(ref);
  for (size_t i = 0; i < layers.size(); ++i) {
    DAGDA_ASSIGN_OR_RETURN(Descriptor ld, parse_descriptor(layers[i], mname));
    std::string path = "blobs/sha256/" + ld.hex;
    if (!store->exists(path))
      return Error(ErrorCode::corrupt, fmt::format("layer blob {} is listed but missing", ld.digest), {.file = input});
    LayerInfo li;
    li.index = static_cast<int>(i);
    li.digest = ld.digest;
    li.diff_id = config.diff_ids[i];
    li.media_type = ld.media_type;
    li.size = ld.size;
    li.created_by = config.created_by[i];
    img.info.layers.push_back(li);
    img.layers.push_back(make_layer(store, path, li, opts.max_layer_bytes));
  }
  return img;
}

Result<Image> open_oci_dir(const std::string& spec, const SourceOptions& opts) {
  auto [path, selector] = split_selector(spec);
  DAGDA_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, open_dir_store(path));
  return open_oci_store(std::shared_ptr<const Store>(std::move(store)), spec, selector, "oci-dir", opts);
}

Result<Image> open_oci_archive(const std::string& spec, const SourceOptions& opts) {
  auto [path, selector] = split_selector(spec);
  DAGDA_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, open_tar_store(path));
  return open_oci_store(std::shared_ptr<const Store>(std::move(store)), spec, selector, "oci-archive", opts);
}

}  // namespace dagda
