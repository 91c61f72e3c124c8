// version/osv_range.hpp: whether a version is affected by one OSV `affected[]`
// entry, following the evaluation algorithm of the OSV schema: a version is
// affected if it is listed in `versions` or lies in any SEMVER/ECOSYSTEM range.
// Within a range, events are sorted by version ("0" before everything, a limit
// of "*" after everything) and walked: introduced sets affected, fixed at or
// below the version and last_affected below it clear it; limit events bound the
// whole range (the version must be below one of them). GIT ranges cannot be
// evaluated without the repository and are skipped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "version/comparator.hpp"

namespace dagda::version {

struct OsvEvent {
  enum Kind { introduced, fixed, last_affected, limit };
  Kind kind;
  std::string version;
};

struct OsvRange {
  std::string type;  // "SEMVER", "ECOSYSTEM" or "GIT"
  std::vector<OsvEvent> events;
};

struct OsvAffected {
  std::string ecosystem;  // as in affected[].package.ecosystem ("PyPI", "Debian:12", ...)
  std::vector<OsvRange> ranges;
  std::vector<std::string> versions;
};

// How a version matched, for explaining a finding.
struct OsvMatch {
  bool affected = false;
  bool by_versions_list = false;  // matched an entry of `versions`
  int range_index = -1;           // the range that matched, or -1
};

// Evaluates one range with the comparator of its type (SEMVER always uses
// semver). An invalid range (no introduced event, both fixed and
// last_affected, an event version the comparator rejects) is an Error.
Result<bool> osv_range_includes(const Comparator& ecosystem, const OsvRange& range, std::string_view version);

// Evaluates a whole affected entry. Errors: unknown ecosystem, a version the
// ecosystem's comparator rejects, an invalid range.
Result<OsvMatch> osv_affected(const OsvAffected& affected, std::string_view version);

}  // namespace dagda::version
