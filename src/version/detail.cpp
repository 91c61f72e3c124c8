#include "version/detail.hpp"

#include <fmt/format.h>

namespace dagda::version::detail {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

int icompare(std::string_view a, std::string_view b) {
  size_t n = a.size() < b.size() ? a.size() : b.size();
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = static_cast<unsigned char>(to_lower(a[i]));
    unsigned char y = static_cast<unsigned char>(to_lower(b[i]));
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

static std::string_view strip_zeros(std::string_view s) {
  while (s.size() > 1 && s[0] == '0') s.remove_prefix(1);
  if (s.size() == 1 && s[0] == '0') return {};
  return s;
}

int compare_digits(std::string_view a, std::string_view b) {
  a = strip_zeros(a);
  b = strip_zeros(b);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return sign(a.compare(b));
}

int compare_digits(std::string_view a, uint64_t b) {
  char buf[24];
  auto r = fmt::format_to_n(buf, sizeof buf, "{}", b);
  return compare_digits(a, std::string_view(buf, r.size));
}

bool parse_u64(std::string_view digits, uint64_t* out) {
  if (digits.empty()) return false;
  uint64_t v = 0;
  for (char c : digits) {
    if (!is_digit(c)) return false;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  size_t n = 0;
  for (unsigned char c : s) {
    if (++n > 120) {
      out += "...";
      break;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

Error invalid_version(std::string_view eco, std::string_view v, std::string_view why) {
  return Error(ErrorCode::invalid_input, fmt::format("invalid {} version {}: {}", eco, quote(v), why));
}

Error invalid_range(std::string_view eco, std::string_view range, std::string_view why) {
  return Error(ErrorCode::invalid_input, fmt::format("invalid {} range {}: {}", eco, quote(range), why));
}

bool parse_op(std::string_view t, Op* op) {
  if (t == "<" || t == "<<") *op = Op::lt;
  else if (t == "<=" || t == "=<") *op = Op::le;
  else if (t == ">" || t == ">>") *op = Op::gt;
  else if (t == ">=" || t == "=>") *op = Op::ge;
  else if (t == "=" || t == "==" || t.empty()) *op = Op::eq;
  else if (t == "!=") *op = Op::ne;
  else return false;
  return true;
}

bool op_holds(Op op, int c) {
  switch (op) {
    case Op::lt: return c < 0;
    case Op::le: return c <= 0;
    case Op::gt: return c > 0;
    case Op::ge: return c >= 0;
    case Op::eq: return c == 0;
    case Op::ne: return c != 0;
  }
  return false;
}

}  // namespace dagda::version::detail
