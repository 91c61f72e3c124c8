// report/common.hpp: what the SBOM formats share: the package order, time
// stamps and serial numbers (fixed when deterministic), names for the source.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "inventory/inventory.hpp"
#include "report/writer.hpp"

namespace dagda::report {

using ordered_json = nlohmann::ordered_json;

// Packages in report order: ecosystem, name, version, arch, then path, layer
// index and source, so that the order is total and does not depend on the
// order the catalogers produced.
std::vector<const Package*> sorted_packages(const Inventory& inv);

// Warnings in a fixed order (code, file, layer, line, offset, message): the
// stages that raise them run in parallel.
std::vector<const Warning*> sorted_warnings(const Inventory& inv);

// "1970-01-01T00:00:00Z" when deterministic, else the current UTC time (RFC 3339, seconds).
std::string timestamp(const ReportOptions& opts);

// A lower-case RFC 4122 UUID: version 5 (SHA-1, name based) of `content` when
// deterministic, else version 4 (random).
std::string make_uuid(const ReportOptions& opts, std::string_view content);

// The dagda.sbom/v1 JSON text of an inventory; the other formats derive their
// deterministic serial numbers from it.
std::string inventory_fingerprint(const Inventory& inv);

// What to call the scanned thing: its first tag, else what the user typed.
std::string source_display_name(const SourceInfo& s);
bool is_image_source(const SourceInfo& s);

// "sha256:0123456789abcdef..." -> "0123456789ab"; other strings are cut to 12 characters.
std::string short_digest(std::string_view digest);

// Serialises with two-space indentation and a final newline. Invalid UTF-8 from
// a damaged image is replaced by U+FFFD rather than failing the report.
std::string dump_json(const ordered_json& doc);

// Runs a writer body, turning any exception (a bug) into an internal Error.
template <typename F>
Result<std::string> guarded(std::string_view format, F&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    return Error(ErrorCode::internal, std::string(format) + " report: " + e.what());
  }
}

}  // namespace dagda::report
