// report/scan_writer.hpp: output formats of `dagda scan`. Each format is one
// report/scan_FORMAT.cpp exposing a ScanFormat; report/scan_registry.cpp lists them.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "match/finding.hpp"
#include "report/writer.hpp"

namespace dagda {

struct ScanReportOptions : ReportOptions {
  // List the findings a policy suppressed (ignore file, VEX, fp marks, filters)
  // with their reason. JSON always lists them, in "suppressed".
  bool show_suppressed = false;
  // The warnings were printed on stderr (not with --quiet): the table may point there.
  bool warnings_on_stderr = true;
};

struct ScanFormat {
  std::string_view name;  // the --format value
  std::string_view description;
  Result<std::string> (*write)(const ScanResult& result, const ScanReportOptions& opts);
};

std::span<const ScanFormat> scan_formats();
const ScanFormat* find_scan_format(std::string_view name);

}  // namespace dagda
