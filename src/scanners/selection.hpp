// scanners/selection.hpp: which scanners a scan runs (--scanners LIST).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace dagda::scanners {

struct Selection {
  bool vuln = false, secret = false, config = false, malware = false;
};

// The scanners a scan of an image runs when --scanners is not given: vuln, secret and config,
// and malware when signatures have been imported (docs/scanners.md). The one place the default
// is decided.
Selection default_selection(bool malware_signatures);

// "vuln,secret,config,malware" in any order and subset; an unknown or empty name is an error.
Result<Selection> parse_selection(std::string_view list);

// The names of the selected scanners in a fixed order (vuln, secret, config, malware).
std::vector<std::string> selection_names(const Selection& s);

}  // namespace dagda::scanners
