// version/negate.hpp: requirements turned around. Feeds such as RubySec and
// RustSec list the versions that are patched or unaffected; the affected ones
// are those matching none of them. This computes that complement exactly, in
// the ecosystem's own requirement syntax, deciding bounds with its comparator.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dagda::version {

// The versions matching none of `excluded` (patched and unaffected
// requirements of ecosystem `dialect`: "gem" or "cargo"), written in that
// ecosystem's syntax: alternatives joined by " || ", each an AND of simple
// terms joined by ", ". Exact for the operators = != > < >= <= ~> (gem) and
// = > < >= <= ^ ~ * (cargo). Empty `excluded` gives the every-version
// constraint.
struct Complement {
  std::optional<std::string> constraint;  // nullopt: no version is affected
  std::string error;                      // non-empty: a requirement cannot be read or negated
};
Complement complement_of(const std::vector<std::string>& excluded, std::string_view dialect);

// The versions at which requirements start to hold: ">= 1.2.4", "~> 4.1.11",
// "^1.2.3", "~1.2", "= 2.0" and a bare "2.0" give their version; "<", "<=",
// "!=" and wildcards give none. Alternatives may be joined by "||", terms by
// "," or spaces. For patched requirements these are the fixed versions.
std::vector<std::string> lower_bounds(std::string_view requirements);

}  // namespace dagda::version
