// vulndb/cvss.hpp: CVSS base scores computed from vectors, per FIRST's
// specifications of CVSS v2.0, v3.0, v3.1 and v4.0 (https://www.first.org/cvss/).
// Feeds that give only a vector (GitLab, OSV, RustSec) get their score here.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "vulndb/record.hpp"

namespace dagda::vulndb::cvss {

// "2.0", "3.0", "3.1" or "4.0" from the vector's form ("CVSS:3.1/...", a bare
// or parenthesised "AV:N/AC:L/Au:N/..." is 2.0); "" when it is none of them.
std::string_view version_of(std::string_view vector);

// The base score (0.0 to 10.0, one decimal). A vector with a missing,
// repeated or unknown metric or value is an Error naming what is wrong.
// v2 and v3.x: the base metrics only (temporal and environmental metrics in
// the vector are checked, not applied). v4.0: every metric the vector gives
// (threat and environmental ones included), as the specification's score of
// that vector; with base metrics only, that is CVSS-B.
Result<double> base_score(std::string_view vector);

// The qualitative rating of a score in `version`'s scale (v2: low/medium/high;
// v3/v4: none/low/medium/high/critical).
std::string severity(double score, std::string_view version);

}  // namespace dagda::vulndb::cvss

namespace dagda::vulndb {

// A Cvss record for a vector: version, vector, computed score and severity,
// computed = true; nullopt when the vector is not a valid CVSS vector.
std::optional<Cvss> cvss_from_vector(std::string_view vector, std::string_view source = {});

}  // namespace dagda::vulndb
