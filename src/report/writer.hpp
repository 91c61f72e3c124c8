// report/writer.hpp: output formats. Each format is one report/FORMAT.cpp
// exposing a SbomFormat; report/registry.cpp lists them.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "common/version.hpp"
#include "inventory/inventory.hpp"

namespace dagda {

struct ReportOptions {
  std::string tool_version = std::string(kDagdaVersion);
  // Fixed timestamp and serial number (for golden tests): "1970-01-01T00:00:00Z"
  // and a UUID derived from the content instead of the clock and randomness.
  bool deterministic = false;
  bool color = false;  // ANSI colour, only when writing to a terminal
  int width = 100;     // table width
};

struct SbomFormat {
  std::string_view name;  // the --format value
  std::string_view description;
  Result<std::string> (*write)(const Inventory& inv, const ReportOptions& opts);
};

std::span<const SbomFormat> sbom_formats();
const SbomFormat* find_sbom_format(std::string_view name);

}  // namespace dagda
