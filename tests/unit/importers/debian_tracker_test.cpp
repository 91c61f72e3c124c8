// The Debian security tracker JSON importer on the real tracker excerpts kept
// as vunnel's and osv.dev's test input; expected counts from
// tests/integration/counts/debian-tracker.py.
#include <gtest/gtest.h>

#include "feeds_helpers.hpp"

namespace dagda {
namespace {

using test::feeds::FeedRun;

const vulndb::Affected* find_row(const vulndb::Collected& c, std::string_view ns, std::string_view pkg,
                                 std::string_view id) {
  for (const auto& a : c.affected)
    if (a.ns == ns && a.package == pkg && a.vuln_id == id) return &a;
  return nullptr;
}

TEST(DebianTrackerImporter, RealSamplesMatchIndependentCount) {
  std::string vunnel = test::testdata("vulndb/samples/distro/vunnel/debian/test-fixtures/input/debian.json");
  std::string osvdev = test::testdata("vulndb/samples/distro/osv.dev/debian");
  FeedRun run;
  test::feeds::run_importer("debian-tracker", vunnel, run);
  test::feeds::run_importer("debian-tracker", osvdev, run);
  EXPECT_TRUE(run.errors.empty()) << run.errors.front();
  EXPECT_EQ(run.detected, 2u);
  EXPECT_EQ(run.sink.per_source, test::feeds::python_counts("debian-tracker", vunnel + " " + osvdev));

  const auto* a = find_row(run.sink.out, "debian:9", "prototypejs", "CVE-2008-7220");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->status, vulndb::AffectedStatus::fixed);
  EXPECT_EQ(a->fixed_version, "1.6.0.2-1");
  EXPECT_EQ(a->severity, "high");  // "high**"
  const auto* na = find_row(run.sink.out, "debian:sid", "prototypejs", "CVE-2007-2383");
  ASSERT_NE(na, nullptr);
  EXPECT_EQ(na->status, vulndb::AffectedStatus::not_affected);
  EXPECT_EQ(na->severity, "negligible");
  const auto* eol = find_row(run.sink.out, "debian:10", "chromium", "CVE-2022-0456");
  ASSERT_NE(eol, nullptr);
  EXPECT_EQ(eol->status, vulndb::AffectedStatus::end_of_life);
  const auto* nya = find_row(run.sink.out, "debian:11", "chromium", "CVE-2022-0456");
  ASSERT_NE(nya, nullptr);
  EXPECT_EQ(nya->fixed_version, "98.0.4758.80-1~deb11u1");
  EXPECT_EQ(nya->severity, "");  // "not yet assigned"
  bool described = false;
  for (const auto& v : run.sink.out.vulns)
    if (v.id == "CVE-2008-7220")
      described = v.description.starts_with("Unspecified vulnerability in Prototype");
  EXPECT_TRUE(described);
}

TEST(DebianTrackerImporter, OpenStatusesFollowNodsaReason) {
  std::string json = R"({"openssl": {"CVE-2023-0001": {"description": "d", "releases": {
    "bookworm": {"status": "open", "urgency": "low", "nodsa": "Minor issue", "nodsa_reason": "ignored"},
    "bullseye": {"status": "open", "urgency": "low", "nodsa": "Minor issue", "nodsa_reason": "postponed"},
    "trixie": {"status": "open", "urgency": "medium"},
    "sid": {"status": "undetermined", "urgency": "not yet assigned"},
    "hamster": {"status": "open"}}}}})";
  test::feeds::SourceSink sink;
  Diagnostics diag;
  ASSERT_TRUE(test::feeds::parse_one("debian-tracker", "t.json", json, sink, diag).ok());
  ASSERT_EQ(sink.out.affected.size(), 4u);
  EXPECT_EQ(find_row(sink.out, "debian:12", "openssl", "CVE-2023-0001")->status,
            vulndb::AffectedStatus::will_not_fix);
  EXPECT_EQ(find_row(sink.out, "debian:12", "openssl", "CVE-2023-0001")->note, "Minor issue");
  EXPECT_EQ(find_row(sink.out, "debian:11", "openssl", "CVE-2023-0001")->status,
            vulndb::AffectedStatus::postponed);
  EXPECT_EQ(find_row(sink.out, "debian:13", "openssl", "CVE-2023-0001")->status,
            vulndb::AffectedStatus::unfixed);
  const auto* und = find_row(sink.out, "debian:sid", "openssl", "CVE-2023-0001");
  EXPECT_EQ(und->status, vulndb::AffectedStatus::unfixed);
  EXPECT_EQ(und->note, "undetermined");
  auto w = diag.take_all();
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].code, "debian-tracker.unknown-release");
}

TEST(DebianTrackerImporter, BadInputIsAnErrorNamingTheFile) {
  std::string real =
      test::slurp(test::testdata("vulndb/samples/distro/vunnel/debian/test-fixtures/input/debian.json"));
  ASSERT_FALSE(real.empty());
  struct Case {
    std::string name, data;
  } cases[] = {
      {"json/truncated.json", real.substr(0, real.size() * 2 / 3)},
      {"json/list.json", "[]"},
      {"json/pkg-not-object.json", R"({"openssl": 3})"},
      {"json/releases-string.json", R"({"openssl": {"CVE-2020-1": {"releases": "x"}}})"},
      {"json/deep.json", "{\"a\": " + std::string(300000, '[')},
  };
  for (const auto& c : cases) {
    vulndb::CollectSink sink;
    Diagnostics diag;
    auto st = test::feeds::parse_one("debian-tracker", c.name, c.data, sink, diag);
    ASSERT_FALSE(st.ok()) << c.name;
    EXPECT_EQ(st.error().where().file, c.name);
  }
  const auto* imp = importers::find_importer("debian-tracker");
  EXPECT_EQ(imp->detect("debian.json", real.substr(0, 4096)), 3);
  std::string go = R"({"schema_version": "1.3.1", "id": "GO-2020-0001", "affected": []})";
  EXPECT_EQ(imp->detect("GO-2020-0001.json", go), 0);
}

}  // namespace
}  // namespace dagda
