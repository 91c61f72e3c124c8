#include <gtest/gtest.h>

#include <fstream>
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

// --- normalize_license ---------------------------------------------------

namespace dagda::report {
namespace {

std::string norm(std::string_view s) {
  return normalize_license(s).expression;
}

// Debian copyright short names (copyright-format 1.0, "License specification"): GNU "N+" is
// "or later", "Expat" is MIT, "~" marks the same text with another holder, ", and"/", or" join
// at the lowest precedence, "with X exception" where SPDX lists the exception.
TEST(NormalizeLicense, DebianShortNames) {
  EXPECT_EQ(norm("GPL-2+"), "GPL-2.0-or-later");
  EXPECT_EQ(norm("GPL-2"), "GPL-2.0-only");
  EXPECT_EQ(norm("LGPL-2.1+"), "LGPL-2.1-or-later");
  EXPECT_EQ(norm("LGPL-2"), "LGPL-2.0-only");
  EXPECT_EQ(norm("GPL-3.0+"), "GPL-3.0-or-later");
  EXPECT_EQ(norm("GFDL-NIV-1.3+"), "GFDL-1.3-no-invariants-or-later");
  EXPECT_EQ(norm("GFDL-1.2"), "GFDL-1.2-only");
  EXPECT_EQ(norm("Expat"), "MIT");
  EXPECT_EQ(norm("BSD-3-clause"), "BSD-3-Clause");
  EXPECT_EQ(norm("BSD-3-clause~Google"), "BSD-3-Clause");
  EXPECT_EQ(norm("public-domain"), "LicenseRef-public-domain");
  EXPECT_EQ(norm("Artistic"), "Artistic-1.0-Perl");
  EXPECT_EQ(norm("GPL-1+ or Artistic"), "GPL-1.0-or-later OR Artistic-1.0-Perl");
  EXPECT_EQ(norm("Artistic or GPL-1+"), "Artistic-1.0-Perl OR GPL-1.0-or-later");
  EXPECT_EQ(norm("LGPL-3+ or GPL-2+"), "LGPL-3.0-or-later OR GPL-2.0-or-later");
  // "and" binds tighter than "or"; ", and" is lower than both.
  EXPECT_EQ(norm("GPL-2+ or AFL-2.1, and Expat"), "(GPL-2.0-or-later OR AFL-2.1) AND MIT");
  EXPECT_EQ(norm("Expat or GPL-1+ and BSD-3-clause"), "MIT OR (GPL-1.0-or-later AND BSD-3-Clause)");
  EXPECT_EQ(norm("GPL-2+ with Autoconf exception"), "GPL-2.0-or-later WITH Autoconf-exception-2.0");
  EXPECT_EQ(norm("GPL-3+ with Autoconf exception"), "GPL-3.0-or-later WITH Autoconf-exception-3.0");
  EXPECT_EQ(norm("GPL-3+ with Bison exception"), "GPL-3.0-or-later WITH Bison-exception-2.2");
  EXPECT_EQ(norm("GPL-3+-WITH-BISON-EXCEPTION"), "GPL-3.0-or-later WITH Bison-exception-2.2");
  EXPECT_EQ(norm("GPL-2+ with Libtool exception"), "GPL-2.0-or-later WITH Libtool-exception");
  EXPECT_EQ(norm("OpenLDAP-2.8"), "OLDAP-2.8");
  EXPECT_EQ(norm("Apache-2"), "Apache-2.0");
  EXPECT_EQ(norm("MPL-2"), "MPL-2.0");
  EXPECT_EQ(norm("CC0"), "CC0-1.0");
  EXPECT_EQ(norm("Zlib"), "Zlib");
  EXPECT_EQ(norm("zlib"), "Zlib");
  EXPECT_EQ(norm("Perl"), "Artistic-1.0-Perl OR GPL-1.0-or-later");
  // Duplicates (after mapping) once; an OR inside an AND keeps its parentheses.
  EXPECT_EQ(norm("GPL-2+ and (GPL-2+ or Artistic) and Expat and MIT"),
            "GPL-2.0-or-later AND (GPL-2.0-or-later OR Artistic-1.0-Perl) AND MIT");
}

// RPM (Fedora's former short names), Alpine (SPDX, and older space-separated lists) and the
// language ecosystems' usual spellings.
TEST(NormalizeLicense, OtherEcosystemsSpellings) {
  EXPECT_EQ(norm("GPLv2+"), "GPL-2.0-or-later");
  EXPECT_EQ(norm("GPLv3"), "GPL-3.0-only");
  EXPECT_EQ(norm("LGPLv2+"), "LGPL-2.0-or-later");
  EXPECT_EQ(norm("LGPLv2.1+"), "LGPL-2.1-or-later");
  EXPECT_EQ(norm("GPL+"), "GPL-1.0-or-later");  // Fedora: any version of the GPL
  EXPECT_EQ(norm("GPLv2+ and LGPLv2+ and BSD"), "GPL-2.0-or-later AND LGPL-2.0-or-later AND LicenseRef-BSD");
  EXPECT_EQ(norm("ASL 2.0"), "Apache-2.0");
  EXPECT_EQ(norm("MPLv2.0"), "MPL-2.0");
  EXPECT_EQ(norm("Public Domain"), "LicenseRef-public-domain");
  EXPECT_EQ(norm("GPL-2.0-only"), "GPL-2.0-only");
  EXPECT_EQ(norm("GPL-2.0"), "GPL-2.0-only");  // deprecated SPDX ids in their current form
  EXPECT_EQ(norm("GPL-2.0+"), "GPL-2.0-or-later");
  EXPECT_EQ(norm("MIT BSD-3-Clause"), "MIT AND BSD-3-Clause");
  EXPECT_EQ(norm("MPL-2.0 AND MIT"), "MPL-2.0 AND MIT");
  EXPECT_EQ(norm("(MIT OR Apache-2.0)"), "MIT OR Apache-2.0");
  EXPECT_EQ(norm("mit or apache-2.0"), "MIT OR Apache-2.0");
  EXPECT_EQ(norm("Apache License 2.0"), "Apache-2.0");
  EXPECT_EQ(norm("Apache License, Version 2.0"), "Apache-2.0");
  EXPECT_EQ(norm("The Apache Software License, Version 2.0"), "Apache-2.0");
  EXPECT_EQ(norm("MIT License"), "MIT");
  EXPECT_EQ(norm("The MIT License"), "MIT");
  EXPECT_EQ(norm("new BSD License"), "BSD-3-Clause");
  EXPECT_EQ(norm("License :: OSI Approved :: MIT License"), "MIT");
  EXPECT_EQ(norm("GNU General Public License v2 or later (GPLv2+)"), "GPL-2.0-or-later");
  EXPECT_EQ(norm("GNU Lesser General Public License v3 (LGPLv3)"), "LGPL-3.0-only");
  EXPECT_EQ(norm("Mozilla Public License 2.0 (MPL 2.0)"), "MPL-2.0");
  EXPECT_EQ(norm("Python Software Foundation License"), "PSF-2.0");
  EXPECT_EQ(norm("ISC License (ISCL)"), "ISC");
  EXPECT_EQ(norm("MPL-1.1+"), "MPL-1.1+");
  EXPECT_EQ(norm("GPL-3.0-only WITH Classpath-exception-2.0"), "GPL-3.0-only WITH Classpath-exception-2.0");
  EXPECT_EQ(norm("LicenseRef-Proprietary"), "LicenseRef-Proprietary");
}

// A name without a version (or npm's UNLICENSED, which is not the Unlicense) is not guessed.
TEST(NormalizeLicense, NamesWithoutAnSpdxIdAreLicenseRefs) {
  for (const char* s : {"GPL", "LGPL", "BSD", "Apache Software License", "BSD License", "UNLICENSED", "custom",
                        "SEE LICENSE IN LICENSE.txt", "GPL-2+ with OpenSSL exception", "Artistic-dist"}) {
    NormalizedLicense n = normalize_license(s);
    ASSERT_EQ(n.refs.size(), 1u) << s;
    EXPECT_EQ(n.refs[0].name, s);
    EXPECT_EQ(n.expression, n.refs[0].id) << s;
    EXPECT_TRUE(n.expression.starts_with("LicenseRef-")) << s;
    EXPECT_FALSE(n.listed_only);
    ASSERT_EQ(n.terms.size(), 1u);
    EXPECT_FALSE(n.terms[0].listed);
    EXPECT_EQ(n.terms[0].text, s);
  }
  // Names differing only in what an id cannot hold stay apart.
  EXPECT_NE(norm("GPL 2 with OpenSSL exception"), norm("GPL-2-with-OpenSSL-exception"));
  EXPECT_EQ(norm("Unlicense"), "Unlicense");
}

TEST(NormalizeLicense, TermsOfConjunctions) {
  NormalizedLicense n = normalize_license("GPL-2+ and public-domain and (MIT or Apache-2.0) and GPL-2+");
  EXPECT_EQ(n.expression, "GPL-2.0-or-later AND LicenseRef-public-domain AND (MIT OR Apache-2.0)");
  ASSERT_EQ(n.terms.size(), 3u);
  EXPECT_EQ(n.terms[0].text, "GPL-2.0-or-later");
  EXPECT_TRUE(n.terms[0].listed);
  EXPECT_EQ(n.terms[1].text, "public-domain");
  EXPECT_FALSE(n.terms[1].listed);
  EXPECT_EQ(n.terms[2].text, "MIT OR Apache-2.0");
  EXPECT_TRUE(n.terms[2].compound);
  EXPECT_TRUE(n.terms[2].listed);
}

// License text pasted into a metadata field (Python's License header often holds it) is one name.
TEST(NormalizeLicense, FreeTextIsOneName) {
  std::string text =
      "Permission is hereby granted, free of charge, to any person obtaining a copy\nof this software and "
      "associated documentation files";
  NormalizedLicense n = normalize_license(text);
  ASSERT_EQ(n.refs.size(), 1u);
  EXPECT_TRUE(n.expression.starts_with("LicenseRef-Permission-is-hereby-granted"));
  EXPECT_EQ(normalize_license("BSD-like and public domain and a long sentence of prose that goes on").refs.size(),
            1u);
  EXPECT_TRUE(normalize_license("").empty());
  EXPECT_TRUE(normalize_license(" \t").empty());
}

TEST(NormalizeLicense, HostileInputIsBounded) {
  std::string deep(100000, '(');
  deep += "MIT";
  deep += std::string(100000, ')');
  EXPECT_EQ(normalize_license(deep).refs.size(), 1u);
  std::string nested = "MIT";
  for (int i = 0; i < 40; ++i) nested = "(" + nested + ")";
  EXPECT_EQ(normalize_license(nested).refs.size(), 1u);
  std::string wide;
  for (int i = 0; i < 200; ++i) wide += (i ? " OR " : "") + std::string("MIT");
  EXPECT_EQ(norm(wide), "MIT");
  EXPECT_EQ(normalize_license(std::string("MIT\0AND", 7)).refs.size(), 1u);
  std::string many;
  for (int i = 0; i < 300; ++i) many += (i ? " and " : "") + std::string("L") + std::to_string(i);
  EXPECT_FALSE(normalize_license(many).empty());
}

// Every license string of real package metadata (this machine's copyright files, the Alpine and
// CentOS databases of the shared data) gives an expression that npm's SPDX parser accepts, whose
// LicenseRef- ids are all listed in `refs`.
TEST(NormalizeLicense, RealLicensesGiveValidExpressions) {
  std::set<std::string> declared;
  for (const char* name :
       {"alpine-3.19.4-rootfs", "alpine-3.10-image", "centos-7-rpmdb", "centos-8-modules-rpmdb"}) {
    for (const auto& p : test::real_inventory(name).packages)
      if (!p.license.empty()) declared.insert(p.license);
  }
  size_t from_rpm_and_apk = declared.size();
  int status = 0;
  std::string names = test::run_command(
      "cat /usr/share/doc/*/copyright | grep -i '^License:' | sed 's/^[Ll][Ii][Cc][Ee][Nn][Ss][Ee]:[ \\t]*//' | "
      "sort -u",
      &status);
  for (const auto& line : test::report_fixtures::lines(names))
    if (line.find_first_not_of(" \t\r") != std::string::npos) declared.insert(line);
  ASSERT_GT(from_rpm_and_apk, 50u);
  ASSERT_GT(declared.size(), from_rpm_and_apk + 100);

  std::vector<std::string> expressions;
  for (const auto& d : declared) {
    NormalizedLicense n = normalize_license(d);
    ASSERT_FALSE(n.empty()) << "[" << d << "]";
    expressions.push_back(n.expression);
    for (const auto& r : n.refs) {
      EXPECT_NE(n.expression.find(r.id), std::string::npos) << d;
      for (char c : r.id.substr(11))
        EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-') << r.id;
    }
  }
  std::string input = test::scratch_dir("spdx-parse") + "/expressions.txt";
  {
    std::ofstream o(input);
    for (const auto& e : expressions) o << e << "\n";
  }
  std::string verdicts = test::run_command("NODE_PATH=/usr/share/nodejs /usr/bin/node " + test::source_dir() +
                                               "/tests/unit/report/spdx_parse_oracle.js < '" + input + "'",
                                           &status);
  ASSERT_EQ(status, 0) << "node-spdx-expression-parse missing? (scripts/install-deps.sh test)";
  auto v = test::report_fixtures::lines(verdicts);
  ASSERT_EQ(v.size(), expressions.size());
  size_t listed = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    EXPECT_EQ(v[i], "ok") << expressions[i];
    listed += expressions[i].find("LicenseRef-") == std::string::npos;
  }
  std::cout << "[ info ] " << expressions.size() << " real license strings, " << listed
            << " fully of SPDX listed ids\n";
}

}  // namespace
}  // namespace dagda::report
