// docker-archive: the tar that `docker save` / `podman save` writes: a
// manifest.json listing, per image, its config and its layer files.
#include <fmt/format.h>

#include "common/digest.hpp"
#include "source/image_config.hpp"
#include "source/sources.hpp"

namespace dagda {
namespace {

constexpr uint64_t kMaxJson = 64 << 20;

// "blobs/sha256/<hex>" or "<hex>.json" or "<hex>/layer.tar" -> the hex a name carries, if any.
std::string hex_in_name(const std::string& name, bool blobs_only) {
  std::string hex;
  if (name.rfind("blobs/sha256/", 0) == 0 && parse_sha256_digest("sha256:" + name.substr(13), &hex)) return hex;
  if (blobs_only) return {};
  std::string base = name.substr(name.rfind('/') == std::string::npos ? 0 : name.rfind('/') + 1);
  if (base.size() > 5 && base.ends_with(".json")) base.resize(base.size() - 5);
  if (parse_sha256_digest("sha256:" + base, &hex)) return hex;
  return {};
}

}  // namespace

Result<Image> open_docker_archive_store(std::shared_ptr<const Store> store, const std::string& input,
                                        const std::string& selector, const SourceOptions& opts) {
  std::string mname = store->describe("manifest.json");
  DAGDA_ASSIGN_OR_RETURN(std::string mtext, store->read("manifest.json", kMaxJson));
  DAGDA_ASSIGN_OR_RETURN(nlohmann::json manifest, parse_json(mtext, mname));
  if (!manifest.is_array() || manifest.empty())
    return Error(ErrorCode::corrupt, "manifest.json does not list any image", {.file = mname});

  Image img;
  size_t pick = 0;
  std::vector<std::string> names;
  for (size_t i = 0; i < manifest.size(); ++i) {
    std::string tags;
    if (manifest[i].is_object() && manifest[i].contains("RepoTags") && manifest[i]["RepoTags"].is_array())
      for (const auto& t : manifest[i]["RepoTags"])
        if (t.is_string()) tags += (tags.empty() ? "" : ",") + t.get<std::string>();
    names.push_back(tags.empty() ? fmt::format("#{}", i) : tags);
  }
  if (!selector.empty()) {
    bool found = false;
    for (size_t i = 0; i < manifest.size() && !found; ++i) {
      if (selector == std::to_string(i)) found = true, pick = i;
      if (manifest[i].is_object() && manifest[i].contains("RepoTags") && manifest[i]["RepoTags"].is_array())
        for (const auto& t : manifest[i]["RepoTags"])
          if (t.is_string() && t.get<std::string>() == selector) found = true, pick = i;
    }
    if (!found)
      return Error(ErrorCode::not_found,
                   fmt::format("archive has no image '{}'; it holds: {}", selector, fmt::join(names, " ")),
                   {.file = input});
  } else if (manifest.size() > 1) {
    img.warnings.push_back({"source.several-images",
                            fmt::format("archive holds {} images ({}); scanning the first. Pick one with "
                                        "docker-archive:PATH#TAG or #INDEX",
                                        manifest.size(), fmt::join(names, " ")),
                            {.file = input}});
  }
  const nlohmann::json& entry = manifest[pick];
  std::string config_name = json_string(entry, "Config");
  if (config_name.empty() || !entry.contains("Layers") || !entry["Layers"].is_array())
    return Error(ErrorCode::corrupt, "manifest.json entry lacks Config or Layers", {.file = mname});

  DAGDA_ASSIGN_OR_RETURN(std::string ctext, store->read(config_name, kMaxJson));
  std::string config_hex = sha256_hex(ctext);
  if (std::string want = hex_in_name(config_name, false); !want.empty() && want != config_hex)
    return Error(ErrorCode::corrupt,
                 fmt::format("digest mismatch: config is named sha256:{} but its content is sha256:{}", want,
                             config_hex),
                 {.file = store->describe(config_name)});
  DAGDA_ASSIGN_OR_RETURN(ImageConfig config, parse_image_config(ctext, store->describe(config_name)));
  const auto& layers = entry["Layers"];
  if (layers.size() != config.diff_ids.size())
    return Error(ErrorCode::corrupt,
                 fmt::format("manifest.json lists {} layers but the config has {} diff ids", layers.size(),
                             config.diff_ids.size()),
                 {.file = mname});

  img.info.input = input;
  img.info.kind = "docker-archive";
  img.info.image_id = "sha256:" + config_hex;
  img.info.os = config.os;
  img.info.architecture = config.architecture;
  img.info.variant = config.variant;
  img.info.settings = config.settings;
  if (entry.contains("RepoTags") && entry["RepoTags"].is_array())
    for (const auto& t : entry["RepoTags"])
      if (t.is_string()) img.info.tags.push_back(t.get<std::string>());
  for (size_t i = 0; i < layers.size(); ++i) {
    if (!layers[i].is_string()) return Error(ErrorCode::corrupt, "a layer name is not a string", {.file = mname});
    std::string path = layers[i].get<std::string>();
    if (!store->exists(path))
      return Error(ErrorCode::corrupt, fmt::format("layer '{}' is listed but missing", path), {.file = input});
    LayerInfo li;
    li.index = static_cast<int>(i);
    li.diff_id = config.diff_ids[i];
    if (std::string hex = hex_in_name(path, true); !hex.empty()) li.digest = "sha256:" + hex;
    li.created_by = config.created_by[i];
    li.media_type = "application/vnd.docker.image.rootfs.diff.tar";
    img.info.layers.push_back(li);
    img.layers.push_back(make_layer(store, path, li, opts.max_layer_bytes));
  }
  return img;
}

Result<Image> open_docker_archive(const std::string& spec, const SourceOptions& opts) {
  auto [path, selector] = split_selector(spec);
  DAGDA_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, open_any_store(path));
  if (!store->exists("manifest.json"))
    return Error(ErrorCode::unsupported, "not a docker archive: it has no manifest.json", {.file = path});
  return open_docker_archive_store(std::shared_ptr<const Store>(std::move(store)), spec, selector, opts);
}

}  // namespace dagda
