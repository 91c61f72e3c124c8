#include "common/strings.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "support/testdata.hpp"

namespace dagda {
namespace {

TEST(Strings, TrimAndCase) {
  EXPECT_EQ(trim(" \t a b \r\n"), "a b");
  EXPECT_EQ(trim_left("  x "), "x ");
  EXPECT_EQ(trim_right("  x "), "  x");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim(" \n "), "");
  EXPECT_EQ(lower("CVE-2020-ABC\xC3\x89"), "cve-2020-abc\xC3\x89");  // non-ASCII bytes untouched
  EXPECT_EQ(upper("ghsa-p6mc"), "GHSA-P6MC");
  EXPECT_TRUE(iequals("cve-2020-11022", "CVE-2020-11022"));
  EXPECT_FALSE(iequals("cve-2020-11022", "CVE-2020-11023"));
  EXPECT_FALSE(iequals("a", "ab"));
  EXPECT_TRUE(istarts_with("PKG:npm/x", "pkg:"));
  EXPECT_FALSE(istarts_with("pk", "pkg:"));
  EXPECT_TRUE(iends_with("Feed.YML", ".yml"));
  EXPECT_TRUE(iends_with_any("a.JSON.gz", {".xml", ".json.gz"}));
  EXPECT_FALSE(iends_with_any("a.json", {".xml", ".yaml"}));
  EXPECT_TRUE(contains("abcdef", "cde"));
  EXPECT_FALSE(contains("abc", "abcd"));
}

TEST(Strings, SplitAndJoin) {
  auto f = split("a,,b,", ',');
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0], "a");
  EXPECT_EQ(f[1], "");
  EXPECT_EQ(f[2], "b");
  EXPECT_EQ(f[3], "");
  EXPECT_EQ(split("", ',').size(), 1u);
  auto w = split_words("  CVE-1 \t CVE-2\nXSA-3 ");
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[2], "XSA-3");
  EXPECT_TRUE(split_words(" \t").empty());
  EXPECT_EQ(join({"a", "b", "c"}, ", "), "a, b, c");
  EXPECT_EQ(join({}, ","), "");
}

TEST(Strings, Utf8RepairKnownCases) {
  EXPECT_EQ(repair_utf8("plain ascii"), "plain ascii");
  EXPECT_EQ(repair_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"), "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_TRUE(is_clean_utf8("caf\xC3\xA9"));
  // FriendsOfPHP CVE-2019-8156 and PyPA PYSEC-2023-172 carry a lone 0xA0 (Latin-1 no-break space).
  EXPECT_EQ(repair_utf8("a\xA0" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_FALSE(is_clean_utf8("a\xA0" "b"));
  // A NUL (GitLab CVE-2013-4314) is removed.
  EXPECT_EQ(repair_utf8(std::string_view("a\0b", 3)), "ab");
  EXPECT_FALSE(is_clean_utf8(std::string_view("a\0b", 3)));
  EXPECT_EQ(repair_utf8("\xE2\x82"), "\xEF\xBF\xBD");            // truncated: one U+FFFD
  EXPECT_EQ(repair_utf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong: two
  EXPECT_EQ(repair_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
}

// Python's decoder with errors="replace" follows the same Unicode practice
// (one U+FFFD per maximal subpart): random byte strings must come out equal.
TEST(Strings, Utf8RepairAgreesWithPython) {
  std::string dir = test::test_scratch("utf8");
  std::mt19937 rng(20240611);
  std::vector<std::string> inputs;
  const std::string alphabet = std::string("a\x7F\x80\xBF\xC0\xC1\xC2\xDF\xE0\xE1\xED\xEF\xF0\xF4\xF5\xFF\xA0\x9F\x90\x8F", 20);
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    size_t n = rng() % 12;
    for (size_t k = 0; k < n; ++k) s += alphabet[rng() % alphabet.size()];
    inputs.push_back(s);
  }
  {
    std::ofstream out(dir + "/in.bin", std::ios::binary);
    for (auto& s : inputs) {
      std::string hex;
      for (unsigned char c : s) hex += "0123456789abcdef"[c >> 4], hex += "0123456789abcdef"[c & 15];
      out << hex << "\n";
    }
  }
  int status = 0;
  std::string py = test::run_command(
      "python3 -c 'import sys\n"
      "for l in open(sys.argv[1]):\n"
      "  print(bytes.fromhex(l.strip()).decode(\"utf-8\", \"replace\").encode(\"utf-8\").hex())' " +
          dir + "/in.bin",
      &status);
  ASSERT_EQ(status, 0);
  size_t pos = 0, i = 0, differ = 0;
  while (pos < py.size() && i < inputs.size()) {
    size_t nl = py.find('\n', pos);
    std::string want_hex = py.substr(pos, nl - pos);
    pos = nl + 1;
    std::string got = repair_utf8(inputs[i]);
    std::string got_hex;
    for (unsigned char c : got) got_hex += "0123456789abcdef"[c >> 4], got_hex += "0123456789abcdef"[c & 15];
    if (got_hex != want_hex && ++differ < 5) ADD_FAILURE() << "input #" << i << ": python " << want_hex << ", we " << got_hex;
    EXPECT_EQ(is_clean_utf8(inputs[i]), got == inputs[i]);
    ++i;
  }
  EXPECT_EQ(i, inputs.size());
  EXPECT_EQ(differ, 0u);
}

}  // namespace
}  // namespace dagda
