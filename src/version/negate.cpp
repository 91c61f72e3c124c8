// Moved from the importers (where RubySec and RustSec used it) so that
// version rules live in one module.
#include "version/negate.hpp"

#include <algorithm>
#include <cctype>

#include "common/result.hpp"
#include "common/strings.hpp"
#include "version/comparator.hpp"

namespace dagda::version {


namespace {

struct Term {
  std::string op;
  std::string ver;
};

// "~> 1.2.3" -> {"~>", "1.2.3"}; a bare version -> {"", v}.
std::optional<Term> split_term(std::string_view t) {
  t = trim(t);
  if (t.empty()) return std::nullopt;
  size_t i = 0;
  while (i < t.size() && std::string_view("<>=!~^").find(t[i]) != std::string_view::npos) ++i;
  Term out{std::string(t.substr(0, i)), std::string(trim(t.substr(i)))};
  if (out.ver.empty()) return std::nullopt;
  for (char c : out.ver)
    if (std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == '|') return std::nullopt;
  return out;
}

std::vector<std::string> numbers(std::string_view v) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= v.size()) {
    size_t dot = v.find('.', start);
    parts.emplace_back(v.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts;
}

bool digits(std::string_view s) {
  return !s.empty() && s.size() < 10 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Gem::Version#bump: keep the segments before the first pre-release one, drop
// the last of those (unless it is the only one) and increment the new last.
std::optional<std::string> gem_bump(std::string_view v) {
  // Gem::Version's segments: runs of digits or of letters ("1.8.5-p2" -> 1 8 5 pre p 2).
  std::vector<std::string> parts;
  for (size_t i = 0; i < v.size();) {
    char c = v[i];
    size_t j = i;
    if (std::isdigit(static_cast<unsigned char>(c))) {
      while (j < v.size() && std::isdigit(static_cast<unsigned char>(v[j]))) ++j;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '-') {
      break;  // the first pre-release segment ends the release part
    } else {
      ++i;
      continue;
    }
    parts.emplace_back(v.substr(i, j - i));
    i = j;
    if (i < v.size() && std::isalpha(static_cast<unsigned char>(v[i]))) break;
  }
  if (parts.size() > 1) parts.pop_back();
  if (parts.empty() || parts.back().size() > 9) return std::nullopt;
  parts.back() = std::to_string(std::stoll(parts.back()) + 1);
  std::string out;
  for (auto& p : parts) out += (out.empty() ? "" : ".") + p;
  return out;
}

// Cargo's upper bound for ^v and ~v (the first version that no longer matches).
std::optional<std::string> cargo_upper(std::string_view v, bool caret) {
  std::string_view core = v.substr(0, v.find_first_of("-+"));
  auto parts = numbers(core);
  if (parts.empty() || parts.size() > 3) return std::nullopt;
  for (auto& p : parts)
    if (!digits(p)) return std::nullopt;
  long long n[3] = {0, 0, 0};
  for (size_t i = 0; i < parts.size(); ++i) n[i] = std::stoll(parts[i]);
  auto fmt3 = [](long long a, long long b, long long c) {
    return std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c);
  };
  if (!caret) {  // ~1.2.3 / ~1.2 -> <1.3.0; ~1 -> <2.0.0
    if (parts.size() == 1) return fmt3(n[0] + 1, 0, 0);
    return fmt3(n[0], n[1] + 1, 0);
  }
  if (n[0] > 0 || parts.size() == 1) return fmt3(n[0] + 1, 0, 0);
  if (n[1] > 0 || parts.size() == 2) return fmt3(0, n[1] + 1, 0);
  return fmt3(0, 0, n[2] + 1);
}

// NOT(term) as alternatives, each a single term; nullopt when the operator is unknown.
std::optional<std::vector<std::string>> negate(const Term& t, std::string_view dialect) {
  const std::string& v = t.ver;
  const std::string& op = t.op;
  if (op == ">=") return std::vector<std::string>{"< " + v};
  if (op == ">") return std::vector<std::string>{"<= " + v};
  if (op == "<") return std::vector<std::string>{">= " + v};
  if (op == "<=") return std::vector<std::string>{"> " + v};
  if (dialect == "gem") {
    if (op == "=" || op.empty()) return std::vector<std::string>{"!= " + v};
    if (op == "!=") return std::vector<std::string>{"= " + v};
    if (op == "~>") {
      auto up = gem_bump(v);
      if (!up) return std::nullopt;
      // Gem's ~> compares the release part with the bump, so the bump's
      // pre-releases ("2.2.0.rc1" for ~> 2.1.3) are outside it: ">= 2.2.a".
      return std::vector<std::string>{"< " + v, ">= " + *up + ".a"};
    }
    return std::nullopt;
  }
  // cargo
  if (v == "*") return std::vector<std::string>{};  // NOT(every version)
  if (op == "=") return std::vector<std::string>{"< " + v, "> " + v};
  if (op.empty() || op == "^" || op == "~") {
    if (op.empty() && (v.ends_with(".*") || v.ends_with(".x"))) {
      std::string base = v.substr(0, v.size() - 2);
      auto up = cargo_upper(base, false);
      if (!up) return std::nullopt;
      if (numbers(base).size() == 1) up = cargo_upper(base, true);
      return std::vector<std::string>{"< " + base, ">= " + *up};
    }
    auto up = cargo_upper(v, op != "~");
    if (!up) return std::nullopt;
    return std::vector<std::string>{"< " + v, ">= " + *up};
  }
  return std::nullopt;
}

}  // namespace

namespace {

struct Bound {
  std::string v;
  bool inclusive = false;
};
struct Interval {
  std::optional<Bound> lo, hi;
  std::vector<std::string> not_equal;
};

// Applies one simple term ("< 1.2", ">= 1.0", "!= 1.1", "= 1.1") to an interval.
// Returns false when the interval becomes empty; an Error when versions do not compare.
Result<bool> narrow(Interval& in, std::string_view term, const Comparator& cmp) {
  auto sp = term.find(' ');
  std::string_view op = term.substr(0, sp);
  std::string v(term.substr(sp + 1));
  auto tighter = [&](const std::optional<Bound>& cur, const Bound& b, bool lower) -> Result<bool> {
    if (!cur) return true;
    DAGDA_ASSIGN_OR_RETURN(int c, cmp.compare(b.v, cur->v));
    if (c == 0) return !b.inclusive && cur->inclusive;
    return lower ? c > 0 : c < 0;
  };
  if (op == "!=") {
    in.not_equal.push_back(v);
    return true;
  }
  if (op == ">=" || op == ">" || op == "=") {
    Bound b{v, op != ">"};
    DAGDA_ASSIGN_OR_RETURN(bool t, tighter(in.lo, b, true));
    if (t) in.lo = b;
  }
  if (op == "<=" || op == "<" || op == "=") {
    Bound b{v, op != "<"};
    DAGDA_ASSIGN_OR_RETURN(bool t, tighter(in.hi, b, false));
    if (t) in.hi = b;
  }
  if (in.lo && in.hi) {
    DAGDA_ASSIGN_OR_RETURN(int c, cmp.compare(in.lo->v, in.hi->v));
    if (c > 0 || (c == 0 && !(in.lo->inclusive && in.hi->inclusive))) return false;
  }
  return true;
}

std::string render(const Interval& in, std::string_view dialect) {
  std::string out;
  auto add = [&](const std::string& t) { out += (out.empty() ? "" : ", ") + t; };
  if (in.lo && in.hi && in.lo->inclusive && in.hi->inclusive && in.lo->v == in.hi->v) {
    add("= " + in.lo->v);
  } else {
    if (in.lo) add((in.lo->inclusive ? ">= " : "> ") + in.lo->v);
    if (in.hi) add((in.hi->inclusive ? "<= " : "< ") + in.hi->v);
  }
  for (const auto& n : in.not_equal) add("!= " + n);
  if (out.empty()) out = dialect == "gem" ? ">= 0" : ">= 0.0.0";
  return out;
}

}  // namespace

Complement complement_of(const std::vector<std::string>& excluded, std::string_view dialect) {
  constexpr size_t kMaxTerms = 4096;
  const Comparator* cmp = find_comparator(dialect == "gem" ? "gem" : "cargo");
  if (!cmp) return {std::nullopt, "no comparator for " + std::string(dialect)};
  // A union of intervals (alternatives), each narrowed by one alternative of
  // every negated requirement; empty intervals are dropped as they appear.
  std::vector<Interval> dnf(1);
  for (const auto& req : excluded) {
    // NOT(a AND b) = NOT a OR NOT b.
    std::vector<std::string> alts;
    std::string_view rest = req;
    while (true) {
      auto comma = rest.find(',');
      auto t = split_term(rest.substr(0, comma));
      if (!t) return {std::nullopt, "cannot read requirement \"" + req + "\""};
      auto n = negate(*t, dialect);
      if (!n) return {std::nullopt, "cannot negate requirement \"" + req + "\""};
      alts.insert(alts.end(), n->begin(), n->end());
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    std::vector<Interval> next;
    for (const auto& in : dnf)
      for (const auto& a : alts) {
        Interval x = in;
        auto r = narrow(x, a, *cmp);
        if (!r.ok()) return {std::nullopt, "requirement \"" + req + "\": " + r.error().message()};
        if (!*r) continue;
        next.push_back(std::move(x));
        if (next.size() > kMaxTerms) return {std::nullopt, "requirements expand to too many alternatives"};
      }
    dnf = std::move(next);
    if (dnf.empty()) return {std::nullopt, ""};  // nothing is affected
  }
  std::string out;
  std::vector<std::string> seen;
  for (const auto& in : dnf) {
    std::string r = render(in, dialect);
    if (std::find(seen.begin(), seen.end(), r) != seen.end()) continue;
    seen.push_back(r);
    out += (out.empty() ? "" : " || ") + r;
  }
  return {out, ""};
}


std::vector<std::string> lower_bounds(std::string_view requirements) {
  std::vector<std::string> out;
  std::string_view rest = requirements;
  while (true) {
    size_t bar = rest.find("||");
    std::string_view alt = rest.substr(0, bar);
    // Terms: "," or whitespace separated; an operator may stand apart from its version (">= 1.2").
    std::string norm(alt);
    for (auto& c : norm)
      if (c == ',') c = ' ';
    auto words = split_words(norm);
    for (size_t i = 0; i < words.size(); ++i) {
      std::string_view w = words[i];
      size_t k = 0;
      while (k < w.size() && std::string_view("<>=!~^").find(w[k]) != std::string_view::npos) ++k;
      std::string op(w.substr(0, k));
      std::string_view ver = w.substr(k);
      if (ver.empty() && i + 1 < words.size()) ver = words[++i];
      if (ver.empty() || ver == "*" || ver.ends_with(".*") || ver.ends_with(".x")) continue;
      if (op == ">=" || op == "~>" || op == "^" || op == "~" || op == "=" || op == "==" || op.empty()) {
        if (std::isdigit(static_cast<unsigned char>(ver.front())) ||
            (ver.front() == 'v' && ver.size() > 1 && std::isdigit(static_cast<unsigned char>(ver[1]))))
          if (std::find(out.begin(), out.end(), ver) == out.end()) out.emplace_back(ver);
      }
    }
    if (bar == std::string_view::npos) break;
    rest.remove_prefix(bar + 2);
  }
  return out;
}

}  // namespace dagda::version
