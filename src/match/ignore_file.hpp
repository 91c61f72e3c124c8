// match/ignore_file.hpp: the --ignorefile of `dagda scan`, in either of its two forms
// (docs/policy.md), told apart by content:
//   - YAML: a list of entries, or a map with an `ignore:` list; each entry a map with
//     `id` and optionally `package`, `path`, `expires`, `reason`;
//   - plain: one vulnerability id per line, `#` comments and blank lines ignored, an
//     optional `exp:YYYY-MM-DD` after the id (the .trivyignore form).
// Anything wrong (unknown or repeated keys, a missing id, a date that is not a real
// YYYY-MM-DD day) is an error naming the file and line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace dagda {

struct IgnoreEntry {
  std::string id, package, path, expires, reason;
  int line = 0;
};

Result<std::vector<IgnoreEntry>> read_ignore_file(const std::string& file);
// The same on text already read (`file` names it in errors).
Result<std::vector<IgnoreEntry>> parse_ignore_file(std::string_view text, const std::string& file);

// True for a real calendar day written YYYY-MM-DD (2024-02-29 yes, 2027-02-30 no).
bool valid_iso_date(std::string_view d);

}  // namespace dagda
