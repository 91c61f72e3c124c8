// Upstream release versions as NVD's CPE ranges and the runtime cataloger write them
// (OpenSSL 1.1.1k and 0.9.8zh, Go go1.21.3, Python 3.13.0rc1, PHP 2.0b10, PostgreSQL 15.4,
// OpenJDK 1.8.0_382). A version is a run of tokens: numbers, and words of letters; '.', '-',
// '_', '+' and '~' only separate them. At one position the tokens order as
//   pre-release word < end of the version < other word < number
// where a pre-release word is dev, alpha, beta, pre, preview, rc (in that order; "a", "b",
// "c" as alpha, beta, rc when a digit follows them) and any other word (OpenSSL's letters,
// Ruby's p20) comes after the release it follows, words comparing as strings. A leading "go"
// or "v" before a digit is not part of the version. Constraints are terms "<", "<=", ">",
// ">=", "=" joined by spaces or commas, alternatives by "||" (what importers/nvd.cpp writes).
#include "version/detail.hpp"
#include "version/ecosystems.hpp"

namespace dagda::version::upstream {

using namespace detail;
constexpr std::string_view kEco = "upstream";
constexpr size_t kMaxVersion = 128;

enum class Kind { pre = 0, end = 1, word = 2, number = 3 };

struct Token {
  Kind kind = Kind::end;
  std::string_view text;  // the digits or the word (lower case not required: compared case-insensitively)
  int rank = 0;           // pre-release words: dev 0, alpha 1, beta 2, pre 3, rc 4
};

bool is_separator(char c) { return c == '.' || c == '-' || c == '_' || c == '+' || c == '~'; }

std::string_view strip_prefix(std::string_view v) {
  if (v.size() > 2 && istarts_with(v, "go") && is_digit(v[2])) return v.substr(2);
  if (v.size() > 1 && (v[0] == 'v' || v[0] == 'V') && is_digit(v[1])) return v.substr(1);
  return v;
}

const char* check(std::string_view v) {
  if (v.empty()) return "empty version";
  if (v.size() > kMaxVersion) return "longer than 128 characters";
  if (!is_digit(v[0])) return "does not start with a digit";
  for (char c : v)
    if (!is_alnum(c) && !is_separator(c)) return "holds a character other than letters, digits and . - _ + ~";
  return nullptr;
}

int pre_rank(std::string_view word, bool digit_follows) {
  if (iequals(word, "dev")) return 0;
  if (iequals(word, "alpha") || (digit_follows && iequals(word, "a"))) return 1;
  if (iequals(word, "beta") || (digit_follows && iequals(word, "b"))) return 2;
  if (iequals(word, "pre") || iequals(word, "preview")) return 3;
  if (iequals(word, "rc") || (digit_follows && iequals(word, "c"))) return 4;
  return -1;
}

// The next token from `pos` (moved past it); Kind::end at the end of the string.
Token next(std::string_view v, size_t& pos) {
  while (pos < v.size() && is_separator(v[pos])) ++pos;
  Token t;
  if (pos >= v.size()) return t;
  size_t start = pos;
  if (is_digit(v[pos])) {
    while (pos < v.size() && is_digit(v[pos])) ++pos;
    t.kind = Kind::number;
  } else {
    while (pos < v.size() && is_alpha(v[pos])) ++pos;
    bool digit_follows = pos < v.size() && is_digit(v[pos]);
    t.rank = pre_rank(v.substr(start, pos - start), digit_follows);
    t.kind = t.rank >= 0 ? Kind::pre : Kind::word;
  }
  t.text = v.substr(start, pos - start);
  return t;
}

int compare_tokens(const Token& a, const Token& b) {
  if (a.kind != b.kind) return a.kind < b.kind ? -1 : 1;
  switch (a.kind) {
    case Kind::number: return compare_digits(a.text, b.text);
    case Kind::pre: return a.rank == b.rank ? 0 : (a.rank < b.rank ? -1 : 1);
    case Kind::word: return sign(icompare(a.text, b.text));
    case Kind::end: return 0;
  }
  return 0;
}

int compare_valid(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (true) {
    Token x = next(a, i), y = next(b, j);
    if (int c = compare_tokens(x, y)) return c;
    if (x.kind == Kind::end) return 0;
  }
}

bool valid(std::string_view v) { return check(strip_prefix(v)) == nullptr; }

Result<int> compare(std::string_view a, std::string_view b) {
  std::string_view x = strip_prefix(a), y = strip_prefix(b);
  if (const char* why = check(x)) return invalid_version(kEco, a, why);
  if (const char* why = check(y)) return invalid_version(kEco, b, why);
  return compare_valid(x, y);
}

Result<bool> satisfies(std::string_view version, std::string_view range) {
  std::string_view v = strip_prefix(version);
  if (const char* why = check(v)) return invalid_version(kEco, version, why);
  return eval_terms(kEco, range, [&](const Term& t) -> Result<bool> {
    Op op = Op::eq;
    if (!t.op.empty() && !parse_op(t.op, &op)) return invalid_range(kEco, range, "unknown operator");
    std::string_view bound = strip_prefix(t.version);
    if (const char* why = check(bound)) return invalid_range(kEco, range, why);
    return op_holds(op, compare_valid(v, bound));
  });
}

}  // namespace dagda::version::upstream
