// fs: sources where a lockfile and an installed tree describe the same packages: a project
// installed by the real npm (node_modules and package-lock.json), and a Python venv made by
// Debian's python3 (pip and setuptools from Debian's wheels) with a requirements.txt pinning
// them. Each package is one package with both locations; --exclude-dev leaves out what
// `npm ls --omit=dev` leaves out. Needs npm and the npm registry (as tests/unit/lockfile).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "catalog/driver.hpp"
#include "support/testdata.hpp"

namespace dagda {
namespace {

namespace fs = std::filesystem;
using NV = std::pair<std::string, std::string>;

std::string run_in(const std::string& dir, const std::string& cmd) {
  int status = 0;
  std::string out = test::run_command("cd '" + dir + "' && " + cmd + " 2>&1", &status);
  EXPECT_EQ(status, 0) << cmd << "\n" << out;
  return out;
}

void write_file(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

void collect_ls(const nlohmann::json& node, std::set<NV>& out) {
  if (!node.is_object() || !node.contains("dependencies")) return;
  for (const auto& [name, dep] : node["dependencies"].items()) {
    if (!dep.contains("version")) continue;
    out.emplace(name, dep["version"].get<std::string>());
    collect_ls(dep, out);
  }
}

std::set<NV> npm_ls(const std::string& dir, const std::string& extra) {
  int status = 0;
  std::string out = test::run_command("cd '" + dir + "' && npm ls --all --json " + extra + " 2>/dev/null", &status);
  std::set<NV> s;
  collect_ls(nlohmann::json::parse(out, nullptr, false), s);
  return s;
}

const std::string& npm_project() {
  static const std::string dir = [] {
    std::string d = test::scratch_dir("fs-merge-npm");
    write_file(d + "/package.json", R"({
  "name": "demo", "version": "1.0.0",
  "dependencies": {"debug": "4.3.4", "lodash": "4.17.20"},
  "devDependencies": {"is-number": "7.0.0"}
})");
    run_in(d, "npm install --ignore-scripts --no-audit --no-fund");
    return d;
  }();
  return dir;
}

Inventory scan(const std::string& dir, bool exclude_dev = false) {
  InventoryOptions opts;
  opts.exclude_dev = exclude_dev;
  auto inv = build_inventory("fs:" + dir, opts);
  EXPECT_TRUE(inv.ok()) << (inv.ok() ? "" : inv.error().render());
  return inv.ok() ? std::move(inv).value() : Inventory{};
}

TEST(FsMerge, NpmLockfileAndNodeModulesAreOnePackage) {
  const std::string& dir = npm_project();
  std::set<NV> expected = npm_ls(dir, "");
  ASSERT_GE(expected.size(), 4u) << "is the npm registry reachable?";
  Inventory inv = scan(dir);
  std::map<NV, int> count;
  for (const Package& p : inv.packages) {
    if (p.ecosystem != "npm") continue;
    ++count[{p.name, p.version}];
    // The lockfile entry, with the installed package.json as a second location.
    EXPECT_EQ(p.path, "package-lock.json") << p.name;
    ASSERT_EQ(p.locations.size(), 2u) << p.name;
    EXPECT_EQ(p.locations[0], p.path);
    EXPECT_EQ(p.locations[1], "node_modules/" + p.name + "/package.json");
    // The license of the installed package.json, kept on the merged package.
    EXPECT_FALSE(p.license.empty()) << p.name;
  }
  std::set<NV> ours;
  for (const auto& [nv, n] : count) {
    EXPECT_EQ(n, 1) << nv.first;
    ours.insert(nv);
  }
  EXPECT_EQ(ours, expected);
}

TEST(FsMerge, ExcludeDevLeavesOutWhatNpmOmits) {
  const std::string& dir = npm_project();
  std::set<NV> runtime = npm_ls(dir, "--omit=dev");
  Inventory all = scan(dir), prod = scan(dir, /*exclude_dev=*/true);
  std::set<NV> ours;
  for (const Package& p : prod.packages)
    if (p.ecosystem == "npm") ours.emplace(p.name, p.version);
  EXPECT_EQ(ours, runtime);
  EXPECT_LT(prod.packages.size(), all.packages.size());
  bool dev_seen = false;
  for (const Package& p : all.packages) dev_seen |= p.name == "is-number" && p.scope == "dev";
  EXPECT_TRUE(dev_seen);
}

// A node_modules copy at another version than the lockfile's stays a package of its own.
TEST(FsMerge, OtherVersionsStayApart) {
  std::string dir = test::test_scratch("fs-merge-other");
  fs::copy(npm_project(), dir, fs::copy_options::recursive);
  std::string pj = dir + "/node_modules/lodash/package.json";
  auto j = nlohmann::json::parse(test::slurp(pj));
  j["version"] = "4.17.19";
  write_file(pj, j.dump());
  Inventory inv = scan(dir);
  int lodash = 0;
  for (const Package& p : inv.packages) {
    if (p.name != "lodash") continue;
    ++lodash;
    if (p.version == "4.17.19") {
      EXPECT_EQ(p.path, "node_modules/lodash/package.json");
      EXPECT_TRUE(p.locations.empty());
    } else {
      EXPECT_EQ(p.path, "package-lock.json");
      EXPECT_TRUE(p.locations.empty());
    }
  }
  EXPECT_EQ(lodash, 2);
}

// pip and setuptools in a venv (from Debian's wheels) and pinned in requirements.txt.
TEST(FsMerge, PythonVenvAndRequirementsAreOnePackage) {
  std::string dir = test::test_scratch("fs-merge-venv");
  run_in(dir, "/usr/bin/python3 -m venv .venv");
  std::string listed = run_in(dir, ".venv/bin/python -m pip list --format=freeze --disable-pip-version-check");
  std::string reqs;
  std::set<NV> expected;
  for (size_t pos = 0; pos < listed.size();) {
    size_t end = listed.find('\n', pos);
    std::string line = listed.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? listed.size() : end + 1;
    size_t eq = line.find("==");
    if (eq == std::string::npos) continue;
    reqs += line + "\n";
    expected.emplace(line.substr(0, eq), line.substr(eq + 2));
  }
  ASSERT_GE(expected.size(), 2u) << listed;
  write_file(dir + "/requirements.txt", reqs);
  Inventory inv = scan(dir);
  std::set<NV> ours;
  for (const Package& p : inv.packages) {
    if (p.ecosystem != "pypi") continue;
    ours.emplace(p.name, p.version);
    EXPECT_EQ(p.path, "requirements.txt") << p.name;
    ASSERT_EQ(p.locations.size(), 2u) << p.name;
    EXPECT_TRUE(p.locations[1].starts_with(".venv/lib/")) << p.locations[1];
    EXPECT_TRUE(p.locations[1].ends_with(".dist-info/METADATA")) << p.locations[1];
  }
  EXPECT_EQ(ours, expected);
}

}  // namespace
}  // namespace dagda
