// The condition parser: recursive descent over Falco's grammar (see
// libsinsp/filter/parser.h for the EBNF), written from that description.
#include <cctype>
#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "rules/ast.hpp"

namespace dagda::rules {

std::string_view op_name(Op op) {
  switch (op) {
    case Op::eq: return "=";
    case Op::ne: return "!=";
    case Op::lt: return "<";
    case Op::le: return "<=";
    case Op::gt: return ">";
    case Op::ge: return ">=";
    case Op::contains: return "contains";
    case Op::icontains: return "icontains";
    case Op::bcontains: return "bcontains";
    case Op::startswith: return "startswith";
    case Op::bstartswith: return "bstartswith";
    case Op::endswith: return "endswith";
    case Op::glob: return "glob";
    case Op::iglob: return "iglob";
    case Op::regex: return "regex";
    case Op::in: return "in";
    case Op::intersects: return "intersects";
    case Op::pmatch: return "pmatch";
    case Op::exists: return "exists";
  }
  return "?";
}

bool is_list_op(Op op) { return op == Op::in || op == Op::intersects || op == Op::pmatch; }

std::string_view op_mod_name(OpMod m) {
  switch (m) {
    case OpMod::oneof: return "oneof";
    case OpMod::anyof: return "anyof";
    case OpMod::allof: return "allof";
    case OpMod::none: break;
  }
  return "";
}

std::string Operand::str() const {
  switch (kind) {
    case Kind::field: return arg ? fmt::format("{}[{}]", name, *arg) : name;
    case Kind::literal: return literal;
    case Kind::list: {
      std::string s = "(";
      for (size_t i = 0; i < args.size(); ++i) s += (i ? ", " : "") + args[i].str();
      return s + ")";
    }
    case Kind::transformer: {
      std::string s = name + "(";
      for (size_t i = 0; i < args.size(); ++i) s += (i ? ", " : "") + args[i].str();
      s += ")";
      if (arg) s += "[" + *arg + "]";
      return s;
    }
  }
  return name;
}

std::unique_ptr<Expr> Expr::clone() const {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->pos = pos;
  e->name = name;
  e->origin = origin;
  e->lhs = lhs;
  e->op = op;
  e->mod = mod;
  e->rhs = rhs;
  e->values = values;
  e->rhs_operand = rhs_operand;
  e->children.reserve(children.size());
  for (const auto& c : children) e->children.push_back(c->clone());
  return e;
}

namespace {

struct Fail {
  std::string message;
  uint32_t pos;
};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\b' || c == '\r' || c == '\n'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word(char c) { return is_alpha(c) || is_digit(c) || c == '_'; }

// Falco's escapes inside a quoted string: \b \f \n \r \t \\ \/ \<space> \xHH and the
// string's own quote.
std::string unescape(std::string_view quoted, uint32_t pos) {
  char quote = quoted.front();
  std::string out;
  for (size_t i = 1; i + 1 < quoted.size(); ++i) {
    char c = quoted[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i >= quoted.size() - 1) throw Fail{"unterminated escape sequence in a quoted string", pos};
    switch (quoted[i]) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case ' ':
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case '"':
      case '\'':
        if (quoted[i] != quote)
          throw Fail{fmt::format("invalid \\{} escape in a {}-quoted string", quoted[i], quote), pos};
        out += quoted[i];
        break;
      case 'x': {
        if (i + 2 >= quoted.size() - 1) throw Fail{"truncated \\x escape sequence", pos};
        unsigned v = 0;
        auto [p, ec] = std::from_chars(quoted.data() + i + 1, quoted.data() + i + 3, v, 16);
        if (ec != std::errc() || p != quoted.data() + i + 3)
          throw Fail{fmt::format("invalid hex escape \\x{}", quoted.substr(i + 1, 2)), pos};
        out += static_cast<char>(v);
        i += 2;
        break;
      }
      default:
        throw Fail{fmt::format("unsupported escape sequence \\{}", quoted[i]), pos};
    }
  }
  return out;
}

constexpr std::string_view kTransformers[] = {"tolower", "toupper", "b64", "basename",
                                              "len",     "join",    "concat", "getopt"};

class Parser {
 public:
  Parser(std::string_view in, uint32_t max_depth) : in_(in), max_depth_(max_depth) {}

  std::unique_ptr<Expr> parse_all() {
    if (in_.empty()) throw Fail{"the condition is empty", 0};
    auto e = parse_or();
    if (pos_ != in_.size())
      throw Fail{fmt::format("unexpected '{}' after '{}', expecting 'and' or 'or'", snippet(), last_), at()};
    return e;
  }

  std::optional<std::pair<Operand, size_t>> parse_output() {
    uint32_t p = at();
    if (lex_field_name()) return std::pair{field_remainder(last_, p), pos_};
    if (lex_transformer()) {
      blank();
      return std::pair{transformer_remainder(last_, p), pos_};
    }
    return std::nullopt;
  }

 private:
  struct Depth {
    Depth(Parser& p) : p_(p) {
      if (++p_.depth_ >= p_.max_depth_)
        throw Fail{fmt::format("the condition is nested too deeply (over {} levels)", p_.max_depth_), p_.at()};
    }
    ~Depth() { --p_.depth_; }
    Parser& p_;
  };

  uint32_t at() const { return static_cast<uint32_t>(pos_); }
  char cur() const { return pos_ < in_.size() ? in_[pos_] : '\0'; }
  bool eof() const { return pos_ >= in_.size(); }
  std::string snippet() const {
    std::string s(in_.substr(pos_, 24));
    for (auto& c : s)
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    return s;
  }

  bool blank() {
    bool found = false;
    while (!eof() && is_blank(cur())) ++pos_, found = true;
    return found;
  }
  bool lit(std::string_view s) {
    if (in_.substr(pos_, s.size()) != s) return false;
    last_ = std::string(s);
    pos_ += s.size();
    return true;
  }
  // `word` followed by a blank, which is consumed.
  bool word_then_blank(std::string_view w) {
    size_t save = pos_;
    if (!lit(w)) return false;
    if (blank()) return true;
    pos_ = save;
    return false;
  }
  bool take_while_from(size_t start, size_t end) {
    if (end == start) return false;
    last_ = std::string(in_.substr(start, end - start));
    pos_ = end;
    return true;
  }
  size_t ident_end(size_t p) const {
    if (p >= in_.size() || !is_alpha(in_[p])) return p;
    while (p < in_.size() && is_word(in_[p])) ++p;
    return p;
  }
  bool lex_identifier() { return take_while_from(pos_, ident_end(pos_)); }
  bool lex_field_name() {
    size_t p = ident_end(pos_);
    if (p == pos_) return false;
    bool dotted = false;
    while (p + 1 < in_.size() && in_[p] == '.' && is_alpha(in_[p + 1])) {
      p = ident_end(p + 1);
      dotted = true;
    }
    return dotted && take_while_from(pos_, p);
  }
  bool lex_number() {
    size_t p = pos_;
    if (p < in_.size() && (in_[p] == '0') && p + 2 < in_.size() + 1 && p + 1 < in_.size() &&
        (in_[p + 1] == 'x' || in_[p + 1] == 'X')) {
      size_t q = p + 2;
      while (q < in_.size() && std::isxdigit(static_cast<unsigned char>(in_[q]))) ++q;
      if (q > p + 2) return take_while_from(pos_, q);
    }
    if (p < in_.size() && (in_[p] == '+' || in_[p] == '-')) ++p;
    size_t d = p;
    while (p < in_.size() && is_digit(in_[p])) ++p;
    if (p == d) return false;
    if (p < in_.size() && in_[p] == '.') ++p;
    while (p < in_.size() && is_digit(in_[p])) ++p;
    if (p + 1 < in_.size() && (in_[p] == 'e' || in_[p] == 'E') && (in_[p + 1] == '+' || in_[p + 1] == '-')) {
      size_t q = p + 2;
      while (q < in_.size() && is_digit(in_[q])) ++q;
      if (q > p + 2) p = q;
    }
    return take_while_from(pos_, p);
  }
  bool lex_bare() {
    size_t p = pos_;
    while (p < in_.size()) {
      char c = in_[p];
      if (c == '(' || c == ')' || c == '"' || c == '\'' || c == '=' || c == ',' || is_space(c)) break;
      ++p;
    }
    return take_while_from(pos_, p);
  }
  bool lex_arg_bare() {
    size_t p = pos_;
    while (p < in_.size()) {
      char c = in_[p];
      if (c == '[' || c == ']' || c == '"' || c == '\'' || is_space(c)) break;
      ++p;
    }
    return take_while_from(pos_, p);
  }
  // A quoted string as Falco lexes it: up to the first unescaped quote; the
  // token (last_) is the unescaped text.
  bool lex_quoted() {
    char q = cur();
    if (q != '"' && q != '\'') return false;
    uint32_t start = at();
    char prev = '\\';
    for (size_t p = pos_; p < in_.size(); ++p) {
      char c = in_[p];
      if (c == q && prev != '\\' && p > pos_) {
        last_ = unescape(in_.substr(pos_, p - pos_ + 1), start);
        pos_ = p + 1;
        return true;
      }
      prev = c;
    }
    throw Fail{"unterminated quoted string", start};
  }
  bool lex_transformer() {
    for (auto t : kTransformers) {
      if (in_.substr(pos_, t.size()) == t && pos_ + t.size() < in_.size() && in_[pos_ + t.size()] == '(') {
        last_ = std::string(t);
        pos_ += t.size() + 1;
        return true;
      }
    }
    return false;
  }

  std::unique_ptr<Expr> parse_or() {
    Depth d(*this);
    uint32_t p = at();
    std::vector<std::unique_ptr<Expr>> kids;
    blank();
    kids.push_back(parse_and());
    blank();
    while (lit("or")) {
      if (!blank()) {
        if (eof()) throw Fail{"the condition ends after 'or'", at()};
        if (!lit("(")) throw Fail{"expected a blank or '(' after 'or'", at()};
        kids.push_back(parse_embedded());
      } else {
        kids.push_back(parse_and());
      }
      blank();
    }
    return group(Expr::Kind::or_, std::move(kids), p);
  }

  std::unique_ptr<Expr> parse_and() {
    Depth d(*this);
    uint32_t p = at();
    std::vector<std::unique_ptr<Expr>> kids;
    blank();
    kids.push_back(parse_not());
    blank();
    while (lit("and")) {
      if (!blank()) {
        if (eof()) throw Fail{"the condition ends after 'and'", at()};
        if (!lit("(")) throw Fail{"expected a blank or '(' after 'and'", at()};
        kids.push_back(parse_embedded());
      } else {
        kids.push_back(parse_not());
      }
      blank();
    }
    return group(Expr::Kind::and_, std::move(kids), p);
  }

  static std::unique_ptr<Expr> group(Expr::Kind k, std::vector<std::unique_ptr<Expr>> kids, uint32_t p) {
    if (kids.size() == 1) return std::move(kids[0]);
    auto e = std::make_unique<Expr>();
    e->kind = k;
    e->pos = p;
    e->children = std::move(kids);
    return e;
  }

  std::unique_ptr<Expr> parse_not() {
    Depth d(*this);
    uint32_t p = at();
    bool negate = false;
    blank();
    for (;;) {
      size_t save = pos_;
      if (lit("not") && blank()) {
        negate = !negate;
        continue;
      }
      pos_ = save;
      break;
    }
    std::unique_ptr<Expr> child;
    if (lit("not(")) {
      negate = !negate;
      child = parse_embedded();
    } else {
      child = parse_check();
    }
    if (!negate) return child;
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::not_;
    e->pos = p;
    e->children.push_back(std::move(child));
    return e;
  }

  std::unique_ptr<Expr> parse_embedded() {
    Depth d(*this);
    blank();
    auto e = parse_or();
    blank();
    if (!lit(")")) throw Fail{"expected ')'", at()};
    return e;
  }

  std::unique_ptr<Expr> parse_check() {
    Depth d(*this);
    uint32_t p = at();
    blank();
    if (lit("(")) return parse_embedded();
    if (lex_field_name()) {
      auto left = field_remainder(last_, p);
      return parse_condition(std::move(left), p);
    }
    if (lex_transformer()) {
      blank();
      auto left = transformer_remainder(last_, p);
      return parse_condition(std::move(left), p);
    }
    if (lex_identifier()) {
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::macro_ref;
      e->name = last_;
      e->pos = p;
      return e;
    }
    if (eof()) throw Fail{"the condition ends where a check, a macro or '(' was expected", at()};
    throw Fail{fmt::format("expected '(', a field check or a macro name at '{}'", snippet()), at()};
  }

  Operand field_remainder(const std::string& name, uint32_t p) {
    Operand o;
    o.kind = Operand::Kind::field;
    o.name = name;
    o.pos = p;
    o.arg = optional_arg();
    return o;
  }

  std::optional<std::string> optional_arg() {
    if (!lit("[")) return std::nullopt;
    if (!lex_quoted() && !lex_arg_bare())
      throw Fail{"expected a field argument (a quoted or bare string) after '['", at()};
    std::string arg = last_;
    if (!lit("]")) throw Fail{"expected ']' closing the field argument", at()};
    return arg;
  }

  Operand transformer_remainder(const std::string& name, uint32_t p) {
    Depth d(*this);
    Operand o;
    o.kind = Operand::Kind::transformer;
    o.name = name;
    o.pos = p;
    blank();
    do {
      o.args.push_back(transformer_arg());
      blank();
    } while (lit(","));
    blank();
    if (!lit(")")) throw Fail{fmt::format("expected ')' closing {}(", name), at()};
    o.arg = optional_arg();
    return o;
  }

  Operand literal(uint32_t p) {
    Operand o;
    o.kind = Operand::Kind::literal;
    o.literal = last_;
    o.pos = p;
    return o;
  }

  Operand transformer_arg() {
    Depth d(*this);
    blank();
    uint32_t p = at();
    if (lex_number()) return literal(p);
    if (lex_quoted()) return literal(p);
    if (lit("(")) {
      Operand l;
      l.kind = Operand::Kind::list;
      l.pos = p;
      blank();
      if (lit(")")) return l;
      do {
        blank();
        uint32_t q = at();
        if (lex_field_name()) l.args.push_back(field_remainder(last_, q));
        else if (lex_transformer()) l.args.push_back(transformer_remainder(last_, q));
        else if (lex_quoted() || lex_number()) l.args.push_back(literal(q));
        else throw Fail{"expected a field, a transformer, a quoted string or a number in the list", at()};
        blank();
      } while (lit(","));
      if (!lit(")")) throw Fail{"expected ')' closing the list", at()};
      return l;
    }
    if (lex_transformer()) return transformer_remainder(last_, p);
    if (lex_field_name()) return field_remainder(last_, p);
    throw Fail{"expected a field, a transformer, a quoted string, a number or a list as a transformer argument",
               at()};
  }

  // val(field) or a transformer on the right-hand side; false when neither follows.
  bool try_rhs_operand(Expr& e) {
    Depth d(*this);
    blank();
    uint32_t p = at();
    if (lit("val(")) {
      blank();
      uint32_t fp = at();
      if (!lex_field_name()) throw Fail{"expected a field inside val(", at()};
      Operand o;
      o.kind = Operand::Kind::transformer;
      o.name = "val";
      o.pos = p;
      o.args.push_back(field_remainder(last_, fp));
      blank();
      if (!lit(")")) throw Fail{"expected ')' closing val(", at()};
      o.arg = optional_arg();
      e.rhs = Expr::Rhs::operand;
      e.rhs_operand = std::move(o);
      return true;
    }
    if (lex_transformer()) {
      blank();
      e.rhs = Expr::Rhs::operand;
      e.rhs_operand = transformer_remainder(last_, p);
      return true;
    }
    return false;
  }

  bool try_list(Expr& e) {
    blank();
    if (!lit("(")) return false;
    e.rhs = Expr::Rhs::list;
    blank();
    uint32_t p = at();
    if (lex_quoted() || lex_bare()) {
      e.values.push_back(Value{last_, in_[p] == '"' || in_[p] == '\'', p});
      blank();
      while (lit(",")) {
        blank();
        uint32_t q = at();
        if (!lex_quoted() && !lex_bare()) throw Fail{"expected a value after ',' in the list", at()};
        e.values.push_back(Value{last_, in_[q] == '"' || in_[q] == '\'', q});
        blank();
      }
    }
    if (!lit(")")) throw Fail{"expected ')' closing the list", at()};
    return true;
  }

  bool bool_keyword_follows() const {
    for (std::string_view kw : {"and", "or", "not"}) {
      if (in_.substr(pos_, kw.size()) == kw &&
          (pos_ + kw.size() >= in_.size() || !std::isalnum(static_cast<unsigned char>(in_[pos_ + kw.size()]))))
        return true;
    }
    return false;
  }

  std::unique_ptr<Expr> parse_condition(Operand left, uint32_t p) {
    Depth d(*this);
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::check;
    e->pos = p;
    e->lhs = std::move(left);
    blank();
    if (lit("exists")) {
      e->op = Op::exists;
      return e;
    }
    // Numeric operators: the value is a number, val() or a transformer.
    static constexpr std::pair<std::string_view, Op> kNum[] = {
        {"<=", Op::le}, {"<", Op::lt}, {">=", Op::ge}, {">", Op::gt}};
    for (auto [s, op] : kNum) {
      if (lit(s)) {
        e->op = op;
        blank();
        if (try_rhs_operand(*e)) return e;
        uint32_t q = at();
        if (!lex_number())
          throw Fail{fmt::format("expected a number or a transformer after '{}'", s), at()};
        e->rhs = Expr::Rhs::value;
        e->values.push_back(Value{last_, false, q});
        return e;
      }
    }
    static constexpr std::pair<std::string_view, Op> kSym[] = {{"==", Op::eq}, {"=", Op::eq}, {"!=", Op::ne}};
    static constexpr std::pair<std::string_view, Op> kWord[] = {
        {"glob", Op::glob},           {"iglob", Op::iglob},         {"contains", Op::contains},
        {"icontains", Op::icontains}, {"bcontains", Op::bcontains}, {"startswith", Op::startswith},
        {"bstartswith", Op::bstartswith}, {"endswith", Op::endswith}, {"regex", Op::regex}};
    bool str_op = false, had_blank = false;
    for (auto [s, op] : kSym) {
      if (lit(s)) {
        e->op = op;
        str_op = true;
        had_blank = blank();
        break;
      }
    }
    if (!str_op) {
      for (auto [s, op] : kWord) {
        if (word_then_blank(s)) {
          e->op = op;
          str_op = had_blank = true;
          break;
        }
      }
    }
    if (str_op) {
      if (had_blank) {
        size_t save = pos_;
        static constexpr std::pair<std::string_view, OpMod> kMods[] = {
            {"oneof", OpMod::oneof}, {"anyof", OpMod::anyof}, {"allof", OpMod::allof}};
        for (auto [s, mod] : kMods) {
          if (word_then_blank(s)) {
            size_t after = pos_;
            bool list_follows = cur() == '(' || ident_end(pos_) != pos_;
            if (list_follows && !bool_keyword_follows()) {
              e->mod = mod;
              if (!try_list(*e)) {
                pos_ = after;
                uint32_t q = at();
                lex_identifier();
                e->rhs = Expr::Rhs::list;
                e->values.push_back(Value{last_, false, q});
              }
              return e;
            }
          }
          pos_ = save;
        }
      }
      if (try_rhs_operand(*e)) return e;
      blank();
      uint32_t q = at();
      if (lex_quoted() || lex_bare()) {
        e->rhs = Expr::Rhs::value;
        e->values.push_back(Value{last_, in_[q] == '"' || in_[q] == '\'', q});
        return e;
      }
      throw Fail{fmt::format("expected a value after '{}'", op_name(e->op)), at()};
    }
    static constexpr std::pair<std::string_view, Op> kList[] = {
        {"intersects", Op::intersects}, {"in", Op::in}, {"pmatch", Op::pmatch}};
    for (auto [s, op] : kList) {
      if (lit(s)) {
        e->op = op;
        if (try_list(*e)) return e;
        if (try_rhs_operand(*e)) return e;
        blank();
        uint32_t q = at();
        if (lex_identifier()) {
          e->rhs = Expr::Rhs::list;
          e->values.push_back(Value{last_, false, q});
          return e;
        }
        throw Fail{fmt::format("expected a list, a list name or a transformer after '{}'", s), at()};
      }
    }
    if (eof()) throw Fail{"the condition ends where an operator was expected", at()};
    throw Fail{fmt::format("expected an operator (=, !=, <, contains, in, exists, ...) at '{}'", snippet()), at()};
  }

  std::string_view in_;
  size_t pos_ = 0;
  std::string last_;
  uint32_t depth_ = 0, max_depth_;
};

}  // namespace

std::unique_ptr<Expr> parse_condition(std::string_view text, ParseError& err, uint32_t max_depth) {
  try {
    Parser p(text, max_depth);
    return p.parse_all();
  } catch (const Fail& f) {
    err.message = f.message;
    err.pos = f.pos;
    return nullptr;
  }
}

std::optional<std::pair<Operand, size_t>> parse_output_operand(std::string_view text) {
  // The parser stops after the operand: "%proc.name)" is proc.name, "%proc.aname[2]," proc.aname[2].
  try {
    Parser p(text, 100);
    if (auto r = p.parse_output()) return r;
  } catch (const Fail&) {
  }
  // A damaged tail ("%proc.aname[2" without ']'): the longest prefix that parses, as Falco does.
  for (size_t len = std::min<size_t>(text.size(), 256); len > 0; --len) {
    try {
      Parser p(text.substr(0, len), 100);
      auto r = p.parse_output();
      if (r && r->second == len) return r;
    } catch (const Fail&) {
    }
  }
  return std::nullopt;
}

Value list_item_value(std::string_view item) {
  Value v;
  if (item.size() >= 2 && (item.front() == '"' || item.front() == '\'') && item.back() == item.front()) {
    try {
      v.text = unescape(item, 0);
      v.quoted = true;
      return v;
    } catch (const Fail&) {
    }
  }
  v.text = std::string(item);
  return v;
}

}  // namespace dagda::rules
