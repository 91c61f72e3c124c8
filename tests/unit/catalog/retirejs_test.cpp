// The retire.js repository parser and the JavaScript-file cataloger, on the
// real repository (../shared/data/vulndb/retirejs/jsrepository.json) and the
// real jQuery Debian installs (libjs-jquery: /usr/share/javascript/jquery),
// whose version the oracle reads from dpkg.
#include <gtest/gtest.h>

#include "catalog/app.hpp"
#include "catalog/cataloger.hpp"
#include "common/digest.hpp"
#include "layers/memory_view.hpp"
#include "support/testdata.hpp"

namespace dagda::catalogers {
extern const CatalogerInfo javascript;
}

namespace dagda {
namespace {

using test::run_command;
using test::slurp;
using test::testdata;

std::string repo_text() {
  return slurp(testdata("vulndb/retirejs/jsrepository.json"));
}

// "3.6.1+dfsg+~3.5.14-1" -> "3.6.1"
std::string debian_jquery_version() {
  return run_command("dpkg-query -W -f '${Version}' libjs-jquery | sed 's/[+~-].*//'");
}

TEST(RetireJs, ParsesTheRealRepository) {
  std::string text = repo_text();
  ASSERT_FALSE(text.empty());
  auto repo = RetireRepository::parse(text);
  ASSERT_TRUE(repo.ok()) << repo.error().render();
  int st = 0;
  std::string n =
      run_command("jq 'keys | length' '" + testdata("vulndb/retirejs/jsrepository.json") + "'", &st);
  EXPECT_EQ(std::to_string(repo->libraries()) + "\n", n);
  EXPECT_GT(repo->regexes(), 200u);
  // Some JavaScript regexes (backreferences) are beyond RE2; they are counted, not fatal.
  std::cout << "retire.js: " << repo->regexes() << " regexes compiled, " << repo->skipped_regexes()
            << " skipped\n";
  EXPECT_LT(repo->skipped_regexes(), repo->regexes() / 10);
}

TEST(RetireJs, DebianJqueryByContent) {
  auto repo = RetireRepository::parse(repo_text());
  ASSERT_TRUE(repo.ok());
  const std::string want = debian_jquery_version();
  ASSERT_FALSE(want.empty()) << "install libjs-jquery";
  for (const char* f :
       {"/usr/share/javascript/jquery/jquery.js", "/usr/share/javascript/jquery/jquery.min.js"}) {
    std::string data = slurp(f);
    auto m = repo->scan("jquery.js", data, sha1_hex(data));
    bool found = false;
    for (const auto& x : m)
      if (x.library == "jquery") {
        EXPECT_EQ(x.version, want) << f;
        EXPECT_EQ(x.how, "filecontent");
        found = true;
      }
    EXPECT_TRUE(found) << f;
  }
}

TEST(RetireJs, VendoredFileByName) {
  auto repo = RetireRepository::parse(repo_text());
  ASSERT_TRUE(repo.ok());
  auto m = repo->scan("jquery-3.4.0.min.js", "", "");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].library, "jquery");
  EXPECT_EQ(m[0].version, "3.4.0");
  EXPECT_EQ(m[0].how, "filename");
  EXPECT_TRUE(repo->scan("app.js", "var x = 1;", "").empty());
}

TEST(RetireJs, ByHash) {
  // The repository's own example library is recognised only by its SHA-1.
  auto repo = RetireRepository::parse(repo_text());
  ASSERT_TRUE(repo.ok());
  std::string hash = run_command("jq -j '.\"retire-example\".extractors.hashes | keys[0]' '" +
                                 testdata("vulndb/retirejs/jsrepository.json") + "'");
  std::string version = run_command("jq -j '.\"retire-example\".extractors.hashes[\"" + hash + "\"]' '" +
                                    testdata("vulndb/retirejs/jsrepository.json") + "'");
  ASSERT_EQ(hash.size(), 40u);
  auto m = repo->scan("x.js", "", hash);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].version, version);
  EXPECT_EQ(m[0].how, "hash");
}

TEST(RetireJs, HostileRepositories) {
  EXPECT_FALSE(RetireRepository::parse("").ok());
  EXPECT_FALSE(RetireRepository::parse("[1]").ok());
  EXPECT_FALSE(RetireRepository::parse(repo_text().substr(0, 5000)).ok());
  // A regex RE2 refuses, one with no group, and a catastrophic one for backtracking engines.
  auto r = RetireRepository::parse(
      R"J({"x": {"extractors": {"filecontent": ["(a)\\1", "nogroup", "(a+)+b(§§version§§)"],
                                        "filecontentreplace": ["bad", "/x(§§version§§)/$1/"]}}})J");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->skipped_regexes(), 3u);
  EXPECT_EQ(r->regexes(), 2u);
  auto m = r->scan("f.js", std::string(100000, 'a') + "x1.2.3", "");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].version, "1.2.3");
  EXPECT_EQ(m[0].how, "filecontentreplace");
}

TEST(JavaScriptCataloger, NothingWithoutARepositoryThenTheVendoredFile) {
  MemoryFileView fs;
  fs.add_file("srv/www/js/jquery-3.4.0.min.js", slurp("/usr/share/javascript/jquery/jquery.min.js"));
  fs.add_file("app/node_modules/jquery/dist/jquery.js", slurp("/usr/share/javascript/jquery/jquery.js"));
  Diagnostics diag;
  CatalogContext none{fs, nullptr, diag};
  auto empty = catalogers::javascript.catalog(none);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->packages.empty());
  std::string text = repo_text();
  CatalogContext ctx{fs, nullptr, diag, text};
  auto out = catalogers::javascript.catalog(ctx);
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->packages.size(), 1u);  // node_modules is the npm cataloger's
  const Package& p = out->packages[0];
  EXPECT_EQ(p.ecosystem, "javascript");
  EXPECT_EQ(p.name, "jquery");
  EXPECT_EQ(p.version, "3.4.0");  // the name says 3.4.0; the file name extractor comes first
  EXPECT_EQ(p.path, "srv/www/js/jquery-3.4.0.min.js");
  EXPECT_EQ(p.sha1 + "\n", run_command("sha1sum /usr/share/javascript/jquery/jquery.min.js | cut -c1-40"));
}

}  // namespace
}  // namespace dagda
