#include "common/yaml.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace dagda {
namespace {

using nlohmann::json;

// The classic "billion laughs": each level repeats the previous one ten times.
std::string laughs(int levels) {
  std::string s = "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  for (int i = 1; i <= levels; ++i) {
    s += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) s += std::string(k ? "," : "") + "*a" + std::to_string(i - 1);
    s += "]\n";
  }
  return s;
}

TEST(Yaml, DocumentAsJson) {
  auto j = yaml::to_json(
      "id: GHSA-1\nversions: [1.0, \"2.0\", 3]\nempty:\nnull_word: ~\nnested:\n  k: v\n  list:\n    - a\n    - b: c\n"
      "text: |\n  two\n  lines\n",
      "f.yaml");
  ASSERT_TRUE(j.ok()) << j.error().render();
  json d = json::parse(*j);
  EXPECT_EQ(d["id"], "GHSA-1");
  EXPECT_EQ(d["versions"], json::array({"1.0", "2.0", "3"}));  // scalars stay as written
  EXPECT_TRUE(d["empty"].is_null());
  EXPECT_TRUE(d["null_word"].is_null());
  EXPECT_EQ(d["nested"]["list"][1]["b"], "c");
  EXPECT_EQ(d["text"], "two\nlines\n");
}

TEST(Yaml, SmallAliasesAreExpanded) {
  auto j = yaml::to_json("base: &b {x: 1, y: [a, b]}\ncopy: *b\nname: &n foo\n*n : bar\nlist: [*n, *n]\n", "f.yaml");
  ASSERT_TRUE(j.ok()) << j.error().render();
  json d = json::parse(*j);
  EXPECT_EQ(d["copy"], d["base"]);
  EXPECT_EQ(d["foo"], "bar");  // an aliased scalar as a key
  EXPECT_EQ(d["list"], json::array({"foo", "foo"}));
}

TEST(Yaml, AliasBombIsRefusedNamingTheFile) {
  std::string bomb = laughs(9);  // 10^10 strings if expanded, in about 600 bytes
  ASSERT_LT(bomb.size(), 1000u);
  auto j = yaml::to_json(bomb, "feeds/bomb.yaml");
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.error().render().find("feeds/bomb.yaml"), std::string::npos) << j.error().render();
  EXPECT_NE(j.error().message().find("alias"), std::string::npos) << j.error().render();
  auto n = yaml::load(bomb, "feeds/bomb.yaml");
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.error().render().find("feeds/bomb.yaml"), std::string::npos);
  // Three levels (1,000 strings) are within the bound.
  EXPECT_TRUE(yaml::to_json(laughs(2), "f").ok());
}

TEST(Yaml, AliasedLongScalarIsBoundedByBytes) {
  std::string big(300000, 'x');
  std::string doc = "a: &a \"" + big + "\"\nb: [*a, *a, *a, *a, *a, *a, *a, *a]\n";
  auto j = yaml::to_json(doc, "f.yaml");
  EXPECT_FALSE(j.ok());  // 2.4 MB of copies from a 300 kB document
  yaml::Limits generous;
  generous.alias_bytes = 8u << 20;
  EXPECT_TRUE(yaml::to_json(doc, "f.yaml", generous).ok());
}

TEST(Yaml, HostileShapes) {
  std::string deep(1000, '[');
  auto j = yaml::to_json(deep, "deep.yaml");
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.error().render().find("deep.yaml"), std::string::npos);
  EXPECT_FALSE(yaml::to_json("? [a, b]\n: c\n", "k.yaml").ok());  // a key that is not a scalar
  EXPECT_FALSE(yaml::to_json("a: *nowhere\n", "u.yaml").ok());
  auto bad = yaml::to_json("a: [1, 2\nb: c\n", "s.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.error().where().line.has_value());
  auto empty = yaml::to_json("", "e.yaml");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "null");
}

TEST(Yaml, TextIsValidUtf8) {
  auto j = yaml::to_json("title: \"caf\xA0 \\x00x\"\nraw: a\xA0" "b\n", "f.yaml");
  ASSERT_TRUE(j.ok()) << j.error().render();
  json d = json::parse(*j);  // nlohmann refuses invalid UTF-8
  EXPECT_EQ(d["raw"], "a\xEF\xBF\xBD" "b");
}

}  // namespace
}  // namespace dagda
