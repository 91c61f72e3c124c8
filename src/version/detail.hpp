// version/detail.hpp: helpers shared by the comparators (not part of the API).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace dagda::version::detail {

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
inline bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool is_alpha(char c) { return is_lower(c) || is_upper(c); }
inline bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
inline char to_lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
// Lexicographic byte comparison, case-insensitive for ASCII letters.
int icompare(std::string_view a, std::string_view b);
std::string_view trim(std::string_view s);
bool all_digits(std::string_view s);

// Compares two runs of decimal digits by value, of any length (leading zeros ignored).
int compare_digits(std::string_view a, std::string_view b);
// Same, against a number.
int compare_digits(std::string_view a, uint64_t b);
// Parses a run of digits into *out; false on overflow or a non-digit.
bool parse_u64(std::string_view digits, uint64_t* out);

inline int sign(int v) { return (v > 0) - (v < 0); }
inline int sign_of_compare(std::string_view a, std::string_view b) { return sign(a.compare(b)); }

// The string, quoted and escaped for an error message, cut at 120 bytes.
std::string quote(std::string_view s);
Error invalid_version(std::string_view eco, std::string_view v, std::string_view why);
Error invalid_range(std::string_view eco, std::string_view range, std::string_view why);

// A vector that keeps its first N elements inline, so the common case does not allocate.
template <typename T, size_t N>
class SmallVec {
 public:
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return i < N ? inline_[i] : spill_[i - N]; }
  const T& operator[](size_t i) const { return i < N ? inline_[i] : spill_[i - N]; }
  T& back() { return (*this)[size_ - 1]; }
  void push_back(T v) {
    if (size_ < N) {
      inline_[size_] = std::move(v);
    } else {
      spill_.push_back(std::move(v));
    }
    ++size_;
  }
  void pop_back() {
    if (size_ > N) spill_.pop_back();
    --size_;
  }
  void erase(size_t i) {
    for (size_t k = i; k + 1 < size_; ++k) (*this)[k] = std::move((*this)[k + 1]);
    pop_back();
  }

 private:
  T inline_[N]{};
  std::vector<T> spill_;
  size_t size_ = 0;
};

// The relational operators of constraint strings.
enum class Op { lt, le, gt, ge, eq, ne };
// Parses "<", "<=", "=<", ">", ">=", "=>", "=", "==", "!=", and dpkg's "<<", ">>".
bool parse_op(std::string_view text, Op* op);
bool op_holds(Op op, int cmp);

// A constraint term: an operator (possibly empty) and a version.
struct Term {
  std::string_view op;
  std::string_view version;
};

// Splits `range` on "||" into alternatives, and each alternative into terms
// separated by commas and/or whitespace; each term is an operator (a run of
// <>=!~^) then, after optional blanks, a version. Calls term_fn(Term) -> Result<bool>
// for every term (so that a bad term anywhere is reported) and returns whether
// every term of some alternative holds.
template <typename F>
Result<bool> eval_terms(std::string_view eco, std::string_view range, F&& term_fn);

// Splits s on "||"; calls fn(alternative) for each, in order.
template <typename F>
void split_alternatives(std::string_view s, F&& fn) {
  size_t start = 0;
  while (true) {
    size_t bar = s.find("||", start);
    if (bar == std::string_view::npos) {
      fn(s.substr(start));
      return;
    }
    fn(s.substr(start, bar - start));
    start = bar + 2;
  }
}

inline bool is_op_char(char c) { return c == '<' || c == '>' || c == '=' || c == '!' || c == '~' || c == '^'; }

template <typename F>
Result<bool> eval_terms(std::string_view eco, std::string_view range, F&& term_fn) {
  if (trim(range).empty()) return invalid_range(eco, range, "empty range");
  bool any = false;
  bool bad = false;
  Error first_error(ErrorCode::invalid_input, "");
  split_alternatives(range, [&](std::string_view alt) {
    if (bad) return;
    size_t i = 0;
    bool all = true;
    int terms = 0;
    while (true) {
      while (i < alt.size() && (is_space(alt[i]) || alt[i] == ',')) ++i;
      if (i >= alt.size()) break;
      size_t op_start = i;
      while (i < alt.size() && is_op_char(alt[i])) ++i;
      std::string_view op = alt.substr(op_start, i - op_start);
      while (i < alt.size() && is_space(alt[i])) ++i;
      size_t v_start = i;
      while (i < alt.size() && !is_space(alt[i]) && alt[i] != ',' && alt[i] != '|') ++i;
      std::string_view ver = alt.substr(v_start, i - v_start);
      if (ver.empty()) {
        bad = true;
        first_error = invalid_range(eco, range, op.empty() ? "unexpected '|'" : "operator without a version");
        return;
      }
      ++terms;
      Result<bool> r = term_fn(Term{op, ver});
      if (!r.ok()) {
        bad = true;
        first_error = std::move(r).error();
        return;
      }
      if (!*r) all = false;
    }
    if (terms == 0) {
      bad = true;
      first_error = invalid_range(eco, range, "empty alternative");
      return;
    }
    if (all) any = true;
  });
  if (bad) return first_error;
  return any;
}

}  // namespace dagda::version::detail

namespace dagda::version::detail {

// Maven and NuGet interval notation: "[1.0,2.0)", "(,1.0]", "[1.2]", "[1.0,)",
// several joined by commas ("(,1.0],[1.2,)"); any interval holding the version
// matches. cmp(a, b) compares two versions of the ecosystem. A range without
// brackets is handed to bare(text) instead.
template <typename Cmp, typename Bare>
Result<bool> eval_intervals(std::string_view eco, std::string_view version, std::string_view range, Cmp&& cmp,
                            Bare&& bare) {
  bool any = false;
  std::string_view s = trim(range);
  if (s.empty()) return invalid_range(eco, range, "empty range");
  if (s[0] != '[' && s[0] != '(') return bare(s);
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (is_space(s[i]) || s[i] == ',')) ++i;
    if (i >= s.size()) break;
    char open = s[i];
    if (open != '[' && open != '(') return invalid_range(eco, range, "expected '[' or '('");
    size_t close = s.find_first_of("])", i + 1);
    if (close == std::string_view::npos) return invalid_range(eco, range, "unclosed interval");
    std::string_view body = s.substr(i + 1, close - i - 1);
    if (body.find_first_of("[(") != std::string_view::npos) return invalid_range(eco, range, "nested interval");
    bool lo_incl = open == '[', hi_incl = s[close] == ']';
    size_t comma = body.find(',');
    bool in;
    if (comma == std::string_view::npos) {
      std::string_view v = trim(body);
      if (!lo_incl || !hi_incl || v.empty()) return invalid_range(eco, range, "a single version must be written [v]");
      auto c = cmp(version, v);
      if (!c.ok()) return std::move(c).error();
      in = *c == 0;
    } else {
      std::string_view lo = trim(body.substr(0, comma)), hi = trim(body.substr(comma + 1));
      if (hi.find(',') != std::string_view::npos) return invalid_range(eco, range, "more than two bounds in an interval");
      if (lo.empty() && hi.empty()) return invalid_range(eco, range, "an interval without bounds");
      in = true;
      if (!lo.empty()) {
        auto c = cmp(version, lo);
        if (!c.ok()) return std::move(c).error();
        in = lo_incl ? *c >= 0 : *c > 0;
      }
      if (!hi.empty()) {
        auto c = cmp(version, hi);
        if (!c.ok()) return std::move(c).error();
        in = in && (hi_incl ? *c <= 0 : *c < 0);
      }
      if (!lo.empty() && !hi.empty()) {
        auto c = cmp(lo, hi);
        if (!c.ok()) return std::move(c).error();
        if (*c > 0) return invalid_range(eco, range, "lower bound above the upper bound");
      }
    }
    any = any || in;
    i = close + 1;
  }
  return any;
}

}  // namespace dagda::version::detail
