// The Red Hat OVAL v2 importer on the real OVAL streams kept as
// vuln-list-update's test data (bz2); expected counts from
// tests/integration/counts/redhat-oval.py (xml.etree).
#include <gtest/gtest.h>

#include "feeds_helpers.hpp"

namespace dagda {
namespace {

using test::feeds::FeedRun;

const std::string kData = "vulndb/samples/distro/vuln-list-update/redhat_oval_testdata/testdata/";

TEST(RedhatOvalImporter, RealStreamsMatchIndependentCount) {
  std::string input = test::testdata(kData + "happy");
  FeedRun run;
  test::feeds::run_importer("redhat-oval", input, run);
  EXPECT_TRUE(run.errors.empty()) << run.errors.front();
  EXPECT_EQ(run.detected, 3u);
  EXPECT_EQ(run.sink.per_source, test::feeds::python_counts("redhat-oval", input));

  const vulndb::Vulnerability* rhsa = nullptr;
  for (const auto& v : run.sink.out.vulns)
    if (v.id == "RHSA-2019:3927") rhsa = &v;
  ASSERT_NE(rhsa, nullptr);
  EXPECT_TRUE(rhsa->aliases.empty());  // an RHSA is not another name of the CVEs it fixes
  EXPECT_EQ(rhsa->related, (std::vector<std::string>{"CVE-2019-14864"}));
  EXPECT_EQ(rhsa->severity, "medium");
  EXPECT_EQ(rhsa->published, "2019-11-20");
  // The CVE's own figures are a record of the CVE, not of the advisory.
  const vulndb::Vulnerability* cve = nullptr;
  for (const auto& v : run.sink.out.vulns)
    if (v.id == "CVE-2019-14864") cve = &v;
  ASSERT_NE(cve, nullptr);
  EXPECT_EQ(cve->related, (std::vector<std::string>{"RHSA-2019:3927"}));
  EXPECT_EQ(cve->cwes, (std::vector<std::string>{"CWE-117", "CWE-532"}));
  ASSERT_EQ(cve->cvss.size(), 1u);
  EXPECT_DOUBLE_EQ(cve->cvss[0].score, 5.7);  // Red Hat's own figure in the cvss3 attribute
  EXPECT_FALSE(cve->cvss[0].computed);
  std::vector<std::string> fixed_pkgs, unfixed_pkgs;
  for (const auto& a : run.sink.out.affected) {
    if (a.advisory_id == "RHSA-2019:3927") {
      EXPECT_EQ(a.ns, "redhat:8");
      EXPECT_EQ(a.vuln_id, "CVE-2019-14864");
      EXPECT_EQ(a.status, vulndb::AffectedStatus::fixed);
      EXPECT_EQ(a.fixed_version, "0:2.9.1-1.el8");
      fixed_pkgs.push_back(a.package);
    }
    if (a.advisory_id == "CVE-2020-10744") {
      EXPECT_EQ(a.status, vulndb::AffectedStatus::unfixed);
      EXPECT_TRUE(a.fixed_version.empty());
      unfixed_pkgs.push_back(a.package);
    }
  }
  EXPECT_EQ(fixed_pkgs, (std::vector<std::string>{"ansible", "ansible-test"}));
  EXPECT_EQ(unfixed_pkgs, (std::vector<std::string>{"ansible", "ansible-test"}));
  // The RHEL 6 and 7 streams land in their own namespaces.
  bool six = false, seven = false;
  for (const auto& a : run.sink.out.affected) {
    six |= a.ns == "redhat:6";
    seven |= a.ns == "redhat:7";
  }
  EXPECT_TRUE(six);
  EXPECT_TRUE(seven);
}

TEST(RedhatOvalImporter, BrokenXmlIsAnErrorNamingTheFile) {
  FeedRun run;
  test::feeds::run_importer("redhat-oval", test::testdata(kData + "broken-xml"), run);
  ASSERT_EQ(run.errors.size(), 1u);
  EXPECT_NE(run.errors[0].find("rhel-6-extras-including-unpatched.oval.xml"), std::string::npos)
      << run.errors[0];
  EXPECT_NE(run.errors[0].find("invalid XML"), std::string::npos) << run.errors[0];
  // "invalid-bzip2" holds the 5 bytes "test\n" under a .bz2 name: the input walker reads
  // it as a plain file (it sniffs content), and no importer claims it.
  FeedRun bz;
  test::feeds::run_importer("redhat-oval", test::testdata(kData + "invalid-bzip2"), bz);
  EXPECT_EQ(bz.detected, 0u);
  EXPECT_TRUE(bz.sink.out.vulns.empty());
}

TEST(RedhatOvalImporter, MalformedAndHostileInput) {
  std::string real;
  importers::for_each_entry(test::testdata(kData + "happy/RHEL8"), [&](const importers::Entry& e) -> Status {
    real = std::string(e.data);
    return ok_status();
  }).ok();
  ASSERT_GT(real.size(), 10000u);
  struct Case {
    std::string name, data;
  } cases[] = {
      {"oval/cut.xml", real.substr(0, real.size() / 2)},
      {"oval/other-root.xml", "<?xml version=\"1.0\"?><feed xmlns=\"x\">Red Hat</feed>"},
      {"oval/empty.xml", ""},
      {"oval/deep.xml", "<oval_definitions>" + std::string(100000, '<')},
      {"oval/entities.xml",
       "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b "
       "\"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
       "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
       "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\"><!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">]>"
       "<oval_definitions><definitions><definition class=\"patch\" "
       "id=\"x\"><metadata><title>&f;&f;&f;</title>"
       "</metadata></definition></definitions><broken>"},
  };
  for (const auto& c : cases) {
    vulndb::CollectSink sink;
    Diagnostics diag;
    auto st = test::feeds::parse_one("redhat-oval", c.name, c.data, sink, diag);
    ASSERT_FALSE(st.ok()) << c.name;
    EXPECT_EQ(st.error().where().file, c.name);
  }
  const auto* imp = importers::find_importer("redhat-oval");
  EXPECT_EQ(imp->detect("x.xml", real.substr(0, 4096)), 3);
  EXPECT_EQ(imp->detect("x.xml", "<?xml version=\"1.0\"?><oval_definitions xmlns=\"x\"><generator>Canonical"),
            0);
}

}  // namespace
}  // namespace dagda
