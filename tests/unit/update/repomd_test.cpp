// Where a repository's updateinfo is: the real repomd.xml samples of Rocky and
// Amazon Linux (vuln-list-update's fixtures), each checked against python3's
// xml.etree reading of the same file; the broken samples give a clear error.
#include <gtest/gtest.h>

#include "support/testdata.hpp"
#include "update/repomd.hpp"

namespace dagda::update {
namespace {

std::string fixture(const std::string& rel) {
  return test::testdata("vulndb/samples/distro/vuln-list-update/" + rel);
}

// "href sha256" of the updateinfo entry, as python3's xml.etree reads it.
std::string python_updateinfo(const std::string& path) {
  int status = 0;
  std::string out = test::run_command(
      "python3 -c 'import sys, xml.etree.ElementTree as E\n"
      "ns = {\"r\": \"http://linux.duke.edu/metadata/repo\"}\n"
      "for d in E.parse(sys.argv[1]).getroot().findall(\"r:data\", ns):\n"
      "    if d.get(\"type\") == \"updateinfo\":\n"
      "        print(d.find(\"r:location\", ns).get(\"href\"), d.find(\"r:checksum\", ns).text.strip())' '" +
          path + "'",
      &status);
  EXPECT_EQ(status, 0) << out;
  return out.substr(0, out.find('\n'));
}

TEST(Repomd, RealRepomdFilesNameTheirUpdateinfo) {
  for (std::string rel : {"rocky_testdata/testdata/fixtures/happy/repomd.xml",
                          "rocky_testdata/testdata/fixtures/updateinfo_invalid/repomd.xml",
                          "amazon_testdata/testdata/fixtures/repomd_valid.xml"}) {
    SCOPED_TRACE(rel);
    std::string path = fixture(rel);
    auto r = repomd_updateinfo(test::slurp(path), path);
    ASSERT_TRUE(r.ok()) << r.error().render();
    std::string want = python_updateinfo(path);
    ASSERT_FALSE(want.empty());
    EXPECT_EQ(r->href + " " + r->sha256, want);
  }
}

TEST(Repomd, BrokenRepomdIsAClearError) {
  for (std::string rel : {"rocky_testdata/testdata/fixtures/no_updateinfo_field/repomd.xml",
                          "rocky_testdata/testdata/fixtures/repomd_invalid/repomd.xml",
                          "amazon_testdata/testdata/fixtures/repomd_invalid.xml"}) {
    SCOPED_TRACE(rel);
    std::string path = fixture(rel);
    auto r = repomd_updateinfo(test::slurp(path), path);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().render().find(path), std::string::npos) << r.error().render();
  }
  // Hostile: a location leaving the repository, a DTD, a cut document.
  std::string real = test::slurp(fixture("rocky_testdata/testdata/fixtures/happy/repomd.xml"));
  std::string escape = real;
  escape.replace(escape.find("repodata/updateinfo.xml.gz"), 26, "../../../etc/passwd");
  std::string absolute = real;
  absolute.replace(absolute.find("repodata/updateinfo.xml.gz"), 26, "https://elsewhere.example/u.xml.gz");
  std::string dtd = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaa\">]>" + real.substr(real.find("<repomd"));
  for (const std::string& bad : {escape, absolute, dtd, real.substr(0, real.size() / 2), std::string()}) {
    auto r = repomd_updateinfo(bad, "mirror/repodata/repomd.xml");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().render().find("mirror/repodata/repomd.xml"), std::string::npos) << r.error().render();
  }
}

}  // namespace
}  // namespace dagda::update
