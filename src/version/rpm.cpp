// RPM versions: [epoch:]version[-release], compared as rpm does: epochs (a
// missing one is 0), then version and release with rpmvercmp. A side without a
// release sorts before one with a release, as rpm's labelCompare does.
#include "version/detail.hpp"
#include "version/ecosystems.hpp"

namespace dagda::version::rpm {
namespace {

using namespace detail;
constexpr std::string_view kEco = "rpm";

struct Evr {
  std::string_view epoch;  // empty means "0"
  std::string_view version;
  std::string_view release;
  bool has_release = false;
};

// rpm's parseEVR: an epoch is the leading digits when a ':' follows them; the
// release follows the last '-' after that.
Evr split(std::string_view s) {
  Evr e;
  size_t i = 0;
  while (i < s.size() && is_digit(s[i])) ++i;
  std::string_view rest = s;
  if (i < s.size() && s[i] == ':') {
    e.epoch = s.substr(0, i);
    rest = s.substr(i + 1);
  }
  size_t dash = rest.rfind('-');
  if (dash != std::string_view::npos) {
    e.version = rest.substr(0, dash);
    e.release = rest.substr(dash + 1);
    e.has_release = true;
  } else {
    e.version = rest;
  }
  return e;
}

const char* why_invalid(std::string_view v) {
  if (v.empty()) return "version string is empty";
  for (char c : v) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == ' ') return "whitespace or a control character in version";
  }
  return nullptr;
}

}  // namespace

int vercmp(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  size_t i = 0, j = 0;
  auto sep = [](char c) { return !is_alnum(c) && c != '~' && c != '^'; };
  while (i < a.size() || j < b.size()) {
    while (i < a.size() && sep(a[i])) ++i;
    while (j < b.size() && sep(b[j])) ++j;
    // '~' sorts before everything, even the end of the string.
    bool at = i < a.size() && a[i] == '~', bt = j < b.size() && b[j] == '~';
    if (at || bt) {
      if (!at) return 1;
      if (!bt) return -1;
      ++i;
      ++j;
      continue;
    }
    // '^' sorts after the end of the string but before anything else.
    bool ac = i < a.size() && a[i] == '^', bc = j < b.size() && b[j] == '^';
    if (ac || bc) {
      if (i >= a.size()) return -1;
      if (j >= b.size()) return 1;
      if (!ac) return 1;
      if (!bc) return -1;
      ++i;
      ++j;
      continue;
    }
    if (i >= a.size() || j >= b.size()) break;
    size_t si = i, sj = j;
    bool numeric = is_digit(a[i]);
    if (numeric) {
      while (i < a.size() && is_digit(a[i])) ++i;
      while (j < b.size() && is_digit(b[j])) ++j;
    } else {
      while (i < a.size() && is_alpha(a[i])) ++i;
      while (j < b.size() && is_alpha(b[j])) ++j;
    }
    std::string_view sa = a.substr(si, i - si), sb = b.substr(sj, j - sj);
    // The segments are of different kinds: a number is newer than letters.
    if (sb.empty()) return numeric ? 1 : -1;
    int c = numeric ? compare_digits(sa, sb) : sign_of_compare(sa, sb);
    if (c) return c;
  }
  bool a_left = i < a.size(), b_left = j < b.size();
  if (!a_left && !b_left) return 0;
  return a_left ? 1 : -1;
}

bool valid(std::string_view v) { return why_invalid(v) == nullptr; }

Result<int> compare(std::string_view a, std::string_view b) {
  if (const char* why = why_invalid(a)) return invalid_version(kEco, a, why);
  if (const char* why = why_invalid(b)) return invalid_version(kEco, b, why);
  Evr x = split(a), y = split(b);
  int c = vercmp(x.epoch.empty() ? "0" : x.epoch, y.epoch.empty() ? "0" : y.epoch);
  if (c) return c;
  c = vercmp(x.version, y.version);
  if (c) return c;
  if (x.has_release != y.has_release) return x.has_release ? 1 : -1;
  return vercmp(x.release, y.release);
}

// Terms as in RPM dependencies and OVAL: "< 1.2-3.el8", ">= 1:2.0".
Result<bool> satisfies(std::string_view version, std::string_view range) {
  if (const char* why = why_invalid(version)) return invalid_version(kEco, version, why);
  return eval_terms(kEco, range, [&](const Term& t) -> Result<bool> {
    Op op;
    if (!parse_op(t.op, &op)) return invalid_range(kEco, range, "unknown operator");
    DAGDA_ASSIGN_OR_RETURN(int c, compare(version, t.version));
    return op_holds(op, c);
  });
}

}  // namespace dagda::version::rpm
