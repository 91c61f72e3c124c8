// report/spdx_license.hpp: is a package's license string an SPDX identifier or
// expression, and what is its SPDX form? CycloneDX and SPDX documents may only
// carry SPDX ids and expressions as such; everything else is a name (CycloneDX)
// or a LicenseRef- (SPDX).
#pragma once

#include <string>
#include <string_view>
#include <vector>

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
// not accepted here (normalize_license makes them).
SpdxLicense classify_license(std::string_view declared);

// A license as a package declares it, in SPDX terms.
struct NormalizedLicense {
  // One license of the expression that is not an SPDX id: its LicenseRef- id and
  // the name as declared ("public-domain", "BSD License", "GPL-2+ with OpenSSL exception").
  struct Ref {
    std::string id;
    std::string name;
  };
  // One term of a plain conjunction ("A and B and C"): a listed id (`listed`),
  // or a name that is not one (its `ref`), or a compound expression of listed ids.
  struct Term {
    std::string text;  // SPDX id or expression when listed, else the declared name
    bool listed = false;
    bool compound = false;  // `text` is an expression (OR, WITH inside)
  };

  // The SPDX 2.3 expression: listed ids in their canonical case, GNU "N+" as
  // "-or-later", AND/OR/WITH and parentheses; a license that is not an SPDX id
  // is a LicenseRef-. Empty when nothing was declared.
  std::string expression;
  bool listed_only = false;  // no LicenseRef- in `expression`
  std::vector<Ref> refs;     // each LicenseRef- of `expression`, once
  // The top-level AND terms, in order (a single term when there is no AND at the top).
  std::vector<Term> terms;
  bool empty() const { return expression.empty(); }
};

// Reads a declared license the ways package managers write them: SPDX
// expressions (any operator case), Debian copyright short names ("GPL-2+",
// "Expat", "BSD-3-clause~Google", "GPL-2+ with Autoconf exception", "and"/"or"
// and ", and"/", or" of DEP-5), Fedora/RPM short names ("GPLv2+", "ASL 2.0"),
// Alpine's space-separated lists ("MIT BSD"), Python classifiers ("License ::
// OSI Approved :: MIT License") and common full names ("Apache License 2.0").
// A version-less name ("GPL", "BSD", "Apache Software License") is not guessed:
// it becomes a LicenseRef-. Long free text (a whole license pasted into a
// metadata field) is one LicenseRef-. Bounded in time and memory on any input.
NormalizedLicense normalize_license(std::string_view declared);

// How many license and exception identifiers are known (0 when the list
// was not found at build time: every license is then Kind::other).
size_t spdx_known_identifiers();

}  // namespace dagda::report
