// SemVer 2.0 precedence (semver.org section 11), as OSV's SEMVER range type
// uses it. Ranges use node-semver's syntax (see npm.cpp), the de-facto SemVer one.
#include "version/detail.hpp"
#include "version/ecosystems.hpp"
#include "version/semver_core.hpp"

namespace dagda::version::semver {

using namespace detail;
constexpr std::string_view kEco = "semver";

bool valid(std::string_view v) {
  Sem s;
  return parse_sem(v, &s) == nullptr;
}

Result<int> compare(std::string_view a, std::string_view b) {
  Sem x, y;
  if (const char* why = parse_sem(a, &x)) return invalid_version(kEco, a, why);
  if (const char* why = parse_sem(b, &y)) return invalid_version(kEco, b, why);
  return compare_sem(x, y);
}

Result<bool> satisfies(std::string_view version, std::string_view range) {
  if (!valid(version)) return compare(version, version).error();
  return npm::satisfies(version, range);
}

}  // namespace dagda::version::semver
