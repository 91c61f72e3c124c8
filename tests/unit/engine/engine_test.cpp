// The scan engine called as a library (no CLI), on real feeds and real
// package databases: what a finding is (one per vulnerability, aliases vs
// related advisories), what rates it, and what policy may suppress.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "engine/engine.hpp"
#include "importers/import.hpp"
#include "support/testdata.hpp"
#include "vulndb/store.hpp"

namespace dagda::test {
namespace {

namespace fs = std::filesystem;

// A SQLite database of the test's own with these real feed files imported.
std::string make_db(const std::string& name, const std::vector<std::string>& feeds) {
  std::string dir = test_scratch(name);
  std::string path = dir + "/vulndb.sqlite";
  auto store = vulndb::Store::open(path);
  EXPECT_TRUE(store.ok()) << store.error().render();
  std::vector<std::string> paths;
  for (auto& f : feeds) paths.push_back(testdata(f));
  auto r = importers::import_into(**store, paths, {});
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().render());
  return path;
}

std::unique_ptr<engine::Engine> open_engine(const std::string& db) {
  auto e = engine::Engine::open({db});
  EXPECT_TRUE(e.ok()) << (e.ok() ? "" : e.error().render());
  return e.ok() ? std::move(*e) : nullptr;
}

// Options whose temporary files stay in the test's own folder.
engine::ScanOptions scan_opts() {
  engine::ScanOptions o;
  o.cache_dir = test_scratch("cache");
  return o;
}

bool is_cve(const std::string& id) { return id.starts_with("CVE-"); }

// An inventory of one package, as a cataloger would have found it.
Inventory one_package(Package p, std::optional<OsInfo> os = std::nullopt) {
  Inventory inv;
  inv.source.input = "test";
  inv.source.kind = "dir";
  inv.os = std::move(os);
  inv.packages.push_back(std::move(p));
  return inv;
}

Package npm(const std::string& name, const std::string& version) {
  Package p;
  p.ecosystem = "npm";
  p.name = name;
  p.version = version;
  return p;
}

// No two findings of one package share a name (id or alias).
void expect_one_finding_per_vulnerability(const ScanResult& r) {
  std::map<size_t, std::set<std::string>> names;
  for (auto& x : r.findings) {
    EXPECT_TRUE(names[x.package].insert(x.id).second) << x.id;
    for (auto& a : x.aliases) EXPECT_TRUE(names[x.package].insert(a).second) << a << " (alias of " << x.id << ")";
  }
}

std::vector<const Finding*> findings_of(const ScanResult& r, const std::string& id) {
  std::vector<const Finding*> out;
  for (auto& f : r.findings) {
    bool named = f.id == id;
    for (auto& a : f.aliases) named = named || a == id;
    if (named) out.push_back(&f);
  }
  return out;
}

TEST(Engine, ScansAnImageWithProgressAndWithoutTheCli) {
  auto db = make_db("alpine-db", {"vulndb/alpine-secdb-yaml/v3.7"});
  auto eng = open_engine(db);
  ASSERT_TRUE(eng);
  std::set<std::string> stages;
  engine::Hooks hooks;
  hooks.progress = [&](const engine::Progress& p) { stages.insert(std::string(p.stage)); };
  engine::ScanOptions opts;
  opts.cache_dir = test_scratch("alpine-cache");
  auto r = eng->scan("rootfs-archive:" + testdata("pkgdb/alpine-minirootfs/alpine-minirootfs-3.7.3-x86_64.tar.gz"),
                     opts, hooks);
  ASSERT_TRUE(r.ok()) << r.error().render();
  EXPECT_EQ(r->namespaces, std::vector<std::string>{"alpine:3.7"});
  std::set<std::string> hits;
  for (auto& f : r->findings) hits.insert(r->inventory.packages[f.package].name + " " + f.id);
  EXPECT_TRUE(hits.count("musl CVE-2019-14697")) << testing::PrintToString(hits);
  EXPECT_TRUE(hits.count("musl-utils CVE-2019-14697"));
  for (auto s : {"open", "read", "match", "policy"}) EXPECT_TRUE(stages.count(s)) << s;
}

TEST(Engine, SbomNeedsNoDatabase) {
  engine::SbomOptions opts;
  opts.cache_dir = test_scratch("sbom-cache");
  auto inv = engine::sbom("rootfs-archive:" + testdata("pkgdb/alpine-minirootfs/alpine-minirootfs-3.10.3-x86_64.tar.gz"),
                          opts);
  ASSERT_TRUE(inv.ok()) << inv.error().render();
  EXPECT_EQ(inv->os->family, "alpine");
  EXPECT_GE(inv->packages.size(), 10u);
}

TEST(Engine, CancelledBeforeAndDuringAScan) {
  auto db = make_db("cancel-db", {"vulndb/alpine-secdb-yaml/v3.7"});
  auto eng = open_engine(db);
  ASSERT_TRUE(eng);
  engine::CancelToken token;
  token.cancel();
  engine::Hooks hooks;
  hooks.cancel = &token;
  auto src = "rootfs-archive:" + testdata("pkgdb/alpine-minirootfs/alpine-minirootfs-3.7.3-x86_64.tar.gz");
  auto r = eng->scan(src, scan_opts(), hooks);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::cancelled);

  // Cancelled from the progress callback, once reading has begun.
  engine::CancelToken during;
  engine::Hooks h2;
  h2.cancel = &during;
  h2.progress = [&](const engine::Progress& p) {
    if (p.stage == "read") during.cancel();
  };
  auto r2 = eng->scan(src, scan_opts(), h2);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().code(), ErrorCode::cancelled);
}

TEST(Engine, NoDatabaseIsAnErrorNotAnEmptyReport) {
  auto e = engine::Engine::open({test_scratch("nodb") + "/absent.sqlite"});
  EXPECT_FALSE(e.ok());
}

// A DSA or DLA lists several CVEs: each is a finding of its own with the notice as a
// related advisory; no CVE is an alias of another, so ignoring one hides exactly one.
// Debian 10's libc6 2.28-10 meets DLA-3152-1, which fixes 14 glibc CVEs.
TEST(Findings, DistroNoticesAreRelatedAdvisoriesNotAliases) {
  auto db = make_db("deblists-db", {"vulndb/debian-dsa-dla/DSA.list", "vulndb/debian-dsa-dla/DLA.list"});
  auto eng = open_engine(db);
  ASSERT_TRUE(eng);
  Package p;
  p.ecosystem = "deb";
  p.name = "libc6";
  p.version = "2.28-10";
  p.source_name = "glibc";
  p.source_version = "2.28-10";
  OsInfo os;
  os.family = "debian";
  os.version_id = "10";
  os.codename = "buster";
  auto r = eng->match(one_package(p, os), scan_opts());
  ASSERT_TRUE(r.ok()) << r.error().render();
  size_t under_dla = 0;
  for (auto& f : r->findings) {
    EXPECT_TRUE(is_cve(f.id)) << f.id;
    for (auto& a : f.aliases) {
      EXPECT_FALSE(is_cve(a)) << f.id << " has the CVE " << a << " as an alias";
      EXPECT_FALSE(a.starts_with("DSA-") || a.starts_with("DLA-")) << f.id << " has the notice " << a << " as an alias";
    }
    for (auto& rel : f.related_advisories) under_dla += rel == "DLA-3152-1";
  }
  EXPECT_GE(under_dla, 14u);
  expect_one_finding_per_vulnerability(*r);
  ASSERT_EQ(findings_of(*r, "CVE-2016-10228").size(), 1u);

  std::string ignorefile = test_scratch("ignore") + "/ignore.yaml";
  std::ofstream(ignorefile) << "- id: CVE-2016-10228\n  reason: test\n";
  engine::ScanOptions opts = scan_opts();
  opts.policy.ignorefile = ignorefile;
  auto r2 = eng->match(one_package(p, os), opts);
  ASSERT_TRUE(r2.ok()) << r2.error().render();
  size_t suppressed = 0;
  for (auto& f : r2->findings)
    if (f.suppressed) {
      ++suppressed;
      EXPECT_EQ(f.id, "CVE-2016-10228") << "ignoring CVE-2016-10228 hid " << f.id;
    }
  EXPECT_EQ(suppressed, 1u);
  // So does an OpenVEX statement about it.
  std::string vex = test_scratch("vex") + "/doc.json";
  std::ofstream(vex) << R"({"statements": [{"vulnerability": {"name": "CVE-2016-10228"}, "status": "not_affected", "justification": "vulnerable_code_not_present"}]})";
  engine::ScanOptions vo = scan_opts();
  vo.policy.vex = vex;
  auto r3 = eng->match(one_package(p, os), vo);
  ASSERT_TRUE(r3.ok()) << r3.error().render();
  size_t vexed = 0;
  for (auto& f : r3->findings) vexed += f.suppressed.has_value();
  EXPECT_EQ(vexed, 1u);
}

// KEV and EPSS belong to one CVE: Debian 9's jquery has CVE-2020-11022 and -11023 in
// the same DLA; only 11023 is in KEV, and each keeps its own EPSS.
TEST(Findings, KevAndEpssActOnTheExactVulnerability) {
  auto db = make_db("kev-db", {"vulndb/debian-dsa-dla/DSA.list", "vulndb/debian-dsa-dla/DLA.list",
                               "vulndb/cisa-kev", "vulndb/epss"});
  auto eng = open_engine(db);
  ASSERT_TRUE(eng);
  Package p;
  p.ecosystem = "deb";
  p.name = "libjs-jquery";
  p.version = "3.1.1-2";
  p.source_name = "jquery";
  p.source_version = "3.1.1-2";
  OsInfo os;
  os.family = "debian";
  os.version_id = "9";
  os.codename = "stretch";
  auto r = eng->match(one_package(p, os), scan_opts());
  ASSERT_TRUE(r.ok()) << r.error().render();
  auto f22 = findings_of(*r, "CVE-2020-11022");
  auto f23 = findings_of(*r, "CVE-2020-11023");
  ASSERT_EQ(f22.size(), 1u);
  ASSERT_EQ(f23.size(), 1u);
  EXPECT_NE(f22[0], f23[0]);
  EXPECT_FALSE(f22[0]->kev) << "CVE-2020-11022 took CVE-2020-11023's KEV entry";
  EXPECT_TRUE(f23[0]->kev);
  ASSERT_TRUE(f22[0]->epss && f23[0]->epss);
  EXPECT_EQ(f22[0]->epss->cve, "CVE-2020-11022");
  EXPECT_EQ(f23[0]->epss->cve, "CVE-2020-11023");
}

// One vulnerability of one package is one finding, whichever feeds name it: npm jquery
// 3.4.0 meets CVE-2020-11022 in GitLab's advisories and in retire.js.
TEST(Findings, OneFindingPerVulnerabilityAcrossFeeds) {
  auto db = make_db("npm-db", {"vulndb/gitlab-advisories-community-2022-05-23.tar.xz",
                               "vulndb/nodejs-security-wg-vuln.tar.xz", "vulndb/retirejs"});
  auto eng = open_engine(db);
  ASSERT_TRUE(eng);
  auto r = eng->match(one_package(npm("jquery", "3.4.0")), scan_opts());
  ASSERT_TRUE(r.ok()) << r.error().render();
  auto f = findings_of(*r, "CVE-2020-11022");
  ASSERT_EQ(f.size(), 1u);
  std::set<std::string> sources;
  for (auto& m : f[0]->matches) sources.insert(m.source);
  EXPECT_TRUE(sources.count("retirejs")) << "retire.js rows are consulted for npm packages";
  EXPECT_TRUE(sources.count("gitlab"));
  expect_one_finding_per_vulnerability(*r);

  auto r2 = eng->match(one_package(npm("lodash", "4.17.15")), scan_opts());
  ASSERT_TRUE(r2.ok()) << r2.error().render();
  auto l = findings_of(*r2, "CVE-2020-8203");
  ASSERT_EQ(l.size(), 1u);
  expect_one_finding_per_vulnerability(*r2);
  std::set<std::string> lsources;
  for (auto& m : l[0]->matches) lsources.insert(m.source);
  EXPECT_TRUE(lsources.count("nodejs") && lsources.count("gitlab")) << testing::PrintToString(lsources);
  // Rated by npm's own feeds or NVD, never by another ecosystem's.
  for (auto& x : r2->findings)
    EXPECT_TRUE(x.severity_source.empty() || x.severity_source == "gitlab" || x.severity_source == "nodejs" ||
                x.severity_source == "retirejs" || x.severity_source == "ghsa" || x.severity_source == "nvd")
        << x.id << " rated by " << x.severity_source;
}

// Alpine's musl is not rated by Ubuntu's priority; NVD's score (here relayed by the
// Ubuntu tracker, naming NVD as its source) rates it.
TEST(Findings, SeverityComesFromTheOwnDistroThenNvd) {
  auto db = make_db("musl-db", {"vulndb/alpine-secdb-yaml/v3.7", "vulndb/ubuntu-cve-tracker-2020-active-retired.tar.xz"});
  auto eng = open_engine(db);
  ASSERT_TRUE(eng);
  auto r = eng->scan("rootfs-archive:" + testdata("pkgdb/alpine-minirootfs/alpine-minirootfs-3.7.3-x86_64.tar.gz"), scan_opts());
  ASSERT_TRUE(r.ok()) << r.error().render();
  auto f = findings_of(*r, "CVE-2019-14697");
  ASSERT_FALSE(f.empty());
  for (auto* x : f) {
    EXPECT_NE(x->severity_source, "ubuntu-cve-tracker");
    EXPECT_EQ(x->severity_source, "nvd");
    EXPECT_EQ(x->severity, "critical");
  }
}

// A VEX statement applies only where its product is what was scanned (OpenVEX).
TEST(Policy, VexStatementsApplyOnlyToTheirProducts) {
  auto db = make_db("vex-db", {"vulndb/alpine-secdb-yaml/v3.7"});
  auto eng = open_engine(db);
  ASSERT_TRUE(eng);
  engine::SbomOptions so;
  so.cache_dir = test_scratch("cache");
  auto inv = engine::sbom("rootfs-archive:" + testdata("pkgdb/alpine-minirootfs/alpine-minirootfs-3.7.3-x86_64.tar.gz"), so);
  ASSERT_TRUE(inv.ok()) << inv.error().render();
  const std::string digest = "sha256:" + std::string(64, 'a');
  inv->source.image_id = digest;
  inv->source.tags = {"registry.example/team/app:1.0"};
  auto suppressed_packages = [&](const std::string& products) {
    std::string vex = test_scratch("vex") + "/doc.json";
    std::ofstream(vex) << R"({"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "author": "t", "timestamp": "2026-01-01T00:00:00Z", "version": 1, "statements": [{"vulnerability": {"name": "CVE-2019-14697"}, "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path", "products": )"
                       << products << "}]}";
    engine::ScanOptions opts = scan_opts();
    opts.policy.vex = vex;
    auto r = eng->match(*inv, opts);
    EXPECT_TRUE(r.ok()) << r.error().render();
    std::set<std::string> out;
    if (r.ok())
      for (auto& f : r->findings)
        if (f.suppressed) out.insert(r->inventory.packages[f.package].name);
    return out;
  };
  using S = std::set<std::string>;
  EXPECT_EQ(suppressed_packages(R"([{"@id": "pkg:oci/another-image@sha256%3A)" + std::string(64, '0') + R"("}])"), S{});
  EXPECT_EQ(suppressed_packages(R"([{"@id": "pkg:oci/app@sha256%3A)" + std::string(64, 'a') + R"("}])"),
            (S{"musl", "musl-utils"}));
  EXPECT_EQ(suppressed_packages(R"([{"@id": "pkg:docker/team/app@1.0"}])"), (S{"musl", "musl-utils"}));
  EXPECT_EQ(suppressed_packages(R"([{"@id": "pkg:docker/team/app@2.0"}])"), S{});
  EXPECT_EQ(suppressed_packages(R"([{"@id": "pkg:oci/app@sha256%3A)" + std::string(64, 'a') +
                                R"(", "subcomponents": [{"@id": "pkg:apk/alpine/musl-utils"}]}])"),
            S{"musl-utils"});
  EXPECT_EQ(suppressed_packages(R"([{"@id": "pkg:oci/other@sha256%3A)" + std::string(64, 'b') +
                                R"(", "subcomponents": [{"@id": "pkg:apk/alpine/musl-utils"}]}])"),
            S{});
  EXPECT_EQ(suppressed_packages(R"([{"@id": "pkg:apk/alpine/musl@1.1.18-r3"}])"), S{"musl"});
}

// False-positive marks are the user's state: kept apart from the VulnDB, untouched by imports.
TEST(State, FpMarksLiveInTheStateStoreAndSurviveImports) {
  auto db = make_db("state-db", {"vulndb/alpine-secdb-yaml/v3.7"});
  {
    auto st = state::Store::open(db);
    ASSERT_TRUE(st.ok()) << st.error().render();
    ASSERT_TRUE((*st)->add_fp({"*", "musl-utils", "", "CVE-2019-14697", ""}).ok());
  }
  {
    auto store = vulndb::Store::open(db);
    ASSERT_TRUE(store.ok());
    importers::ImportOptions io;
    io.force = true;
    auto r = importers::import_into(**store, {testdata("vulndb/alpine-secdb-yaml/v3.7")}, io);
    ASSERT_TRUE(r.ok()) << r.error().render();
  }
  auto eng = open_engine(db);
  ASSERT_TRUE(eng);
  auto marks = eng->state().list_fp();
  ASSERT_TRUE(marks.ok());
  ASSERT_EQ(marks->size(), 1u);
  auto r = eng->scan("rootfs-archive:" + testdata("pkgdb/alpine-minirootfs/alpine-minirootfs-3.7.3-x86_64.tar.gz"), scan_opts());
  ASSERT_TRUE(r.ok()) << r.error().render();
  for (auto& f : r->findings) {
    const auto& name = r->inventory.packages[f.package].name;
    EXPECT_EQ(f.suppressed.has_value(), name == "musl-utils" && f.id == "CVE-2019-14697") << name << " " << f.id;
  }
  // A database of another application is refused, and left as it was.
  std::string other = test_scratch("other") + "/app.sqlite";
  ASSERT_EQ(std::system(("sqlite3 " + other + " 'CREATE TABLE users (id INTEGER)'").c_str()), 0);
  EXPECT_FALSE(state::Store::open(other).ok());
}

}  // namespace
}  // namespace dagda::test
