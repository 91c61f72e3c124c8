// crates.io versions (SemVer 2.0) and Cargo version requirements: comma-separated
// comparators `= > >= < <= ~ ^` or a bare version (which means ^), with wildcards
// (1.*, 1.2.*, *). Upper bounds that the requirement implies (^1.2.3 is below
// 2.0.0) exclude that bound's pre-releases; other pre-releases match when they
// lie in the interval.
#include "version/detail.hpp"
#include "version/ecosystems.hpp"
#include "version/semver_core.hpp"

namespace dagda::version::cargo {
namespace {

using namespace detail;
constexpr std::string_view kEco = "cargo";
constexpr std::string_view kZero = "0";

bool test(const Sem& v, Op op, uint64_t M, uint64_t m, uint64_t p, std::string_view pre = {}) {
  return op_holds(op, compare_sem_bound(v, Bound{M, m, p, pre}));
}

// Whether v matches one comparator; returns a reason when the comparator is invalid.
const char* matches(const Sem& v, std::string_view op, std::string_view text, bool* out) {
  Partial p;
  if (text == "*" && (op.empty() || op == "=")) {
    *out = true;
    return nullptr;
  }
  if (const char* why = parse_partial(text, &p, false)) return why;
  if (p.given == 0) {
    if (!op.empty() && op != "=") return "a wildcard after an operator";
    *out = true;
    return nullptr;
  }
  uint64_t M = p.n[0], m = p.n[1], pt = p.n[2];
  bool lt_next_major = test(v, Op::lt, M + 1, 0, 0, kZero);
  bool lt_next_minor = test(v, Op::lt, M, m + 1, 0, kZero);
  if (op == "=" || (op.empty() && p.given < 3 && text.find_first_of("*xX") != std::string_view::npos)) {
    if (p.given == 3) *out = test(v, Op::eq, M, m, pt, p.pre);
    else if (p.given == 2) *out = test(v, Op::ge, M, m, 0) && lt_next_minor;
    else *out = test(v, Op::ge, M, 0, 0) && lt_next_major;
  } else if (op == ">") {
    if (p.given == 3) *out = test(v, Op::gt, M, m, pt, p.pre);
    else if (p.given == 2) *out = test(v, Op::ge, M, m + 1, 0);
    else *out = test(v, Op::ge, M + 1, 0, 0);
  } else if (op == ">=") {
    *out = test(v, Op::ge, M, m, pt, p.pre);
  } else if (op == "<") {
    if (p.given == 3) *out = test(v, Op::lt, M, m, pt, p.pre);
    else *out = test(v, Op::lt, M, m, 0, kZero);
  } else if (op == "<=") {
    if (p.given == 3) *out = test(v, Op::le, M, m, pt, p.pre);
    else if (p.given == 2) *out = lt_next_minor;
    else *out = lt_next_major;
  } else if (op == "~") {
    *out = test(v, Op::ge, M, m, pt, p.pre) && (p.given == 1 ? lt_next_major : lt_next_minor);
  } else if (op == "^" || op.empty()) {
    bool upper;
    if (M > 0 || p.given == 1) upper = lt_next_major;
    else if (m > 0 || p.given == 2) upper = lt_next_minor;
    else upper = test(v, Op::lt, 0, 0, pt + 1, kZero);
    *out = test(v, Op::ge, M, m, pt, p.pre) && upper;
  } else {
    return "unknown operator";
  }
  return nullptr;
}

}  // namespace

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
  Sem v;
  if (const char* why = parse_sem(version, &v)) return invalid_version(kEco, version, why);
  return eval_terms(kEco, range, [&](const Term& t) -> Result<bool> {
    bool ok = false;
    if (const char* why = matches(v, t.op, t.version, &ok)) return invalid_range(kEco, range, why);
    return ok;
  });
}

}  // namespace dagda::version::cargo
