// importers/feed_util.hpp: what every importer shares, once: errors naming the
// entry, detection helpers, documents (JSON with simdjson; YAML read through
// common/yaml.hpp into the same JSON form, with aliases bounded), field
// access, an RFC 4180 CSV reader, CVSS vectors and ids.
//
// One JSON library for every importer: simdjson (DOM). bench/import_bench
// measured it against nlohmann::json on the same inputs: see docs/feeds.md.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "common/strings.hpp"
#include "importers/importer.hpp"
#include "vulndb/cvss.hpp"
#include "vulndb/record.hpp"

namespace dagda::importers::feeds {

using simdjson::dom::element;
using vulndb::is_cve;

// ---- errors and detection ----

// "PATH:LINE: what" as an Error (corrupt unless said otherwise).
Error entry_error(const Entry& e, std::string what, std::optional<uint64_t> line = {},
                  ErrorCode code = ErrorCode::corrupt);
// A warning location naming the entry (and the line when known).
Location where(const Entry& e, std::optional<uint64_t> line = {});
// 1-based line of byte offset `pos` in `data`.
uint64_t line_of(std::string_view data, size_t pos);
// The head without a UTF-8 BOM and leading whitespace.
std::string_view skip_space(std::string_view head);
// The last component of a path (after '/' or an archive's '!').
std::string_view base_name(std::string_view path);
// Whether the file name ends with one of `suffixes`, ignoring case.
bool name_ends_with(std::string_view path, std::initializer_list<std::string_view> suffixes);

// ---- documents ----

// A parsed JSON document (or a YAML one read as JSON). Elements stay valid as
// long as the Document lives.
class Document {
 public:
  element root() const { return root_; }

 private:
  friend Result<Document> parse_json(const Entry& e);
  friend Result<Document> parse_json_text(const Entry& e, std::string_view text);
  std::unique_ptr<simdjson::dom::parser> parser_ = std::make_unique<simdjson::dom::parser>();
  element root_;
};

// The whole entry as JSON. Text that is not valid UTF-8 is repaired first
// (every importer stores repaired text anyway). Errors name the entry.
Result<Document> parse_json(const Entry& e);
// The entry's first YAML document as JSON (see common/yaml.hpp: scalars are
// strings, aliases expanded within a small bound, nesting limited).
Result<Document> parse_yaml(const Entry& e);
// JSON when the entry starts with '{' or '[', else YAML.
Result<Document> parse_json_or_yaml(const Entry& e);
// Parses `text` (JSON) for entry `e`: errors name `e`.
Result<Document> parse_json_text(const Entry& e, std::string_view text);

// ---- fields (missing or of another type: empty) ----

std::string_view jstr(element el, std::string_view key);
std::string jtext(element el, std::string_view key);
std::optional<double> jnum(element el, std::string_view key);
std::optional<bool> jbool(element el, std::string_view key);
// An array of strings (other items ignored), or a single string as one item.
std::vector<std::string> jstrings(element el, std::string_view key);
std::optional<simdjson::dom::array> jarray(element el, std::string_view key);
std::optional<simdjson::dom::object> jobject(element el, std::string_view key);
std::optional<element> jfield(element el, std::string_view key);
bool jnull_or_missing(element el, std::string_view key);
// A string element's text ("" when it is not a string).
std::string_view as_str(element el);

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

// ---- records ----

// A CVSS entry for a vector a feed gives: score and severity computed
// (vulndb/cvss.hpp, computed = true) unless the feed states a score;
// `source` names who published the vector. nullopt for a vector that is not
// valid CVSS when the feed states no score either.
std::optional<vulndb::Cvss> cvss_entry(std::string_view vector, std::string_view source,
                                       std::optional<double> stated_score = std::nullopt,
                                       std::string_view stated_severity = {});
// The record's severity when the feed gives no word: the best stated (not
// computed) CVSS entry's (v3.1 > v3.0 > v4.0 > v2); "" when there is none.
std::string severity_from_cvss(const std::vector<vulndb::Cvss>& cvss);

// Adds `id` to `list` unless it is there (case-insensitively) or is `self`.
void add_id(std::vector<std::string>& list, std::string_view id, std::string_view self = {});

}  // namespace dagda::importers::feeds
