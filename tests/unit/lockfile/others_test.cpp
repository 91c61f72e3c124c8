// Go, Rust, Ruby, PHP, .NET and Maven lockfiles, each against the real tool's
// own reading where Debian has the tool: `go mod edit -json` for go.mod (files
// of Debian's Go sources and one written by `go mod edit` with replace
// directives), `cargo metadata` for a Cargo.lock written offline by Debian's
// cargo against Debian's vendored crates, Bundler's LockfileParser for the
// Gemfile.lock files Debian's Ruby ships and one written by `bundle lock
// --local`. composer.lock, packages.lock.json and pom.xml come from published
// projects or Debian's Maven repository, with Python as the oracle.
#include <map>
#include <nlohmann/json.hpp>

#include "unit/lockfile/support.hpp"

namespace dagda::locktest {
namespace {

std::string tool(const std::string& cmd) {
  int status = 0;
  std::string out = test::run_command(cmd + " 2>&1", &status);
  EXPECT_EQ(status, 0) << cmd << "\n" << out;
  return out;
}

// Requires of a go.mod with its replace directives applied, as `go mod edit -json` reads them.
std::set<NV> go_oracle(const std::string& gomod) {
  auto j = nlohmann::json::parse(tool("go mod edit -json '" + gomod + "'"));
  std::set<NV> s;
  for (const auto& r : j.value("Require", nlohmann::json::array())) {
    std::string path = r["Path"], version = r["Version"];
    bool local = false;
    for (const auto& rep : j.value("Replace", nlohmann::json::array())) {
      if (rep["Old"]["Path"] != path) continue;
      if (rep["Old"].contains("Version") && rep["Old"]["Version"] != version) continue;
      if (!rep["New"].contains("Version")) {
        local = true;
      } else {
        path = rep["New"]["Path"];
        version = rep["New"]["Version"];
      }
    }
    if (!local) s.emplace(path, version);
  }
  return s;
}

TEST(GoMod, DebianGoSourcesMatchGoModEdit) {
  for (const char* f : {"/usr/share/go-1.19/src/go.mod", "/usr/share/go-1.19/src/cmd/go.mod"}) {
    ASSERT_TRUE(fs::exists(f)) << f << " (golang-1.19-src)";
    std::string dir = test::test_scratch("gosrc");
    fs::copy_file(f, dir + "/go.mod");
    fs::copy_file(std::string(f).replace(std::string(f).size() - 3, 3, "sum"), dir + "/go.sum");
    Scan s = scan_tree(dir);
    auto expected = go_oracle(dir + "/go.mod");
    ASSERT_GE(expected.size(), 3u);
    EXPECT_EQ(s.all(), expected) << f;  // go.sum beside go.mod is not read
    for (const Package& p : s.out.packages) EXPECT_EQ(p.ecosystem, "golang");
    fs::remove_all(dir);
  }
}

TEST(GoMod, ReplaceDirectivesWrittenByGo) {
  std::string dir = test::test_scratch("gorep");
  run_in(dir,
         "go mod init example.com/app && go mod edit -require=golang.org/x/text@v0.3.7 "
         "-require=golang.org/x/net@v0.0.0-20220722155237-a158d28d115b -require=github.com/pkg/errors@v0.9.1 "
         "-replace=golang.org/x/net=../net -replace=golang.org/x/text@v0.3.7=example.org/text@v0.3.8");
  Scan s = scan_tree(dir);
  auto expected = go_oracle(dir + "/go.mod");
  EXPECT_EQ(expected, (std::set<NV>{{"example.org/text", "v0.3.8"}, {"github.com/pkg/errors", "v0.9.1"}}));
  EXPECT_EQ(s.all(), expected);
  EXPECT_TRUE(s.has_warning("lockfile.skipped", "golang.org/x/net => ../net"));
}

// A module proxy in a folder (GOPROXY=file://...): modules a -> b v1.1.0 -> c, and an older b
// v1.0.0 that a's graph names too. The go command itself writes the main module's go.mod and
// go.sum (go mod tidy) and says which modules the build uses (go list -m all).
struct GoProxy {
  std::string root, env;
};

GoProxy make_go_proxy(const std::string& dir) {
  GoProxy p{dir + "/proxy", ""};
  auto module = [&](const std::string& path, const std::string& version, const std::string& gomod,
                    const std::string& file, const std::string& code) {
    std::string at = p.root + "/" + path + "/@v/";
    write_file(at + version + ".mod", gomod);
    write_file(at + version + ".info", "{\"Version\":\"" + version + "\",\"Time\":\"2020-01-01T00:00:00Z\"}");
    std::string list = test::slurp(at + "list");
    write_file(at + "list", list + version + "\n");
    std::string src = dir + "/src/" + path + "@" + version;
    write_file(src + "/go.mod", gomod);
    write_file(src + "/" + file, code);
    run_in(dir + "/src", "/usr/bin/python3 -c \"import zipfile,os,sys\nz=zipfile.ZipFile(sys.argv[1],'w')\n"
                         "for f in ['go.mod', sys.argv[3]]: z.write(os.path.join(sys.argv[2], f), sys.argv[2] + '/' + f)\n\" '" +
                             at + version + ".zip' '" + path + "@" + version + "' '" + file + "'");
  };
  module("example.com/c", "v1.0.0", "module example.com/c\n\ngo 1.16\n", "c.go", "package c\n\nfunc C() {}\n");
  module("example.com/b", "v1.0.0", "module example.com/b\n\ngo 1.16\n", "b.go", "package b\n\nfunc B() {}\n");
  module("example.com/b", "v1.1.0", "module example.com/b\n\ngo 1.16\n\nrequire example.com/c v1.0.0\n", "b.go",
         "package b\n\nimport \"example.com/c\"\n\nfunc B() { c.C() }\n");
  module("example.com/d", "v1.0.0", "module example.com/d\n\ngo 1.16\n\nrequire example.com/b v1.0.0\n", "d.go",
         "package d\n\nfunc D() {}\n");
  module("example.com/a", "v1.0.0",
         "module example.com/a\n\ngo 1.16\n\nrequire (\n\texample.com/b v1.1.0\n\texample.com/d v1.0.0\n)\n", "a.go",
         "package a\n\nimport (\n\t\"example.com/b\"\n\t_ \"example.com/d\"\n)\n\nfunc A() { b.B() }\n");
  p.env = "GOPROXY=file://" + p.root + " GOFLAGS=-mod=mod GOSUMDB=off GONOSUMDB=* GOPATH=" + dir +
          "/gopath GOCACHE=" + dir + "/gocache GOTOOLCHAIN=local GO111MODULE=on ";
  return p;
}

std::set<NV> go_list_all(const GoProxy& p, const std::string& dir) {
  std::string out = run_in(dir, p.env + "go list -m -f '{{if not .Main}}{{.Path}}\t{{.Version}}{{end}}' all");
  return parse_tsv(out);
}

TEST(GoMod, Below117TheBuildListComesFromGoSumAsGoSelectsIt) {
  std::string dir = test::test_scratch("go116");
  GoProxy p = make_go_proxy(dir);
  std::string app = dir + "/app";
  write_file(app + "/go.mod", "module example.com/app\n\ngo 1.16\n");
  write_file(app + "/main.go", "package main\n\nimport \"example.com/a\"\n\nfunc main() { a.A() }\n");
  run_in(app, p.env + "go get example.com/a@v1.0.0 && " + p.env + "go mod tidy");
  std::string gomod = test::slurp(app + "/go.mod");
  ASSERT_NE(gomod.find("go 1.16"), std::string::npos) << gomod;
  ASSERT_EQ(gomod.find("example.com/b"), std::string::npos) << "go 1.16 lists direct dependencies only:\n" << gomod;
  auto expected = go_list_all(p, app);
  EXPECT_EQ(expected, (std::set<NV>{{"example.com/a", "v1.0.0"},
                                    {"example.com/b", "v1.1.0"},
                                    {"example.com/c", "v1.0.0"},
                                    {"example.com/d", "v1.0.0"}}));
  Scan s = scan_tree(app);
  EXPECT_EQ(s.all(), expected);  // b at v1.1.0, the version MVS selects, not also at v1.0.0
  for (const Package& p2 : s.out.packages)
    EXPECT_EQ(p2.path, p2.name == "example.com/a" ? "go.mod" : "go.sum") << p2.name;
}

TEST(GoMod, From117GoModAloneIsTheBuildList) {
  std::string dir = test::test_scratch("go117");
  GoProxy p = make_go_proxy(dir);
  std::string app = dir + "/app";
  write_file(app + "/go.mod", "module example.com/app\n\ngo 1.17\n");
  write_file(app + "/main.go", "package main\n\nimport \"example.com/a\"\n\nfunc main() { a.A() }\n");
  run_in(app, p.env + "go get example.com/a@v1.0.0 && " + p.env + "go mod tidy");
  Scan s = scan_tree(app);
  EXPECT_EQ(s.all(), go_list_all(p, app));
  for (const Package& p2 : s.out.packages) EXPECT_EQ(p2.path, "go.mod");
}

TEST(GoSum, ReadWhenThereIsNoGoMod) {
  std::string dir = test::test_scratch("gosum");
  fs::copy_file("/usr/share/go-1.19/src/cmd/go.sum", dir + "/go.sum");
  std::string expected_tsv = tool("awk '$2 !~ /\\/go.mod$/ {print $1 \"\\t\" $2}' '" + dir + "/go.sum'");
  Scan s = scan_tree(dir);
  auto expected = parse_tsv(expected_tsv);
  ASSERT_GE(expected.size(), 3u);
  EXPECT_EQ(s.all(), expected);
}

TEST(CargoLock, WrittenOfflineByDebianCargo) {
  ASSERT_TRUE(fs::exists("/usr/share/cargo/registry/cfg-if-1.0.0")) << "librust-cfg-if-dev";
  std::string dir = test::test_scratch("cargo");
  write_file(dir + "/Cargo.toml", "[workspace]\nmembers = [\"app\", \"util\"]\n");
  write_file(dir + "/app/Cargo.toml",
             "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n"
             "cfg-if = \"1\"\nitoa = \"1\"\nutil = { path = \"../util\" }\n");
  write_file(dir + "/app/src/main.rs", "fn main() {}\n");
  write_file(dir + "/util/Cargo.toml",
             "[package]\nname = \"util\"\nversion = \"0.2.0\"\nedition = \"2021\"\n");
  write_file(dir + "/util/src/lib.rs", "\n");
  write_file(dir + "/.cargo/config.toml",
             "[source.crates-io]\nreplace-with = \"debian\"\n[source.debian]\ndirectory = "
             "\"/usr/share/cargo/registry\"\n");
  run_in(dir, "CARGO_HOME=" + dir + "/.cargo-home /usr/bin/cargo generate-lockfile --offline");
  auto meta = nlohmann::json::parse(
      tool("cd '" + dir + "' && CARGO_HOME=" + dir +
           "/.cargo-home /usr/bin/cargo metadata --offline --format-version 1 2>/dev/null"));
  std::set<NV> expected;
  for (const auto& p : meta["packages"])
    if (!p["source"].is_null()) expected.emplace(p["name"], p["version"]);
  EXPECT_EQ(expected.size(), 2u);
  Scan s = scan_tree(dir);
  EXPECT_EQ(s.all(), expected);
  EXPECT_TRUE(s.has_warning("lockfile.skipped", "util@0.2.0"));
  EXPECT_TRUE(s.has_warning("lockfile.skipped", "app@0.1.0"));
}

// dev-dependencies: Cargo.lock lists them with the rest; `cargo metadata` gives each edge's kind.
TEST(CargoLock, DevDependenciesFromCargoToml) {
  std::string dir = test::test_scratch("cargo-dev");
  write_file(dir + "/Cargo.toml",
             "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n"
             "cfg-if = \"1\"\n\n[dev-dependencies]\nitoa = \"1\"\n");
  write_file(dir + "/src/main.rs", "fn main() {}\n");
  write_file(dir + "/.cargo/config.toml",
             "[source.crates-io]\nreplace-with = \"debian\"\n[source.debian]\ndirectory = "
             "\"/usr/share/cargo/registry\"\n");
  run_in(dir, "CARGO_HOME=" + dir + "/.cargo-home /usr/bin/cargo generate-lockfile --offline");
  auto meta = nlohmann::json::parse(
      tool("cd '" + dir + "' && CARGO_HOME=" + dir +
           "/.cargo-home /usr/bin/cargo metadata --offline --format-version 1 2>/dev/null"));
  // Runtime: what the workspace members reach through normal and build edges.
  std::map<std::string, NV> by_id;
  for (const auto& p : meta["packages"]) by_id[p["id"]] = {p["name"], p["version"]};
  std::set<std::string> members;
  for (const auto& m : meta["workspace_members"]) members.insert(m);
  std::set<NV> runtime, all;
  std::vector<std::string> todo;
  for (const auto& node : meta["resolve"]["nodes"]) {
    if (!members.count(node["id"])) continue;
    for (const auto& d : node["deps"]) {
      bool normal = false;
      for (const auto& k : d["dep_kinds"]) normal |= k["kind"].is_null() || k["kind"] == "build";
      if (normal) todo.push_back(d["pkg"]);
    }
  }
  std::map<std::string, nlohmann::json> nodes;
  for (const auto& node : meta["resolve"]["nodes"]) nodes[node["id"]] = node;
  while (!todo.empty()) {
    std::string id = todo.back();
    todo.pop_back();
    if (!runtime.insert(by_id[id]).second) continue;
    for (const auto& d : nodes[id]["deps"]) todo.push_back(d["pkg"]);
  }
  for (const auto& [id, nv] : by_id)
    if (!members.count(id)) all.insert(nv);
  ASSERT_EQ(all, (std::set<NV>{{"cfg-if", "1.0.0"}, {"itoa", "1.0.1"}}));
  ASSERT_EQ(runtime, (std::set<NV>{{"cfg-if", "1.0.0"}}));
  Scan s = scan_tree(dir);
  EXPECT_EQ(s.all(), all);
  EXPECT_EQ(s.with_scope([](const std::string& sc) { return sc != "dev"; }), runtime);
}

// Bundler wants a Gemfile beside the lockfile to resolve sources; an empty one is enough to parse.
std::set<NV> bundler_oracle(const std::string& lock) {
  std::string dir = fs::path(lock).parent_path().string();
  if (!fs::exists(dir + "/Gemfile")) write_file(dir + "/Gemfile", "");
  return parse_tsv(
      tool("cd '" + dir + "' && BUNDLE_GEMFILE='" + dir +
           "/Gemfile' ruby -rbundler -e 'Bundler::LockfileParser.new(File.read(ARGV[0])).specs.each { |s| "
           "next if s.source.is_a?(Bundler::Source::Path) && !s.source.is_a?(Bundler::Source::Git); "
           "puts \"#{s.name}\\t#{s.version}\" }' '" +
           lock + "'"));
}

TEST(GemfileLock, DebianRubyFilesMatchBundler) {
  for (const char* f : {"/usr/lib/ruby/gems/3.1.0/gems/rbs-2.1.0/steep/Gemfile.lock",
                        "/usr/lib/ruby/gems/3.1.0/gems/typeprof-0.21.2/Gemfile.lock"}) {
    ASSERT_TRUE(fs::exists(f)) << f << " (libruby3.1)";
    std::string dir = test::test_scratch("gem");
    fs::copy_file(f, dir + "/Gemfile.lock");
    Scan s = scan_tree(dir);
    auto expected = bundler_oracle(dir + "/Gemfile.lock");
    EXPECT_EQ(s.all(), expected) << f;
    fs::remove_all(dir);
  }
}

TEST(GemfileLock, WrittenByBundleLockLocal) {
  std::string dir = test::test_scratch("bundle");
  write_file(dir + "/Gemfile",
             "source \"https://rubygems.org\"\ngem \"rake\"\ngem \"minitest\"\ngem \"power_assert\"\n");
  write_file(dir + "/vendored/mylib/mylib.gemspec",
             "Gem::Specification.new { |s| s.name = 'mylib'; s.version = '0.1.0'; s.summary = 'x'; s.authors "
             "= ['x'];"
             " s.files = [] }\n");
  write_file(dir + "/Gemfile", test::slurp(dir + "/Gemfile") + "gem \"mylib\", path: \"vendored/mylib\"\n");
  // Debian's Ruby has Bundler as a default gem; its `bundle` executable is not on PATH.
  run_in(dir, "HOME=" + dir + " ruby -e 'load Gem.bin_path(\"bundler\", \"bundle\")' lock --local");
  auto expected = bundler_oracle(dir + "/Gemfile.lock");
  ASSERT_GE(expected.size(), 3u);
  Scan s = scan_tree(dir);
  EXPECT_EQ(s.all(), expected);
  EXPECT_TRUE(s.has_warning("lockfile.skipped", "mylib"));
}

// Groups of the Gemfile: Bundler's own runtime set (specs_for [:default]) is what is not dev or test.
TEST(GemfileLock, GroupsFromTheGemfileAsBundlerResolvesThem) {
  std::string dir = test::test_scratch("bundle-groups");
  write_file(dir + "/Gemfile",
             "source \"https://rubygems.org\"\n"
             "gem \"rake\" # runtime\n"
             "group :test do\n  gem \"minitest\"\nend\n"
             "gem \"test-unit\", group: :development  # depends on power_assert\n");
  run_in(dir, "HOME=" + dir + " ruby -e 'load Gem.bin_path(\"bundler\", \"bundle\")' lock --local");
  std::set<NV> runtime = parse_tsv(tool(
      "cd '" + dir + "' && HOME='" + dir + "' BUNDLE_GEMFILE='" + dir +
      "/Gemfile' ruby -rbundler -e 'Bundler.definition.specs_for([:default]).each { |s| puts \"#{s.name}\\t#{s.version}\" "
      "unless s.name == \"bundler\" }'"));
  ASSERT_EQ(runtime.size(), 1u);
  Scan s = scan_tree(dir);
  EXPECT_EQ(s.all(), bundler_oracle(dir + "/Gemfile.lock"));
  EXPECT_EQ(s.with_scope([](const std::string& sc) { return sc.empty(); }), runtime);
  for (const Package& p : s.out.packages) {
    if (p.name == "minitest") {
      EXPECT_EQ(p.scope, "test");
    }
    if (p.name == "power_assert") {
      EXPECT_EQ(p.scope, "dev");  // through test-unit
    }
  }
}

TEST(NugetLock, PublishedLockfileMatchesJson) {
  std::string dir = test::test_scratch("nuget");
  fs::copy_file(repo_data("nuget/packages.lock.json"), dir + "/packages.lock.json");
  auto expected =
      parse_tsv(tool("/usr/bin/python3 -c 'import json,sys\n"
                     "d=json.load(open(sys.argv[1]))\n"
                     "s={(n,e[\"resolved\"]) for fw in d[\"dependencies\"].values() for n,e in fw.items() if "
                     "e[\"type\"]!=\"Project\"}\n"
                     "[print(n+\"\\t\"+v) for n,v in sorted(s)]' '" +
                     dir + "/packages.lock.json'"));
  ASSERT_GE(expected.size(), 5u);
  Scan s = scan_tree(dir);
  EXPECT_EQ(s.all(), expected);
  EXPECT_EQ(s.out.packages.size(), expected.size());  // one per framework-independent (id, version)
}

TEST(ComposerLock, PublishedLockfileMatchesJson) {
  std::string dir = test::test_scratch("composer");
  fs::copy_file(repo_data("composer/composer.lock"), dir + "/composer.lock");
  auto expected =
      parse_tsv(tool("/usr/bin/python3 -c 'import json,sys\n"
                     "d=json.load(open(sys.argv[1]))\n"
                     "[print(p[\"name\"]+\"\\t\"+p[\"version\"]+\"/\"+s) for k,s in "
                     "((\"packages\",\"\"),(\"packages-dev\",\"dev\")) "
                     "for p in d.get(k) or []]' '" +
                     dir + "/composer.lock'"));
  ASSERT_EQ(expected, (std::set<NV>{{"composer/installers", "dev-master/"}}));
  Scan s = scan_tree(dir);
  std::set<NV> ours;
  for (const Package& p : s.out.packages) ours.emplace(p.name, p.version + "/" + p.scope);
  EXPECT_EQ(ours, expected);
  // Its "license" array, as Python reads it.
  std::string licenses = tool("/usr/bin/python3 -c 'import json,sys\n"
                              "d=json.load(open(sys.argv[1]))\n"
                              "print(\" OR \".join(d[\"packages\"][0][\"license\"]))' '" +
                              dir + "/composer.lock'");
  ASSERT_EQ(s.out.packages.size(), 1u);
  EXPECT_EQ(s.out.packages[0].license + "\n", licenses);
  EXPECT_FALSE(s.out.packages[0].license.empty());
}

// Debian's maven-core pom with its parent placed at ../pom.xml, as in Maven's own source tree.
TEST(PomXml, DebianMavenCoreWithParentInTree) {
  const std::string repo = "/usr/share/maven-repo/org/apache/maven";
  ASSERT_TRUE(fs::exists(repo + "/maven-core/3.8.7/maven-core-3.8.7.pom")) << "libmaven3-core-java";
  std::string dir = test::test_scratch("pom");
  fs::copy_file(repo + "/maven/3.8.7/maven-3.8.7.pom", dir + "/pom.xml");
  fs::create_directories(dir + "/maven-core");
  fs::copy_file(repo + "/maven-core/3.8.7/maven-core-3.8.7.pom", dir + "/maven-core/pom.xml");
  // Oracle: ElementTree; versions from the dependency, else the dependencyManagement of child or parent,
  // ${x} from child then parent properties and project.version.
  const std::string script = test::test_scratch("pom-oracle") + "/oracle.py";
  write_file(script, R"(
import sys, re, xml.etree.ElementTree as ET
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
root = sys.argv[1]
child = ET.parse(root + "/maven-core/pom.xml").getroot()
parent = ET.parse(root + "/pom.xml").getroot()
def t(e, p):
    x = e.find(p, ns)
    return x.text.strip() if x is not None and x.text else ""
props = {}
for pom in (parent, child):
    for p in pom.findall("m:properties/*", ns):
        props[p.tag.split("}")[1]] = (p.text or "").strip()
ver = t(child, "m:version") or t(child, "m:parent/m:version")
props.update({"project.version": ver, "version": ver, "pom.version": ver,
              "project.groupId": t(child, "m:groupId") or t(child, "m:parent/m:groupId"),
              "project.parent.version": t(child, "m:parent/m:version")})
managed = {}
for pom in (parent, child):
    for d in pom.findall("m:dependencyManagement/m:dependencies/m:dependency", ns):
        if t(d, "m:version"):
            managed[t(d, "m:groupId") + ":" + t(d, "m:artifactId")] = t(d, "m:version")
def interp(v):
    for _ in range(32):
        m = re.search(r"\$\{([^}]*)\}", v)
        if not m: return v
        if m.group(1) not in props: return ""
        v = v.replace(m.group(0), props[m.group(1)])
    return ""
for d in child.findall("m:dependencies/m:dependency", ns):
    name = interp(t(d, "m:groupId")) + ":" + interp(t(d, "m:artifactId"))
    if t(d, "m:scope") == "system": continue
    v = interp(t(d, "m:version") or managed.get(name, ""))
    if v: print(name + "\t" + v)
)");
  std::string out = tool("/usr/bin/python3 '" + script + "' '" + dir + "'");
  auto expected = parse_tsv(out);
  ASSERT_GE(expected.size(), 10u) << out;
  Scan s = scan_tree(dir);
  std::set<NV> core;
  for (const Package& p : s.out.packages)
    if (p.path == "maven-core/pom.xml") core.emplace(p.name, p.version);
  EXPECT_EQ(core, expected);
  // Without the parent the managed versions are unknown: left out with a note, never guessed.
  fs::remove(dir + "/pom.xml");
  Scan alone = scan_tree(dir);
  EXPECT_LT(alone.out.packages.size(), expected.size());
  EXPECT_TRUE(alone.has_warning("lockfile.skipped", "without fetching"));
}

}  // namespace
}  // namespace dagda::locktest
