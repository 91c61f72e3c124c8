// The release fallback (match.release-fallback) is a property of the distro's
// row (eco::ReleaseFallback): a release without advisories borrows another's
// only where the row allows it. Real samples: Amazon Linux 2023 ALAS
// updateinfo, Rocky 8 updateinfo, SUSE CVRF (SLES 15 SP1 and others).
#include <gtest/gtest.h>

#include <algorithm>

#include "ecosystem/ecosystem.hpp"
#include "importers/import.hpp"
#include "importers/importer.hpp"
#include "importers/input.hpp"
#include "match/matcher.hpp"
#include "support/testdata.hpp"
#include "vulndb/collect.hpp"
#include "vulndb/store.hpp"

namespace dagda::test {
namespace {

std::string sample(const std::string& rel) { return testdata("vulndb/samples/distro/vuln-list-update/" + rel); }

const std::vector<std::string>& feeds() {
  static const std::vector<std::string> f = {
      sample("amazon_testdata/testdata/fixtures/updateinfo_AL2023.xml.gz"),
      sample("rocky_testdata/testdata/fixtures/happy/updateinfo.xml"),
      sample("suse_cvrf_testdata/testdata/cvrf"),
  };
  return f;
}

// The rows of the feeds as the importers read them (to pick real packages).
const vulndb::Collected& rows() {
  static vulndb::CollectSink sink = [] {
    vulndb::CollectSink s;
    Diagnostics diag;
    for (auto& f : feeds()) {
      auto st = importers::for_each_entry(f, [&](const importers::Entry& e) -> Status {
        const auto* imp = importers::detect_importer(e.path, e.data.substr(0, 4096));
        if (!imp) return ok_status();
        return imp->parse(e, s, diag);
      });
      EXPECT_TRUE(st.ok()) << st.error().render();
    }
    return s;
  }();
  return sink.out;
}

class ReleaseFallback : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = new std::string(scratch_dir("release-fallback") + "/vulndb.sqlite");
    auto store = vulndb::Store::open(*path_);
    ASSERT_TRUE(store.ok()) << store.error().render();
    auto r = importers::import_into(**store, feeds(), {});
    ASSERT_TRUE(r.ok()) << r.error().render();
  }
  static std::string* path_;

  // One package a fixed row of `ns` names, installed at a version below any fix, on an OS of `id` `version`.
  ScanResult scan(const std::string& ns, const std::string& id, const std::string& version) {
    const vulndb::Affected* row = nullptr;
    for (auto& a : rows().affected)
      if (a.ns == ns && a.status == vulndb::AffectedStatus::fixed) {
        row = &a;
        break;
      }
    EXPECT_NE(row, nullptr) << "the samples hold no fixed row in " << ns;
    ScanResult r;
    if (!row) return r;
    Package p;
    p.ecosystem = "rpm";
    p.name = row->package;
    p.version = "0.0.1-1";
    r.inventory.os = OsInfo{};
    r.inventory.os->family = id;
    r.inventory.os->version_id = version;
    r.inventory.packages.push_back(p);
    auto store = vulndb::Store::open(*path_);
    EXPECT_TRUE(store.ok());
    if (!store.ok()) return r;
    MatchOptions opts;
    opts.enrich = false;
    auto st = match_inventory(**store, r, opts);
    EXPECT_TRUE(st.ok()) << st.error().render();
    return r;
  }
};
std::string* ReleaseFallback::path_ = nullptr;

bool warned(const ScanResult& r, std::string_view code) {
  return std::any_of(r.warnings.begin(), r.warnings.end(), [&](const Warning& w) { return w.code == code; });
}

TEST_F(ReleaseFallback, Amazon2IsNeverMatchedAgainstAmazon2023) {
  // The control: on Amazon Linux 2023 the same package has findings.
  ScanResult own = scan("amazon:2023", "amzn", "2023");
  EXPECT_FALSE(own.findings.empty());
  EXPECT_EQ(own.namespaces, std::vector<std::string>{"amazon:2023"});
  for (std::string release : {"2", "2018.03", "2022"}) {
    SCOPED_TRACE(release);
    ScanResult r = scan("amazon:2023", "amzn", release);
    EXPECT_TRUE(r.findings.empty());
    EXPECT_TRUE(r.namespaces.empty());
    EXPECT_TRUE(warned(r, "match.no-advisories"));
    EXPECT_FALSE(warned(r, "match.release-fallback"));
  }
}

TEST_F(ReleaseFallback, RhelLikeMajorsNeverBorrow) {
  ScanResult own = scan("rocky:8", "rocky", "8.9");
  EXPECT_FALSE(own.findings.empty());
  ScanResult r = scan("rocky:8", "rocky", "9.3");
  EXPECT_TRUE(r.findings.empty());
  EXPECT_TRUE(warned(r, "match.no-advisories"));
}

TEST_F(ReleaseFallback, SuseServicePacksBorrowWithinTheirMajorOnly) {
  ScanResult sp = scan("sles:15.1", "sles", "15.6");
  EXPECT_EQ(sp.namespaces, std::vector<std::string>{"sles:15.1"});
  EXPECT_TRUE(warned(sp, "match.release-fallback"));
  EXPECT_FALSE(sp.findings.empty());
  for (auto& f : sp.findings)
    for (auto& m : f.matches) EXPECT_TRUE(m.best_effort);
  // Another major never borrows SLES 15's rows, whatever other majors the samples hold.
  std::vector<std::string> majors;
  for (auto& a : rows().affected)
    if (a.ns.starts_with("sles:")) majors.push_back(a.ns.substr(5, a.ns.find('.') - 5));
  for (std::string major : {"11", "12", "16"}) {
    if (std::find(majors.begin(), majors.end(), major) != majors.end()) continue;
    SCOPED_TRACE(major);
    ScanResult r = scan("sles:15.1", "sles", major + ".5");
    EXPECT_TRUE(r.findings.empty());
    EXPECT_TRUE(r.namespaces.empty());
    EXPECT_TRUE(warned(r, "match.no-advisories"));
  }
}

TEST(ReleaseFallbackRule, EachDistroRowSaysIt) {
  using eco::ReleaseFallback;
  for (std::string ns : {"amazon:2", "redhat:9", "rocky:9", "alma:9", "oracle:9", "azurelinux:3.0", "photon:5.0",
                         "wolfi:rolling", "chainguard:rolling"})
    EXPECT_EQ(eco::namespace_fallback(ns), ReleaseFallback::never) << ns;
  for (std::string ns : {"sles:15.5", "opensuse-leap:15.5", "sle-micro:5.5"})
    EXPECT_EQ(eco::namespace_fallback(ns), ReleaseFallback::same_major) << ns;
  for (std::string ns : {"debian:13", "ubuntu:24.04", "alpine:3.21"})
    EXPECT_EQ(eco::namespace_fallback(ns), ReleaseFallback::nearest) << ns;
}

}  // namespace
}  // namespace dagda::test
