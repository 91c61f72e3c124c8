// importers/feeds_common.hpp: small helpers shared by the feed importers (nvd,
// exploitdb, kev, epss, bugtraq, rubysec, friendsofphp, rustsec, nodejs,
// retirejs, gitlab): errors naming the entry, JSON (simdjson DOM) and YAML
// field access, an RFC 4180 CSV reader, and constraint negation.
#pragma once

#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "importers/importer.hpp"

namespace dagda::importers::feeds {

// "PATH:LINE: what" as an Error (corrupt unless said otherwise).
Error entry_error(const Entry& e, std::string what, std::optional<uint64_t> line = {},
                  ErrorCode code = ErrorCode::corrupt);

std::string_view trim(std::string_view s);
// The head without a UTF-8 BOM and leading whitespace.
std::string_view skip_space(std::string_view head);
bool contains(std::string_view hay, std::string_view needle);
// The last component of a path (after '/' or an archive's '!').
std::string_view base_name(std::string_view path);
// "CVE-YYYY-NNNN..." exactly.
bool is_cve(std::string_view s);
// 1-based line of byte offset `pos` in `data`.
uint64_t line_of(std::string_view data, size_t pos);

// ---- JSON (simdjson DOM) ----
// Parses the whole entry; the element lives as long as `parser`.
Result<simdjson::dom::element> parse_json(const Entry& e, simdjson::dom::parser& parser);
std::string_view jstr(simdjson::dom::element el, std::string_view key);
std::optional<double> jnum(simdjson::dom::element el, std::string_view key);
// An array of strings (other items ignored), or a single string as one item.
std::vector<std::string> jstrings(simdjson::dom::element el, std::string_view key);
std::optional<simdjson::dom::array> jarray(simdjson::dom::element el, std::string_view key);
std::optional<simdjson::dom::object> jobject(simdjson::dom::element el, std::string_view key);

// ---- YAML (yaml-cpp) ----
// Loads one document; a syntax error names the line. yaml-cpp throws, so
// every use of the returned node must sit inside try/catch(YAML::Exception).
Result<YAML::Node> parse_yaml(const Entry& e);
std::string ystr(const YAML::Node& n, const char* key);  // a scalar, else ""
std::vector<std::string> ystrings(const YAML::Node& n,
                                  const char* key);  // a sequence of scalars or one scalar

// ---- CSV (RFC 4180) ----
class CsvReader {
 public:
  CsvReader(std::string_view data, char sep) : d_(data), sep_(sep) {}
  // The next record into `fields` (false at the end). An unterminated quoted
  // field is an error naming the line where it started.
  Result<bool> next(std::vector<std::string>& fields);
  uint64_t line() const { return record_line_; }  // line where the last record started

 private:
  std::string_view d_;
  char sep_;
  size_t pos_ = 0;
  uint64_t line_ = 1, record_line_ = 1;
};

// ---- Constraints ----
// Affected = not in any of `excluded` (patched and unaffected requirements),
// written in the ecosystem's own syntax: alternatives joined by " || ", each
// an AND of simple terms joined by ", ". `dialect` is "gem" or "cargo".
// Empty `excluded` gives the "every version" constraint. An unknown operator
// is an error message; nullopt result means no version is affected.
struct Negation {
  std::optional<std::string> constraint;  // nullopt: nothing affected
  std::string error;                      // non-empty: cannot express it
};
Negation affected_outside(const std::vector<std::string>& excluded, std::string_view dialect);

}  // namespace dagda::importers::feeds
