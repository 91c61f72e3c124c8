// Alpine versions, as apk-tools parses and orders them:
//   number{.number}...{letter}{_suffix{number}}...{~hash}{-rN}
// with suffixes _alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p.
// A number with a leading zero (after the first) compares as a string.
#include "version/detail.hpp"
#include "version/ecosystems.hpp"

namespace dagda::version::apk {
namespace {

using namespace detail;
constexpr std::string_view kEco = "apk";

// The order is the grammar: a token may only be followed by a later kind.
enum Token { kInitialDigit, kDigit, kLetter, kSuffix, kSuffixNo, kCommitHash, kRevisionNo, kEnd, kInvalid };
enum Suffix { kSufInvalid, kAlpha, kBeta, kPre, kRc, kNone, kCvs, kSvn, kGit, kHg, kP };

struct State {
  Token token = kInitialDigit;
  int suffix = kSufInvalid;
  std::string_view value;
  std::string_view rest;
};

int suffix_value(std::string_view s) {
  static constexpr std::string_view names[] = {"", "alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p"};
  if (s.empty()) return kSufInvalid;
  for (int i = kAlpha; i <= kP; ++i)
    if (i != kNone && s == names[i]) return i;
  return kSufInvalid;
}

void parse_digits(State& t) {
  size_t n = 0;
  while (n < t.rest.size() && is_digit(t.rest[n])) ++n;
  t.value = t.rest.substr(0, n);
  t.rest.remove_prefix(n);
  if (n == 0) t.token = kInvalid;
}

void first(State& t, std::string_view s) {
  t.rest = s;
  t.token = kInitialDigit;
  parse_digits(t);
}

// `legacy` also reads a number right after the letter ("5.1p1"), which apk-tools 2
// (the Alpine 3.x releases) accepted and apk-tools 3 rejects.
void next(State& t, bool legacy) {
  if (t.rest.empty()) {
    t.token = kEnd;
    return;
  }
  char c = t.rest[0];
  if (is_lower(c)) {
    if (t.token > kDigit) {
      t.token = kInvalid;
      return;
    }
    t.value = t.rest.substr(0, 1);
    t.rest.remove_prefix(1);
    t.token = kLetter;
  } else if (c == '.' || is_digit(c)) {
    if (c == '.') {
      if (t.token > kDigit) {
        t.token = kInvalid;
        return;
      }
      t.rest.remove_prefix(1);
    }
    if (t.token == kInitialDigit || t.token == kDigit || (legacy && c != '.' && t.token == kLetter)) {
      t.token = kDigit;
    } else if (t.token == kSuffix) {
      t.token = kSuffixNo;
    } else {
      t.token = kInvalid;
      return;
    }
    parse_digits(t);
  } else if (c == '_') {
    if (t.token > kSuffixNo) {
      t.token = kInvalid;
      return;
    }
    t.rest.remove_prefix(1);
    size_t n = 0;
    while (n < t.rest.size() && is_lower(t.rest[n])) ++n;
    t.value = t.rest.substr(0, n);
    t.rest.remove_prefix(n);
    t.suffix = suffix_value(t.value);
    t.token = t.suffix == kSufInvalid ? kInvalid : kSuffix;
  } else if (c == '~') {
    if (t.token >= kCommitHash) {
      t.token = kInvalid;
      return;
    }
    t.rest.remove_prefix(1);
    size_t n = 0;
    while (n < t.rest.size() && (is_digit(t.rest[n]) || (t.rest[n] >= 'a' && t.rest[n] <= 'f'))) ++n;
    t.value = t.rest.substr(0, n);
    t.rest.remove_prefix(n);
    t.token = n == 0 ? kInvalid : kCommitHash;
  } else if (c == '-') {
    if (t.token >= kRevisionNo || t.rest.size() < 2 || t.rest[1] != 'r') {
      t.token = kInvalid;
      return;
    }
    t.rest.remove_prefix(2);
    t.token = kRevisionNo;
    parse_digits(t);
  } else {
    t.token = kInvalid;
  }
}

int token_cmp(const State& a, const State& b) {
  switch (a.token) {
    case kDigit:
      // A leading zero makes the component a string, as in Gentoo's rules.
      if (a.value[0] == '0' || b.value[0] == '0') return sign_of_compare(a.value, b.value);
      [[fallthrough]];
    case kInitialDigit:
    case kSuffixNo:
    case kRevisionNo:
      return compare_digits(a.value, b.value);
    case kLetter:
      return sign(static_cast<unsigned char>(a.value[0]) - static_cast<unsigned char>(b.value[0]));
    case kSuffix:
      return sign(a.suffix - b.suffix);
    default:
      return sign_of_compare(a.value, b.value);
  }
}

int compare_fuzzy(std::string_view a, std::string_view b, bool fuzzy, bool legacy = true) {
  State ta, tb;
  first(ta, a);
  first(tb, b);
  while (ta.token == tb.token && ta.token < kEnd) {
    int r = token_cmp(ta, tb);
    if (r) return r;
    next(ta, legacy);
    next(tb, legacy);
  }
  if (ta.token == tb.token) return 0;
  if (tb.token == kEnd && fuzzy) return 0;
  // Equal so far: the longer one is newer unless what follows is a pre-release suffix.
  if (ta.token == kSuffix && ta.suffix < kNone) return -1;
  if (tb.token == kSuffix && tb.suffix < kNone) return 1;
  return ta.token > tb.token ? -1 : 1;
}

bool valid_grammar(std::string_view v, bool legacy) {
  State t;
  for (first(t, v); t.token < kEnd; next(t, legacy)) {
  }
  return t.token == kEnd;
}

const char* kGrammar = "not of the form number{.number}{letter}{_suffix{number}}{~hash}{-rN}";
bool accepted(std::string_view v) { return valid_grammar(v, true); }

}  // namespace

bool valid_v3(std::string_view v) { return valid_grammar(v, false); }
bool valid(std::string_view v) { return accepted(v); }
int compare_any(std::string_view a, std::string_view b) { return compare_fuzzy(a, b, false); }
bool fuzzy_match(std::string_view a, std::string_view b) { return compare_fuzzy(a, b, true) == 0; }

// Accepts what apk-tools 3 accepts, and what apk-tools 2 accepted (real Alpine
// packages such as openssh 6.0.2p1-r0 have a number after the letter).
Result<int> compare(std::string_view a, std::string_view b) {
  if (!accepted(a)) return invalid_version(kEco, a, kGrammar);
  if (!accepted(b)) return invalid_version(kEco, b, kGrammar);
  return compare_any(a, b);
}

// apk dependency operators: < <= = >= > and the fuzzy ~ <~ >~ (prefix match), '!' negates.
Result<bool> satisfies(std::string_view version, std::string_view range) {
  if (!accepted(version)) return compare(version, version).error();
  return eval_terms(kEco, range, [&](const Term& t) -> Result<bool> {
    bool less = false, greater = false, equal = false, fuzzy = false, negate = false;
    for (char c : t.op) {
      if (c == '<') less = true;
      else if (c == '>') greater = true;
      else if (c == '=') equal = true;
      else if (c == '~') fuzzy = equal = true;
      else if (c == '!') negate = true;
      else return invalid_range(kEco, range, "unknown operator");
    }
    if (t.op.empty() || (negate && !less && !greater && !equal)) equal = true;
    if (!accepted(t.version)) return compare(t.version, t.version).error();
    int c = compare_fuzzy(version, t.version, fuzzy);
    bool ok = (c < 0 && less) || (c > 0 && greater) || (c == 0 && equal);
    return negate ? !ok : ok;
  });
}

}  // namespace dagda::version::apk
