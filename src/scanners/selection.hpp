// scanners/selection.hpp: which scanners a scan runs (--scanners LIST).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace dagda::scanners {

// The default is vulnerabilities only, for now: secret and config scanning bypass the
// per-layer cache (their results are not cached yet), so as a default they would turn every
// warm scan into a cold walk of all layers (docs/scanners.md).
struct Selection {
  bool vuln = true, secret = false, config = false, malware = false;
};

// "vuln,secret,config,malware" in any order and subset; an unknown or empty name is an error.
Result<Selection> parse_selection(std::string_view list);

// The names of the selected scanners in a fixed order (vuln, secret, config, malware).
std::vector<std::string> selection_names(const Selection& s);

}  // namespace dagda::scanners
