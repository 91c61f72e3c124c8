// npm, yarn and pnpm lockfiles written by the real tools from one package.json.
// The oracle is npm itself: `npm ls --all --json --package-lock-only` on npm's
// own lockfile gives every (name, version) of the resolved tree, and with
// --omit=dev the runtime part. yarn and pnpm resolve the same pinned ranges
// against the same registry, so their lockfiles must list the same set.
// Needs npm and the npm registry (reachable here; see docs/lockfiles.md).
#include <nlohmann/json.hpp>

#include "unit/lockfile/support.hpp"

namespace dagda::locktest {
namespace {

const char* kPackageJson = R"({
  "name": "demo", "version": "1.0.0",
  "dependencies": {"lodash": "4.17.20", "debug": "4.3.4", "@types/node": "20.11.0", "local-dep": "file:./local"},
  "devDependencies": {"is-number": "7.0.0"},
  "optionalDependencies": {"ms": "2.1.3"}
})";

void make_project(const std::string& dir) {
  write_file(dir + "/package.json", kPackageJson);
  write_file(dir + "/local/package.json", R"({"name": "local-dep", "version": "1.0.0"})");
}

void collect_ls(const nlohmann::json& node, std::set<NV>& out) {
  if (!node.is_object() || !node.contains("dependencies")) return;
  for (const auto& [name, dep] : node["dependencies"].items()) {
    if (name == "local-dep" || !dep.contains("version")) continue;
    out.emplace(name, dep["version"].get<std::string>());
    collect_ls(dep, out);
  }
}

std::set<NV> npm_ls(const std::string& dir, const std::string& extra) {
  int status = 0;
  std::string out = test::run_command(
      "cd '" + dir + "' && npm ls --all --json --package-lock-only " + extra + " 2>/dev/null", &status);
  std::set<NV> s;
  collect_ls(nlohmann::json::parse(out), s);
  return s;
}

const std::string& npm_dir() {
  static const std::string dir = [] {
    std::string d = test::scratch_dir("lockfile-npm-oracle");
    make_project(d);
    run_in(d, "npm install --package-lock-only --lockfile-version 3 --ignore-scripts --no-audit --no-fund");
    return d;
  }();
  return dir;
}

const std::set<NV>& oracle_all() {
  static const std::set<NV> s = npm_ls(npm_dir(), "");
  return s;
}

bool not_dev(const std::string& scope) {
  return scope.find("dev") == std::string::npos;
}

TEST(NpmLock, EachLockfileVersionMatchesNpmLs) {
  ASSERT_GE(oracle_all().size(), 7u) << "npm ls found too little; is the registry reachable?";
  for (int v : {1, 2, 3}) {
    SCOPED_TRACE("lockfileVersion " + std::to_string(v));
    std::string dir = test::test_scratch("v" + std::to_string(v));
    make_project(dir);
    run_in(dir, "npm install --package-lock-only --lockfile-version " + std::to_string(v) +
                    " --ignore-scripts --no-audit --no-fund");
    auto lock = nlohmann::json::parse(test::slurp(dir + "/package-lock.json"));
    ASSERT_EQ(lock["lockfileVersion"], v);
    Scan s = scan_tree(dir);
    EXPECT_EQ(s.all(), oracle_all());
    EXPECT_EQ(s.with_scope(not_dev), npm_ls(dir, "--omit=dev"));
    for (const Package& p : s.out.packages) {
      EXPECT_EQ(p.ecosystem, "npm");
      EXPECT_EQ(p.path, "package-lock.json");
      if (p.name == "is-number") {
        EXPECT_EQ(p.scope, "dev");
      }
      if (p.name == "ms" && p.version == "2.1.3") {
        EXPECT_EQ(p.scope, "optional");
      }
      // lockfileVersion 2 and 3 carry each package's license (what `npm view lodash@4.17.20 license` says).
      if (v >= 2 && p.name == "lodash") {
        EXPECT_EQ(p.license, "MIT");
      }
      if (v >= 2) {
        EXPECT_FALSE(p.license.empty()) << p.name;
      }
    }
    EXPECT_FALSE(s.out.partial);
    // The file: dependency is left out with a note rather than given a version.
    EXPECT_TRUE(s.has_warning("lockfile.skipped", "local-dep")) << v;
  }
}

// npm 7 and later install peer dependencies and mark them: ajv is a peerDependency of ajv-keywords.
TEST(NpmLock, PeerDependencies) {
  std::string dir = test::test_scratch("peer");
  write_file(dir + "/package.json", R"({"name": "p", "version": "1.0.0", "dependencies": {"ajv-keywords": "5.1.0"}})");
  run_in(dir, "npm install --package-lock-only --ignore-scripts --no-audit --no-fund");
  std::string peers = run_in(dir, "npm view ajv-keywords@5.1.0 peerDependencies --json");
  ASSERT_NE(peers.find("\"ajv\""), std::string::npos) << peers;
  Scan s = scan_tree(dir);
  bool ajv = false;
  for (const Package& p : s.out.packages) {
    if (p.name == "ajv-keywords") {
      EXPECT_EQ(p.scope, "");
    }
    if (p.name == "ajv") {
      ajv = true;
      EXPECT_EQ(p.scope, "peer");
    }
  }
  EXPECT_TRUE(ajv);
}

TEST(YarnLock, ClassicMatchesNpm) {
  std::string dir = test::test_scratch("yarn1");
  make_project(dir);
  run_in(dir, "npx -y yarn@1 install --ignore-scripts --non-interactive --no-progress --ignore-engines");
  ASSERT_NE(test::slurp(dir + "/yarn.lock").find("# yarn lockfile v1"), std::string::npos);
  fs::remove_all(dir + "/node_modules");
  Scan s = scan_tree(dir);
  EXPECT_EQ(s.all(), oracle_all());
  // The scope from package.json and the entries' dependencies, as npm's tree has it.
  EXPECT_EQ(s.with_scope(not_dev), npm_ls(npm_dir(), "--omit=dev"));
  EXPECT_TRUE(s.has_warning("lockfile.skipped", "local-dep"));
  EXPECT_FALSE(s.out.partial);
  // Without the package.json there is nothing to tell dev dependencies by.
  fs::remove(dir + "/package.json");
  for (const Package& p : scan_tree(dir).out.packages) EXPECT_EQ(p.scope, "") << p.name;
}

TEST(YarnLock, BerryMatchesNpm) {
  std::string dir = test::test_scratch("berry");
  make_project(dir);
  run_in(dir,
         "YARN_ENABLE_IMMUTABLE_INSTALLS=false YARN_ENABLE_TELEMETRY=0 YARN_NODE_LINKER=node-modules "
         "npx -y @yarnpkg/cli-dist@4 install --mode=update-lockfile");
  std::string lock = test::slurp(dir + "/yarn.lock");
  ASSERT_NE(lock.find("__metadata:"), std::string::npos);
  Scan s = scan_tree(dir);
  EXPECT_EQ(s.all(), oracle_all());
  EXPECT_EQ(s.with_scope(not_dev), npm_ls(npm_dir(), "--omit=dev"));
  // The project itself (demo@workspace:.) and the file: dependency are not packages.
  EXPECT_TRUE(s.has_warning("lockfile.skipped", "workspace"));
  EXPECT_TRUE(s.has_warning("lockfile.skipped", "local-dep"));
}

TEST(PnpmLock, Versions5To9MatchNpm) {
  for (auto [pnpm, prefix] :
       {std::pair{"pnpm@7", "5."}, std::pair{"pnpm@8", "'6."}, std::pair{"pnpm@9", "'9."}}) {
    SCOPED_TRACE(pnpm);
    std::string dir = test::test_scratch(std::string(pnpm).replace(4, 1, "-"));
    make_project(dir);
    run_in(dir, std::string("npx -y ") + pnpm + " install --lockfile-only --ignore-scripts");
    std::string lock = test::slurp(dir + "/pnpm-lock.yaml");
    ASSERT_NE(lock.find(std::string("lockfileVersion: ") + prefix), std::string::npos) << lock.substr(0, 100);
    Scan s = scan_tree(dir);
    EXPECT_EQ(s.all(), oracle_all());
    EXPECT_TRUE(s.has_warning("lockfile.skipped", "local")) << pnpm;
    // 5.x and 6.x mark dev packages in "packages"; 9.x from the importers and snapshots.
    EXPECT_EQ(s.with_scope(not_dev), npm_ls(npm_dir(), "--omit=dev"));
  }
}

TEST(JsLockfiles, LockfilesInsideNodeModulesAreNotRead) {
  EXPECT_TRUE(lockfile_wants("app/package-lock.json"));
  EXPECT_FALSE(lockfile_wants("app/node_modules/x/package-lock.json"));
  EXPECT_FALSE(lockfile_wants("node_modules/.package-lock.json"));
  EXPECT_FALSE(lockfile_wants("node_modules/x/yarn.lock"));
}

}  // namespace
}  // namespace dagda::locktest
