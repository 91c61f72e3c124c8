#include <gtest/gtest.h>

#include <set>

#include "report/spdx_license.hpp"
#include "unit/report/report_test_util.hpp"

namespace dagda::report {
namespace {

using Kind = SpdxLicense::Kind;

TEST(SpdxLicense, ListIsKnown) {
  // From Debian's node-spdx-license-ids and node-spdx-exceptions (see src/report/CMakeLists.txt).
  ASSERT_GT(spdx_known_identifiers(), 400u)
      << "the SPDX license list was not embedded: apt-get install node-spdx-license-ids node-spdx-exceptions";
}

TEST(SpdxLicense, SingleIdentifiers) {
  auto mit = classify_license("MIT");
  EXPECT_EQ(mit.kind, Kind::id);
  EXPECT_EQ(mit.text, "MIT");
  // Ids match case-insensitively and are written in the list's case.
  EXPECT_EQ(classify_license("apache-2.0").text, "Apache-2.0");
  EXPECT_EQ(classify_license(" GPL-2.0-only ").kind, Kind::id);
  // Deprecated ids are still listed ids; "GPL-2.0+" is valid either way (listed, or GPL-2.0 "or later").
  EXPECT_EQ(classify_license("GPL-2.0").kind, Kind::id);
  EXPECT_NE(classify_license("GPL-2.0+").kind, Kind::other);
  EXPECT_EQ(classify_license("").kind, Kind::none);
  EXPECT_EQ(classify_license("   ").kind, Kind::none);
}

TEST(SpdxLicense, Expressions) {
  auto e = classify_license("Apache-2.0 AND (MIT OR GPL-2.0-only)");
  EXPECT_EQ(e.kind, Kind::expression);
  EXPECT_EQ(e.text, "Apache-2.0 AND (MIT OR GPL-2.0-only)");
  e = classify_license("gpl-3.0-only   WITH  classpath-exception-2.0");
  EXPECT_EQ(e.kind, Kind::expression);
  EXPECT_EQ(e.text, "GPL-3.0-only WITH Classpath-exception-2.0");
  e = classify_license("((MIT)OR(Zlib))");
  EXPECT_EQ(e.kind, Kind::expression);
  EXPECT_EQ(e.text, "((MIT) OR (Zlib))");
  // "ID+" (or later) for an id that is not itself listed with the '+'.
  e = classify_license("MPL-1.1+ OR MIT");
  EXPECT_EQ(e.kind, Kind::expression);
  EXPECT_EQ(e.text, "MPL-1.1+ OR MIT");
}

TEST(SpdxLicense, NotExpressionsStayNames) {
  for (const char* s :
       {"GPLv2+", "MIT BSD GPL2+", "MIT and BSD-3-Clause", "custom", "(MIT", "MIT)", "MIT AND", "AND MIT",
        "MIT WITH MIT", "MIT WITH", "GPL-2.0-only WITH Nonexistent-exception", "()", "LicenseRef-foo",
        "Public Domain", "LGPLv2+ and LGPLv2+ with exceptions and GPLv2+"}) {
    auto r = classify_license(s);
    EXPECT_EQ(r.kind, Kind::other) << s;
    EXPECT_EQ(r.text, s);
  }
}

TEST(SpdxLicense, HostileInputIsBounded) {
  std::string deep(100000, '(');
  deep += "MIT";
  deep += std::string(100000, ')');
  EXPECT_EQ(classify_license(deep).kind, Kind::other);
  std::string nested = "MIT";
  for (int i = 0; i < 40; ++i) nested = "(" + nested + ")";
  EXPECT_EQ(classify_license(nested).kind, Kind::other);  // deeper than any real expression
  std::string wide;
  for (int i = 0; i < 300; ++i) wide += (i ? " AND " : "") + std::string("MIT");
  EXPECT_EQ(classify_license(wide).kind, Kind::expression);
  EXPECT_EQ(classify_license(std::string("MIT\0AND", 7)).kind, Kind::other);
}

// The license strings of the real Alpine and CentOS databases: what kind each is.
TEST(SpdxLicense, RealDatabaseLicenses) {
  std::map<Kind, std::set<std::string>> seen;
  for (const char* name :
       {"alpine-3.19.4-rootfs", "alpine-3.10-image", "centos-7-rpmdb", "centos-8-modules-rpmdb"}) {
    for (const auto& p : test::real_inventory(name).packages) {
      if (!p.license.empty()) seen[classify_license(p.license).kind].insert(p.license);
    }
  }
  EXPECT_TRUE(seen[Kind::id].count("MIT"));
  EXPECT_TRUE(seen[Kind::id].count("GPL-2.0-only"));
  EXPECT_TRUE(seen[Kind::expression].count("MPL-2.0 AND MIT"));
  EXPECT_TRUE(seen[Kind::other].count("GPLv2+"));
  EXPECT_TRUE(seen[Kind::other].count("Public Domain"));
}

}  // namespace
}  // namespace dagda::report
