// Runtimes installed by hand against NVD's CPE ranges (namespace nvd-cpe): the real 2021
// yearly feed, with and without node-core (is-my-node-vulnerable's core.json) beside it.
#include <gtest/gtest.h>

#include <algorithm>

#include "importers/import.hpp"
#include "match/matcher.hpp"
#include "support/testdata.hpp"
#include "vulndb/store.hpp"

namespace dagda::test {
namespace {

const std::string kNvd2021 = "vulndb/nvd-1.1-yearly/nvdcve-1.1-2021.json.gz";
const std::string kNodeCore = "vulndb/node-core/is-my-node-vulnerable-1.6.1-core.json";

std::string store_of(const std::string& name, const std::vector<std::string>& feeds) {
  std::string path = scratch_dir("runtime-cpe-" + name) + "/vulndb.sqlite";
  auto store = vulndb::Store::open(path);
  EXPECT_TRUE(store.ok()) << store.error().render();
  if (!store.ok()) return path;
  std::vector<std::string> paths;
  for (auto& f : feeds) paths.push_back(testdata(f));
  auto r = importers::import_into(**store, paths, {});
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().render());
  return path;
}

const std::string& nvd_only() {
  static const std::string p = store_of("nvd", {kNvd2021});
  return p;
}
const std::string& nvd_and_node_core() {
  static const std::string p = store_of("both", {kNvd2021, kNodeCore});
  return p;
}
const std::string& node_core_only() {
  static const std::string p = store_of("node-core", {kNodeCore});
  return p;
}

ScanResult scan(const std::string& db, const std::string& name, const std::string& version) {
  ScanResult r;
  Package p;
  p.ecosystem = "runtime";
  p.name = name;
  p.version = version;
  p.path = "usr/local/bin/" + name;
  r.inventory.packages.push_back(p);
  auto store = vulndb::Store::open(db);
  EXPECT_TRUE(store.ok());
  if (!store.ok()) return r;
  MatchOptions opts;
  opts.enrich = false;
  auto st = match_inventory(**store, r, opts);
  EXPECT_TRUE(st.ok()) << st.error().render();
  return r;
}

const Finding* finding(const ScanResult& r, std::string_view id) {
  for (auto& f : r.findings)
    if (f.id == id) return &f;
  return nullptr;
}

bool warned(const ScanResult& r, std::string_view code) {
  return std::any_of(r.warnings.begin(), r.warnings.end(), [&](const Warning& w) { return w.code == code; });
}

TEST(RuntimeCpe, OpenSslMeetsNvdRangesAsABestEffort) {
  ScanResult r = scan(nvd_only(), "openssl", "1.1.1k");
  const Finding* f = finding(r, "CVE-2021-3711");
  ASSERT_NE(f, nullptr);
  ASSERT_FALSE(f->matches.empty());
  EXPECT_EQ(f->matches[0].ns, "nvd-cpe");
  EXPECT_EQ(f->matches[0].source, "nvd");
  EXPECT_EQ(f->matches[0].comparator, "upstream");
  EXPECT_EQ(f->matches[0].rule, ">=1.1.1 <1.1.1l");
  EXPECT_TRUE(f->matches[0].best_effort);
  EXPECT_EQ(f->fixed_version, "1.1.1l");
  for (auto& g : r.findings)
    for (auto& m : g.matches) EXPECT_TRUE(m.best_effort) << g.id;
  EXPECT_FALSE(warned(r, "runtime.not-matched"));
  // 1.1.1k itself fixed CVE-2021-3449 (">=1.1.1 <1.1.1k"); 1.1.1l fixed CVE-2021-3711.
  EXPECT_EQ(finding(r, "CVE-2021-3449"), nullptr);
  EXPECT_NE(finding(scan(nvd_only(), "openssl", "1.1.1j"), "CVE-2021-3449"), nullptr);
  EXPECT_EQ(finding(scan(nvd_only(), "openssl", "1.1.1l"), "CVE-2021-3711"), nullptr);
  EXPECT_EQ(finding(scan(nvd_only(), "openssl", "1.1.0l"), "CVE-2021-3711"), nullptr);
}

TEST(RuntimeCpe, NodeKeepsNodeCoreWhenImported) {
  // Without node-core, Node.js meets NVD's ranges like the others.
  ScanResult nvd = scan(nvd_only(), "node", "14.17.4");
  const Finding* f = finding(nvd, "CVE-2021-22939");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->matches[0].ns, "nvd-cpe");
  EXPECT_TRUE(f->matches[0].best_effort);
  // With node-core, node-core alone decides: no NVD row is consulted.
  ScanResult both = scan(nvd_and_node_core(), "node", "14.17.4");
  ASSERT_FALSE(both.findings.empty());
  for (auto& g : both.findings)
    for (auto& m : g.matches) {
      EXPECT_EQ(m.ns, "runtime") << g.id;
      EXPECT_FALSE(m.best_effort) << g.id;
    }
  EXPECT_NE(finding(both, "CVE-2021-22939"), nullptr);  // node-core knows it too
  EXPECT_FALSE(warned(both, "runtime.not-matched"));
}

TEST(RuntimeCpe, ARuntimeWithoutAnyRowSaysSo) {
  ScanResult r = scan(node_core_only(), "python", "3.11.2");
  EXPECT_TRUE(r.findings.empty());
  ASSERT_TRUE(warned(r, "runtime.not-matched"));
  for (auto& w : r.warnings) {
    if (w.code == "runtime.not-matched") {
      EXPECT_NE(w.message.find("python 3.11.2"), std::string::npos) << w.message;
    }
  }
  // A runtime with rows that are all below its version: no finding, and no warning either.
  ScanResult go = scan(nvd_only(), "go", "go1.99.0");
  EXPECT_TRUE(go.findings.empty());
  EXPECT_FALSE(warned(go, "runtime.not-matched"));
}

}  // namespace
}  // namespace dagda::test
