// match/policy.hpp: what hides a finding after matching. Each rule sets
// Finding::suppressed; reports show suppressed findings only when asked.
#pragma once

#include <string>
#include <vector>

#include "common/result.hpp"
#include "match/finding.hpp"
#include "state/store.hpp"

namespace dagda {

struct PolicyOptions {
  std::vector<std::string> severities;  // keep only these; one word = that and worse
  bool ignore_unfixed = false;
  std::string ignorefile;  // YAML, see docs/policy.md
  std::string vex;         // OpenVEX JSON
  std::string today;       // YYYY-MM-DD, for ignore-file expiry (empty = the real date)
};

// Applies, in order: false-positive marks (from the state store), the ignore
// file, VEX, then --ignore-unfixed and --severity. Each acts on the exact
// vulnerability only (its id or an alias, never a related advisory). Bad policy
// files are errors naming the file and line; expired ignore entries become warnings.
Status apply_policy(ScanResult& result, const PolicyOptions& opts, const std::vector<state::FpMark>& marks = {});

// The names an fp mark may use for an image: the input as typed, its tags and its id.
std::vector<std::string> image_names(const SourceInfo& source);

}  // namespace dagda
