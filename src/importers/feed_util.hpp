// importers/feed_util.hpp: helpers shared by importers (JSON/YAML as
// nlohmann::json, errors naming the entry, CVSS vectors to scores).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "importers/importer.hpp"
#include "vulndb/record.hpp"

namespace dagda::importers::util {

using Json = nlohmann::json;

// A corrupt-input error naming the entry (and the line when known).
Error bad(const Entry& entry, std::string message, std::optional<uint64_t> line = std::nullopt);
// 1-based line of a byte offset.
uint64_t line_of(std::string_view data, size_t offset);

Result<Json> parse_json(const Entry& entry);
// YAML converted to the same Json value (scalars as strings).
Result<Json> parse_yaml(const Entry& entry);

// A string member ("" when absent or not a string); a list of strings.
std::string str(const Json& j, std::string_view key);
std::vector<std::string> strings(const Json& j, std::string_view key);

// The head without a BOM and leading whitespace.
std::string_view trim_head(std::string_view head);
std::string_view base_name(std::string_view path);
// Whether the file name ends with one of `suffixes` (lower case), ignoring case.
bool name_ends_with(std::string_view path, std::initializer_list<std::string_view> suffixes);
bool is_cve(std::string_view s);

// A CVSS v2/v3.x/v4.0 vector to a Cvss with its computed base score (v4: vector only).
std::optional<vulndb::Cvss> cvss_from_vector(std::string_view vector);

}  // namespace dagda::importers::util
