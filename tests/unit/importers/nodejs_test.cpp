// Node.js security-wg importer on the real vuln/ tree.
#include "feed_run.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers {
namespace {

TEST(NodejsImporter, RealDatabase) {
  std::string path = test::testdata("vulndb/nodejs-security-wg-vuln.tar.xz");
  feedtest::Run run;
  feedtest::import_into(run, {path}, "nodejs");
  ASSERT_TRUE(run.errors.empty()) << run.errors[0];
  auto want = feedtest::expected("nodejs", {path});
  EXPECT_EQ(run.sink.out.vulns.size(), want["vulnerabilities"].get<size_t>());
  EXPECT_EQ(run.sink.out.affected.size(), want["affected"].get<size_t>());
  const auto* npm = vulndb::comparator_for("npm");
  size_t rejected = 0;
  for (const auto& a : run.sink.out.affected)
    if (!npm->satisfies("1.0.0", a.constraint).ok()) {
      ++rejected;
      ADD_FAILURE() << a.advisory_id << ": " << a.constraint;
    }
  // vuln/npm/99.json: engine.io-client <= 1.6.8
  bool seen = false;
  for (const auto& a : run.sink.out.affected)
    if (a.advisory_id == "NSWG-ECO-99") {
      seen = true;
      EXPECT_EQ(a.ns, "npm");
      EXPECT_EQ(a.package, "engine.io-client");
      EXPECT_EQ(a.constraint, "<= 1.6.8");
      EXPECT_TRUE(*npm->satisfies("1.6.8", a.constraint));
      EXPECT_FALSE(*npm->satisfies("1.6.9", a.constraint));
    }
  EXPECT_TRUE(seen);
  for (const auto& v : run.sink.out.vulns)
    if (v.id == "NSWG-ECO-99") {
      EXPECT_EQ(v.summary, "Insecure Defaults Allow MITM Over TLS");
      ASSERT_EQ(v.cvss.size(), 1u);
      EXPECT_EQ(v.cvss[0].vector, "CVSS:3.0/AV:A/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N");
      EXPECT_DOUBLE_EQ(v.cvss[0].score, 6.8);
    }
  // vuln/core/1.json: CVE-2017-1000381, vulnerable 8.x || 7.x || 4.x || 6.x || 5.x, patched
  // ^8.1.4 || ^7.10.1 || ^4.8.4 || ^6.11.1: a patched release is not affected, and 5.x,
  // never patched, is affected throughout.
  seen = false;
  for (const auto& a : run.sink.out.affected)
    if (a.advisory_id == "NSWG-CORE-1") {
      seen = true;
      EXPECT_EQ(a.package, "node");
      EXPECT_EQ(a.vuln_id, "CVE-2017-1000381");
      EXPECT_EQ(a.severity, "high");
      EXPECT_TRUE(*npm->satisfies("8.1.3", a.constraint));
      EXPECT_FALSE(*npm->satisfies("9.0.0", a.constraint));
      for (const char* patched : {"8.1.4", "8.9.0", "7.10.1", "6.11.1", "4.8.4"})
        EXPECT_FALSE(*npm->satisfies(patched, a.constraint)) << patched << " against " << a.constraint;
      for (const char* open : {"7.10.0", "6.11.0", "4.8.3", "5.12.0"})
        EXPECT_TRUE(*npm->satisfies(open, a.constraint)) << open << " against " << a.constraint;
      EXPECT_EQ(a.fixes, (std::vector<std::string>{"8.1.4", "7.10.1", "4.8.4", "6.11.1"}));
    }
  EXPECT_TRUE(seen);
}

TEST(NodejsImporter, BadInputs) {
  feedtest::error_of("nodejs", "{\"module_name\": \"x\", ");
  feedtest::error_of("nodejs", "{\"foo\": 1}");
  feedtest::error_of("nodejs", "[]");
  EXPECT_EQ(
      find_importer("nodejs")->detect(
          "vuln/npm/index.json", "{\"1\":{\"id\":1,\"module_name\":\"a\",\"vulnerable_versions\":\"<1\""),
      0);  // a map of advisories (index.json, is-my-node-vulnerable) is no importer's
  EXPECT_EQ(find_importer("nodejs")->detect("vuln/npm/1.json",
                                            "{\"id\":1,\"module_name\":\"a\",\"vulnerable_versions\":\"<1\""),
            3);
  EXPECT_EQ(find_importer("nodejs")->detect("x.json", "{\"id\": \"GHSA-1\", \"affected\": []}"), 0);
}

}  // namespace
}  // namespace dagda::importers
