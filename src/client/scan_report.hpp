// client/scan_report.hpp: a report the server answered, read back: the dagda.scan/v1
// JSON into a ScanResult (so that the agent and the remote scan print the same table
// as a local scan), and the findings left in a report of any format (for --exit-code).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "match/finding.hpp"

namespace dagda::client {

// Reads a dagda.scan/v1 document (docs/formats.md). `what` names it in errors.
// Findings of the "suppressed" list come back with their suppression. Fields the
// table and the exit code do not need (rpm headers, file lists) are not read.
Result<ScanResult> read_scan_report(std::string_view text, std::string_view what);

// The findings a report of `format` (json, sarif, cyclonedx) lists as not suppressed,
// counting only `severities` when given (one word: that one and worse, as --severity).
Result<size_t> remaining_findings(std::string_view text, std::string_view format,
                                  const std::vector<std::string>& severities, std::string_view what);

}  // namespace dagda::client
