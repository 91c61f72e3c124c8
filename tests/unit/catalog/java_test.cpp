// The Java cataloger on the real jars Debian installs (/usr/share/java, from
// libmaven3-core-java and its dependencies), on wars and nested jars made here
// with `zip` from those jars, and on hostile archives (a zip bomb, nesting past
// the limit, a truncated archive). The oracle is `unzip -p` of the same
// pom.properties and `sha1sum` of the same file.
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

const std::string kJavaDir = "/usr/share/java";

// groupId:artifactId -> version, from `unzip -p JAR '*/pom.properties'` read by awk.
std::map<std::string, std::string> oracle_poms(const std::string& jar) {
  std::map<std::string, std::string> out;
  std::string listing = run_command("unzip -Z1 '" + jar + "' 'META-INF/maven/*/pom.properties' 2>/dev/null");
  std::istringstream in(listing);
  std::string entry;
  while (std::getline(in, entry)) {
    std::string props = run_command("unzip -p '" + jar + "' '" + entry + "'");
    std::map<std::string, std::string> kv;
    std::istringstream pin(props);
    std::string line;
    while (std::getline(pin, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line[0] == '#') continue;
      size_t eq = line.find('=');
      if (eq != std::string::npos) kv[line.substr(0, eq)] = line.substr(eq + 1);
    }
    out[kv["groupId"] + ":" + kv["artifactId"]] = kv["version"];
  }
  return out;
}

std::string sha1sum(const std::string& path) {
  return run_command("sha1sum '" + path + "' | cut -c1-40");
}

TEST(JavaCataloger, EveryRealJarWithPomPropertiesMatchesUnzip) {
  ASSERT_TRUE(fs::exists(kJavaDir + "/maven-core-3.x.jar")) << "install libmaven3-core-java";
  int checked = 0;
  for (const auto& e : fs::directory_iterator(kJavaDir)) {
    if (e.is_symlink() || e.path().extension() != ".jar") continue;
    std::string path = e.path().string();
    auto want = oracle_poms(path);
    Diagnostics diag;
    AppParse got = parse_java_archive(slurp(path), path, diag);
    EXPECT_FALSE(got.partial) << path;
    if (want.empty()) continue;  // manifest-only jars are tested below
    std::map<std::string, std::string> have;
    for (const Package& p : got.packages) {
      have[p.name] = p.version;
      EXPECT_EQ(p.ecosystem, "maven");
      EXPECT_EQ(p.path, path);
      EXPECT_EQ(p.sha1 + "\n", sha1sum(path)) << path;
      EXPECT_TRUE(p.parents.empty());
    }
    EXPECT_EQ(have, want) << path;
    ++checked;
  }
  EXPECT_GE(checked, 10);
}

// The license of each package: the <licenses> of the pom.xml beside its pom.properties, as
// Python's zipfile and ElementTree read them.
TEST(JavaCataloger, LicensesOfTheRealJarsPomXml) {
  int st = 0;
  std::string out = run_command(
      "/usr/bin/python3 -c \"import zipfile, glob, os, xml.etree.ElementTree as ET\n"
      "for jar in sorted(glob.glob('" + kJavaDir + "/*.jar')):\n"
      "  if os.path.islink(jar): continue\n"
      "  z = zipfile.ZipFile(jar)\n"
      "  for n in z.namelist():\n"
      "    if not (n.startswith('META-INF/maven/') and n.endswith('/pom.properties')): continue\n"
      "    props = dict(l.split('=', 1) for l in z.read(n).decode('utf-8', 'replace').splitlines() if '=' in l and not l.startswith('#'))\n"
      "    lic = ''\n"
      "    x = n[:-len('pom.properties')] + 'pom.xml'\n"
      "    if x in z.namelist():\n"
      "      root = ET.fromstring(z.read(x))\n"
      "      ns = root.tag[:root.tag.index('}') + 1] if root.tag.startswith('{') else ''\n"
      "      names = [e.text.strip() for e in root.findall(ns + 'licenses/' + ns + 'license/' + ns + 'name') if e.text and e.text.strip()]\n"
      "      lic = ' OR '.join(names)\n"
      "    print(jar + '\\t' + props.get('groupId', '').strip() + ':' + props.get('artifactId', '').strip() + '\\t' + lic)\"",
      &st);
  ASSERT_EQ(st, 0) << out;
  std::map<std::string, std::map<std::string, std::string>> want;  // jar -> name -> license
  std::istringstream in(out);
  std::string line;
  size_t with = 0;
  while (std::getline(in, line)) {
    size_t t1 = line.find('\t'), t2 = line.rfind('\t');
    want[line.substr(0, t1)][line.substr(t1 + 1, t2 - t1 - 1)] = line.substr(t2 + 1);
    with += t2 + 1 < line.size();
  }
  ASSERT_GE(want.size(), 10u);
  for (const auto& [jar, expected] : want) {
    Diagnostics diag;
    AppParse got = parse_java_archive(slurp(jar), jar, diag);
    std::map<std::string, std::string> have;
    for (const Package& p : got.packages) have[p.name] = p.license;
    EXPECT_EQ(have, expected) << jar;
  }
  // Most poms inherit <licenses> from a parent pom, which a jar does not carry.
  EXPECT_GE(with, 5u) << "few Debian jars carry a pom.xml with licenses";
  std::cout << "[ info ] " << with << " packages with a pom license in " << want.size() << " jars\n";
}

TEST(JavaCataloger, MavenCoreByName) {
  std::string path = kJavaDir + "/maven-core-3.x.jar";
  Diagnostics diag;
  AppParse got = parse_java_archive(slurp(path), path, diag);
  ASSERT_EQ(got.packages.size(), 1u);
  EXPECT_EQ(got.packages[0].name, "org.apache.maven:maven-core");
  EXPECT_EQ(got.packages[0].version, oracle_poms(path)["org.apache.maven:maven-core"]);
}

TEST(JavaCataloger, ManifestWhenNoPomProperties) {
  // commons-io with its META-INF/maven removed by zip -d: the manifest names it.
  std::string dir = test_scratch("java");
  std::string jar = dir + "/commons-io-2.11.0.jar";
  fs::copy_file(kJavaDir + "/commons-io-2.11.0.jar", jar);
  int st = 0;
  run_command("zip -q -d '" + jar + "' 'META-INF/maven/*'", &st);
  ASSERT_EQ(st, 0);
  Diagnostics diag;
  AppParse got = parse_java_archive(slurp(jar), "opt/commons-io-2.11.0.jar", diag);
  ASSERT_EQ(got.packages.size(), 1u);
  std::string manifest = run_command(
      "unzip -p '" + jar +
      "' META-INF/MANIFEST.MF | grep -E '^(Implementation-Version|Implementation-Vendor-Id):' | sort");
  EXPECT_NE(manifest.find("Implementation-Vendor-Id: commons-io"), std::string::npos);
  EXPECT_EQ(got.packages[0].name, "commons-io:commons-io");
  EXPECT_EQ(got.packages[0].version, "2.11.0");
}

TEST(JavaCataloger, JarsNestedInAWarAndDeeper) {
  std::string dir = test_scratch("java");
  int st = 0;
  // lib.jar holds guava; app.war holds commons-io and lib.jar.
  run_command(
      "cd '" + dir + "' && mkdir -p inner WEB-INF/lib && cp " + kJavaDir + "/guava-31.1-jre.jar inner/ && " +
          "cd inner && zip -q -r ../lib.jar guava-31.1-jre.jar && cd .. && cp lib.jar WEB-INF/lib/ && cp " +
          kJavaDir + "/commons-io-2.11.0.jar WEB-INF/lib/ && zip -q -r app.war WEB-INF",
      &st);
  ASSERT_EQ(st, 0);
  Diagnostics diag;
  AppParse got = parse_java_archive(slurp(dir + "/app.war"), "srv/app.war", diag);
  EXPECT_FALSE(got.partial);
  std::map<std::string, const Package*> by_name;
  for (const Package& p : got.packages) by_name[p.name] = &p;
  ASSERT_TRUE(by_name.count("commons-io:commons-io"));
  ASSERT_TRUE(by_name.count("com.google.guava:guava"));
  const Package& io = *by_name["commons-io:commons-io"];
  EXPECT_EQ(io.path, "srv/app.war");
  EXPECT_EQ(io.parents, (std::vector<std::string>{"srv/app.war", "WEB-INF/lib/commons-io-2.11.0.jar"}));
  EXPECT_EQ(io.sha1 + "\n", sha1sum(kJavaDir + "/commons-io-2.11.0.jar"));
  const Package& guava = *by_name["com.google.guava:guava"];
  EXPECT_EQ(guava.parents,
            (std::vector<std::string>{"srv/app.war", "WEB-INF/lib/lib.jar", "guava-31.1-jre.jar"}));
  EXPECT_EQ(guava.version, oracle_poms(kJavaDir + "/guava-31.1-jre.jar")["com.google.guava:guava"]);
}

TEST(JavaCataloger, NestingPastTheLimitIsPartial) {
  std::string dir = test_scratch("java");
  int st = 0;
  // 12 levels: l0.jar holds commons-io, l1.jar holds l0.jar, ...
  std::string cmd =
      "cd '" + dir + "' && cp " + kJavaDir + "/commons-io-2.11.0.jar c.jar && zip -q l0.jar c.jar";
  for (int i = 1; i < 12; ++i)
    cmd += " && zip -q l" + std::to_string(i) + ".jar l" + std::to_string(i - 1) + ".jar";
  run_command(cmd, &st);
  ASSERT_EQ(st, 0);
  Diagnostics diag;
  AppParse got = parse_java_archive(slurp(dir + "/l11.jar"), "l11.jar", diag);
  EXPECT_TRUE(got.partial);
  EXPECT_TRUE(got.packages.empty());
  auto w = diag.take_all();
  ASSERT_FALSE(w.empty());
  EXPECT_EQ(w[0].code, "java.too-deep");
  // Within the limit the same chain is read to the bottom.
  Diagnostics d2;
  AppParse ok = parse_java_archive(slurp(dir + "/l11.jar"), "l11.jar", d2, {.max_depth = 16});
  ASSERT_EQ(ok.packages.size(), 1u);
  EXPECT_EQ(ok.packages[0].parents.size(), 13u);  // l11 ... l0, c.jar
}

TEST(JavaCataloger, ZipBombIsBoundedAndPartial) {
  std::string dir = test_scratch("java");
  int st = 0;
  // A 200 MB run of zeros named as a jar inside a jar: a few hundred kilobytes on disk.
  run_command("cd '" + dir +
                  "' && head -c 200000000 /dev/zero > big.jar && zip -q -9 bomb.jar big.jar && cp " +
                  kJavaDir + "/commons-io-2.11.0.jar . && zip -q bomb.jar commons-io-2.11.0.jar",
              &st);
  ASSERT_EQ(st, 0);
  std::string data = slurp(dir + "/bomb.jar");
  EXPECT_LT(data.size(), 2u << 20);
  Diagnostics diag;
  AppParse got = parse_java_archive(data, "bomb.jar", diag, {.max_inflated = 16 << 20});
  EXPECT_TRUE(got.partial);
  bool warned = false;
  for (const Warning& w : diag.take_all()) warned |= w.code == "java.archive-too-large";
  EXPECT_TRUE(warned);
}

TEST(JavaCataloger, TruncatedAndGarbageArchives) {
  std::string jar = slurp(kJavaDir + "/commons-io-2.11.0.jar");
  ASSERT_GT(jar.size(), 1000u);
  for (size_t cut : {size_t{0}, size_t{10}, jar.size() / 2}) {
    Diagnostics diag;
    AppParse got = parse_java_archive(std::string_view(jar).substr(0, cut), "cut.jar", diag);
    EXPECT_TRUE(got.partial) << cut;
    auto w = diag.take_all();
    ASSERT_FALSE(w.empty()) << cut;
    EXPECT_EQ(w[0].code, "java.damaged-archive");
    EXPECT_EQ(w[0].where.file, "cut.jar");
  }
  // Without its last bytes (the end of the central directory) libarchive reads the entries one by
  // one from the start: every entry is still there, so the package is found.
  Diagnostics d0;
  AppParse tail = parse_java_archive(std::string_view(jar).substr(0, jar.size() - 10), "cut.jar", d0);
  EXPECT_EQ(tail.packages.size(), 1u);
  Diagnostics diag;
  AppParse got = parse_java_archive("this is not a zip at all", "x.jar", diag);
  EXPECT_TRUE(got.packages.empty());
  EXPECT_TRUE(got.partial);
}

TEST(JavaCataloger, ArchiveExtensions) {
  for (const char* p : {"a.jar", "x/b.WAR", "c.ear", "d.par", "e.sar", "f.jpi", "g.hpi"})
    EXPECT_TRUE(is_java_archive(p)) << p;
  for (const char* p : {"a.jar.sha1", "x/.jar/", "readme", "a.zip"}) EXPECT_FALSE(is_java_archive(p)) << p;
}

}  // namespace
}  // namespace dagda
