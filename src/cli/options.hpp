// cli/options.hpp: checks of option values shared by the commands.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace dagda::cli {

// --severity values as typed (each may be a comma list; the option may repeat): the
// severities, lower-cased, or an invalid_input error for an empty list, an empty item
// ("high,,low", ",") or an unknown word.
Result<std::vector<std::string>> parse_severity_list(const std::vector<std::string>& raw);

}  // namespace dagda::cli
