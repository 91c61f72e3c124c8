// Fuzzes the JSON-based application parsers: package.json, composer's installed.json, .deps.json.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "catalog/app.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  dagda::Diagnostics diag;
  if (auto p = dagda::parse_package_json(in, "node_modules/x/package.json", diag))
    if (p->name.empty() || p->version.empty()) abort();
  for (const auto& p : dagda::parse_composer_installed(in, "vendor/composer/installed.json", diag).packages)
    if (p.name.empty() || p.version.empty()) abort();
  for (const auto& p : dagda::parse_deps_json(in, "x.deps.json", diag).packages)
    if (p.name.empty() || p.version.empty()) abort();
  return 0;
}
