#include "importers/feeds_common.hpp"

#include <algorithm>
#include <cctype>

#include "version/comparator.hpp"

namespace dagda::importers::feeds {

Error entry_error(const Entry& e, std::string what, std::optional<uint64_t> line, ErrorCode code) {
  Location where;
  where.file = e.path;
  where.line = line;
  return Error(code, std::move(what), std::move(where));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string_view skip_space(std::string_view head) {
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  while (!head.empty() && std::isspace(static_cast<unsigned char>(head.front()))) head.remove_prefix(1);
  return head;
}

bool contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

std::string_view base_name(std::string_view path) {
  auto p = path.find_last_of("/!");
  return p == std::string_view::npos ? path : path.substr(p + 1);
}

bool is_cve(std::string_view s) {
  if (s.size() < 13 || !s.starts_with("CVE-") || s[8] != '-') return false;
  for (size_t i = 4; i < s.size(); ++i)
    if (i != 8 && !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

uint64_t line_of(std::string_view data, size_t pos) {
  pos = std::min(pos, data.size());
  return 1 + uint64_t(std::count(data.begin(), data.begin() + std::ptrdiff_t(pos), '\n'));
}

// ---- JSON ----

Result<simdjson::dom::element> parse_json(const Entry& e, simdjson::dom::parser& parser) {
  if (e.data.size() > parser.max_capacity())
    return entry_error(
        e, "JSON document of " + std::to_string(e.data.size()) + " bytes is larger than the parser allows");
  simdjson::dom::element root;
  // realloc_if_needed: the entry's buffer has no SIMDJSON_PADDING; simdjson copies it.
  auto err = parser.parse(e.data.data(), e.data.size(), true).get(root);
  if (err) return entry_error(e, std::string("invalid JSON: ") + simdjson::error_message(err));
  return root;
}

std::string_view jstr(simdjson::dom::element el, std::string_view key) {
  std::string_view s;
  if (el.is_object() && el[key].get_string().get(s) == simdjson::SUCCESS) return s;
  return {};
}

std::optional<double> jnum(simdjson::dom::element el, std::string_view key) {
  simdjson::dom::element v;
  if (!el.is_object() || el[key].get(v)) return std::nullopt;
  double d;
  if (v.get_double().get(d) == simdjson::SUCCESS) return d;
  int64_t i;
  if (v.get_int64().get(i) == simdjson::SUCCESS) return double(i);
  uint64_t u;
  if (v.get_uint64().get(u) == simdjson::SUCCESS) return double(u);
  return std::nullopt;
}

std::vector<std::string> jstrings(simdjson::dom::element el, std::string_view key) {
  std::vector<std::string> out;
  simdjson::dom::element v;
  if (!el.is_object() || el[key].get(v)) return out;
  std::string_view s;
  if (v.get_string().get(s) == simdjson::SUCCESS) {
    out.emplace_back(s);
    return out;
  }
  simdjson::dom::array a;
  if (v.get_array().get(a)) return out;
  for (auto item : a)
    if (item.get_string().get(s) == simdjson::SUCCESS) out.emplace_back(s);
  return out;
}

std::optional<simdjson::dom::array> jarray(simdjson::dom::element el, std::string_view key) {
  simdjson::dom::array a;
  if (!el.is_object() || el[key].get_array().get(a)) return std::nullopt;
  return a;
}

std::optional<simdjson::dom::object> jobject(simdjson::dom::element el, std::string_view key) {
  simdjson::dom::object o;
  if (!el.is_object() || el[key].get_object().get(o)) return std::nullopt;
  return o;
}

// ---- YAML ----

Result<YAML::Node> parse_yaml(const Entry& e) {
  try {
    return YAML::Load(std::string(e.data));
  } catch (const YAML::Exception& ex) {
    std::optional<uint64_t> line;
    if (!ex.mark.is_null()) line = uint64_t(ex.mark.line) + 1;
    return entry_error(e, "invalid YAML: " + ex.msg, line);
  } catch (const std::exception& ex) {
    return entry_error(e, std::string("invalid YAML: ") + ex.what());
  }
}

std::string ystr(const YAML::Node& n, const char* key) {
  if (!n.IsMap()) return "";
  YAML::Node v = n[key];
  return v && v.IsScalar() ? v.Scalar() : "";
}

std::vector<std::string> ystrings(const YAML::Node& n, const char* key) {
  std::vector<std::string> out;
  if (!n.IsMap()) return out;
  YAML::Node v = n[key];
  if (!v) return out;
  if (v.IsScalar()) {
    out.push_back(v.Scalar());
  } else if (v.IsSequence()) {
    for (const auto& item : v)
      if (item.IsScalar()) out.push_back(item.Scalar());
  }
  return out;
}

// ---- CSV ----

Result<bool> CsvReader::next(std::vector<std::string>& fields) {
  fields.clear();
  if (pos_ >= d_.size()) return false;
  record_line_ = line_;
  std::string field;
  bool quoted = false;
  while (pos_ <= d_.size()) {
    if (pos_ == d_.size()) {  // end of data ends the record
      if (quoted)
        return Error(ErrorCode::corrupt, "quoted field never closed (truncated file?)",
                     {{}, {}, record_line_, {}});
      fields.push_back(std::move(field));
      return true;
    }
    char c = d_[pos_];
    if (quoted) {
      if (c == '"') {
        if (pos_ + 1 < d_.size() && d_[pos_ + 1] == '"') {
          field += '"';
          pos_ += 2;
          continue;
        }
        quoted = false;
        ++pos_;
        continue;
      }
      if (c == '\n') ++line_;
      field += c;
      ++pos_;
      continue;
    }
    if (c == '"' && field.empty()) {
      quoted = true;
      ++pos_;
      continue;
    }
    if (c == sep_) {
      fields.push_back(std::move(field));
      field.clear();
      ++pos_;
      continue;
    }
    if (c == '\r' && pos_ + 1 < d_.size() && d_[pos_ + 1] == '\n') {
      ++pos_;
      continue;
    }
    if (c == '\n') {
      ++pos_;
      ++line_;
      fields.push_back(std::move(field));
      return true;
    }
    field += c;
    ++pos_;
  }
  return true;
}

// ---- Constraint negation ----

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
Result<bool> narrow(Interval& in, std::string_view term, const version::Comparator& cmp) {
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

Negation affected_outside(const std::vector<std::string>& excluded, std::string_view dialect) {
  constexpr size_t kMaxTerms = 4096;
  const version::Comparator* cmp = version::find_comparator(dialect == "gem" ? "gem" : "cargo");
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

}  // namespace dagda::importers::feeds
