#include "version/semver_core.hpp"

#include "version/detail.hpp"

namespace dagda::version::detail {
namespace {

bool ident_char(char c) { return is_alnum(c) || c == '-'; }

// Dot-separated non-empty identifiers of [0-9A-Za-z-].
bool valid_idents(std::string_view s) {
  if (s.empty()) return false;
  size_t len = 0;
  for (char c : s) {
    if (c == '.') {
      if (len == 0) return false;
      len = 0;
    } else if (ident_char(c)) {
      ++len;
    } else {
      return false;
    }
  }
  return len > 0;
}

}  // namespace

const char* parse_sem(std::string_view s, Sem* out) {
  *out = Sem{};
  if (s.empty()) return "empty version";
  if (s[0] == 'v' || s[0] == 'V') s.remove_prefix(1);
  std::string_view* parts[3] = {&out->major, &out->minor, &out->patch};
  size_t i = 0;
  for (int k = 0; k < 3; ++k) {
    size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start) return k == 0 ? "does not start with a number" : "empty version component";
    *parts[k] = s.substr(start, i - start);
    if (i < s.size() && s[i] == '.' && k < 2) {
      ++i;
      continue;
    }
    break;
  }
  if (i < s.size() && s[i] == '.') return "more than three version components";
  if (i < s.size() && s[i] == '-') {
    size_t start = ++i;
    while (i < s.size() && s[i] != '+') ++i;
    out->pre = s.substr(start, i - start);
    if (!valid_idents(out->pre)) return "invalid pre-release";
  }
  if (i < s.size() && s[i] == '+') {
    out->build = s.substr(i + 1);
    if (!valid_idents(out->build)) return "invalid build metadata";
    i = s.size();
  }
  if (i != s.size()) return "unexpected character";
  return nullptr;
}

int compare_prerelease(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return a.empty() == b.empty() ? 0 : (a.empty() ? 1 : -1);
  while (true) {
    size_t da = a.find('.'), db = b.find('.');
    std::string_view x = a.substr(0, da), y = b.substr(0, db);
    bool nx = all_digits(x), ny = all_digits(y);
    int c;
    if (nx && ny) c = compare_digits(x, y);
    else if (nx != ny) c = nx ? -1 : 1;
    else c = sign_of_compare(x, y);
    if (c) return c;
    bool ea = da == std::string_view::npos, eb = db == std::string_view::npos;
    if (ea || eb) return ea == eb ? 0 : (ea ? -1 : 1);
    a.remove_prefix(da + 1);
    b.remove_prefix(db + 1);
  }
}

int compare_sem(const Sem& a, const Sem& b) {
  int c = compare_digits(a.major, b.major);
  if (!c) c = compare_digits(a.minor, b.minor);
  if (!c) c = compare_digits(a.patch, b.patch);
  if (!c) c = compare_prerelease(a.pre, b.pre);
  return c;
}

int compare_sem_bound(const Sem& v, const Bound& b) {
  int c = compare_digits(v.major, b.major);
  if (!c) c = compare_digits(v.minor, b.minor);
  if (!c) c = compare_digits(v.patch, b.patch);
  if (!c) c = compare_prerelease(v.pre, b.pre);
  return c;
}

const char* parse_partial(std::string_view s, Partial* out, bool allow_pre_on_partial) {
  *out = Partial{};
  if (!s.empty() && (s[0] == 'v' || s[0] == 'V')) s.remove_prefix(1);
  if (s.empty()) return "empty version";
  size_t i = 0;
  bool wild = false;
  int parts = 0;
  for (int k = 0; k < 3; ++k) {
    if (i < s.size() && (s[i] == 'x' || s[i] == 'X' || s[i] == '*')) {
      ++i;
      wild = true;
    } else {
      size_t start = i;
      while (i < s.size() && is_digit(s[i])) ++i;
      if (i == start) return "expected a number or a wildcard";
      if (wild) return "a number after a wildcard";
      if (i - start > 1 && s[start] == '0') return "a number with a leading zero";
      if (!parse_u64(s.substr(start, i - start), &out->n[k]) || out->n[k] > 9007199254740991ull)
        return "number too large";
      out->given = k + 1;
    }
    ++parts;
    if (i < s.size() && s[i] == '.' && k < 2) {
      ++i;
      continue;
    }
    break;
  }
  if (i < s.size() && s[i] == '.') return "more than three version components";
  if (i < s.size() && s[i] == '-') {
    if (!allow_pre_on_partial && (parts < 3 || wild)) return "a pre-release on a partial version";
    size_t start = ++i;
    while (i < s.size() && s[i] != '+') ++i;
    out->pre = s.substr(start, i - start);
    if (!valid_idents(out->pre)) return "invalid pre-release";
  }
  if (i < s.size() && s[i] == '+') {
    if (!valid_idents(s.substr(i + 1))) return "invalid build metadata";
    i = s.size();
  }
  if (i != s.size()) return "unexpected character";
  if (out->given < 3) out->pre = {};
  return nullptr;
}

}  // namespace dagda::version::detail
