// version/comparator.hpp: one descriptor per ecosystem's version rules, and the
// registry that finds them by name (ours, or the ecosystem name as OSV writes it).
//
// Every function takes string_views and does not allocate in the common case.
// An invalid version or range is an Error with ErrorCode::invalid_input whose
// message names the ecosystem, the string and what is wrong; never a guess.
#pragma once

#include <span>
#include <string_view>

#include "common/result.hpp"

namespace dagda::version {

struct Comparator {
  std::string_view name;         // our name: "deb", "rpm", "pypi", ...
  std::string_view description;  // one line, for `dagda version --help` and docs

  // <0, 0 or >0 as a is older than, the same as, or newer than b.
  Result<int> (*compare)(std::string_view a, std::string_view b);
  // Whether compare() accepts v.
  bool (*valid)(std::string_view v);
  // Whether `version` lies in `range`, written in the ecosystem's own constraint
  // syntax (see docs/versions.md). `||` separates alternatives in every ecosystem.
  Result<bool> (*satisfies)(std::string_view version, std::string_view range);
};

// Every comparator, in a fixed order.
std::span<const Comparator> comparators();

// Finds a comparator by our name or an alias (case-insensitive): "Debian",
// "Debian:12", "Ubuntu:22.04:LTS", "Alpine:v3.18", "Red Hat:...", "PyPI", "npm",
// "Maven", "RubyGems", "Packagist", "Go", "crates.io", "NuGet"... A suffix after
// the first ':' (an OSV release qualifier) is ignored. nullptr when unknown.
const Comparator* find_comparator(std::string_view ecosystem);

}  // namespace dagda::version
