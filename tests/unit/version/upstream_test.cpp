// The `upstream` comparator (NVD CPE ranges of runtimes installed by hand): orderings the
// feeds need, constraints as importers/nvd.cpp writes them, and dpkg --compare-versions as
// the oracle on real versions from the NVD feeds where the two orderings agree by their
// rules: dotted numbers with at most a trailing letter run that is not a pre-release word
// (OpenSSL's 1.0.2k, 0.9.8zh). dpkg orders pre-releases ("1.0rc1") after the release, so
// those are checked against the hand-written chains below instead.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "oracle.hpp"
#include "support/testdata.hpp"
#include "version/comparator.hpp"

namespace dagda::version {
namespace {

const Comparator& up() {
  const Comparator* c = find_comparator("upstream");
  EXPECT_NE(c, nullptr);
  return *c;
}

int cmp(std::string_view a, std::string_view b) {
  Result<int> r = up().compare(a, b);
  EXPECT_TRUE(r.ok()) << a << " vs " << b << ": " << (r.ok() ? "" : r.error().render());
  return r.ok() ? *r : 99;
}

TEST(UpstreamVersion, OrderedChains) {
  const std::vector<std::vector<std::string>> chains = {
      // OpenSSL: letters are releases after the numbered one; "z" < "za".
      {"0.9.8", "0.9.8a", "0.9.8y", "0.9.8z", "0.9.8za", "0.9.8zh", "0.9.9", "1.0.2-beta1", "1.0.2", "1.0.2k",
       "1.1.0", "1.1.1", "1.1.1k", "1.1.1l", "1.1.1w", "3.0.0-alpha1", "3.0.0-beta2", "3.0.0", "3.0.11"},
      // Go toolchains as the Go tree and NVD write them.
      {"go1.20", "1.21rc2", "go1.21", "1.21.0", "go1.21.3", "1.22beta1", "1.22"},
      // Python, PHP, PostgreSQL, Ruby (p = patch level, after the release), OpenJDK 8 updates.
      {"3.12.9", "3.13.0a1", "3.13.0b2", "3.13.0rc1", "3.13.0", "3.13.1"},
      {"2.0b10", "2.0", "5.6.40", "8.1.0RC1", "8.1.0", "8.1.27"},
      {"9.6.24", "10", "10.1", "15.4", "15.10", "16beta1", "16"},
      {"2.7.0-preview1", "2.7.0", "2.7.0p20", "2.7.1"},
      {"1.8.0", "1.8.0_101", "1.8.0_382", "11.0.11", "17", "17.0.8"},
  };
  for (const auto& chain : chains)
    for (size_t i = 0; i + 1 < chain.size(); ++i) {
      EXPECT_LT(cmp(chain[i], chain[i + 1]), 0) << chain[i] << " < " << chain[i + 1];
      EXPECT_GT(cmp(chain[i + 1], chain[i]), 0) << chain[i + 1] << " > " << chain[i];
    }
  EXPECT_EQ(cmp("go1.21.3", "1.21.3"), 0);
  EXPECT_EQ(cmp("1.0.2-beta1", "1.0.2beta1"), 0);
  EXPECT_EQ(cmp("8.1.0RC1", "8.1.0rc1"), 0);
  EXPECT_EQ(cmp("v1.2", "1.2"), 0);
}

TEST(UpstreamVersion, ConstraintsAsTheImporterWritesThem) {
  const Comparator& c = up();
  auto sat = [&](std::string_view v, std::string_view range) {
    Result<bool> r = c.satisfies(v, range);
    EXPECT_TRUE(r.ok()) << v << " in " << range << ": " << (r.ok() ? "" : r.error().render());
    return r.ok() && *r;
  };
  EXPECT_TRUE(sat("1.1.1k", ">=1.1.1 <1.1.1l"));
  EXPECT_FALSE(sat("1.1.1l", ">=1.1.1 <1.1.1l"));
  EXPECT_FALSE(sat("1.1.0l", ">=1.1.1 <1.1.1l"));
  EXPECT_TRUE(sat("1.1.1", ">=1.1.1 <1.1.1l"));
  EXPECT_TRUE(sat("14.17.4", ">=12.0.0 <12.22.5 || >=14.0.0 <14.17.5 || >=16.0.0 <16.6.2"));
  EXPECT_FALSE(sat("14.17.5", ">=12.0.0 <12.22.5 || >=14.0.0 <14.17.5 || >=16.0.0 <16.6.2"));
  EXPECT_TRUE(sat("1.36.1", "=1.36.0 || =1.36.1"));
  EXPECT_FALSE(sat("1.36.10", "=1.36.0 || =1.36.1"));
  EXPECT_TRUE(sat("go1.21.3", "<1.21.4"));
  EXPECT_TRUE(sat("15.4", ">15.0 <=15.4"));
  EXPECT_FALSE(sat("15.4", ">15.4"));
  // Bad input: an error naming the comparator, never a guess.
  for (std::string_view bad : {"", "<", ">=1.0 ||", "=1.0 <abc", "<1.0|2"}) {
    Result<bool> r = c.satisfies("1.0", bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message().find("upstream"), std::string::npos) << r.error().message();
  }
  EXPECT_FALSE(c.valid(std::string(129, '1')));
  EXPECT_FALSE(c.valid("1.0 beta"));
  EXPECT_FALSE(c.valid("beta"));
  EXPECT_FALSE(c.compare("1.0", "1/0").ok());
}

TEST(UpstreamVersion, AgreesWithDpkgOnRealNvdVersions) {
  DAGDA_REQUIRE(test_oracle::have("dpkg"), "dpkg not installed");
  // Exact versions of OpenSSL, BusyBox, nginx, PostgreSQL, Redis and httpd CPEs in three yearly feeds.
  std::string cmd = "zcat";
  for (const char* y : {"2014", "2016", "2021"})
    cmd += " " + test::testdata(std::string("vulndb/nvd-1.1-yearly/nvdcve-1.1-") + y + ".json.gz");
  cmd += " | grep -oE 'cpe:2.3:a:(openssl:openssl|busybox:busybox|nginx:nginx|postgresql:postgresql|redislabs:redis|"
         "apache:http_server):[^:*-][^:]*' | cut -d: -f6 | sort -u";
  int status = 0;
  std::string out = test::run_command(cmd, &status);
  ASSERT_EQ(status, 0) << cmd;
  // Where the orderings agree by their rules: no pre-release word, no letter before a digit.
  const std::regex agree(R"([0-9]+(\.[0-9]+)*[a-z]{0,2})");
  std::vector<std::string> versions;
  std::istringstream in(out);
  for (std::string v; std::getline(in, v);) {
    if (!std::regex_match(v, agree)) continue;
    if (v.substr(v.find_last_of("0123456789") + 1) == "rc") continue;  // a pre-release word
    versions.push_back(v);
  }
  ASSERT_GT(versions.size(), 300u);
  std::string input;
  std::vector<std::pair<std::string, std::string>> pairs;
  for (size_t i = 0; i < versions.size(); ++i)
    for (size_t j : {i + 1, (i * 7919 + 13) % versions.size()})
      if (j < versions.size()) pairs.emplace_back(versions[i], versions[j]);
  for (const auto& [a, b] : pairs) input += a + " " + b + "\n";
  bool ok = false;
  auto oracle = test_oracle::run("dpkg-upstream",
                                 "bash -c 'while read -r a b; do if dpkg --compare-versions \"$a\" lt \"$b\"; then echo "
                                 "\"<\"; elif dpkg --compare-versions \"$a\" eq \"$b\"; then echo =; else echo \">\"; "
                                 "fi; done'",
                                 input, &ok);
  ASSERT_TRUE(ok);
  ASSERT_EQ(oracle.size(), pairs.size());
  size_t bad = 0;
  for (size_t i = 0; i < pairs.size(); ++i) {
    int c = cmp(pairs[i].first, pairs[i].second);
    std::string ours = c < 0 ? "<" : c > 0 ? ">" : "=";
    if (ours != oracle[i] && ++bad <= 20)
      ADD_FAILURE() << pairs[i].first << " vs " << pairs[i].second << ": dpkg " << oracle[i] << ", we " << ours;
  }
  EXPECT_EQ(bad, 0u);
  std::cout << "[upstream] " << pairs.size() << " pairs of " << versions.size()
            << " real NVD versions agree with dpkg --compare-versions\n";
}

}  // namespace
}  // namespace dagda::version
