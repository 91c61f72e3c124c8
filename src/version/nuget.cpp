// NuGet versions: up to four numbers (missing ones are 0), an optional
// "-pre.release" label list and "+metadata" (ignored). Labels compare numerically
// when both are numbers, numbers before words, words case-insensitively.
// Ranges: NuGet's interval notation "[1.0,2.0)", "(,1.0]", "[1.0]"; a bare
// version is a minimum ("1.0" means >= 1.0) as in NuGet; operator lists too.
#include "version/detail.hpp"
#include "version/ecosystems.hpp"

namespace dagda::version::nuget {
namespace {

using namespace detail;
constexpr std::string_view kEco = "nuget";

struct Nu {
  std::string_view n[4];
  std::string_view pre;
};

bool label_char(char c) { return is_alnum(c) || c == '-'; }

const char* parse(std::string_view s, Nu* out) {
  *out = Nu{};
  s = trim(s);
  if (s.empty()) return "empty version";
  size_t i = 0;
  for (int k = 0; k < 4; ++k) {
    size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start) return k == 0 ? "does not start with a number" : "empty version component";
    out->n[k] = s.substr(start, i - start);
    if (i < s.size() && s[i] == '.' && k < 3) {
      ++i;
      continue;
    }
    break;
  }
  if (i < s.size() && s[i] == '.') return "more than four version components";
  auto labels = [&](std::string_view l) {
    if (l.empty()) return false;
    size_t len = 0;
    for (char c : l) {
      if (c == '.') {
        if (!len) return false;
        len = 0;
      } else if (label_char(c)) {
        ++len;
      } else {
        return false;
      }
    }
    return len > 0;
  };
  if (i < s.size() && s[i] == '-') {
    size_t start = ++i;
    while (i < s.size() && s[i] != '+') ++i;
    out->pre = s.substr(start, i - start);
    if (!labels(out->pre)) return "invalid pre-release label";
  }
  if (i < s.size() && s[i] == '+') {
    if (!labels(s.substr(i + 1))) return "invalid metadata";
    i = s.size();
  }
  if (i != s.size()) return "unexpected character";
  return nullptr;
}

int compare_labels(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return a.empty() == b.empty() ? 0 : (a.empty() ? 1 : -1);
  while (true) {
    size_t da = a.find('.'), db = b.find('.');
    std::string_view x = a.substr(0, da), y = b.substr(0, db);
    bool nx = all_digits(x), ny = all_digits(y);
    int c;
    if (nx && ny) c = compare_digits(x, y);
    else if (nx != ny) c = nx ? -1 : 1;
    else c = sign(icompare(x, y));
    if (c) return c;
    bool ea = da == std::string_view::npos, eb = db == std::string_view::npos;
    if (ea || eb) return ea == eb ? 0 : (ea ? -1 : 1);
    a.remove_prefix(da + 1);
    b.remove_prefix(db + 1);
  }
}

int compare_nu(const Nu& a, const Nu& b) {
  for (int k = 0; k < 4; ++k) {
    int c = compare_digits(a.n[k], b.n[k]);
    if (c) return c;
  }
  return compare_labels(a.pre, b.pre);
}

}  // namespace

bool valid(std::string_view v) {
  Nu n;
  return parse(v, &n) == nullptr;
}

Result<int> compare(std::string_view a, std::string_view b) {
  Nu x, y;
  if (const char* why = parse(a, &x)) return invalid_version(kEco, a, why);
  if (const char* why = parse(b, &y)) return invalid_version(kEco, b, why);
  return compare_nu(x, y);
}

Result<bool> satisfies(std::string_view version, std::string_view range) {
  if (!valid(version)) return compare(version, version).error();
  auto bare = [&](std::string_view text) -> Result<bool> {
    return eval_terms(kEco, text, [&](const Term& t) -> Result<bool> {
      Op op = Op::ge;  // NuGet: a bare version is the minimum
      if (!t.op.empty() && !parse_op(t.op, &op)) return invalid_range(kEco, range, "unknown operator");
      DAGDA_ASSIGN_OR_RETURN(int c, compare(version, t.version));
      return op_holds(op, c);
    });
  };
  Result<bool> any = false;
  split_alternatives(range, [&](std::string_view alt) {
    if (!any.ok()) return;
    Result<bool> r = eval_intervals(kEco, version, alt, compare, bare);
    if (!r.ok()) {
      any = std::move(r).error();
      return;
    }
    if (*r) any = true;
  });
  return any;
}

}  // namespace dagda::version::nuget
