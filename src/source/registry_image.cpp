// registry:HOST[:PORT]/REPO[:TAG|@DIGEST] — an image read straight from a
// registry (Registry HTTP API v2 / OCI distribution). The manifest (through an
// index or manifest list, by --platform) and the config are fetched first and
// checked against their digests; each layer blob is then streamed through the
// same reader as an archive's layer (blob digest, decompression, diff id), by as
// many workers as the layer reader runs, and only for layers the cache lacks.
#include <fmt/format.h>

#include "common/digest.hpp"
#include "net/registry.hpp"
#include "source/distribution.hpp"
#include "source/image_config.hpp"
#include "source/remote.hpp"
#include "source/sources.hpp"

namespace dagda {
namespace distribution {

std::string Platform::text() const { return os + "/" + arch + (variant.empty() ? "" : "/" + variant); }

Result<Platform> parse_platform(const std::string& s) {
  Platform p;
  if (s.empty()) return p;
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find('/', i);
    if (j == std::string::npos) j = s.size();
    parts.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  if (parts.size() == 1) {
    p.arch = parts[0];
  } else if (parts.size() <= 3) {
    p.os = parts[0];
    p.arch = parts[1];
    if (parts.size() == 3) p.variant = parts[2];
  } else {
    return Error(ErrorCode::invalid_input, fmt::format("--platform '{}' is not OS/ARCH[/VARIANT]", s));
  }
  for (const std::string& part : parts)
    if (part.empty()) return Error(ErrorCode::invalid_input, fmt::format("--platform '{}' is not OS/ARCH[/VARIANT]", s));
  return p;
}

Result<Descriptor> descriptor(const nlohmann::json& j, const std::string& where) {
  Descriptor d;
  if (!j.is_object()) return Error(ErrorCode::corrupt, "a descriptor is not a JSON object", {.file = where});
  d.media_type = json_string(j, "mediaType");
  d.digest = json_string(j, "digest");
  if (!parse_sha256_digest(d.digest, nullptr))
    return Error(ErrorCode::unsupported, fmt::format("descriptor digest '{}' is not a sha256 digest", d.digest.substr(0, 80)),
                 {.file = where});
  if (auto s = j.find("size"); s != j.end() && s->is_number_unsigned()) {
    d.size = s->get<uint64_t>();
    d.has_size = true;
  }
  if (auto p = j.find("platform"); p != j.end()) d.platform = *p;
  return d;
}

Result<bool> is_index(const nlohmann::json& body, const std::string& media_type, const std::string& where) {
  if (!body.is_object()) return Error(ErrorCode::corrupt, "the manifest is not a JSON object", {.file = where});
  if (body.contains("schemaVersion") && body["schemaVersion"].is_number_integer() && body["schemaVersion"].get<int>() == 1)
    return Error(ErrorCode::unsupported, "the registry serves a Docker schema 1 manifest, which is not supported",
                 {.file = where});
  if (media_type == net::kOciIndex || media_type == net::kDockerList) return true;
  if (media_type == net::kOciManifest || media_type == net::kDockerManifest) return false;
  return body.contains("manifests") && !body.contains("layers");
}

namespace {
std::string platform_of(const nlohmann::json& p) {
  std::string s = json_string(p, "os") + "/" + json_string(p, "architecture");
  if (std::string v = json_string(p, "variant"); !v.empty()) s += "/" + v;
  return s;
}
}  // namespace

Result<Descriptor> choose_platform(const nlohmann::json& body, const Platform& want, const std::string& where,
                                   std::vector<Warning>& warnings) {
  if (!body.is_object() || !body.contains("manifests") || !body["manifests"].is_array() || body["manifests"].empty())
    return Error(ErrorCode::corrupt, "the image index lists no manifests", {.file = where});
  std::vector<Descriptor> matching;
  std::vector<std::string> available;
  for (const auto& e : body["manifests"]) {
    DAGDA_ASSIGN_OR_RETURN(Descriptor d, descriptor(e, where));
    if (!d.platform.is_object()) continue;
    if (json_string(d.platform, "os") == "unknown") continue;  // attestations
    available.push_back(platform_of(d.platform));
    if (json_string(d.platform, "os") == want.os && json_string(d.platform, "architecture") == want.arch &&
        (want.variant.empty() || json_string(d.platform, "variant") == want.variant))
      matching.push_back(std::move(d));
  }
  if (matching.empty())
    return Error(ErrorCode::not_found,
                 fmt::format("the image index has no image for platform {}; it has: {}", want.text(),
                             available.empty() ? std::string("none") : fmt::format("{}", fmt::join(available, ", "))),
                 {.file = where});
  if (matching.size() > 1)
    warnings.push_back({"source.several-images",
                        fmt::format("the index lists {} images for {}; reading the first ({})", matching.size(),
                                    want.text(), matching.front().digest),
                        {.file = where}});
  return matching.front();
}

Result<ManifestParts> manifest_parts(const nlohmann::json& body, const std::string& where) {
  if (!body.is_object() || !body.contains("config") || !body.contains("layers") || !body["layers"].is_array())
    return Error(ErrorCode::corrupt, "the image manifest lacks config or layers", {.file = where});
  ManifestParts m;
  DAGDA_ASSIGN_OR_RETURN(m.config, descriptor(body["config"], where));
  for (const auto& l : body["layers"]) {
    DAGDA_ASSIGN_OR_RETURN(Descriptor d, descriptor(l, where));
    if (d.media_type.find("encrypted") != std::string::npos)
      return Error(ErrorCode::unsupported, fmt::format("layer {} is encrypted ({})", d.digest, d.media_type),
                   {.file = where});
    m.layers.push_back(std::move(d));
  }
  return m;
}

}  // namespace distribution

namespace {

using namespace distribution;
constexpr uint64_t kMaxConfig = 64u << 20;
constexpr int kMaxIndexDepth = 4;

// The image manifest for `want`, following indexes.
Result<std::pair<net::Manifest, nlohmann::json>> resolve_manifest(net::RegistryClient& client, net::Manifest m,
                                                                   const Platform& want, const std::string& input,
                                                                   std::vector<Warning>& warnings) {
  for (int depth = 0;; ++depth) {
    DAGDA_ASSIGN_OR_RETURN(nlohmann::json body, parse_json(m.body, input + " (manifest " + m.digest + ")"));
    DAGDA_ASSIGN_OR_RETURN(bool index, is_index(body, m.media_type, input));
    if (!index) return std::make_pair(std::move(m), std::move(body));
    if (depth >= kMaxIndexDepth) return Error(ErrorCode::corrupt, "image indexes nest too deeply", {.file = input});
    DAGDA_ASSIGN_OR_RETURN(Descriptor chosen, choose_platform(body, want, input, warnings));
    DAGDA_ASSIGN_OR_RETURN(net::Manifest next, client.manifest(chosen.digest));
    if (chosen.has_size && chosen.size != next.body.size())
      return Error(ErrorCode::corrupt,
                   fmt::format("size mismatch: the index says {} bytes for {}, the registry served {}", chosen.size,
                               chosen.digest, next.body.size()),
                   {.file = input});
    if (next.media_type.empty()) next.media_type = chosen.media_type;
    m = std::move(next);
  }
}

}  // namespace

Result<Image> open_registry_ref(const net::ImageRef& ref, const std::string& input, const SourceOptions& opts) {
  auto fail = [&](Error e) { return name_error(std::move(e), input); };
  auto want = parse_platform(opts.platform);
  if (!want.ok()) return std::move(want).error();
  net::RegistryOptions ro;
  ro.ca_file = opts.registry_ca;
  ro.insecure = opts.insecure_registry;
  auto client = std::make_shared<net::RegistryClient>(ref, ro);

  Image img;
  auto top = client->manifest(ref.reference());
  if (!top.ok()) return fail(std::move(top).error());
  auto resolved = resolve_manifest(*client, std::move(*top), *want, input, img.warnings);
  if (!resolved.ok()) return fail(std::move(resolved).error());
  auto& [manifest, body] = *resolved;
  std::string mname = input + " (manifest " + manifest.digest + ")";
  auto parts = manifest_parts(body, mname);
  if (!parts.ok()) return std::move(parts).error();
  const Descriptor* cd = &parts->config;
  auto ctext = client->blob(cd->digest, kMaxConfig);
  if (!ctext.ok()) return fail(std::move(ctext).error());
  auto config = parse_image_config(*ctext, input + " (config " + cd->digest + ")");
  if (!config.ok()) return std::move(config).error();
  const auto& layers = parts->layers;
  if (layers.size() != config->diff_ids.size())
    return Error(ErrorCode::corrupt,
                 fmt::format("the manifest lists {} layers but the config has {} diff ids", layers.size(),
                             config->diff_ids.size()),
                 {.file = mname});
  if (!opts.platform.empty() && (config->os != want->os || config->architecture != want->arch))
    return Error(ErrorCode::not_found,
                 fmt::format("the image is for {}/{}, not {}", config->os, config->architecture, want->text()),
                 {.file = input});

  img.info.input = input;
  img.info.kind = "registry";
  img.info.image_id = cd->digest;
  img.info.manifest_digest = manifest.digest;
  img.info.os = config->os;
  img.info.architecture = config->architecture;
  img.info.variant = config->variant;
  img.info.settings = config->settings;
  if (ref.digest.empty()) img.info.tags.push_back(ref.full());
  for (size_t i = 0; i < layers.size(); ++i) {
    const Descriptor* ld = &layers[i];
    LayerInfo li;
    li.index = static_cast<int>(i);
    li.digest = ld->digest;
    li.diff_id = config->diff_ids[i];
    li.media_type = ld->media_type;
    li.size = ld->size;
    li.created_by = config->created_by[i];
    img.info.layers.push_back(li);
    LayerSource ls;
    ls.info = li;
    ls.content_addressed = true;
    uint64_t max = opts.max_layer_bytes;
    ls.open = [client, li, input, max]() -> Result<std::unique_ptr<ByteStream>> {
      std::string name = fmt::format("{} (blob {})", input, li.digest);
      auto body = client->open_blob(li.digest);
      if (!body.ok()) return name_error(std::move(body).error(), name);
      std::string digest_hex, diff_hex;
      parse_sha256_digest(li.digest, &digest_hex);
      parse_sha256_digest(li.diff_id, &diff_hex);
      std::unique_ptr<ByteStream> s = verify_sha256_stream(body_stream(std::move(*body), name), digest_hex, name);
      DAGDA_ASSIGN_OR_RETURN(s, decompress_stream(std::move(s), name, max));
      if (diff_hex != digest_hex) s = verify_sha256_stream(std::move(s), diff_hex, name + " (uncompressed)");
      return s;
    };
    img.layers.push_back(std::move(ls));
  }
  return img;
}

Result<Image> open_registry(const std::string& spec, const SourceOptions& opts) {
  std::string input = "registry:" + spec;
  auto ref = net::parse_reference(spec);
  if (!ref.ok()) return name_error(std::move(ref).error(), input);
  return open_registry_ref(*ref, input, opts);
}

}  // namespace dagda
