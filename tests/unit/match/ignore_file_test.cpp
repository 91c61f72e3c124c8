// --ignorefile (issue 16 item 10, issue 11 item 7): a date that is no real day and a key given
// twice are errors naming the file and line; plain files of one id per line are read too.
#include <gtest/gtest.h>

#include "match/ignore_file.hpp"

namespace dagda {
namespace {

std::string error_of(std::string_view text) {
  auto r = parse_ignore_file(text, "policy/ignore.yaml");
  return r.ok() ? "<ok>" : r.error().render();
}

TEST(IgnoreFile, DatesMustBeRealDays) {
  EXPECT_TRUE(valid_iso_date("2024-02-29"));
  EXPECT_TRUE(valid_iso_date("2000-02-29"));
  EXPECT_FALSE(valid_iso_date("1900-02-29"));
  EXPECT_FALSE(valid_iso_date("2027-02-30"));
  EXPECT_FALSE(valid_iso_date("2027-04-31"));
  EXPECT_FALSE(valid_iso_date("2027-13-01"));
  EXPECT_FALSE(valid_iso_date("2027-00-10"));
  EXPECT_FALSE(valid_iso_date("2027-1-10"));
  EXPECT_EQ(error_of("ignore:\n  - id: CVE-2019-14697\n    expires: 2027-02-30\n"),
            "policy/ignore.yaml:2: `expires: 2027-02-30` is not a real day written YYYY-MM-DD");
  EXPECT_EQ(error_of("# plain form\nCVE-2019-14697 exp:2027-02-30\n"),
            "policy/ignore.yaml:2: `expires: 2027-02-30` is not a real day written YYYY-MM-DD");
}

TEST(IgnoreFile, AKeyGivenTwiceIsAnError) {
  EXPECT_EQ(error_of("- id: CVE-2016-10228\n  id: CVE-2021-3326\n"),
            "policy/ignore.yaml:2: `id` given twice in one entry");
  EXPECT_EQ(error_of("- id: CVE-2016-10228\n  vulnerability: CVE-2021-3326\n"),
            "policy/ignore.yaml:2: `id` given twice in one entry");
  EXPECT_EQ(error_of("- id: X\n  reason: a\n  reason: b\n"), "policy/ignore.yaml:3: `reason` given twice in one entry");
}

TEST(IgnoreFile, YamlFormStillReads) {
  auto r = parse_ignore_file(
      "ignore:\n"
      "  - id: CVE-2019-14697\n"
      "    package: musl\n"
      "    expires: 2027-01-31\n"
      "    reason: not reachable\n"
      "  - id: GHSA-p6mc-m468-83gw\n",
      "f");
  ASSERT_TRUE(r.ok()) << r.error().render();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].id, "CVE-2019-14697");
  EXPECT_EQ((*r)[0].package, "musl");
  EXPECT_EQ((*r)[0].expires, "2027-01-31");
  EXPECT_EQ((*r)[0].line, 2);
  EXPECT_EQ((*r)[1].id, "GHSA-p6mc-m468-83gw");
  auto list = parse_ignore_file("- CVE-1\n- id: CVE-2\n", "f");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 2u);
  EXPECT_EQ(error_of("- id: X\n  colour: red\n"),
            "policy/ignore.yaml:2: unknown key `colour` (known: id, package, path, expires, reason)");
  EXPECT_EQ(error_of("- package: musl\n"), "policy/ignore.yaml:1: entry has no `id`");
}

TEST(IgnoreFile, PlainFilesHoldOneIdPerLine) {
  auto r = parse_ignore_file(
      "# accepted risks, reviewed 2026-01\n"
      "CVE-2019-14697\n"
      "\n"
      "   GHSA-p6mc-m468-83gw   # lodash, dev only\n"
      "CVE-2016-10228 exp:2027-01-31\n"
      "RUSTSEC-2020-0071\r\n",
      "f");
  ASSERT_TRUE(r.ok()) << r.error().render();
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0].id, "CVE-2019-14697");
  EXPECT_EQ((*r)[0].line, 2);
  EXPECT_EQ((*r)[1].id, "GHSA-p6mc-m468-83gw");
  EXPECT_EQ((*r)[1].line, 4);
  EXPECT_EQ((*r)[2].id, "CVE-2016-10228");
  EXPECT_EQ((*r)[2].expires, "2027-01-31");
  EXPECT_EQ((*r)[3].id, "RUSTSEC-2020-0071");
  auto empty = parse_ignore_file("# nothing yet\n\n", "f");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  // Something that is neither form is an error, not an empty list.
  EXPECT_NE(error_of("CVE-1 and some words\n"), "<ok>");
}

}  // namespace
}  // namespace dagda
