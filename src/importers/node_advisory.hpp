// What the two readers of the Node.js security WG's core advisories share (node_core.cpp
// reads the core index, nodejs.cpp the vuln/core/N.json files one by one).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostics.hpp"
#include "importers/importer.hpp"
#include "vulndb/sink.hpp"

namespace dagda::importers::feeds {

// `vulnerable` without the `patched` versions (both node-semver ranges), as
// is-my-node-vulnerable decides: a version is affected when it satisfies `vulnerable` and
// not `patched`. Empty when nothing is left.
std::string node_affected_constraint(std::string_view vulnerable, std::string_view patched);

// Adds the advisory `v` and its rows: `a` with the lower bounds of `patched` as fixes and
// `range` as constraint, one row per CVE (the advisory's own id when it lists none). An empty
// range records no row and warns `<feed>.no-range`.
void add_node_advisory(vulndb::Vulnerability v, vulndb::Affected a, const std::string& range, std::string_view patched,
                       const std::vector<std::string>& cve_ids, std::string_view feed, const Entry& e,
                       vulndb::Sink& sink, Diagnostics& diag);

}  // namespace dagda::importers::feeds
