// report/parts.hpp: pieces of the SBOM documents that the scan reports reuse,
// so that a package or a source reads the same in both.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "report/common.hpp"

namespace dagda::report {

// dagda.sbom/v1 objects (report/json.cpp).
ordered_json source_json(const SourceInfo& s);
ordered_json os_json(const std::optional<OsInfo>& os);
ordered_json package_json(const Package& p, const OsInfo* os);
ordered_json warning_json(const Warning& w);

// A CycloneDX 1.6 BOM of an inventory (report/cyclonedx.cpp): metadata,
// components, dependencies and properties, and the bom-ref of each package.
// The serial number is derived from `serial_seed` when deterministic.
struct CycloneDxBom {
  ordered_json doc;
  std::map<const Package*, std::string> refs;
};
CycloneDxBom cyclonedx_bom(const Inventory& inv, const ReportOptions& opts, std::string_view serial_seed);

}  // namespace dagda::report
