#include "source/image_config.hpp"

#include <fmt/format.h>

#include "common/digest.hpp"

namespace dagda {

Result<nlohmann::json> parse_json(std::string_view text, const std::string& name) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error(ErrorCode::corrupt, "not valid JSON", {.file = name});
  return j;
}

std::string json_string(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

namespace {

// The run settings of the config's "config" object; anything of the wrong type is left out.
void read_settings(const nlohmann::json& j, ImageSettings& s) {
  auto cfg = j.find("config");
  if (cfg == j.end() || !cfg->is_object()) return;
  s.user = json_string(*cfg, "User");
  if (auto env = cfg->find("Env"); env != cfg->end() && env->is_array())
    for (const auto& e : *env)
      if (e.is_string()) s.env.push_back(e.get<std::string>());
  if (auto labels = cfg->find("Labels"); labels != cfg->end() && labels->is_object())
    for (const auto& [k, v] : labels->items())
      if (v.is_string()) s.labels.emplace_back(k, v.get<std::string>());
  if (auto ports = cfg->find("ExposedPorts"); ports != cfg->end() && ports->is_object())
    for (const auto& [k, v] : ports->items()) s.exposed_ports.push_back(k);
  if (auto hc = cfg->find("Healthcheck"); hc != cfg->end() && hc->is_object()) {
    auto test = hc->find("Test");
    s.healthcheck = test != hc->end() && test->is_array() && !test->empty() &&
                    !((*test)[0].is_string() && (*test)[0].get<std::string>() == "NONE");
  }
}

}  // namespace

Result<ImageConfig> parse_image_config(std::string_view text, const std::string& name) {
  DAGDA_ASSIGN_OR_RETURN(nlohmann::json j, parse_json(text, name));
  if (!j.is_object()) return Error(ErrorCode::corrupt, "image config is not a JSON object", {.file = name});
  ImageConfig c;
  c.os = json_string(j, "os");
  c.architecture = json_string(j, "architecture");
  c.variant = json_string(j, "variant");
  auto rootfs = j.find("rootfs");
  if (rootfs == j.end() || !rootfs->is_object())
    return Error(ErrorCode::corrupt, "image config has no rootfs", {.file = name});
  auto ids = rootfs->find("diff_ids");
  if (ids == rootfs->end() || !ids->is_array())
    return Error(ErrorCode::corrupt, "image config has no rootfs.diff_ids", {.file = name});
  for (const auto& id : *ids) {
    if (!id.is_string() || !parse_sha256_digest(id.get<std::string>(), nullptr))
      return Error(ErrorCode::corrupt, "image config has a diff id that is not a sha256 digest", {.file = name});
    c.diff_ids.push_back(id.get<std::string>());
  }
  c.settings.present = true;
  if (auto h = j.find("history"); h != j.end() && h->is_array()) {
    for (const auto& e : *h) {
      if (!e.is_object()) continue;
      auto empty = e.find("empty_layer");
      const bool is_empty = empty != e.end() && empty->is_boolean() && empty->get<bool>();
      c.settings.history.push_back({json_string(e, "created_by"), is_empty ? -1 : static_cast<int>(c.created_by.size())});
      if (is_empty) continue;
      c.created_by.push_back(json_string(e, "created_by"));
    }
  }
  read_settings(j, c.settings);
  // History that does not line up with the layers is ignored rather than misattributed.
  if (c.created_by.size() != c.diff_ids.size()) c.created_by.assign(c.diff_ids.size(), "");
  return c;
}

LayerSource make_layer(std::shared_ptr<const Store> store, std::string blob_path, LayerInfo info,
                       uint64_t max_layer_bytes) {
  LayerSource layer;
  layer.info = info;
  layer.identity = store->identity(blob_path);
  layer.stored_bytes = store->stored_size(blob_path);
  layer.open = [store = std::move(store), blob_path = std::move(blob_path), info,
                max_layer_bytes]() -> Result<std::unique_ptr<ByteStream>> {
    std::string name = store->describe(blob_path);
    DAGDA_ASSIGN_OR_RETURN(auto s, store->open(blob_path));
    std::string digest_hex, diff_hex;
    bool has_digest = parse_sha256_digest(info.digest, &digest_hex);
    bool has_diff = parse_sha256_digest(info.diff_id, &diff_hex);
    if (has_digest) s = verify_sha256_stream(std::move(s), digest_hex, name);
    DAGDA_ASSIGN_OR_RETURN(s, decompress_stream(std::move(s), name, max_layer_bytes));
    // An uncompressed blob's digest is its diff id: no need to hash it twice.
    if (has_diff && !(has_digest && digest_hex == diff_hex))
      s = verify_sha256_stream(std::move(s), diff_hex, name + " (uncompressed)");
    return s;
  };
  return layer;
}

}  // namespace dagda
