// version/semver_core.hpp: SemVer 2.0 parsing and precedence, shared by the
// semver, npm, cargo and golang comparators (not part of the API).
#pragma once

#include <cstdint>
#include <string_view>

namespace dagda::version::detail {

struct Sem {
  std::string_view major, minor, patch;  // digit runs; empty when absent (= 0)
  std::string_view pre;                  // without the '-'
  std::string_view build;                // without the '+'
};

// Parses MAJOR[.MINOR[.PATCH]][-PRE][+BUILD] with an optional leading 'v'
// (missing components are 0). Returns the reason it is not a version, or nullptr.
const char* parse_sem(std::string_view s, Sem* out);
// Precedence (build metadata ignored).
int compare_sem(const Sem& a, const Sem& b);
// Pre-release precedence; empty means "no pre-release" and is the highest.
int compare_prerelease(std::string_view a, std::string_view b);

// A bound in a desugared range: numbers, and a pre-release that points into the
// range text or is the literal "0" (the lowest pre-release).
struct Bound {
  uint64_t major = 0, minor = 0, patch = 0;
  std::string_view pre;
};
int compare_sem_bound(const Sem& v, const Bound& b);

// A partial version in a range: each of the three numbers may be missing or a
// wildcard (x, X, *).
struct Partial {
  uint64_t n[3] = {0, 0, 0};
  int given = 0;  // how many leading numbers are real numbers (0..3)
  std::string_view pre;
};
// Parses [v]X[.Y[.Z[-PRE][+BUILD]]] with wildcards. Returns a reason or nullptr.
const char* parse_partial(std::string_view s, Partial* out, bool allow_pre_on_partial);

}  // namespace dagda::version::detail
