// source/image_config.hpp: pieces shared by the image formats: the image
// config (OCI and Docker use the same one) and the layer stream chain.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.hpp"
#include "source/image.hpp"
#include "source/store.hpp"

namespace dagda {

struct ImageConfig {
  std::string os, architecture, variant;
  std::vector<std::string> diff_ids;    // "sha256:..." per layer
  std::vector<std::string> created_by;  // per layer, from history entries that are not empty_layer
  ImageSettings settings;
};

// Parses JSON without exceptions; a clear error naming `name` on failure.
Result<nlohmann::json> parse_json(std::string_view text, const std::string& name);
Result<ImageConfig> parse_image_config(std::string_view text, const std::string& name);

// The JSON string at `key`, or "" when absent or not a string.
std::string json_string(const nlohmann::json& j, const char* key);

// A layer read from `store` at `blob_path`: checked against `digest` (of the
// stored bytes) and `diff_id` (of the uncompressed tar) when they are given.
LayerSource make_layer(std::shared_ptr<const Store> store, std::string blob_path, LayerInfo info,
                       uint64_t max_layer_bytes);

}  // namespace dagda
