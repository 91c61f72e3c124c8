// Packagist (Composer) versions: normalised as Composer's VersionParser does
// (v1.2 -> 1.2.0.0, 1.0RC1 -> 1.0.0.0-RC1, 1.x-dev -> 1.9999999.9999999.9999999-dev,
// dev-main stays a branch), then ordered by PHP's version_compare():
// dev < alpha = a < beta = b < RC = rc < (number) < pl = p. Constraints are
// Composer's: "^1.2", "~1.2.3", "1.2.*", "1.0 - 2.0", ">=1.0 <2.0", ">=1.0,<2.0",
// "a || b" (or "a | b"), with @stability flags ignored.
#include <string>

#include "version/detail.hpp"
#include "version/ecosystems.hpp"

namespace dagda::version::composer {
namespace {

using namespace detail;
constexpr std::string_view kEco = "composer";

// A short string held inline; versions longer than this are refused.
struct Buf {
  char data[200];
  size_t n = 0;
  bool ok = true;
  void add(std::string_view s) {
    if (n + s.size() > sizeof data) {
      ok = false;
      return;
    }
    for (char c : s) data[n++] = c;
  }
  void add(char c) { add(std::string_view(&c, 1)); }
  std::string_view view() const { return std::string_view(data, n); }
};

// ---- PHP version_compare ----

bool php_digit(char c) { return is_digit(c); }
bool php_special(char c) { return c == '-' || c == '_' || c == '+'; }

// php_canonicalize_version: separators become '.', and a '.' goes between digits and non-digits.
std::string canonicalize(std::string_view v) {
  std::string out;
  out.reserve(v.size() * 2);
  if (v.empty()) return out;
  out += v[0];
  char lp = v[0];
  for (size_t i = 1; i < v.size(); ++i) {
    char c = v[i];
    bool isdig_lp = php_digit(lp), isndig_lp = !php_digit(lp) && lp != '.';
    bool isdig_c = php_digit(c), isndig_c = !php_digit(c) && c != '.';
    if (php_special(c)) {
      if (out.back() != '.') out += '.';
    } else if ((isndig_lp && isdig_c) || (isdig_lp && isndig_c)) {
      if (out.back() != '.') out += '.';
      out += c;
    } else if (!is_alnum(c)) {
      if (out.back() != '.') out += '.';
    } else {
      out += c;
    }
    lp = c;
  }
  return out;
}

int special_form(std::string_view s) {
  static constexpr std::pair<std::string_view, int> forms[] = {
      {"dev", 0}, {"alpha", 1}, {"a", 1}, {"beta", 2}, {"b", 2}, {"RC", 3}, {"rc", 3}, {"#", 4}, {"pl", 5}, {"p", 5}};
  for (const auto& [name, order] : forms)
    if (s.substr(0, name.size()) == name) return order;
  return -1;
}

int compare_special(std::string_view a, std::string_view b) { return sign(special_form(a) - special_form(b)); }

int php_compare_canonical(std::string_view v1, std::string_view v2);

int php_compare(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return a.empty() == b.empty() ? 0 : (a.empty() ? -1 : 1);
  std::string ca = a[0] == '#' ? std::string(a) : canonicalize(a);
  std::string cb = b[0] == '#' ? std::string(b) : canonicalize(b);
  return php_compare_canonical(ca, cb);
}

int php_compare_canonical(std::string_view v1, std::string_view v2) {
  size_t p1 = 0, p2 = 0;
  bool n1 = true, n2 = true;  // whether a '.' followed the previous element
  int c = 0;
  while (p1 < v1.size() && p2 < v2.size() && n1 && n2) {
    size_t e1 = v1.find('.', p1), e2 = v2.find('.', p2);
    n1 = e1 != std::string_view::npos;
    n2 = e2 != std::string_view::npos;
    std::string_view x = v1.substr(p1, n1 ? e1 - p1 : std::string_view::npos);
    std::string_view y = v2.substr(p2, n2 ? e2 - p2 : std::string_view::npos);
    bool dx = !x.empty() && is_digit(x[0]), dy = !y.empty() && is_digit(y[0]);
    if (dx && dy) {
      size_t lx = 0, ly = 0;
      while (lx < x.size() && is_digit(x[lx])) ++lx;
      while (ly < y.size() && is_digit(y[ly])) ++ly;
      c = compare_digits(x.substr(0, lx), y.substr(0, ly));
    } else if (!dx && !dy) {
      c = compare_special(x, y);
    } else {
      c = dx ? compare_special("#N#", y) : compare_special(x, "#N#");
    }
    if (c) break;
    if (n1) p1 = e1 + 1;
    if (n2) p2 = e2 + 1;
  }
  if (c == 0) {
    if (n1 && !n2) {
      std::string_view rest = v1.substr(p1);
      c = !rest.empty() && is_digit(rest[0]) ? 1 : php_compare(rest, "#N#");
    } else if (n2 && !n1) {
      std::string_view rest = v2.substr(p2);
      c = !rest.empty() && is_digit(rest[0]) ? -1 : php_compare("#N#", rest);
    }
  }
  return c;
}

// ---- Composer's VersionParser::normalize ----

bool is_branch(std::string_view v) { return v.substr(0, 4) == "dev-"; }

// Matches Composer's modifier "[._-]?(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\d+)*+)?)?([.-]?dev)?"
// at the end of s; fills the normalised suffix. False when s has something else.
bool modifier(std::string_view s, Buf* out, bool* stable_only) {
  *stable_only = false;
  if (s.empty()) return true;
  size_t i = 0;
  if (s[0] == '.' || s[0] == '_' || s[0] == '-') ++i;
  static constexpr std::pair<std::string_view, std::string_view> names[] = {
      {"stable", ""}, {"beta", "beta"}, {"b", "beta"},   {"rc", "RC"}, {"alpha", "alpha"},
      {"a", "alpha"}, {"patch", "patch"}, {"pl", "patch"}, {"p", "patch"}};
  std::string_view stab, name;
  for (const auto& [n, expanded] : names) {
    if (istarts_with(s.substr(i), n)) {
      // "pl" must not swallow "p" + "l..." wrongly; longer names are listed first.
      name = n;
      stab = expanded;
      break;
    }
  }
  Buf suffix;
  if (!name.empty()) {
    i += name.size();
    size_t num_start = i;
    while (i < s.size()) {
      size_t j = i;
      if (s[j] == '.' || s[j] == '-') ++j;
      if (j < s.size() && is_digit(s[j])) {
        while (j < s.size() && is_digit(s[j])) ++j;
        i = j;
      } else {
        break;
      }
    }
    std::string_view number = s.substr(num_start, i - num_start);
    while (!number.empty() && (number[0] == '.' || number[0] == '-')) number.remove_prefix(1);
    if (name == "stable") {
      if (!number.empty()) return false;
      *stable_only = true;
    } else {
      suffix.add('-');
      suffix.add(stab);
      suffix.add(number);
    }
  } else if (i == 1 && !(s.size() > 1 && istarts_with(s.substr(1), "dev"))) {
    return false;
  } else {
    i = 0;
  }
  if (i < s.size()) {
    size_t j = i;
    if (s[j] == '.' || s[j] == '-') ++j;
    if (!iequals(s.substr(j), "dev")) return false;
    if (*stable_only) return false;
    suffix.add("-dev");
  }
  out->add(suffix.view());
  return suffix.ok;
}

// normalizeBranch: "1.x" -> "1.9999999.9999999.9999999-dev", else "dev-NAME".
bool normalize_branch(std::string_view name, Buf* out) {
  name = trim(name);
  size_t i = 0;
  if (!name.empty() && (name[0] == 'v' || name[0] == 'V')) ++i;
  size_t start = i;
  while (i < name.size() && is_digit(name[i])) ++i;
  if (i > start) {
    Buf v;
    v.add(name.substr(start, i - start));
    int parts = 1;
    bool ok = true;
    while (i < name.size() && parts < 4) {
      if (name[i] != '.') {
        ok = false;
        break;
      }
      ++i;
      if (i < name.size() && (name[i] == 'x' || name[i] == 'X' || name[i] == '*')) {
        v.add(".9999999");
        ++i;
      } else {
        size_t s = i;
        while (i < name.size() && is_digit(name[i])) ++i;
        if (i == s) {
          ok = false;
          break;
        }
        v.add('.');
        v.add(name.substr(s, i - s));
      }
      ++parts;
    }
    if (ok && i == name.size()) {
      for (; parts < 4; ++parts) v.add(".9999999");
      out->add(v.view());
      out->add("-dev");
      return out->ok;
    }
  }
  out->add("dev-");
  out->add(name);
  return out->ok;
}

// Returns nullptr and the normalised form, or the reason the version is invalid.
const char* normalize(std::string_view v, Buf* out) {
  v = trim(v);
  if (v.empty()) return "empty version";
  // Strip an alias ("1.0 as 2.0") and a stability flag ("@dev").
  size_t as = v.find(" as ");
  if (as != std::string_view::npos) v = trim(v.substr(0, as));
  size_t at = v.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view flag = v.substr(at + 1);
    if (iequals(flag, "stable") || iequals(flag, "rc") || iequals(flag, "beta") || iequals(flag, "alpha") ||
        iequals(flag, "dev"))
      v = v.substr(0, at);
  }
  for (char c : v)
    if (is_space(c) || static_cast<unsigned char>(c) < 0x20) return "whitespace in version";
  if (v == "master" || v == "trunk" || v == "default") {
    out->add("dev-");
    out->add(v);
    return nullptr;
  }
  if (istarts_with(v, "dev-")) {
    out->add("dev-");
    out->add(v.substr(4));
    return out->ok ? nullptr : "version too long";
  }
  size_t plus = v.find('+');
  if (plus != std::string_view::npos && plus > 0) v = v.substr(0, plus);
  size_t i = 0;
  if (!v.empty() && (v[0] == 'v' || v[0] == 'V')) ++i;
  // Classical: up to five digits, then up to three more numbers.
  size_t s = i;
  while (i < v.size() && is_digit(v[i])) ++i;
  size_t major_len = i - s;
  if (major_len >= 1 && major_len <= 5) {
    Buf num;
    num.add(v.substr(s, major_len));
    int parts = 1;
    size_t k = i;
    while (parts < 4 && k + 1 < v.size() && v[k] == '.' && is_digit(v[k + 1])) {
      size_t t = ++k;
      while (k < v.size() && is_digit(v[k])) ++k;
      num.add('.');
      num.add(v.substr(t, k - t));
      ++parts;
    }
    for (; parts < 4; ++parts) num.add(".0");
    Buf mod;
    bool stable = false;
    if (modifier(v.substr(k), &mod, &stable)) {
      out->add(num.view());
      out->add(mod.view());
      return out->ok ? nullptr : "version too long";
    }
  }
  // Date-based: YYYY then up to six two-digit groups and two short groups, with . : - separators.
  if (major_len >= 4) {
    size_t k = s + 4;
    int groups = 0;
    while (groups < 6) {
      size_t t = k;
      if (t < v.size() && (v[t] == '.' || v[t] == ':' || v[t] == '-')) ++t;
      if (t + 1 < v.size() + 0 && t + 2 <= v.size() && is_digit(v[t]) && is_digit(v[t + 1])) {
        k = t + 2;
        ++groups;
      } else {
        break;
      }
    }
    if (groups >= 1) {
      int small = 0;
      while (small < 2) {
        size_t t = k;
        if (t < v.size() && (v[t] == '.' || v[t] == ':' || v[t] == '-')) ++t;
        size_t d = 0;
        while (t + d < v.size() && is_digit(v[t + d]) && d < 3) ++d;
        if (d == 0) break;
        k = t + d;
        ++small;
      }
      Buf mod;
      bool stable = false;
      if (modifier(v.substr(k), &mod, &stable)) {
        for (size_t t = s; t < k; ++t) out->add(is_digit(v[t]) ? v[t] : '.');
        out->add(mod.view());
        return out->ok ? nullptr : "version too long";
      }
    }
  }
  // A numeric branch with -dev ("1.x-dev", "2.1-dev").
  if (v.size() > 3 && iequals(v.substr(v.size() - 3), "dev")) {
    std::string_view name = v.substr(0, v.size() - 3);
    if (!name.empty() && (name.back() == '.' || name.back() == '-')) name.remove_suffix(1);
    Buf b;
    if (normalize_branch(name, &b) && !is_branch(b.view())) {
      out->add(b.view());
      return out->ok ? nullptr : "version too long";
    }
  }
  return "not a version Composer can normalise";
}

int compare_normalized(std::string_view a, std::string_view b) { return php_compare(a, b); }

// ---- constraints ----

struct Num4 {
  uint64_t n[4] = {0, 0, 0, 0};
  int given = 0;
};

// Parses v?N(.N){0,3} at the start of s; returns the length consumed.
size_t parse_numbers(std::string_view s, Num4* out, bool allow_wild, bool* wild) {
  size_t i = 0;
  *wild = false;
  if (!s.empty() && (s[0] == 'v' || s[0] == 'V')) ++i;
  while (out->given < 4) {
    if (out->given > 0) {
      if (i + 1 >= s.size() + 0 || s[i] != '.' || i + 1 > s.size()) break;
      if (i + 1 < s.size() && allow_wild && (s[i + 1] == 'x' || s[i + 1] == 'X' || s[i + 1] == '*')) {
        *wild = true;
        i += 2;
        continue;
      }
      if (i + 1 >= s.size() || !is_digit(s[i + 1]) || *wild) break;
      ++i;
    }
    size_t t = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == t || !parse_u64(s.substr(t, i - t), &out->n[out->given])) return 0;
    ++out->given;
  }
  return i;
}

// manipulateVersionString: keep numbers up to `position` (1-based), add `inc` there, zero the rest.
void bound(const Num4& n, int position, int inc, Buf* out) {
  uint64_t v[4] = {n.n[0], n.n[1], n.n[2], n.n[3]};
  for (int i = 3; i >= 0; --i) {
    if (i + 1 > position) v[i] = 0;
    else if (i + 1 == position) v[i] += inc;
  }
  char tmp[96];
  int len = std::snprintf(tmp, sizeof tmp, "%llu.%llu.%llu.%llu", static_cast<unsigned long long>(v[0]),
                          static_cast<unsigned long long>(v[1]), static_cast<unsigned long long>(v[2]),
                          static_cast<unsigned long long>(v[3]));
  out->add(std::string_view(tmp, static_cast<size_t>(len)));
}

// Constraint::versionCompare with branches never matching ordered constraints.
bool holds(std::string_view installed, Op op, std::string_view bound) {
  bool ab = is_branch(installed), bb = is_branch(bound);
  if (op == Op::ne && (ab || bb)) return installed != bound;
  if (ab && bb) return op == Op::eq && installed == bound;
  if (ab || bb) return false;
  return op_holds(op, compare_normalized(installed, bound));
}

bool has_stability_suffix(std::string_view v) {
  size_t dash = v.rfind('-');
  if (dash == std::string_view::npos) return false;
  std::string_view s = v.substr(dash + 1);
  for (std::string_view n : {"stable", "rc", "beta", "alpha", "dev", "patch", "pl", "p", "a", "b"})
    if (istarts_with(s, n)) return true;
  return false;
}

// One constraint (no spaces inside, except a hyphen range "a - b").
Result<bool> one(std::string_view installed, std::string_view c, std::string_view range) {
  size_t at = c.rfind('@');
  if (at != std::string_view::npos && at > 0) c = c.substr(0, at);
  size_t hash = c.find('#');
  if (hash != std::string_view::npos && hash > 0) c = c.substr(0, hash);
  if (c == "*" || c == "x" || c == "X" || c == "v*") return !is_branch(installed);
  Buf low, high;
  // Hyphen range.
  size_t hy = c.find(" - ");
  if (hy != std::string_view::npos) {
    std::string_view from = trim(c.substr(0, hy)), to = trim(c.substr(hy + 3));
    if (const char* why = normalize(from, &low)) return invalid_range(kEco, range, why);
    Num4 f;
    bool wild;
    size_t fl = parse_numbers(from, &f, false, &wild);
    if (fl == from.size()) low.add("-dev");
    Num4 t;
    size_t tl = parse_numbers(to, &t, false, &wild);
    Buf tmp;
    if (const char* why = normalize(to, &tmp)) return invalid_range(kEco, range, why);
    bool lo_ok = holds(installed, Op::ge, low.view());
    if (tl != to.size() || t.given >= 3) return lo_ok && holds(installed, Op::le, tmp.view());
    bound(t, t.given, 1, &high);
    high.add("-dev");
    return lo_ok && holds(installed, Op::lt, high.view());
  }
  if (c[0] == '~' || c[0] == '^') {
    bool caret = c[0] == '^';
    std::string_view body = c.substr(1);
    if (!caret && !body.empty() && body[0] == '>') body.remove_prefix(1);
    Num4 n;
    bool wild;
    size_t len = parse_numbers(body, &n, false, &wild);
    if (len == 0) return invalid_range(kEco, range, "expected a version after ~ or ^");
    std::string_view mod = body.substr(len);
    Buf m;
    bool stable;
    if (!modifier(mod, &m, &stable)) return invalid_range(kEco, range, "unexpected text after the version");
    int position;
    if (caret) {
      if (n.n[0] != 0 || n.given < 2) position = 1;
      else if (n.n[1] != 0 || n.given < 3) position = 2;
      else position = 3;
    } else {
      position = n.given;
      if (iequals(mod.substr(mod.size() >= 3 ? mod.size() - 3 : 0), "dev")) ++position;
    }
    if (const char* why = normalize(body, &low)) return invalid_range(kEco, range, why);
    if (mod.empty()) low.add("-dev");
    int high_pos = caret ? position : (position > 1 ? position - 1 : 1);
    bound(n, high_pos, 1, &high);
    high.add("-dev");
    return holds(installed, Op::ge, low.view()) && holds(installed, Op::lt, high.view());
  }
  // Operator.
  size_t k = 0;
  while (k < c.size() && (c[k] == '<' || c[k] == '>' || c[k] == '=' || c[k] == '!')) ++k;
  std::string_view op_text = c.substr(0, k);
  std::string_view ver = trim(c.substr(k));
  Op op;
  if (op_text == "<>") op = Op::ne;
  else if (op_text == "=<" || op_text == "=>" || op_text == "<<" || op_text == ">>" || !parse_op(op_text, &op))
    return invalid_range(kEco, range, "unknown operator");
  if (ver.empty()) return invalid_range(kEco, range, "operator without a version");
  // Wildcards: 1.2.* means >=1.2.0.0-dev <1.3.0.0-dev.
  {
    Num4 n;
    bool wild = false;
    size_t len = parse_numbers(ver, &n, true, &wild);
    if (wild && len == ver.size()) {
      if (!op_text.empty() && op_text != "=" && op_text != "==")
        return invalid_range(kEco, range, "a wildcard after an operator");
      bound(n, n.given, 0, &low);
      low.add("-dev");
      bound(n, n.given, 1, &high);
      high.add("-dev");
      bool in = (low.view() == "0.0.0.0-dev" || holds(installed, Op::ge, low.view())) &&
                holds(installed, Op::lt, high.view());
      return in;
    }
  }
  if (const char* why = normalize(ver, &low)) {
    if (ver.size() > 4 && iequals(ver.substr(ver.size() - 4), "-dev")) {
      low.n = 0;
      low.add("dev-");
      low.add(ver.substr(0, ver.size() - 4));
    } else {
      return invalid_range(kEco, range, why);
    }
  }
  if ((op == Op::lt || op == Op::ge) && !has_stability_suffix(ver) && !is_branch(ver)) low.add("-dev");
  return holds(installed, op, low.view());
}

}  // namespace

int php_version_compare(std::string_view a, std::string_view b) { return php_compare(a, b); }

bool valid(std::string_view v) {
  Buf b;
  return normalize(v, &b) == nullptr;
}

Result<int> compare(std::string_view a, std::string_view b) {
  Buf x, y;
  if (const char* why = normalize(a, &x)) return invalid_version(kEco, a, why);
  if (const char* why = normalize(b, &y)) return invalid_version(kEco, b, why);
  return compare_normalized(x.view(), y.view());
}

Result<bool> satisfies(std::string_view version, std::string_view range) {
  Buf v;
  if (const char* why = normalize(version, &v)) return invalid_version(kEco, version, why);
  if (trim(range).empty()) return invalid_range(kEco, range, "empty range");
  bool any = false;
  // Alternatives: "||" or "|".
  std::string_view rest = range;
  while (true) {
    size_t bar = rest.find('|');
    std::string_view alt = rest.substr(0, bar);
    // Conjunctions: commas or spaces, but " - " is a hyphen range.
    bool all = true;
    int terms = 0;
    size_t i = 0;
    alt = trim(alt);
    while (i < alt.size()) {
      while (i < alt.size() && (is_space(alt[i]) || alt[i] == ',')) ++i;
      if (i >= alt.size()) break;
      size_t s = i;
      // An operator may be followed by spaces before its version.
      while (i < alt.size() && (alt[i] == '<' || alt[i] == '>' || alt[i] == '=' || alt[i] == '!' || alt[i] == '~' ||
                                alt[i] == '^'))
        ++i;
      while (i < alt.size() && is_space(alt[i]) && i > s) ++i;
      while (i < alt.size() && !is_space(alt[i]) && alt[i] != ',') ++i;
      size_t e = i;
      // "a - b": take the hyphen and the upper bound too.
      size_t j = i;
      while (j < alt.size() && is_space(alt[j])) ++j;
      if (j + 1 < alt.size() && alt[j] == '-' && is_space(alt[j + 1])) {
        j += 1;
        while (j < alt.size() && is_space(alt[j])) ++j;
        while (j < alt.size() && !is_space(alt[j]) && alt[j] != ',') ++j;
        e = i = j;
      }
      std::string_view term = alt.substr(s, e - s);
      if (term.empty()) return invalid_range(kEco, range, "empty constraint");
      ++terms;
      // Normalise "a  -  b" spacing to "a - b" for one().
      std::string hyphen;
      size_t dash = term.find(" - ");
      if (dash == std::string_view::npos && term.find('-') != std::string_view::npos && term.find(' ') != std::string_view::npos) {
        size_t d = term.find(" -");
        std::string_view a = trim(term.substr(0, d)), b = trim(term.substr(d + 2));
        hyphen = std::string(a) + " - " + std::string(b);
        term = hyphen;
      }
      DAGDA_ASSIGN_OR_RETURN(bool ok, one(v.view(), term, range));
      if (!ok) all = false;
    }
    if (terms == 0) return invalid_range(kEco, range, "empty alternative");
    if (all) any = true;
    if (bar == std::string_view::npos) break;
    rest = rest.substr(bar + 1);
    if (!rest.empty() && rest[0] == '|') rest.remove_prefix(1);
  }
  return any;
}

}  // namespace dagda::version::composer
