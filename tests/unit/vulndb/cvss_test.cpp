// The CVSS calculator against the specifications' own examples and against
// every score NVD published beside its vector in ../shared/data.
#include "vulndb/cvss.hpp"

#include <gtest/gtest.h>

#include <map>

#include "support/testdata.hpp"

namespace dagda::vulndb {
namespace {

double score(std::string_view v) {
  auto r = cvss::base_score(v);
  EXPECT_TRUE(r.ok()) << v << ": " << (r.ok() ? "" : r.error().render());
  return r.ok() ? *r : -1;
}

// CVSS v2 Guide, section 3.3 (worked examples).
TEST(Cvss, V2SpecificationExamples) {
  EXPECT_DOUBLE_EQ(score("AV:N/AC:L/Au:N/C:N/I:N/A:C"), 7.8);   // CVE-2002-0392
  EXPECT_DOUBLE_EQ(score("AV:N/AC:L/Au:N/C:C/I:C/A:C"), 10.0);  // CVE-2003-0818
  EXPECT_DOUBLE_EQ(score("AV:L/AC:H/Au:N/C:C/I:C/A:C"), 6.2);   // CVE-2003-0062
  EXPECT_DOUBLE_EQ(score("(AV:N/AC:L/Au:N/C:N/I:N/A:C)"), 7.8);  // the parenthesised form
  EXPECT_DOUBLE_EQ(score("AV:N/AC:L/Au:N/C:N/I:N/A:N"), 0.0);
  EXPECT_DOUBLE_EQ(score("AV:N/AC:L/Au:N/C:P/I:P/A:P/E:F/RL:OF/RC:C"), 7.5);  // temporal metrics not applied
}

// CVSS v3.1 Examples document (the same vectors score the same in v3.0).
TEST(Cvss, V3SpecificationExamples) {
  struct {
    const char* vector;
    double score;
  } cases[] = {
      {"AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1},  // CVE-2013-1937 phpMyAdmin
      {"AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4},  // CVE-2013-0375 MySQL
      {"AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1},  // CVE-2014-3566 POODLE
      {"AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9},  // CVE-2012-1516 VMware
      {"AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L", 4.2},  // CVE-2009-0783 Tomcat
      {"AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8},  // CVE-2012-0384 Cisco IOS
      {"AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8},  // CVE-2015-1098 Apple iWork
      {"AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5},  // CVE-2014-0160 Heartbleed
      {"AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8},  // CVE-2014-6271 Shellshock
      {"AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 6.8},  // CVE-2008-1447 DNS
      {"AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 6.8},  // CVE-2014-2005 Sophos
      {"AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", 5.8},  // CVE-2010-0467 Joomla
  };
  for (auto& c : cases) {
    EXPECT_DOUBLE_EQ(score(std::string("CVSS:3.1/") + c.vector), c.score) << c.vector;
    EXPECT_DOUBLE_EQ(score(std::string("CVSS:3.0/") + c.vector), c.score) << c.vector;
  }
  EXPECT_DOUBLE_EQ(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"), 0.0);
}

// CVSS v4.0: scores published with the specification, and the structure of its
// scoring: the highest-severity vector of a MacroVector scores that
// MacroVector's own value (no distance to interpolate).
TEST(Cvss, V4Scores) {
  EXPECT_DOUBLE_EQ(score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H"), 10.0);
  EXPECT_DOUBLE_EQ(score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"), 9.3);
  EXPECT_DOUBLE_EQ(score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N"), 6.9);
  EXPECT_DOUBLE_EQ(score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N"), 0.0);
  // MacroVector 000000 reached with its max vector, threat and environment at their defaults.
  EXPECT_DOUBLE_EQ(score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A/CR:H/IR:H/AR:H"), 10.0);
  // Exploit maturity lowers the score; modified metrics replace the base ones.
  double unreported = score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U");
  EXPECT_LT(unreported, 9.3);
  EXPECT_DOUBLE_EQ(score("CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MAV:N"),
                   score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"));
  // Scores never rise as a metric gets less severe.
  const char* avs[] = {"N", "A", "L", "P"};
  double last = 11;
  for (auto av : avs) {
    double s = score(std::string("CVSS:4.0/AV:") + av + "/AC:L/AT:N/PR:N/UI:N/VC:H/VI:L/VA:L/SC:L/SI:N/SA:N");
    EXPECT_LE(s, last) << av;
    last = s;
  }
}

TEST(Cvss, BadVectorsAreErrors) {
  for (const char* bad : {"", "CVSS:3.1/", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",  // A missing
                          "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",            // repeated
                          "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",                 // bad value
                          "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1",            // unknown metric
                          "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H",   // SA missing
                          "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:S/SA:H",  // S only in MSI
                          "CVSS:9.9/AV:N", "AV:N/AC:L/Au:N/C:N/I:N", "(AV:N/AC:L/Au:N/C:N/I:N/A:C", "hello"}) {
    auto r = cvss::base_score(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
  EXPECT_FALSE(cvss_from_vector("CVSS:3.1/AV:N").has_value());
  auto c = cvss_from_vector("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "gitlab");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->version, "3.1");
  EXPECT_EQ(c->severity, "critical");
  EXPECT_EQ(c->source, "gitlab");
  EXPECT_TRUE(c->computed);
}

// Every vector in the NVD feeds of the test data whose NVD score is given must
// compute to that score. python3 lists (version, vector, score) of every CVSS
// entry of the JSON 1.1 yearly feeds and the API 2.0 page.
TEST(Cvss, AgreesWithEveryNvdScore) {
  int status = 0;
  std::string out = test::run_command(
      "python3 -c \"import gzip,json,glob,sys\n"
      "for f in sorted(glob.glob(sys.argv[1] + '/nvd-1.1-yearly/*.json.gz')):\n"
      "  for i in json.load(gzip.open(f))['CVE_Items']:\n"
      "    im=i.get('impact',{})\n"
      "    for k,m in (('baseMetricV3','cvssV3'),('baseMetricV2','cvssV2')):\n"
      "      if k in im and 'baseScore' in im[k][m]: print(im[k][m]['vectorString'], im[k][m]['baseScore'])\n"
      "for f in sorted(glob.glob(sys.argv[1] + '/nvd-samples/*.json')):\n"
      "  d=json.load(open(f))\n"
      "  for v in d.get('vulnerabilities', []):\n"
      "    for k,l in v['cve'].get('metrics', {}).items():\n"
      "      for m in l:\n"
      "        c=m.get('cvssData',{})\n"
      "        if 'baseScore' in c: print(c['vectorString'], c['baseScore'])\n\" " +
          test::testdata("vulndb"),
      &status);
  ASSERT_EQ(status, 0);
  std::map<std::string, std::pair<size_t, size_t>> by_version;  // agree, total
  size_t pos = 0, shown = 0;
  while (pos < out.size()) {
    size_t nl = out.find('\n', pos);
    if (nl == std::string::npos) nl = out.size();
    std::string line = out.substr(pos, nl - pos);
    pos = nl + 1;
    auto sp = line.rfind(' ');
    if (sp == std::string::npos) continue;
    std::string vector = line.substr(0, sp);
    double want = std::stod(line.substr(sp + 1));
    std::string version(cvss::version_of(vector));
    auto got = cvss::base_score(vector);
    auto& [agree, total] = by_version[version];
    ++total;
    if (got.ok() && *got == want) {
      ++agree;
    } else if (shown++ < 10) {
      ADD_FAILURE() << vector << ": NVD " << want << ", computed "
                    << (got.ok() ? std::to_string(*got) : got.error().render());
    }
  }
  size_t all = 0;
  for (auto& [v, c] : by_version) {
    std::printf("CVSS %s: %zu of %zu NVD scores agree\n", v.c_str(), c.first, c.second);
    EXPECT_EQ(c.first, c.second) << v;
    all += c.second;
  }
  EXPECT_GT(all, 180000u);  // 150,049 CVEs, most with a v2 and many with a v3 score (185,338 entries)
}

}  // namespace
}  // namespace dagda::vulndb
