// rules/default_rules.hpp: Dagda's default rules (rules/dagda_rules.yaml),
// compiled into the library at build time.
#pragma once

#include <string_view>

namespace dagda::rules {
extern const std::string_view kDefaultRulesYaml;
}
