// Go versions: module versions (SemVer with a 'v', +incompatible, pseudo-versions
// such as v0.0.0-20191109021931-daa7c04131f5, which sort as pre-releases) and Go
// toolchain versions (go1.21.3, go1.22rc1, go1.21), ordered as go/version does:
// go1.21 < go1.21rc1 < go1.21.0 < go1.21.1. Versions without the 'v' (as OSV's
// Go data writes them) are accepted. Ranges: comparators "<", ">=", ... joined by
// commas or spaces, alternatives by "||".
#include "version/detail.hpp"
#include "version/ecosystems.hpp"
#include "version/semver_core.hpp"

namespace dagda::version::golang {
namespace {

using namespace detail;
constexpr std::string_view kEco = "golang";

struct Go {
  Sem sem;
  bool toolchain = false;
  int kind = 4;  // toolchain: 0 language version, 1 alpha, 2 beta, 3 rc, 4 release
  std::string_view pre_number;
};

const char* parse(std::string_view s, Go* out) {
  *out = Go{};
  if (s.size() > 2 && s[0] == 'g' && s[1] == 'o' && is_digit(s[2])) {
    out->toolchain = true;
    s.remove_prefix(2);
    std::string_view* parts[3] = {&out->sem.major, &out->sem.minor, &out->sem.patch};
    size_t i = 0;
    int k = 0;
    for (; k < 3; ++k) {
      size_t start = i;
      while (i < s.size() && is_digit(s[i])) ++i;
      if (i == start) return "empty version component";
      *parts[k] = s.substr(start, i - start);
      if (i < s.size() && s[i] == '.' && k < 2) {
        ++i;
        continue;
      }
      break;
    }
    out->kind = k >= 2 ? 4 : 0;  // go1.21 is the language version, below its pre-releases
    if (i < s.size()) {
      if (k >= 2) return "a pre-release after a patch number";
      std::string_view rest = s.substr(i);
      std::string_view names[] = {"alpha", "beta", "rc"};
      bool found = false;
      for (int n = 0; n < 3 && !found; ++n) {
        if (rest.substr(0, names[n].size()) == names[n] && all_digits(rest.substr(names[n].size()))) {
          out->kind = n + 1;
          out->pre_number = rest.substr(names[n].size());
          out->sem.pre = rest;
          found = true;
        }
      }
      if (!found) return "unexpected text after the version numbers";
    }
    return nullptr;
  }
  return parse_sem(s, &out->sem);
}

int compare_go(const Go& a, const Go& b) {
  if (a.toolchain && b.toolchain) {
    int c = compare_digits(a.sem.major, b.sem.major);
    if (!c) c = compare_digits(a.sem.minor, b.sem.minor);
    if (!c) c = compare_digits(a.sem.patch, b.sem.patch);
    if (!c && a.kind != b.kind) {
      // A release (kind 4) with a patch is above the pre-releases; go1.21 is below them.
      c = a.kind < b.kind ? -1 : 1;
    }
    if (!c) c = compare_digits(a.pre_number, b.pre_number);
    return c;
  }
  int c = compare_digits(a.sem.major, b.sem.major);
  if (!c) c = compare_digits(a.sem.minor, b.sem.minor);
  if (!c) c = compare_digits(a.sem.patch, b.sem.patch);
  if (c) return c;
  // A toolchain language version (go1.21) is below every pre-release of it.
  bool al = a.toolchain && a.kind == 0, bl = b.toolchain && b.kind == 0;
  if (al || bl) return al == bl ? 0 : (al ? -1 : 1);
  return compare_prerelease(a.sem.pre, b.sem.pre);
}

}  // namespace

bool valid(std::string_view v) {
  Go g;
  return parse(v, &g) == nullptr;
}

Result<int> compare(std::string_view a, std::string_view b) {
  Go x, y;
  if (const char* why = parse(a, &x)) return invalid_version(kEco, a, why);
  if (const char* why = parse(b, &y)) return invalid_version(kEco, b, why);
  return compare_go(x, y);
}

Result<bool> satisfies(std::string_view version, std::string_view range) {
  Go v;
  if (const char* why = parse(version, &v)) return invalid_version(kEco, version, why);
  return eval_terms(kEco, range, [&](const Term& t) -> Result<bool> {
    Op op;
    if (!parse_op(t.op, &op)) return invalid_range(kEco, range, "unknown operator");
    Go b;
    if (const char* why = parse(t.version, &b)) return invalid_version(kEco, t.version, why);
    return op_holds(op, compare_go(v, b));
  });
}

}  // namespace dagda::version::golang
