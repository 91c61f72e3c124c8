// The one list of scan report formats. Adding a format: write
// report/scan_NAME.cpp that defines `const ScanFormat NAME` in namespace
// dagda::scan_reports, declare it below and add it to kAll.
#include <array>

#include "report/scan_writer.hpp"

namespace dagda {
namespace scan_reports {
extern const ScanFormat table;
extern const ScanFormat json;
extern const ScanFormat sarif;
extern const ScanFormat cyclonedx;
}  // namespace scan_reports

std::span<const ScanFormat> scan_formats() {
  static const std::array kAll = {scan_reports::table, scan_reports::json, scan_reports::sarif,
                                  scan_reports::cyclonedx};
  return kAll;
}

const ScanFormat* find_scan_format(std::string_view name) {
  for (const auto& f : scan_formats()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace dagda
