// The source and cache options that `scan` and `sbom` share.
#include "cli/command.hpp"

namespace dagda::cli {

void add_source_flags(CLI::App* sub, std::string& registry_ca, bool& insecure_registry, bool& no_cache,
                      std::string& cache_max_size) {
  sub->add_option("--registry-ca", registry_ca,
                  "CA certificate (PEM) trusted for registry: sources, besides the system's and "
                  "/etc/docker/certs.d/HOST/ca.crt");
  sub->add_flag("--insecure-registry", insecure_registry,
                "Let registry: sources use plain HTTP or an unverified certificate (loopback registries may use "
                "plain HTTP without it)");
  sub->add_flag("--no-cache", no_cache, "Neither read nor write the per-layer cache");
  sub->add_option("--cache-max-size", cache_max_size, "Bound of the per-layer cache, e.g. 2G or 500M (default 4G)");
}

}  // namespace dagda::cli
