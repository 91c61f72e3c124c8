// source/distribution.hpp: the documents of the OCI distribution / Docker
// registry formats that registry: reads before any layer: an image index (or
// manifest list) and an image manifest. Pure functions: unit-tested and fuzzed.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/diagnostics.hpp"
#include "common/result.hpp"

namespace dagda::distribution {

struct Platform {
  std::string os = "linux", arch = "amd64", variant;
  std::string text() const;
};
// "os/arch[/variant]" or "arch"; empty: linux/amd64.
Result<Platform> parse_platform(const std::string& s);

struct Descriptor {
  std::string media_type, digest;
  uint64_t size = 0;
  bool has_size = false;
  nlohmann::json platform;
};
Result<Descriptor> descriptor(const nlohmann::json& j, const std::string& where);

// Whether a manifest document is an index / manifest list (by media type, else by shape).
// Docker schema 1 manifests are refused.
Result<bool> is_index(const nlohmann::json& body, const std::string& media_type, const std::string& where);
// The index entry for `want` (attestation entries skipped); a clear error listing what the index has.
Result<Descriptor> choose_platform(const nlohmann::json& index, const Platform& want, const std::string& where,
                                   std::vector<Warning>& warnings);

struct ManifestParts {
  Descriptor config;
  std::vector<Descriptor> layers;
};
Result<ManifestParts> manifest_parts(const nlohmann::json& body, const std::string& where);

}  // namespace dagda::distribution
