// The store on real feeds, imported as `dagda db import` does: batched
// enrichment equals the single-id answers, ids are case-insensitive, an
// advisory's CVEs are related ids and never aliases, the newest NVD record
// wins, withdrawn records are exposed, a foreign database is refused.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "importers/import.hpp"
#include "support/postgres.hpp"
#include "support/testdata.hpp"
#include "vulndb/evaluate.hpp"
#include "vulndb/store.hpp"

namespace dagda {
namespace {

using vulndb::Store;

std::unique_ptr<Store> open_with(const std::string& db, const std::vector<std::string>& feeds) {
  auto s = Store::open(db);
  EXPECT_TRUE(s.ok()) << s.error().render();
  if (!s.ok()) return nullptr;
  std::vector<std::string> paths;
  for (auto& f : feeds) paths.push_back(test::testdata("vulndb/" + f));
  auto r = importers::import_into(**s, paths, {});
  EXPECT_TRUE(r.ok()) << r.error().render();
  return std::move(*s);
}

class StoreOnRealFeeds : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(test::scratch_dir("store-real-feeds"));
    store_ = open_with(*dir_ + "/db.sqlite",
                       {"debian-dsa-dla", "retirejs", "nodejs-security-wg-vuln.tar.xz", "cisa-kev", "epss",
                        "exploitdb-cve-mapping", "alpine-secdb-yaml/v3.10"})
                 .release();
  }
  static void TearDownTestSuite() {
    delete store_;
    delete dir_;
  }
  static Store* store_;
  static std::string* dir_;
};
Store* StoreOnRealFeeds::store_ = nullptr;
std::string* StoreOnRealFeeds::dir_ = nullptr;

TEST_F(StoreOnRealFeeds, AdvisoryCvesAreRelatedNotAliases) {
  ASSERT_NE(store_, nullptr);
  // DSA-4693-1 and DLA-2608-1 (jquery and others) list several CVEs: a CVE's
  // records are its own, never the advisory's.
  auto recs = store_->vulnerability("CVE-2020-11022");
  ASSERT_TRUE(recs.ok());
  for (auto& r : *recs) EXPECT_FALSE(r.vuln.id.starts_with("DSA-") || r.vuln.id.starts_with("DLA-")) << r.vuln.id;
  std::vector<std::string> ids{"CVE-2020-11022", "CVE-2020-11023"};
  auto al = store_->aliases(ids);
  ASSERT_TRUE(al.ok());
  for (auto& [id, names] : *al) {
    EXPECT_FALSE(names.count("CVE-2020-11023") && id == "CVE-2020-11022");
    for (auto& n : names) EXPECT_FALSE(n.starts_with("DSA-") || n.starts_with("DLA-")) << id << " ~ " << n;
  }
  auto rel = store_->related(ids);
  ASSERT_TRUE(rel.ok());
  ASSERT_TRUE(rel->count("CVE-2020-11022"));
  bool dla = false;
  for (auto& r : rel->at("CVE-2020-11022")) dla |= r.starts_with("DLA-");
  EXPECT_TRUE(dla);
  // Every row of a DSA is about one CVE.
  auto rows = store_->affected_by_id("DSA-4693-1");
  ASSERT_TRUE(rows.ok());
  ASSERT_FALSE(rows->empty());
  for (auto& r : *rows) {
    EXPECT_TRUE(vulndb::is_cve(r.affected.vuln_id)) << r.affected.vuln_id;
    EXPECT_TRUE(r.affected.aliases.empty());
  }
  // Debian 10 libc6: CVE-2016-10228 has no other CVE as an alias.
  std::vector<std::string> glibc{"CVE-2016-10228"};
  auto g = store_->aliases(glibc);
  ASSERT_TRUE(g.ok());
  if (g->count("CVE-2016-10228")) {
    for (auto& n : g->at("CVE-2016-10228")) EXPECT_FALSE(vulndb::is_cve(n)) << n;
  }
}

TEST_F(StoreOnRealFeeds, NamesOfOneVulnerabilityAreLinked) {
  ASSERT_NE(store_, nullptr);
  // lodash CVE-2020-8203: retire.js names its GHSA; CVE-2018-16487: the Node.js
  // security WG's NSWG-ECO-493 names it, and retire.js its GHSA.
  std::vector<std::string> ids{"CVE-2020-8203", "CVE-2018-16487"};
  auto al = store_->aliases(ids);
  ASSERT_TRUE(al.ok());
  ASSERT_TRUE(al->count("CVE-2020-8203"));
  EXPECT_TRUE(al->at("CVE-2020-8203").count("GHSA-p6mc-m468-83gw"));
  ASSERT_TRUE(al->count("CVE-2018-16487"));
  EXPECT_TRUE(al->at("CVE-2018-16487").count("NSWG-ECO-493"));
  EXPECT_TRUE(al->at("CVE-2018-16487").count("GHSA-4xc9-xhrj-v574"));
  // The other way round, and case-insensitively.
  std::vector<std::string> back{"ghsa-P6MC-m468-83gw", "nswg-eco-493"};
  auto b = store_->aliases(back);
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE(b->count("ghsa-P6MC-m468-83gw"));
  EXPECT_TRUE(b->at("ghsa-P6MC-m468-83gw").count("CVE-2020-8203"));
  ASSERT_TRUE(b->count("nswg-eco-493"));
  EXPECT_TRUE(b->at("nswg-eco-493").count("CVE-2018-16487"));
  // The Node.js rows: about the CVE when the advisory names one (its NSWG id
  // an alias), about the advisory itself when it names none (NSWG-ECO-516).
  auto rows = store_->affected("npm", "lodash");
  ASSERT_TRUE(rows.ok());
  size_t seen = 0;
  for (auto& r : *rows) {
    if (r.affected.advisory_id == "NSWG-ECO-493") {
      EXPECT_EQ(r.affected.vuln_id, "CVE-2018-16487");
      EXPECT_EQ(r.affected.aliases, (std::vector<std::string>{"NSWG-ECO-493"}));
      ++seen;
    }
    if (r.affected.advisory_id == "NSWG-ECO-516") {
      EXPECT_EQ(r.affected.vuln_id, "NSWG-ECO-516");
      ++seen;
    }
  }
  EXPECT_EQ(seen, 2u);
}

TEST_F(StoreOnRealFeeds, BatchedEnrichmentEqualsSingleLookups) {
  ASSERT_NE(store_, nullptr);
  std::vector<std::string> cves{"CVE-2021-44228", "cve-2021-44228", "CVE-2014-6271", "CVE-2017-0144",
                                "CVE-1999-99999"};
  auto kev = store_->kev_entries(cves);
  auto epss = store_->epss_scores(cves);
  auto ex = store_->exploits(cves);
  ASSERT_TRUE(kev.ok() && epss.ok() && ex.ok());
  for (auto& c : cves) {
    auto k = store_->kev(c);
    auto e = store_->epss(c);
    auto x = store_->exploits_for(c);
    ASSERT_TRUE(k.ok() && e.ok() && x.ok());
    EXPECT_EQ(kev->count(c) == 1, k->has_value()) << c;
    if (k->has_value()) {
      EXPECT_EQ(kev->at(c).name, (*k)->name);
    }
    EXPECT_EQ(epss->count(c) == 1, e->has_value()) << c;
    if (e->has_value()) {
      EXPECT_DOUBLE_EQ(epss->at(c).score, (*e)->score);
    }
    std::vector<int64_t> a, b;
    if (ex->count(c))
      for (auto& y : ex->at(c)) a.push_back(y.id);
    for (auto& y : *x) b.push_back(y.id);
    EXPECT_EQ(a, b) << c;
  }
  EXPECT_TRUE(kev->count("cve-2021-44228"));  // any case finds it, keyed as asked
  EXPECT_FALSE(kev->count("CVE-1999-99999"));
  EXPECT_FALSE(ex->at("CVE-2021-44228").empty());
}

TEST_F(StoreOnRealFeeds, CaseInsensitiveSingleLookups) {
  ASSERT_NE(store_, nullptr);
  auto a = store_->affected_by_id("dsa-5380-1");
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->empty());
  auto v = store_->vulnerability("nswg-eco-493");
  ASSERT_TRUE(v.ok());
  ASSERT_FALSE(v->empty());
}

// Both NVD files of 2025 hold CVE-2025-0020 (the yearly and "recent"): one
// record comes back, the newer by lastModifiedDate; python3 reads the files.
TEST(StoreNvd, OneRecordPerCveTheNewestWins) {
  std::string dir = test::scratch_dir("store-nvd");
  auto store = open_with(dir + "/db.sqlite",
                         {"nvd-1.1-yearly/nvdcve-1.1-2025.json.gz", "nvd-1.1-yearly/nvdcve-1.1-recent.json.gz"});
  ASSERT_NE(store, nullptr);
  int status = 0;
  std::string want = test::run_command(
      "python3 -c \"import gzip,json,sys\n"
      "best=None\n"
      "for f in sys.argv[1:]:\n"
      "  for i in json.load(gzip.open(f))['CVE_Items']:\n"
      "    if i['cve']['CVE_data_meta']['ID']=='CVE-2025-0020':\n"
      "      r=(i['lastModifiedDate'], i['cve']['description']['description_data'][0]['value'].startswith('** REJECT **'))\n"
      "      best=max(best,r) if best else r\n"
      "print(best[0], int(best[1]))\" " +
          test::testdata("vulndb/nvd-1.1-yearly/nvdcve-1.1-2025.json.gz") + " " +
          test::testdata("vulndb/nvd-1.1-yearly/nvdcve-1.1-recent.json.gz"),
      &status);
  ASSERT_EQ(status, 0) << want;
  auto recs = store->vulnerability("CVE-2025-0020");
  ASSERT_TRUE(recs.ok());
  ASSERT_EQ(recs->size(), 1u);
  EXPECT_EQ((*recs)[0].vuln.modified + " " + ((*recs)[0].vuln.withdrawn ? "1" : "0") + "\n", want);
  std::vector<std::string> ids{"CVE-2025-0020"};
  auto w = store->withdrawn(ids);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->count("CVE-2025-0020") == 1, want.ends_with("1\n"));
}

// The Ubuntu tracker's rejected candidate CVE-2019-9619: withdrawn, and its
// package lines (systemd on 18.04 ...) give no rows.
TEST(StoreWithdrawn, RejectedCandidateHasNoRows) {
  std::string dir = test::scratch_dir("store-withdrawn");
  auto store = open_with(dir + "/db.sqlite", {"ubuntu-cve-tracker-2020-active-retired.tar.xz"});
  ASSERT_NE(store, nullptr);
  std::vector<std::string> ids{"CVE-2019-9619", "CVE-2019-9620"};
  auto w = store->withdrawn(ids);
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(w->count("CVE-2019-9619"));
  auto rows = store->affected_by_id("CVE-2019-9619");
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows->empty());
  // needs-triage is its own status.
  auto open_rows = store->affected("ubuntu:18.04", "mozjs52");
  ASSERT_TRUE(open_rows.ok());
  size_t triage = 0;
  for (auto& r : *open_rows) triage += r.affected.status == vulndb::AffectedStatus::under_investigation;
  EXPECT_GT(triage, 0u);
}

// The fixed version is that of the range the installed version is in.
TEST(StoreEvaluate, FixOfTheMatchedRange) {
  std::string dir = test::scratch_dir("store-fix");
  auto store = open_with(dir + "/db.sqlite", {"rubysec-ruby-advisory-db.tar.xz",
                                              "gitlab-advisories-community-2022-05-23.tar.xz",
                                              "nodejs-security-wg-vuln.tar.xz"});
  ASSERT_NE(store, nullptr);
  auto rows = store->affected("gem", "activesupport");
  ASSERT_TRUE(rows.ok());
  size_t checked = 0;
  for (auto& r : *rows) {
    if (r.affected.vuln_id != "CVE-2015-3227") continue;
    auto v = vulndb::evaluate(r.affected, "4.2.1");
    ASSERT_TRUE(v.ok()) << v.error().render();
    EXPECT_TRUE(v->affected) << r.source;
    EXPECT_EQ(v->fixed_version, "4.2.2") << r.source;  // not 4.1.11 (another branch's fix)
    auto old = vulndb::evaluate(r.affected, "4.1.5");
    ASSERT_TRUE(old.ok());
    EXPECT_EQ(old->fixed_version, "4.1.11") << r.source;
    ++checked;
  }
  EXPECT_EQ(checked, 2u);  // RubySec and GitLab
  // Node.js security WG: patched_versions give the fixed version, also where
  // the vulnerable range has two branches (jquery NSWG-ECO-328: patched >= 3.0.0).
  auto lodash = store->affected("npm", "lodash");
  ASSERT_TRUE(lodash.ok());
  bool seen = false;
  for (auto& r : *lodash)
    if (r.affected.advisory_id == "NSWG-ECO-516") {
      auto v = vulndb::evaluate(r.affected, "4.17.15");
      ASSERT_TRUE(v.ok());
      EXPECT_TRUE(v->affected);
      EXPECT_EQ(v->fixed_version, "4.17.19");
      seen = true;
    }
  EXPECT_TRUE(seen);
  auto jquery = store->affected("npm", "jquery");
  ASSERT_TRUE(jquery.ok());
  seen = false;
  for (auto& r : *jquery)
    if (r.affected.advisory_id == "NSWG-ECO-328") {
      auto v = vulndb::evaluate(r.affected, "2.1.0");
      ASSERT_TRUE(v.ok());
      EXPECT_TRUE(v->affected);
      EXPECT_EQ(v->fixed_version, "3.0.0");
      seen = true;
    }
  EXPECT_TRUE(seen);
}

// The OSV example: events 0 -> 1.2.5 and 2.0.0 -> 2.0.3 in one range.
TEST(StoreEvaluate, OsvTwoIntervals) {
  vulndb::Affected a;
  a.ns = "pypi";
  a.package = "demo-pkg";
  version::OsvRange r;
  r.type = "ECOSYSTEM";
  r.events = {{version::OsvEvent::introduced, "0"},
              {version::OsvEvent::fixed, "1.2.5"},
              {version::OsvEvent::introduced, "2.0.0"},
              {version::OsvEvent::fixed, "2.0.3"}};
  a.ranges.push_back(r);
  a.fixed_version = "1.2.5";  // what the importer records as the first fix
  auto v = vulndb::evaluate(a, "2.0.1");
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->affected);
  EXPECT_EQ(v->fixed_version, "2.0.3");
  auto w = vulndb::evaluate(a, "1.0");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->fixed_version, "1.2.5");
  auto x = vulndb::evaluate(a, "2.0.3");
  ASSERT_TRUE(x.ok());
  EXPECT_FALSE(x->affected);
}

// Another application's SQLite file is refused before anything changes: no
// table added, its journal mode left as it was.
TEST(StoreOpen, ForeignSqliteFileIsRefusedUntouched) {
  std::string dir = test::scratch_dir("store-foreign");
  std::string path = dir + "/app.sqlite";
  ASSERT_EQ(test::run_command("sqlite3 " + path + " 'CREATE TABLE notes(x TEXT); INSERT INTO notes VALUES (1);' && echo ok"),
            "ok\n");
  auto s = Store::open(path);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().render().find("not a Dagda vulnerability database"), std::string::npos) << s.error().render();
  EXPECT_EQ(test::run_command("sqlite3 " + path + " \"SELECT group_concat(name) FROM sqlite_master WHERE type='table'\""),
            "notes\n");
  EXPECT_EQ(test::run_command("sqlite3 " + path + " 'PRAGMA journal_mode'"), "delete\n");
  // An empty file is ours to create.
  std::string empty = dir + "/empty.sqlite";
  test::run_command("touch " + empty);
  auto e = Store::open(empty);
  ASSERT_TRUE(e.ok()) << e.error().render();
}

}  // namespace
}  // namespace dagda
