// report/spdx_license.hpp: is a package's license string an SPDX identifier or
// expression? CycloneDX and SPDX documents may only carry those as such.
#pragma once

#include <string>
#include <string_view>

namespace dagda::report {

struct SpdxLicense {
  enum class Kind {
    none,        // empty
    id,          // one listed license identifier, in its canonical case
    expression,  // a valid compound expression, normalised (canonical ids, single spaces)
    other,       // anything else ("GPLv2+", "MIT BSD", "custom"): keep as a name
  };
  Kind kind = Kind::none;
  std::string text;
};

// Reads `declared` with the SPDX 2.3 expression grammar (Annex D): listed license
// ids (optionally with "+"), AND, OR, WITH a listed exception, and parentheses.
// Operators must be upper case; ids match case-insensitively. LicenseRef- is
// not accepted, since the documents we write declare no extracted licenses.
SpdxLicense classify_license(std::string_view declared);

// How many license and exception identifiers are known (0 when the list
// was not found at build time: every license is then Kind::other).
size_t spdx_known_identifiers();

}  // namespace dagda::report
