// The Python cataloger on the real distributions Debian's python3-* packages
// install (/usr/lib/python3/dist-packages: dist-info directories, egg-info
// directories and files). The oracle is Python itself: importlib.metadata
// reads the same directory, packaging.utils.canonicalize_name normalises.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include "catalog/app.hpp"
#include "support/testdata.hpp"

namespace dagda {
namespace {

namespace fs = std::filesystem;
using test::run_command;
using test::slurp;
using test::test_scratch;

const std::string kSite = "/usr/lib/python3/dist-packages";

TEST(PythonCataloger, EveryDebianDistributionMatchesImportlib) {
  int st = 0;
  std::string out = run_command(
      "/usr/bin/python3 -c \"import importlib.metadata as m, packaging.utils as u\n"
      "for d in m.distributions(path=['" +
          kSite +
          "']):\n"
          "  print(str(d._path) + '\\t' + u.canonicalize_name(d.metadata['Name']) + '\\t' + d.version)\"",
      &st);
  ASSERT_EQ(st, 0);
  std::map<std::string, std::string> want;  // path -> name@version
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    size_t t1 = line.find('\t'), t2 = line.rfind('\t');
    want[line.substr(0, t1)] = line.substr(t1 + 1, t2 - t1 - 1) + "@" + line.substr(t2 + 1);
  }
  ASSERT_GE(want.size(), 20u);
  int dist_info = 0, egg_dir = 0, egg_file = 0;
  for (const auto& [dir, nv] : want) {
    std::string file;
    if (dir.ends_with(".dist-info")) {
      file = dir + "/METADATA";
      ++dist_info;
    } else if (fs::is_directory(dir)) {
      file = dir + "/PKG-INFO";
      ++egg_dir;
    } else {
      file = dir;
      ++egg_file;
    }
    Diagnostics diag;
    auto p = parse_python_metadata(slurp(file), file, diag);
    ASSERT_TRUE(p.has_value()) << file;
    EXPECT_EQ(p->name + "@" + p->version, nv) << file;
    EXPECT_EQ(p->ecosystem, "pypi");
    EXPECT_EQ(p->path, file);
    EXPECT_TRUE(diag.take_all().empty()) << file;
  }
  EXPECT_GT(dist_info, 0);
  EXPECT_GT(egg_dir, 0);
  (void)egg_file;  // Debian 12 ships few or none
}

// The license of every Debian distribution, from the headers as Python's email parser reads them
// (importlib.metadata): License-Expression, else a one-line License, else the License classifiers.
TEST(PythonCataloger, LicensesAsImportlibReadsTheHeaders) {
  int st = 0;
  std::string out = run_command(
      "/usr/bin/python3 -c \"import importlib.metadata as m\n"
      "for d in m.distributions(path=['" +
          kSite +
          "']):\n"
          "  md = d.metadata\n"
          "  lic = md.get('License-Expression') or ''\n"
          "  field = md.get('License') or ''\n"
          "  field = '' if field == 'UNKNOWN' else field\n"
          "  cls = [c.split('::')[-1].strip() for c in md.get_all('Classifier') or [] if c.startswith('License ::')]\n"
          "  cls = [c for c in cls if c and c != 'OSI Approved']\n"
          "  name_like = field and len(field) <= 120 and '\\n' not in field\n"
          "  if not lic: lic = field if (name_like or (field and not cls)) else ' OR '.join(cls)\n"
          "  print(str(d._path) + '\\t' + ' '.join(lic.split()))\"",
      &st);
  ASSERT_EQ(st, 0);
  size_t with = 0, classifier_only = 0, n = 0;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    size_t tab = line.find('\t');
    std::string dir = line.substr(0, tab), expected = line.substr(tab + 1);
    std::string file = dir.ends_with(".dist-info") ? dir + "/METADATA" : fs::is_directory(dir) ? dir + "/PKG-INFO" : dir;
    Diagnostics diag;
    auto p = parse_python_metadata(slurp(file), file, diag);
    ASSERT_TRUE(p.has_value()) << file;
    std::string ours;
    std::istringstream words(p->license);
    for (std::string w; words >> w;) ours += (ours.empty() ? "" : " ") + w;
    EXPECT_EQ(ours, expected) << file;
    ++n;
    with += !expected.empty();
    classifier_only += slurp(file).find("\nLicense: ") == std::string::npos && !expected.empty();
  }
  EXPECT_GE(n, 20u);
  EXPECT_GT(with, n / 2);
  std::cout << "[ info ] " << with << " of " << n << " distributions with a license (" << classifier_only
            << " from classifiers only)\n";
}

TEST(PythonCataloger, Pep503) {
  EXPECT_EQ(pep503_normalize("PyYAML"), "pyyaml");
  EXPECT_EQ(pep503_normalize("zope.interface"), "zope-interface");
  EXPECT_EQ(pep503_normalize("Foo__Bar-.baz"), "foo-bar-baz");
}

TEST(PythonCataloger, EggZipMadeFromARealEggInfo) {
  // A .egg is a zip with EGG-INFO/PKG-INFO: made here from Debian's PyJWT egg-info.
  std::string dir = test_scratch("egg");
  std::string src;
  for (const auto& e : fs::directory_iterator(kSite))
    if (e.path().filename().string().starts_with("PyJWT-") && e.is_directory()) src = e.path().string();
  ASSERT_FALSE(src.empty());
  int st = 0;
  run_command("cd '" + dir + "' && mkdir EGG-INFO && cp '" + src +
                  "/PKG-INFO' EGG-INFO/ && zip -q -r PyJWT.egg EGG-INFO",
              &st);
  ASSERT_EQ(st, 0);
  Diagnostics diag;
  AppParse got = parse_python_egg(slurp(dir + "/PyJWT.egg"), "x/PyJWT.egg", diag);
  ASSERT_EQ(got.packages.size(), 1u);
  EXPECT_EQ(got.packages[0].name, "pyjwt");
  std::string v = run_command("grep -m1 '^Version:' '" + src + "/PKG-INFO' | cut -d' ' -f2 | tr -d '\\n'");
  EXPECT_EQ(got.packages[0].version, v);
  // Truncated: a warning and a partial result, never a crash.
  std::string egg = slurp(dir + "/PyJWT.egg");
  Diagnostics d2;
  AppParse cut = parse_python_egg(std::string_view(egg).substr(0, egg.size() / 3), "x/PyJWT.egg", d2);
  EXPECT_TRUE(cut.partial);
}

TEST(PythonCataloger, MalformedMetadata) {
  Diagnostics diag;
  EXPECT_FALSE(parse_python_metadata("", "a/METADATA", diag));
  EXPECT_FALSE(parse_python_metadata("Name: x\n", "a/METADATA", diag));                // no version
  EXPECT_FALSE(parse_python_metadata("\nName: x\nVersion: 1\n", "a/METADATA", diag));  // body only
  EXPECT_FALSE(parse_python_metadata(std::string(17u << 20, 'N'), "a/METADATA", diag));
  auto w = diag.take_all();
  ASSERT_EQ(w.size(), 4u);
  EXPECT_EQ(w[0].code, "python.bad-metadata");
  EXPECT_EQ(w[3].code, "python.metadata-too-large");
  EXPECT_EQ(w[0].where.file, "a/METADATA");
  // CRLF and a folded License header still read.
  auto p = parse_python_metadata(
      "Metadata-Version: 2.1\r\nName: Foo_Bar\r\nVersion: 1.0\r\nLicense: MIT\r\n  and more\r\n\r\nbody", "m",
      diag);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name, "foo-bar");
  EXPECT_EQ(p->version, "1.0");
  EXPECT_EQ(p->license, "MIT and more");
  // A continuation line of only blanks (found by python_metadata_fuzz) adds nothing.
  p = parse_python_metadata("Name: x\nLicense: BSD\n\t\n \nVersion: 2\n", "m", diag);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->license, "BSD");
  EXPECT_EQ(p->version, "2");
  p = parse_python_metadata(std::string("\x9c\x95\0\0\n\t:\nLicense:\n\t\n\t\nn", 22), "m", diag);
  EXPECT_FALSE(p);
}

}  // namespace
}  // namespace dagda
