// vulndb/evaluate.hpp: whether an installed version is affected by one
// advisory row, decided with the namespace's comparator, and why.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"
#include "vulndb/record.hpp"

namespace dagda::vulndb {

struct Verdict {
  bool affected = false;
  std::string rule;        // what matched, e.g. "< 1.2.3-1", ">=1.0 <1.2.3", "introduced 0, fixed 2.4", "all versions (unfixed)"
  std::string comparator;  // "deb", "apk", "pypi", ...
  // For an affected version: the version that fixes the range it is in, the
  // lowest of the row's fixed versions (OSV fixed events, fixed_version,
  // fixes) above the installed one; "" when none is (no fix for its branch).
  std::string fixed_version;
};

// Rules in order: not-affected never matches; OSV ranges/versions; the feed's
// native constraint; "older than fixed_version"; else every version (a row
// with no fix: unfixed, will-not-fix, postponed, end-of-life, affected).
// An unknown namespace, or a version or range the comparator rejects, is an Error.
Result<Verdict> evaluate(const Affected& a, std::string_view installed);

// One line describing a row's range, for reports ("< 2.4", "introduced 0, fixed 2.4").
std::string describe_range(const Affected& a);

}  // namespace dagda::vulndb
