// The npm and gem catalogers on real files: the package.json files Debian's
// node-* packages install (/usr/share/nodejs, scoped ones included), read
// against node's own require(); the gemspecs of Debian's ruby packages and
// Ruby's default gems, read against RubyGems' Gem::Specification.load.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "catalog/app.hpp"
#include "support/testdata.hpp"

namespace dagda {
namespace {

namespace fs = std::filesystem;
using test::run_command;
using test::slurp;

TEST(NpmCataloger, InstalledPackageJsonPaths) {
  EXPECT_TRUE(is_installed_package_json("app/node_modules/express/package.json"));
  EXPECT_TRUE(is_installed_package_json("node_modules/express/package.json"));
  EXPECT_TRUE(is_installed_package_json("app/node_modules/@types/node/package.json"));
  EXPECT_TRUE(is_installed_package_json("a/node_modules/x/node_modules/y/package.json"));
  EXPECT_FALSE(is_installed_package_json("app/package.json"));
  EXPECT_FALSE(is_installed_package_json("app/node_modules/express/lib/package.json"));
  EXPECT_FALSE(is_installed_package_json("app/node_modules/@types/package.json"));
  EXPECT_FALSE(is_installed_package_json("app/node_modules/.bin/package.json"));
  EXPECT_FALSE(is_installed_package_json("app/my_node_modules/x/package.json"));
}

TEST(NpmCataloger, DebianNodePackagesMatchNode) {
  std::string list = run_command("find /usr/share/nodejs -mindepth 2 -maxdepth 3 -name package.json");
  std::istringstream in(list);
  std::string file;
  int n = 0, scoped = 0;
  while (std::getline(in, file)) {
    int st = 0;
    std::string want = run_command(
        "node -e 'const p=require(process.argv[1]); if (typeof p.name===\"string\" && typeof "
        "p.version===\"string\") "
        "process.stdout.write(p.name+\"@\"+p.version)' '" +
            file + "'",
        &st);
    ASSERT_EQ(st, 0) << file;
    Diagnostics diag;
    auto p = parse_package_json(slurp(file), file, diag);
    if (want.empty()) {
      EXPECT_FALSE(p.has_value()) << file;
      continue;
    }
    ASSERT_TRUE(p.has_value()) << file;
    EXPECT_EQ(p->name + "@" + p->version, want);
    EXPECT_EQ(p->ecosystem, "npm");
    ++n;
    if (p->name.starts_with('@')) ++scoped;
  }
  EXPECT_GE(n, 3);
  EXPECT_GE(scoped, 1);
}

TEST(NpmCataloger, HostileAndNotPackages) {
  Diagnostics diag;
  EXPECT_FALSE(parse_package_json("{\"name\": \"x\"", "a/package.json", diag));  // truncated
  EXPECT_FALSE(parse_package_json("[1,2]", "a/package.json", diag));
  EXPECT_FALSE(parse_package_json(std::string(17u << 20, ' '), "a/package.json", diag));
  EXPECT_FALSE(
      parse_package_json(std::string(100000, '[') + std::string(100000, ']'), "a/package.json", diag));
  auto w = diag.take_all();
  ASSERT_EQ(w.size(), 4u);
  EXPECT_EQ(w[0].code, "npm.bad-package-json");
  EXPECT_EQ(w[2].code, "npm.package-json-too-large");
  // No name or version: a workspace root, not an installed package; no warning.
  Diagnostics quiet;
  EXPECT_FALSE(parse_package_json("{\"private\": true}", "a/package.json", quiet));
  EXPECT_FALSE(parse_package_json("{\"name\": \"x\", \"version\": 3}", "a/package.json", quiet));
  EXPECT_EQ(quiet.size(), 0u);
}

TEST(GemCataloger, DebianGemspecsMatchRubyGems) {
  std::string list = run_command(
      "ls /usr/share/rubygems-integration/all/specifications/*.gemspec "
      "/usr/lib/ruby/gems/*/specifications/default/*.gemspec 2>/dev/null");
  std::istringstream in(list);
  std::string file;
  int n = 0, defaults = 0;
  while (std::getline(in, file)) {
    int st = 0;
    std::string want = run_command(
        "ruby -e 's = Gem::Specification.load(ARGV[0]); print s.name + \"@\" + s.version.to_s' '" + file +
            "'",
        &st);
    ASSERT_EQ(st, 0) << file;
    Diagnostics diag;
    auto p = parse_gemspec(slurp(file), file, diag);
    ASSERT_TRUE(p.has_value()) << file;
    EXPECT_EQ(p->name + "@" + p->version, want) << file;
    EXPECT_EQ(p->ecosystem, "gem");
    ++n;
    if (file.find("/default/") != std::string::npos) ++defaults;
  }
  EXPECT_GE(n, 10);
  EXPECT_GE(defaults, 5);
}

TEST(GemCataloger, MalformedGemspecs) {
  Diagnostics diag;
  EXPECT_FALSE(parse_gemspec("", "specifications/x.gemspec", diag));
  EXPECT_FALSE(parse_gemspec("s.name = \"unterminated\ns.version = ", "specifications/x.gemspec", diag));
  EXPECT_EQ(diag.take_all().size(), 2u);
  // The stub line alone is enough.
  auto p = parse_gemspec("# stub: rack 2.2.4 ruby lib\n", "specifications/rack-2.2.4.gemspec", diag);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name, "rack");
  EXPECT_EQ(p->version, "2.2.4");
  // Never executed: Ruby code that would run is only text.
  auto q = parse_gemspec(
      "Gem::Specification.new do |s|\n  s.name = \"x\"\n  s.version = \"1\"\n  `rm -rf /`\nend\n",
      "specifications/x-1.gemspec", diag);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->name, "x");
}

}  // namespace
}  // namespace dagda
