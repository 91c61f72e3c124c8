// RubyGems versions, as Gem::Version orders them: segments of digits or letters
// ('-' reads as ".pre."), a letter makes a pre-release that sorts before the
// release, trailing zeros do not count. Requirements as Gem::Requirement:
// "~> 1.2", ">= 1.0, < 2.0", "!= 1.5", "= 1.0" (commas or spaces; "||" for alternatives).
#include <string>

#include "version/detail.hpp"
#include "version/ecosystems.hpp"

namespace dagda::version::gem {
namespace {

using namespace detail;
constexpr std::string_view kEco = "gem";

struct Seg {
  std::string_view text;
  bool num = false;
};
using Segs = SmallVec<Seg, 16>;

bool is_zero(const Seg& s) { return s.num && s.text.find_first_not_of('0') == std::string_view::npos; }

const char* check(std::string_view v) {
  v = trim(v);
  if (v.empty()) return "empty version";
  size_t i = 0;
  while (i < v.size() && is_digit(v[i])) ++i;
  if (i == 0) return "does not start with a number";
  while (i < v.size() && v[i] == '.') {
    size_t s = ++i;
    while (i < v.size() && is_alnum(v[i])) ++i;
    if (i == s) return "empty segment";
  }
  if (i < v.size() && v[i] == '-') {
    do {
      size_t s = ++i;
      while (i < v.size() && (is_alnum(v[i]) || v[i] == '-')) ++i;
      if (i == s) return "empty pre-release segment";
    } while (i < v.size() && v[i] == '.');
  }
  if (i != v.size()) return "malformed version number string";
  return nullptr;
}

void segments(std::string_view v, Segs* out) {
  v = trim(v);
  size_t i = 0;
  while (i < v.size()) {
    if (is_digit(v[i])) {
      size_t s = i;
      while (i < v.size() && is_digit(v[i])) ++i;
      out->push_back(Seg{v.substr(s, i - s), true});
    } else if (is_alpha(v[i])) {
      size_t s = i;
      while (i < v.size() && is_alpha(v[i])) ++i;
      out->push_back(Seg{v.substr(s, i - s), false});
    } else {
      if (v[i] == '-') out->push_back(Seg{"pre", false});
      ++i;
    }
  }
}

// canonical_segments: the numeric head and the rest, each without trailing zeros.
void canonical(const Segs& s, Segs* out) {
  size_t first_str = 0;
  while (first_str < s.size() && s[first_str].num) ++first_str;
  size_t head = first_str;
  while (head > 0 && is_zero(s[head - 1])) --head;
  size_t tail = s.size();
  while (tail > first_str && is_zero(s[tail - 1])) --tail;
  for (size_t k = 0; k < head; ++k) out->push_back(s[k]);
  for (size_t k = first_str; k < tail; ++k) out->push_back(s[k]);
}

int compare_canonical(const Segs& a, const Segs& b) {
  size_t n = a.size() > b.size() ? a.size() : b.size();
  static const Seg zero{"0", true};
  for (size_t k = 0; k < n; ++k) {
    const Seg& x = k < a.size() ? a[k] : zero;
    const Seg& y = k < b.size() ? b[k] : zero;
    if (x.num && y.num) {
      int c = compare_digits(x.text, y.text);
      if (c) return c;
    } else if (x.num != y.num) {
      return x.num ? 1 : -1;
    } else {
      int c = sign_of_compare(x.text, y.text);
      if (c) return c;
    }
  }
  return 0;
}

int compare_valid(std::string_view a, std::string_view b) {
  if (trim(a) == trim(b)) return 0;
  Segs sa, sb, ca, cb;
  segments(a, &sa);
  segments(b, &sb);
  canonical(sa, &ca);
  canonical(sb, &cb);
  return compare_canonical(ca, cb);
}

bool prerelease(std::string_view v) {
  for (char c : v)
    if (is_alpha(c)) return true;
  return false;
}

// Adds one to a run of digits.
std::string increment(std::string_view digits) {
  std::string s(digits);
  int k = static_cast<int>(s.size()) - 1;
  while (k >= 0 && s[k] == '9') s[k--] = '0';
  if (k < 0) s.insert(s.begin(), '1');
  else ++s[k];
  return s;
}

// ~> r: v >= r and v's release is below r bumped (1.2.3 -> 1.3, 1.2 -> 2).
bool pessimistic(std::string_view v, std::string_view r) {
  if (compare_valid(v, r) < 0) return false;
  Segs rs, vs;
  segments(r, &rs);
  segments(v, &vs);
  size_t rn = 0;
  while (rn < rs.size() && rs[rn].num) ++rn;
  if (rn > 1) --rn;
  std::string last = increment(rn ? rs[rn - 1].text : "0");
  size_t vn = prerelease(v) ? 0 : vs.size();
  if (prerelease(v))
    while (vn < vs.size() && vs[vn].num) ++vn;
  // Compare v's numeric release against r's bumped numbers, missing = 0.
  size_t n = vn > rn ? vn : rn;
  for (size_t k = 0; k < n; ++k) {
    std::string_view x = k < vn ? vs[k].text : "0";
    if (k < vn && !vs[k].num) return false;  // a letter in a release cannot happen here
    std::string_view y = k + 1 == rn ? std::string_view(last) : (k < rn ? rs[k].text : "0");
    int c = compare_digits(x, y);
    if (c) return c < 0;
  }
  return false;
}

}  // namespace

bool valid(std::string_view v) { return check(v) == nullptr; }

Result<int> compare(std::string_view a, std::string_view b) {
  if (const char* why = check(a)) return invalid_version(kEco, a, why);
  if (const char* why = check(b)) return invalid_version(kEco, b, why);
  return compare_valid(a, b);
}

Result<bool> satisfies(std::string_view version, std::string_view range) {
  if (const char* why = check(version)) return invalid_version(kEco, version, why);
  return eval_terms(kEco, range, [&](const Term& t) -> Result<bool> {
    if (const char* why = check(t.version)) return invalid_version(kEco, t.version, why);
    if (t.op == "~>") return pessimistic(version, t.version);
    Op op;
    if (t.op == "==" || t.op == "=<" || t.op == "=>" || t.op == "<<" || t.op == ">>" || !parse_op(t.op, &op))
      return invalid_range(kEco, range, "unknown operator");
    return op_holds(op, compare_valid(version, t.version));
  });
}

}  // namespace dagda::version::gem
