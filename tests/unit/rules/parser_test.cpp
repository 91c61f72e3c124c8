// The condition parser against Falco's grammar: precedence, operators,
// values, transformers, errors with positions, and the depth limit.
#include <gtest/gtest.h>

#include <chrono>

#include "rules/ast.hpp"

namespace dagda::rules {
namespace {

std::unique_ptr<Expr> ok(const std::string& s) {
  ParseError err;
  auto e = parse_condition(s, err);
  EXPECT_TRUE(e) << s << ": " << err.message << " at " << err.pos;
  return e;
}

ParseError bad(const std::string& s) {
  ParseError err;
  auto e = parse_condition(s, err);
  EXPECT_FALSE(e) << s << " parsed";
  return err;
}

TEST(RulesParser, AndBindsTighterThanOr) {
  auto e = ok("a or b and c");
  ASSERT_EQ(e->kind, Expr::Kind::or_);
  ASSERT_EQ(e->children.size(), 2u);
  EXPECT_EQ(e->children[0]->kind, Expr::Kind::macro_ref);
  EXPECT_EQ(e->children[1]->kind, Expr::Kind::and_);
}

TEST(RulesParser, NotAndParentheses) {
  auto e = ok("not (a or b) and not c");
  ASSERT_EQ(e->kind, Expr::Kind::and_);
  EXPECT_EQ(e->children[0]->kind, Expr::Kind::not_);
  EXPECT_EQ(e->children[0]->children[0]->kind, Expr::Kind::or_);
  EXPECT_EQ(e->children[1]->kind, Expr::Kind::not_);
  // "not not x" is x; "not(" needs no blank.
  EXPECT_EQ(ok("not not a")->kind, Expr::Kind::macro_ref);
  EXPECT_EQ(ok("not(a)")->kind, Expr::Kind::not_);
  // An identifier starting with "not" is a macro, not a negation.
  auto n = ok("notable");
  EXPECT_EQ(n->kind, Expr::Kind::macro_ref);
  EXPECT_EQ(n->name, "notable");
  EXPECT_EQ(ok("a and(b)")->kind, Expr::Kind::and_);
}

TEST(RulesParser, ChecksAndValues) {
  auto e = ok("proc.name=bash");
  ASSERT_EQ(e->kind, Expr::Kind::check);
  EXPECT_EQ(e->lhs.name, "proc.name");
  EXPECT_EQ(e->op, Op::eq);
  ASSERT_EQ(e->values.size(), 1u);
  EXPECT_EQ(e->values[0].text, "bash");

  e = ok("evt.dir = <");
  EXPECT_EQ(e->values[0].text, "<");
  e = ok("fd.num>=0");
  EXPECT_EQ(e->op, Op::ge);
  EXPECT_EQ(e->values[0].text, "0");
  e = ok("evt.rawres < -1");
  EXPECT_EQ(e->values[0].text, "-1");
  e = ok("proc.pid > 0x10");
  EXPECT_EQ(e->values[0].text, "0x10");
  e = ok("proc.name == 'ba sh'");
  EXPECT_EQ(e->values[0].text, "ba sh");
  EXPECT_TRUE(e->values[0].quoted);
  e = ok(R"(proc.cmdline contains "a \"quoted\" \x41\\ word")");
  EXPECT_EQ(e->op, Op::contains);
  EXPECT_EQ(e->values[0].text, "a \"quoted\" A\\ word");
  e = ok("fd.name exists");
  EXPECT_EQ(e->op, Op::exists);
  EXPECT_EQ(e->rhs, Expr::Rhs::none);
}

TEST(RulesParser, EveryOperator) {
  struct {
    const char* text;
    Op op;
  } cases[] = {
      {"a.b != x", Op::ne},        {"a.b < 1", Op::lt},           {"a.b <= 1", Op::le},
      {"a.b > 1", Op::gt},         {"a.b >= 1", Op::ge},          {"a.b contains x", Op::contains},
      {"a.b icontains x", Op::icontains}, {"a.b bcontains 41", Op::bcontains}, {"a.b startswith x", Op::startswith},
      {"a.b bstartswith 41", Op::bstartswith}, {"a.b endswith x", Op::endswith}, {"a.b glob '/x/*'", Op::glob},
      {"a.b iglob x*", Op::iglob},  {"a.b regex '[a-z]+'", Op::regex}, {"a.b in (x, y)", Op::in},
      {"a.b intersects (x)", Op::intersects}, {"a.b pmatch (/tmp)", Op::pmatch}, {"a.b exists", Op::exists},
  };
  for (const auto& c : cases) {
    auto e = ok(c.text);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->op, c.op) << c.text;
  }
}

TEST(RulesParser, Lists) {
  auto e = ok("proc.name in (bash, 'sh', \"puma reactor\")");
  ASSERT_EQ(e->rhs, Expr::Rhs::list);
  ASSERT_EQ(e->values.size(), 3u);
  EXPECT_EQ(e->values[2].text, "puma reactor");
  EXPECT_FALSE(e->values[0].quoted);
  EXPECT_TRUE(e->values[1].quoted);
  e = ok("proc.name in ()");
  EXPECT_TRUE(e->values.empty());
  e = ok("proc.name in(a,b)");
  EXPECT_EQ(e->values.size(), 2u);
  // A bare list name after a list operator.
  e = ok("proc.name in shell_binaries");
  ASSERT_EQ(e->values.size(), 1u);
  EXPECT_EQ(e->values[0].text, "shell_binaries");
}

TEST(RulesParser, FieldArguments) {
  auto e = ok("proc.aname[2]=bash");
  EXPECT_EQ(e->lhs.name, "proc.aname");
  EXPECT_EQ(e->lhs.arg, "2");
  e = ok("container.mount.dest[/var/run/docker.sock] != \"N/A\"");
  EXPECT_EQ(e->lhs.arg, "/var/run/docker.sock");
  e = ok("proc.env['HOME'] = /root");
  EXPECT_EQ(e->lhs.arg, "HOME");
  e = ok("evt.arg.flags contains O_TRUNC");
  EXPECT_EQ(e->lhs.name, "evt.arg.flags");
  EXPECT_FALSE(e->lhs.arg);
}

TEST(RulesParser, TransformersAndVal) {
  auto e = ok("tolower(proc.name) = bash");
  EXPECT_EQ(e->lhs.kind, Operand::Kind::transformer);
  EXPECT_EQ(e->lhs.name, "tolower");
  ASSERT_EQ(e->lhs.args.size(), 1u);
  EXPECT_EQ(e->lhs.args[0].name, "proc.name");
  e = ok("len(basename(proc.exepath)) > 3");
  EXPECT_EQ(e->lhs.name, "len");
  EXPECT_EQ(e->lhs.args[0].name, "basename");
  e = ok("proc.name = val(proc.pname)");
  EXPECT_EQ(e->rhs, Expr::Rhs::operand);
  EXPECT_EQ(e->rhs_operand.name, "val");
  e = ok("tolower(proc.name) = toupper(proc.pname)");
  EXPECT_EQ(e->rhs_operand.name, "toupper");
  EXPECT_EQ(e->lhs.str(), "tolower(proc.name)");
}

TEST(RulesParser, Modifiers) {
  auto e = ok("proc.cmdline contains anyof (a, b)");
  EXPECT_EQ(e->op, Op::contains);
  EXPECT_EQ(e->mod, OpMod::anyof);
  EXPECT_EQ(e->values.size(), 2u);
  e = ok("proc.name startswith oneof my_list");
  EXPECT_EQ(e->mod, OpMod::oneof);
  // "allof" that is a value, not a modifier.
  e = ok("proc.name = allof and a");
  EXPECT_EQ(e->kind, Expr::Kind::and_);
  EXPECT_EQ(e->children[0]->values[0].text, "allof");
}

TEST(RulesParser, ErrorsSayWhereAndWhat) {
  auto err = bad("proc.name = bash and");
  EXPECT_NE(err.message.find("ends"), std::string::npos) << err.message;
  err = bad("proc.name bash");
  EXPECT_NE(err.message.find("operator"), std::string::npos) << err.message;
  EXPECT_EQ(err.pos, 10u);
  err = bad("(proc.name = bash");
  EXPECT_NE(err.message.find("')'"), std::string::npos) << err.message;
  err = bad("proc.name = 'unterminated");
  EXPECT_NE(err.message.find("unterminated"), std::string::npos) << err.message;
  err = bad("proc.name = \"bad \\q escape\"");
  EXPECT_NE(err.message.find("escape"), std::string::npos) << err.message;
  err = bad("a orb");
  EXPECT_NE(err.message.find("after 'or'"), std::string::npos) << err.message;
  err = bad("proc.name in (a, b");
  bad("");
  bad("proc.name = x )");
  bad("proc.aname[2 = x");
  bad("tolower(proc.name = x");
  bad("proc.name >= abc");
  bad("==");
}

TEST(RulesParser, DepthIsBounded) {
  // Falco's loader stops at 1000 levels; 100k parentheses must fail fast, not overflow the stack.
  std::string deep(100000, '(');
  deep += "a";
  deep += std::string(100000, ')');
  auto t0 = std::chrono::steady_clock::now();
  auto err = bad(deep);
  EXPECT_NE(err.message.find("nested too deeply"), std::string::npos) << err.message;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  // 150 levels are fine.
  std::string ok_deep = std::string(150, '(') + "a" + std::string(150, ')');
  ok(ok_deep);
  std::string nots;
  for (int i = 0; i < 100000; ++i) nots += "not ";
  ok(nots + "a");  // a loop, not recursion
}

TEST(RulesParser, LongFlatConditions) {
  std::string s = "a";
  for (int i = 0; i < 20000; ++i) s += " or proc.name = n" + std::to_string(i);
  auto e = ok(s);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->children.size(), 20001u);
}

TEST(RulesParser, OutputOperands) {
  auto r = parse_output_operand("proc.aname[2] ggparent=");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first.str(), "proc.aname[2]");
  EXPECT_EQ(r->second, 13u);
  r = parse_output_operand("fd.name)");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->second, 7u);
  r = parse_output_operand("toupper(user.name) x");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first.str(), "toupper(user.name)");
  r = parse_output_operand("evt.time.iso8601: x");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first.name, "evt.time.iso8601");
  EXPECT_FALSE(parse_output_operand(" sure"));
  EXPECT_FALSE(parse_output_operand("nodot"));
}

TEST(RulesParser, ListItems) {
  EXPECT_EQ(list_item_value("\"(systemd)\"").text, "(systemd)");
  EXPECT_EQ(list_item_value("'75-system-updat'").text, "75-system-updat");
  EXPECT_EQ(list_item_value("plain").text, "plain");
  EXPECT_EQ(list_item_value("\"unbalanced").text, "\"unbalanced");
}

}  // namespace
}  // namespace dagda::rules
