// Every lockfile parser on damaged input: malformed, truncated, deeply nested
// and huge files give an error naming the file, or a result marked partial —
// never a crash, a hang or memory beyond the file's own size.
#include <fstream>

#include "unit/lockfile/support.hpp"

namespace dagda::locktest {
namespace {

struct Case {
  const char* cataloger;
  const char* path;
  std::string valid;  // a small well-formed file of the format
};

std::vector<Case> cases() {
  return {
      {"npm-lock", "package-lock.json",
       R"({"name":"x","lockfileVersion":3,"packages":{"":{"name":"x"},"node_modules/a":{"version":"1.0.0"},"node_modules/@s/b":{"version":"2.0.0","dev":true}}})"},
      {"yarn-lock", "yarn.lock",
       "# yarn lockfile v1\n\n\"a@^1.0.0\":\n  version \"1.0.0\"\n  resolved \"x\"\n\n\"@s/b@^2\", "
       "\"@s/b@^2.0\":\n  version \"2.0.0\"\n"},
      {"pnpm-lock", "pnpm-lock.yaml",
       "lockfileVersion: '6.0'\n\npackages:\n\n  /a@1.0.0:\n    resolution: {integrity: x}\n    dev: "
       "false\n\n  /@s/b@2.0.0(a@1.0.0):\n    dev: true\n"},
      {"pipfile-lock", "Pipfile.lock",
       R"({"_meta":{},"default":{"a":{"version":"==1.0"}},"develop":{"b":{"version":"==2.0"}}})"},
      {"poetry-lock", "poetry.lock",
       "[[package]]\nname = \"a\"\nversion = \"1.0\"\n\n[[package]]\nname = \"b\"\nversion = \"2.0\"\n"},
      {"requirements-txt", "requirements.txt", "a==1.0\nb[x]==2.0 ; python_version > '3'\n"},
      {"gemfile-lock", "Gemfile.lock",
       "GEM\n  remote: https://rubygems.org/\n  specs:\n    a (1.0)\n      b (>= 1)\n    b "
       "(2.0-x86_64-linux)\n\nDEPENDENCIES\n  a\n"},
      {"composer-lock", "composer.lock",
       R"({"packages":[{"name":"v/a","version":"1.0"}],"packages-dev":[{"name":"v/b","version":"2.0"}]})"},
      {"go-mod", "go.mod",
       "module m\n\ngo 1.19\n\nrequire (\n\ta.example/x v1.0.0\n\tb.example/y v2.0.0 // indirect\n)\n"},
      {"cargo-lock", "Cargo.lock",
       "version = 3\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = "
       "\"registry+https://github.com/rust-lang/crates.io-index\"\n\n[[package]]\nname = \"b\"\nversion = "
       "\"2.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n"},
      {"pom-xml", "pom.xml",
       "<project><modelVersion>4.0.0</modelVersion><groupId>g</groupId><artifactId>x</artifactId><version>1</"
       "version><properties><v>2.0</v></properties><dependencies><dependency><groupId>g</"
       "groupId><artifactId>a</artifactId><version>1.0</version></dependency><dependency><groupId>g</"
       "groupId><artifactId>b</artifactId><version>${v}</version><scope>test</scope></dependency></"
       "dependencies></project>"},
      {"nuget-lock", "packages.lock.json",
       R"({"version":1,"dependencies":{"net8.0":{"A":{"type":"Direct","resolved":"1.0.0"},"B":{"type":"Transitive","resolved":"2.0.0"}}}})"},
  };
}

TEST(LockfileHostile, ValidSamplesReadTwoPackages) {
  for (const Case& c : cases()) {
    Diagnostics diag;
    auto r = parse_one(c.cataloger, c.path, c.valid, diag);
    ASSERT_TRUE(r.ok()) << c.cataloger << ": " << r.error().render();
    EXPECT_EQ(r->packages.size(), 2u) << c.cataloger;
    EXPECT_FALSE(r->partial) << c.cataloger;
  }
}

// Every prefix (truncation) and single-byte corruption: an error naming the file, or a result.
TEST(LockfileHostile, TruncatedAndCorrupted) {
  for (const Case& c : cases()) {
    for (size_t n = 0; n < c.valid.size(); ++n) {
      for (int variant = 0; variant < 3; ++variant) {
        std::string data = c.valid.substr(0, n);
        if (variant == 1) data = c.valid, data[n] = '\0';
        if (variant == 2) data = c.valid, data[n] = static_cast<char>(0xff);
        Diagnostics diag;
        auto r = parse_one(c.cataloger, c.path, data, diag);
        if (!r.ok())
          EXPECT_NE(r.error().render().find(c.path), std::string::npos) << c.cataloger << " " << n;
        else
          EXPECT_LE(r->packages.size(), 2u) << c.cataloger << " " << n;
      }
    }
  }
}

TEST(LockfileHostile, NotTheFormatAtAll) {
  for (const Case& c : cases()) {
    if (std::string_view(c.cataloger) == "requirements-txt" || std::string_view(c.cataloger) == "go-mod")
      continue;
    Diagnostics diag;
    auto r = parse_one(c.cataloger, c.path,
                       "\x7f"
                       "ELF\x01\x02 this is { not [ a lockfile \"",
                       diag);
    ASSERT_FALSE(r.ok()) << c.cataloger;
    EXPECT_NE(r.error().render().find(c.path), std::string::npos) << r.error().render();
  }
}

TEST(LockfileHostile, DeepNestingIsRefused) {
  const std::string deep_json = std::string(100000, '[') + std::string(100000, ']');
  for (const char* cat : {"npm-lock", "pipfile-lock", "composer-lock", "nuget-lock"}) {
    Diagnostics diag;
    std::string path = cat == std::string("npm-lock") ? "package-lock.json" : "x.json";
    auto r = parse_one(cat, path, deep_json, diag);
    ASSERT_FALSE(r.ok()) << cat;
    EXPECT_NE(r.error().message().find("nested"), std::string::npos) << r.error().render();
  }
  // npm v1 nesting through "dependencies" objects.
  std::string v1 = "{\"lockfileVersion\":1,\"dependencies\":";
  for (int i = 0; i < 100; ++i) v1 += "{\"a\":{\"version\":\"1.0.0\",\"dependencies\":";
  v1 += "{}";
  for (int i = 0; i < 100; ++i) v1 += "}}";
  v1 += "}";
  Diagnostics diag;
  auto r = parse_one("npm-lock", "package-lock.json", v1, diag);
  ASSERT_TRUE(r.ok()) << r.error().render();
  EXPECT_EQ(r->packages.size(), 100u);
  // TOML: dotted keys and inline arrays.
  std::string dotted = "a";
  for (int i = 0; i < 5000; ++i) dotted += ".a";
  for (const std::string& toml :
       {dotted + " = 1\n", "x = " + std::string(10000, '[') + "\n", "[" + dotted + "]\n"}) {
    for (const char* cat : {"poetry-lock", "cargo-lock"}) {
      Diagnostics d;
      auto t = parse_one(cat, "poetry.lock", toml, d);
      EXPECT_FALSE(t.ok()) << cat;
    }
  }
  // XML: libxml2's own depth limit.
  std::string xml = "<project>";
  for (int i = 0; i < 100000; ++i) xml += "<a>";
  Diagnostics d;
  EXPECT_FALSE(parse_one("pom-xml", "pom.xml", xml, d).ok());
}

TEST(LockfileHostile, EntityExpansionIsRefused) {
  const std::string lol =
      "<?xml version=\"1.0\"?><!DOCTYPE project [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b "
      "\"&a;&a;&a;&a;&a;&a;&a;&a;\">"
      "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\">]><project><dependencies><dependency><groupId>&c;</groupId>"
      "<artifactId>x</artifactId><version>1</version></dependency></dependencies></project>";
  Diagnostics d;
  auto r = parse_one("pom-xml", "pom.xml", lol, d);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("DTD"), std::string::npos);
}

TEST(LockfileHostile, ParentAndIncludeCyclesEnd) {
  MemoryFileView view;
  view.add_file("a/requirements.txt", "-r ../b/requirements.txt\nx==1\n");
  view.add_file("b/requirements.txt", "-r ../a/requirements.txt\ny==2\n");
  Diagnostics d;
  auto r = parse_one("requirements-txt", "a/requirements.txt", "-r ../b/requirements.txt\nx==1\n", d, &view);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->packages.size(), 2u);
  MemoryFileView poms;
  const std::string self =
      "<project><parent><groupId>g</groupId><artifactId>p</artifactId><relativePath>../p/pom.xml</"
      "relativePath></parent>"
      "<groupId>g</groupId><artifactId>p</artifactId><dependencies><dependency><groupId>g</groupId>"
      "<artifactId>d</artifactId><version>${v}</version></dependency></dependencies></project>";
  poms.add_file("p/pom.xml", self);
  auto p = parse_one("pom-xml", "p/pom.xml", self, d, &poms);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->packages.empty());  // ${v} is defined nowhere: left out, and the cycle ends
}

TEST(LockfileHostile, HugeInputIsBoundedAndLinear) {
  // A 48 MiB yarn.lock of 600,000 entries reads completely; past 64 MiB a lockfile is refused.
  std::string big;
  big.reserve(48u << 20);
  for (int i = 0; big.size() < (48u << 20); ++i)
    big += "\"pkg" + std::to_string(i) + "@^1.0.0\":\n  version \"1.0." + std::to_string(i) +
           "\"\n  resolved \"https://r/x.tgz\"\n\n";
  Diagnostics d;
  auto r = parse_one("yarn-lock", "yarn.lock", big, d);
  ASSERT_TRUE(r.ok());
  EXPECT_GT(r->packages.size(), 500000u);
  std::string huge((64u << 20) + 1, ' ');
  for (const Case& c : cases()) {
    Diagnostics dd;
    auto h = parse_one(c.cataloger, c.path, huge, dd);
    ASSERT_FALSE(h.ok()) << c.cataloger;
    EXPECT_NE(h.error().message().find("MiB limit"), std::string::npos) << c.cataloger;
  }
}

}  // namespace
}  // namespace dagda::locktest
