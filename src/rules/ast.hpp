// rules/ast.hpp: a parsed condition, before macros, lists and fields are
// resolved. Positions are byte offsets into the condition text.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace dagda::rules {

enum class Op : uint8_t {
  eq, ne, lt, le, gt, ge,
  contains, icontains, bcontains, startswith, bstartswith, endswith, glob, iglob, regex,
  in, intersects, pmatch,
  exists,
};
std::string_view op_name(Op op);
bool is_list_op(Op op);  // in, intersects, pmatch

// Falco's string operator modifiers: `proc.name startswith anyof (a, b)`.
enum class OpMod : uint8_t { none, oneof, anyof, allof };
std::string_view op_mod_name(OpMod m);

// A field, a transformer applied to operands, or a literal (transformer arguments only).
struct Operand {
  enum class Kind : uint8_t { field, transformer, literal, list };
  Kind kind = Kind::field;
  std::string name;                // field name, or transformer name ("tolower", "val", ...)
  std::optional<std::string> arg;  // the field's [argument]
  std::string literal;             // Kind::literal
  std::vector<Operand> args;       // a transformer's operands, a list's items
  uint32_t pos = 0;

  std::string str() const;  // as written, normalised
};

struct Value {
  std::string text;   // unquoted and unescaped
  bool quoted = false;
  uint32_t pos = 0;
};

struct Expr {
  enum class Kind : uint8_t { and_, or_, not_, check, macro_ref };
  Kind kind = Kind::check;
  uint32_t pos = 0;
  std::vector<std::unique_ptr<Expr>> children;  // and_, or_ (two or more), not_ (one)
  std::string name;                             // macro_ref
  int32_t origin = -1;                          // the macro this node came from (-1: the rule itself)

  // check
  enum class Rhs : uint8_t { none, value, list, operand };
  Operand lhs;
  Op op = Op::eq;
  OpMod mod = OpMod::none;
  Rhs rhs = Rhs::none;
  std::vector<Value> values;  // Rhs::value (one) or Rhs::list; a bare word in a list may name a list
  Operand rhs_operand;        // Rhs::operand: val(field) or a transformer

  std::unique_ptr<Expr> clone() const;
};

struct ParseError {
  std::string message;
  uint32_t pos = 0;
};

// Parses a condition as Falco's grammar (libsinsp filter/parser.h) describes it,
// nesting at most `max_depth` levels.
std::unique_ptr<Expr> parse_condition(std::string_view text, ParseError& err, uint32_t max_depth = 1000);

// Parses the field or transformer at the start of `text` (an output's %token):
// the longest prefix that is one. Returns the operand and its length, or nullopt.
std::optional<std::pair<Operand, size_t>> parse_output_operand(std::string_view text);

// A list item as written in YAML: a quoted item ('"(systemd)"') is unquoted and
// unescaped as the condition parser would; anything else is taken as it is.
Value list_item_value(std::string_view item);

}  // namespace dagda::rules
