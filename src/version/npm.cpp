// npm versions (SemVer 2.0 precedence) and node-semver ranges:
//   a || b, space-separated comparators, X-ranges (1.x, 1.2.*), ~ ^ and
//   hyphen ranges (1.2 - 2.3.4), as node-semver desugars them with
//   includePrerelease: a pre-release is in a range when it lies in its interval.
#include "version/detail.hpp"
#include "version/ecosystems.hpp"
#include "version/semver_core.hpp"

namespace dagda::version::npm {
namespace {

using namespace detail;
constexpr std::string_view kEco = "npm";
constexpr std::string_view kZero = "0";  // the lowest pre-release: "<2.0.0-0"

struct Cmp {
  Op op;
  Bound b;
};

// The comparators one term stands for; none = matches nothing; n == 0 = anything.
struct Set {
  int n = 0;
  Cmp c[2];
  bool none = false;
  void add(Op op, uint64_t M, uint64_t m, uint64_t p, std::string_view pre = {}) { c[n++] = Cmp{op, Bound{M, m, p, pre}}; }
};

const char* xrange(std::string_view op, const Partial& p, Set* s) {
  bool xM = p.given == 0, xm = p.given <= 1, xp = p.given <= 2;
  if (op == "=" && xp) op = "";
  uint64_t M = p.n[0], m = p.n[1], pt = p.n[2];
  if (xM) {
    if (op == ">" || op == "<") s->none = true;
    return nullptr;
  }
  if (!op.empty() && xp) {
    if (xm) m = 0;
    pt = 0;
    Op o;
    if (op == ">") {
      o = Op::ge;
      if (xm) ++M, m = 0;
      else ++m;
    } else if (op == "<=") {
      o = Op::lt;
      if (xm) ++M;
      else ++m;
    } else if (!parse_op(op, &o)) {
      return "unknown operator";
    }
    s->add(o, M, m, pt, kZero);
    return nullptr;
  }
  if (xm) {
    s->add(Op::ge, M, 0, 0, kZero);
    s->add(Op::lt, M + 1, 0, 0, kZero);
  } else if (xp) {
    s->add(Op::ge, M, m, 0, kZero);
    s->add(Op::lt, M, m + 1, 0, kZero);
  } else {
    Op o;
    if (!parse_op(op, &o) || o == Op::ne) return "unknown operator";
    s->add(o, M, m, pt, p.pre);
  }
  return nullptr;
}

void tilde(const Partial& p, Set* s) {
  uint64_t M = p.n[0], m = p.n[1], pt = p.n[2];
  if (p.given == 0) return;
  if (p.given == 1) {
    s->add(Op::ge, M, 0, 0);
    s->add(Op::lt, M + 1, 0, 0, kZero);
  } else if (p.given == 2) {
    s->add(Op::ge, M, m, 0);
    s->add(Op::lt, M, m + 1, 0, kZero);
  } else {
    s->add(Op::ge, M, m, pt, p.pre);
    s->add(Op::lt, M, m + 1, 0, kZero);
  }
}

void caret(const Partial& p, Set* s) {
  uint64_t M = p.n[0], m = p.n[1], pt = p.n[2];
  if (p.given == 0) return;
  if (p.given == 1) {
    s->add(Op::ge, M, 0, 0, kZero);
    s->add(Op::lt, M + 1, 0, 0, kZero);
  } else if (p.given == 2) {
    s->add(Op::ge, M, m, 0, kZero);
    if (M == 0) s->add(Op::lt, M, m + 1, 0, kZero);
    else s->add(Op::lt, M + 1, 0, 0, kZero);
  } else {
    s->add(Op::ge, M, m, pt, p.pre);
    if (M != 0) s->add(Op::lt, M + 1, 0, 0, kZero);
    else if (m != 0) s->add(Op::lt, 0, m + 1, 0, kZero);
    else s->add(Op::lt, 0, 0, pt + 1, kZero);
  }
}

void hyphen(const Partial& f, const Partial& t, Set* s) {
  if (f.given == 1) s->add(Op::ge, f.n[0], 0, 0, kZero);
  else if (f.given == 2) s->add(Op::ge, f.n[0], f.n[1], 0, kZero);
  else if (f.given == 3) s->add(Op::ge, f.n[0], f.n[1], f.n[2], f.pre.empty() ? kZero : f.pre);
  if (t.given == 1) s->add(Op::lt, t.n[0] + 1, 0, 0, kZero);
  else if (t.given == 2) s->add(Op::lt, t.n[0], t.n[1] + 1, 0, kZero);
  else if (t.given == 3) {
    if (!t.pre.empty()) s->add(Op::le, t.n[0], t.n[1], t.n[2], t.pre);
    else s->add(Op::lt, t.n[0], t.n[1], t.n[2] + 1, kZero);
  }
}

bool holds(const Sem& v, const Set& s) {
  if (s.none) return false;
  for (int i = 0; i < s.n; ++i)
    if (!op_holds(s.c[i].op, compare_sem_bound(v, s.c[i].b))) return false;
  return true;
}

// A version in a range may carry node-semver's leading '=' or 'v'.
std::string_view strip_eq(std::string_view v) {
  while (!v.empty() && (v[0] == '=' || is_space(v[0]))) v.remove_prefix(1);
  return v;
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
  bool any = false;
  const char* bad = nullptr;
  split_alternatives(range, [&](std::string_view alt) {
    if (bad) return;
    SmallVec<Term, 8> terms;
    size_t i = 0;
    while (true) {
      while (i < alt.size() && is_space(alt[i])) ++i;
      if (i >= alt.size()) break;
      size_t op_start = i;
      while (i < alt.size() && (alt[i] == '<' || alt[i] == '>' || alt[i] == '=' || alt[i] == '~' || alt[i] == '^')) ++i;
      std::string_view op = alt.substr(op_start, i - op_start);
      while (i < alt.size() && is_space(alt[i])) ++i;
      size_t v_start = i;
      while (i < alt.size() && !is_space(alt[i])) ++i;
      std::string_view ver = alt.substr(v_start, i - v_start);
      if (ver.empty()) {
        bad = "operator without a version";
        return;
      }
      terms.push_back(Term{op, ver});
    }
    bool all = true;
    for (size_t k = 0; k < terms.size(); ++k) {
      Set s;
      const Term& t = terms[k];
      if (t.op.empty() && t.version == "-") {
        bad = "hyphen range without a lower bound";
        return;
      }
      if (k + 2 < terms.size() && terms[k + 1].op.empty() && terms[k + 1].version == "-") {
        if (!t.op.empty() || !terms[k + 2].op.empty()) {
          bad = "operator in a hyphen range";
          return;
        }
        Partial f, to;
        if ((bad = parse_partial(t.version, &f, false)) || (bad = parse_partial(terms[k + 2].version, &to, false)))
          return;
        hyphen(f, to, &s);
        k += 2;
      } else if (k + 1 < terms.size() && terms[k + 1].op.empty() && terms[k + 1].version == "-") {
        bad = "hyphen range without an upper bound";
        return;
      } else {
        Partial p;
        std::string_view op = t.op;
        std::string_view ver = t.version;
        if (op == "~" || op == "~>") {
          if ((bad = parse_partial(strip_eq(ver), &p, false))) return;
          tilde(p, &s);
        } else if (op == "^") {
          if ((bad = parse_partial(strip_eq(ver), &p, false))) return;
          caret(p, &s);
        } else {
          if (op.size() > 2 || (op.size() == 2 && op != ">=" && op != "<=")) {
            bad = "unknown operator";
            return;
          }
          if ((bad = parse_partial(ver, &p, false))) return;
          if ((bad = xrange(op, p, &s))) return;
        }
      }
      if (!holds(v, s)) all = false;
    }
    if (all) any = true;
  });
  if (bad) return invalid_range(kEco, range, bad);
  return any;
}

}  // namespace dagda::version::npm
