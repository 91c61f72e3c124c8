#include "rules/filter.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

namespace dagda::rules {

const std::vector<Val>& Extractor::values(const Event& e, EvalContext& ctx) const {
  Slot& s = ctx.slot(slot);
  if (s.gen != ctx.gen()) {
    s.gen = ctx.gen();
    s.vals.clear();
    s.used = 0;
    compute(e, ctx, s);
  }
  return s.vals;
}

namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }
char upper(char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); }

bool icontains(std::string_view hay, std::string_view lowered_needle) {
  if (lowered_needle.empty()) return true;
  if (hay.size() < lowered_needle.size()) return false;
  for (size_t i = 0; i + lowered_needle.size() <= hay.size(); ++i) {
    size_t j = 0;
    while (j < lowered_needle.size() && lower(hay[i + j]) == lowered_needle[j]) ++j;
    if (j == lowered_needle.size()) return true;
  }
  return false;
}

bool b64_decode(std::string_view in, std::string& out) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  out.clear();
  uint32_t acc = 0;
  int bits = 0;
  size_t i = 0;
  for (; i < in.size() && in[i] != '='; ++i) {
    int v = val(in[i]);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  for (; i < in.size(); ++i)
    if (in[i] != '=') return false;
  return true;
}

}  // namespace

void TransformExtractor::compute(const Event& e, EvalContext& ctx, Slot& out) const {
  const auto& in = inner->values(e, ctx);
  for (const Val& v : in) {
    Val r;
    switch (fn) {
      case Fn::val:
        out.vals.push_back(v);
        continue;
      case Fn::len:
        r.kind = Val::Kind::num;
        r.i = static_cast<int64_t>(v.s.size());
        out.vals.push_back(r);
        continue;
      case Fn::tolower:
      case Fn::toupper: {
        std::string& b = out.buf();
        b.assign(v.s);
        for (auto& c : b) c = fn == Fn::tolower ? lower(c) : upper(c);
        r.s = b;
        break;
      }
      case Fn::basename: {
        // Falco's basename(): "" when the path ends with '/'.
        size_t slash = v.s.rfind('/');
        r.s = slash == std::string_view::npos ? v.s : v.s.substr(slash + 1);
        break;
      }
      case Fn::b64: {
        std::string& b = out.buf();
        if (!b64_decode(v.s, b)) continue;  // not base64: no value
        r.s = b;
        break;
      }
    }
    out.vals.push_back(r);
  }
}

// ---- glob ----

namespace {

// A bracket expression starting at p[i] == '['; sets `end` past it. Returns
// whether `c` matches, or nullopt when the bracket is not closed (then '[' is literal).
std::optional<bool> bracket(std::string_view p, size_t i, char c, bool icase, size_t& end) {
  size_t j = i + 1;
  bool neg = false;
  if (j < p.size() && (p[j] == '!' || p[j] == '^')) neg = true, ++j;
  bool matched = false;
  bool first = true;
  if (icase) c = lower(c);
  while (j < p.size() && (first || p[j] != ']')) {
    first = false;
    if (p[j] == '[' && j + 1 < p.size() && p[j + 1] == ':') {
      size_t close = p.find(":]", j + 2);
      if (close != std::string_view::npos) {
        std::string_view cls = p.substr(j + 2, close - j - 2);
        unsigned char uc = static_cast<unsigned char>(c);
        bool m = (cls == "alpha" && std::isalpha(uc)) || (cls == "digit" && std::isdigit(uc)) ||
                 (cls == "alnum" && std::isalnum(uc)) || (cls == "upper" && std::isupper(uc)) ||
                 (cls == "lower" && std::islower(uc)) || (cls == "space" && std::isspace(uc)) ||
                 (cls == "punct" && std::ispunct(uc)) || (cls == "xdigit" && std::isxdigit(uc)) ||
                 (cls == "blank" && (c == ' ' || c == '\t')) || (cls == "cntrl" && std::iscntrl(uc)) ||
                 (cls == "print" && std::isprint(uc)) || (cls == "graph" && std::isgraph(uc));
        matched = matched || m;
        j = close + 2;
        continue;
      }
    }
    char lo = p[j];
    if (lo == '\\' && j + 1 < p.size()) lo = p[++j];
    char hi = lo;
    if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
      hi = p[j + 2];
      if (hi == '\\' && j + 3 < p.size()) hi = p[++j + 2];
      j += 2;
    }
    if (icase) lo = lower(lo), hi = lower(hi);
    if (c >= lo && c <= hi) matched = true;
    ++j;
  }
  if (j >= p.size()) return std::nullopt;
  end = j + 1;
  return matched != neg;
}

}  // namespace

bool glob_match(std::string_view p, std::string_view t, bool icase) {
  size_t pi = 0, ti = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (ti < t.size()) {
    if (pi < p.size()) {
      char pc = p[pi];
      if (pc == '*') {
        star_p = pi++;
        star_t = ti;
        continue;
      }
      if (pc == '?') {
        ++pi, ++ti;
        continue;
      }
      if (pc == '[') {
        size_t end = 0;
        auto m = bracket(p, pi, t[ti], icase, end);
        if (m) {
          if (*m) {
            pi = end, ++ti;
            continue;
          }
        } else if (t[ti] == '[') {
          ++pi, ++ti;
          continue;
        }
      } else {
        if (pc == '\\' && pi + 1 < p.size()) pc = p[pi + 1];
        bool eq = icase ? lower(pc) == lower(t[ti]) : pc == t[ti];
        if (eq) {
          pi += (p[pi] == '\\' && pi + 1 < p.size()) ? 2 : 1;
          ++ti;
          continue;
        }
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p + 1;
    ti = ++star_t;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

// ---- pmatch ----

struct PrefixTree::Dir {
  bool terminal = false;
  std::unordered_map<std::string, std::unique_ptr<Dir>> dirs;
  std::vector<std::pair<std::string, std::unique_ptr<Dir>>> globs;
};

namespace {
template <typename F>
void split_path(std::string_view path, F&& f) {
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) f(path.substr(i, j - i));
    i = j + 1;
  }
}
}  // namespace

void PrefixTree::add(std::string_view path) {
  if (!root_) root_ = std::make_shared<Dir>();
  Dir* d = root_.get();
  bool done = false;
  split_path(path, [&](std::string_view comp) {
    if (done) return;
    if (d->terminal) {  // a shorter prefix is already there
      done = true;
      return;
    }
    bool is_glob = comp.find_first_of("?*[") != std::string_view::npos;
    std::unique_ptr<Dir>* slot = nullptr;
    if (is_glob) {
      for (auto& [g, sub] : d->globs)
        if (g == comp) slot = &sub;
      if (!slot) {
        d->globs.emplace_back(std::string(comp), std::make_unique<Dir>());
        slot = &d->globs.back().second;
      }
    } else {
      auto& sub = d->dirs[std::string(comp)];
      if (!sub) sub = std::make_unique<Dir>();
      slot = &sub;
    }
    d = slot->get();
  });
  if (done) return;
  d->terminal = true;
  d->dirs.clear();  // this prefix covers every longer one
  d->globs.clear();
}

bool PrefixTree::match(std::string_view path) const {
  if (!root_) return false;
  std::vector<std::string_view> comps;
  split_path(path, [&](std::string_view c) { comps.push_back(c); });
  std::vector<std::pair<const Dir*, size_t>> stack{{root_.get(), 0}};
  while (!stack.empty()) {
    auto [d, i] = stack.back();
    stack.pop_back();
    if (d->terminal) return true;
    if (i == comps.size()) continue;
    auto it = d->dirs.find(std::string(comps[i]));
    if (it != d->dirs.end()) stack.emplace_back(it->second.get(), i + 1);
    for (const auto& [g, sub] : d->globs)
      if (glob_match(g, comps[i])) stack.emplace_back(sub.get(), i + 1);
  }
  return false;
}

// ---- value parsing ----

namespace {

std::optional<int64_t> parse_int(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int64_t v = 0;
  std::string_view t = s;
  bool neg = false;
  if (t.front() == '+' || t.front() == '-') {
    neg = t.front() == '-';
    t.remove_prefix(1);
  }
  std::from_chars_result r{};
  if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
    uint64_t u = 0;
    r = std::from_chars(t.data() + 2, t.data() + t.size(), u, 16);
    if (r.ec != std::errc() || r.ptr != t.data() + t.size() || u > static_cast<uint64_t>(INT64_MAX))
      return std::nullopt;
    v = static_cast<int64_t>(u);
  } else {
    uint64_t u = 0;
    r = std::from_chars(t.data(), t.data() + t.size(), u, 10);
    if (r.ec != std::errc() || r.ptr != t.data() + t.size()) return std::nullopt;
    if (u > static_cast<uint64_t>(INT64_MAX)) {
      // uint64 values past INT64_MAX are kept as their two's complement.
      if (neg) return std::nullopt;
      return static_cast<int64_t>(u);
    }
    v = static_cast<int64_t>(u);
  }
  return neg ? -v : v;
}

bool is_numeric(FieldType t) {
  return t == FieldType::int64 || t == FieldType::uint64 || t == FieldType::port || t == FieldType::abstime ||
         t == FieldType::reltime;
}

struct Parsed {
  FieldType type;
  std::string s;
  int64_t i = 0;
  bool has_num = false;
  IpAddr ip;
  IpNet net;
};

Result<Parsed> parse_value(FieldType type, const std::string& v) {
  Parsed p{type, v};
  switch (type) {
    case FieldType::string:
      return p;
    case FieldType::dyn: {
      auto n = parse_int(v);
      if (n) p.i = *n, p.has_num = true;
      return p;
    }
    case FieldType::boolean:
      if (v == "true") p.i = 1;
      else if (v == "false") p.i = 0;
      else return Error(ErrorCode::invalid_input, fmt::format("'{}' is not a boolean (true or false)", v));
      return p;
    case FieldType::ipaddr: {
      auto ip = IpAddr::parse(v);
      if (!ip) return Error(ErrorCode::invalid_input, fmt::format("'{}' is not an IP address", v));
      p.ip = *ip;
      return p;
    }
    case FieldType::ipnet: {
      auto net = IpNet::parse(v);
      if (!net) return Error(ErrorCode::invalid_input, fmt::format("'{}' is not an IP network (a.b.c.d/n)", v));
      p.net = *net;
      return p;
    }
    case FieldType::int64:
    case FieldType::uint64:
    case FieldType::port:
    case FieldType::abstime:
    case FieldType::reltime: {
      auto n = parse_int(v);
      bool unsigned_type = type != FieldType::int64;
      if (!n || (unsigned_type && *n < 0 && v.front() == '-') || (type == FieldType::port && (*n < 0 || *n > 65535)))
        return Error(ErrorCode::invalid_input,
                     fmt::format("'{}' is not a valid {} value", v, field_type_name(type)));
      p.i = *n;
      p.has_num = true;
      return p;
    }
  }
  return p;
}

bool str_op(Op op, std::string_view a, const Parsed& b, const std::string& lowered, const re2::RE2* re) {
  switch (op) {
    case Op::eq:
    case Op::in:
    case Op::intersects: return a == b.s;
    case Op::ne: return a != b.s;
    case Op::lt: return a < std::string_view(b.s);
    case Op::le: return a <= std::string_view(b.s);
    case Op::gt: return a > std::string_view(b.s);
    case Op::ge: return a >= std::string_view(b.s);
    case Op::contains: return a.find(b.s) != std::string_view::npos;
    case Op::icontains: return icontains(a, lowered);
    case Op::startswith: return a.substr(0, b.s.size()) == b.s;
    case Op::endswith: return a.size() >= b.s.size() && a.substr(a.size() - b.s.size()) == b.s;
    case Op::glob: return glob_match(b.s, a, false);
    case Op::iglob: return glob_match(b.s, a, true);
    case Op::regex: return re && RE2::FullMatch(re2::StringPiece(a.data(), a.size()), *re);
    case Op::pmatch: {
      PrefixTree t;
      t.add(b.s);
      return t.match(a);
    }
    case Op::bcontains:
    case Op::bstartswith:
    case Op::exists: return false;
  }
  return false;
}

bool num_op(Op op, int64_t a, int64_t b, bool unsigned_cmp) {
  if (unsigned_cmp) {
    uint64_t x = static_cast<uint64_t>(a), y = static_cast<uint64_t>(b);
    switch (op) {
      case Op::lt: return x < y;
      case Op::le: return x <= y;
      case Op::gt: return x > y;
      case Op::ge: return x >= y;
      default: break;
    }
  }
  switch (op) {
    case Op::eq:
    case Op::in:
    case Op::intersects: return a == b;
    case Op::ne: return a != b;
    case Op::lt: return a < b;
    case Op::le: return a <= b;
    case Op::gt: return a > b;
    case Op::ge: return a >= b;
    default: return false;
  }
}

// One literal right-hand side value with everything precomputed.
struct One {
  Parsed v;
  std::string lowered;
  std::unique_ptr<re2::RE2> re;
  std::unique_ptr<PrefixTree> tree;
};

bool match_one(FieldType type, Op op, const One& o, const Val& x) {
  switch (type) {
    case FieldType::string:
      if (op == Op::pmatch && o.tree) return o.tree->match(x.s);
      return str_op(op, x.s, o.v, o.lowered, o.re.get());
    case FieldType::dyn:
      if (x.kind == Val::Kind::num) return o.v.has_num && num_op(op, x.i, o.v.i, false);
      return str_op(op, x.s, o.v, o.lowered, o.re.get());
    case FieldType::boolean:
      return num_op(op, x.i, o.v.i, false);
    case FieldType::ipaddr:
      if (!x.ip) return false;
      return (op == Op::ne) != (*x.ip == o.v.ip);
    case FieldType::ipnet:
      if (!x.ip) return false;
      return (op == Op::ne) != o.v.net.contains(*x.ip);
    default:
      return num_op(op, x.i, o.v.i, type != FieldType::int64);
  }
}

// Literal right-hand sides: one value, several (in/intersects/pmatch), or a modifier.
class LiteralMatcher final : public Matcher {
 public:
  LiteralMatcher(FieldType type, Op op, OpMod mod) : type_(type), op_(op), mod_(mod) {}
  std::vector<One> ones;
  // Fast paths.
  std::unordered_set<std::string> str_set;  // string in/intersects/eq-anyof
  std::unordered_set<int64_t> num_set;
  std::unique_ptr<PrefixTree> tree;  // pmatch over every value
  bool use_str_set = false, use_num_set = false;

  bool match(const Val& x) const override {
    if (use_str_set) return str_set.count(std::string(x.s)) != 0;
    if (use_num_set) return x.kind == Val::Kind::num && num_set.count(x.i) != 0;
    if (tree) return tree->match(x.s);
    if (op_ == Op::in || op_ == Op::intersects) {
      for (const auto& o : ones)
        if (match_one(type_, Op::eq, o, x)) return true;
      return false;
    }
    switch (mod_) {
      case OpMod::none:
      case OpMod::anyof:
        for (const auto& o : ones)
          if (match_one(type_, op_, o, x)) return true;
        return false;
      case OpMod::allof:
        for (const auto& o : ones)
          if (!match_one(type_, op_, o, x)) return false;
        return !ones.empty();
      case OpMod::oneof: {
        int n = 0;
        for (const auto& o : ones)
          if (match_one(type_, op_, o, x) && ++n > 1) return false;
        return n == 1;
      }
    }
    return false;
  }

 private:
  FieldType type_;
  Op op_;
  OpMod mod_;
};

// std::unordered_set<std::string>::count(std::string(x.s)) allocates for long strings;
// this transparent variant looks a string_view up directly.
struct SvHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
class StrSetMatcher final : public Matcher {
 public:
  std::unordered_set<std::string, SvHash, std::equal_to<>> set;
  std::vector<std::string> small;  // few values: a linear scan beats hashing
  bool match(const Val& x) const override {
    if (!set.empty()) return set.find(x.s) != set.end();
    for (const auto& s : small)
      if (s.size() == x.s.size() && s == x.s) return true;
    return false;
  }
};

}  // namespace

bool op_allowed(FieldType type, Op op, std::string* why) {
  bool ok = true;
  switch (type) {
    case FieldType::string:
    case FieldType::dyn:
      ok = op != Op::bcontains && op != Op::bstartswith;
      break;
    case FieldType::boolean:
      ok = op == Op::eq || op == Op::ne || op == Op::in || op == Op::intersects || op == Op::exists;
      break;
    case FieldType::ipaddr:
    case FieldType::ipnet:
      ok = op == Op::eq || op == Op::ne || op == Op::in || op == Op::intersects || op == Op::exists;
      break;
    default:
      ok = op == Op::eq || op == Op::ne || op == Op::lt || op == Op::le || op == Op::gt || op == Op::ge ||
           op == Op::in || op == Op::intersects || op == Op::exists;
      break;
  }
  if (!ok && why)
    *why = fmt::format("operator '{}' does not apply to {} values", op_name(op), field_type_name(type));
  return ok;
}

Result<std::unique_ptr<Matcher>> make_matcher(FieldType type, Op op, OpMod mod,
                                              const std::vector<std::string>& values) {
  std::string why;
  if (!op_allowed(type, op, &why)) return Error(ErrorCode::invalid_input, why);
  bool set_like = op == Op::in || op == Op::intersects || (op == Op::eq && mod == OpMod::anyof) ||
                  (op == Op::eq && mod == OpMod::none && values.size() == 1);
  if (type == FieldType::string && set_like) {
    auto m = std::make_unique<StrSetMatcher>();
    if (values.size() <= 8) m->small = values;
    else m->set.insert(values.begin(), values.end());
    return std::unique_ptr<Matcher>(std::move(m));
  }
  auto m = std::make_unique<LiteralMatcher>(type, op, mod);
  if (op == Op::pmatch && (type == FieldType::string || type == FieldType::dyn)) {
    m->tree = std::make_unique<PrefixTree>();
    for (const auto& v : values) m->tree->add(v);
    return std::unique_ptr<Matcher>(std::move(m));
  }
  for (const auto& v : values) {
    DAGDA_ASSIGN_OR_RETURN(Parsed p, parse_value(type, v));
    One o{std::move(p)};
    if (op == Op::icontains)
      for (char c : o.v.s) o.lowered += lower(c);
    if (op == Op::regex) {
      RE2::Options opts;
      opts.set_posix_syntax(true);
      opts.set_longest_match(true);
      opts.set_log_errors(false);
      opts.set_max_mem(8 << 20);
      o.re = std::make_unique<re2::RE2>(o.v.s, opts);
      if (!o.re->ok()) return Error(ErrorCode::invalid_input, fmt::format("bad regex '{}': {}", v, o.re->error()));
    }
    m->ones.push_back(std::move(o));
  }
  if (is_numeric(type) && (op == Op::in || op == Op::intersects) && m->ones.size() > 8) {
    for (const auto& o : m->ones) m->num_set.insert(o.v.i);
    m->use_num_set = true;
  }
  return std::unique_ptr<Matcher>(std::move(m));
}

bool compare_values(FieldType type, Op op, const Val& a, const Val& b) {
  if (op == Op::in || op == Op::intersects) op = Op::eq;
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Val::Kind::num: return num_op(op, a.i, b.i, type != FieldType::int64 && type != FieldType::boolean);
    case Val::Kind::ip:
      if (!a.ip || !b.ip) return false;
      return (op == Op::ne) != (*a.ip == *b.ip);
    case Val::Kind::str: {
      Parsed p{FieldType::string, std::string(b.s)};
      std::string lowered;
      if (op == Op::icontains)
        for (char c : b.s) lowered += lower(c);
      if (op == Op::regex) {
        RE2::Options opts;
        opts.set_posix_syntax(true);
        opts.set_log_errors(false);
        re2::RE2 re(p.s, opts);
        return re.ok() && str_op(op, a.s, p, lowered, &re);
      }
      return str_op(op, a.s, p, lowered, nullptr);
    }
  }
  return false;
}

bool CheckNode::eval(const Event& e, EvalContext& ctx) const {
  const auto& l = lhs->values(e, ctx);
  if (op == Op::exists) return !l.empty();
  if (l.empty()) return false;
  if (rhs_field) {
    const auto& r = rhs_field->values(e, ctx);
    for (const auto& a : l)
      for (const auto& b : r)
        if (compare_values(lhs->type, op, a, b)) return true;
    return false;
  }
  for (const auto& a : l)
    if (matcher->match(a)) return true;
  return false;
}

void render_value(FieldType type, const Val& v, std::string& out) {
  switch (v.kind) {
    case Val::Kind::str: out.append(v.s); return;
    case Val::Kind::ip: out += v.ip ? v.ip->str() : "<NA>"; return;
    case Val::Kind::num:
      if (type == FieldType::boolean) out += v.i ? "true" : "false";
      else if (type == FieldType::int64 || type == FieldType::dyn) fmt::format_to(std::back_inserter(out), "{}", v.i);
      else fmt::format_to(std::back_inserter(out), "{}", static_cast<uint64_t>(v.i));
      return;
  }
}

}  // namespace dagda::rules
