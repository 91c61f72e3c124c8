// Every format on every real inventory, against tests/golden/report/*.
// After a deliberate change: DAGDA_UPDATE_GOLDEN=1 ./dagda_report_tests --gtest_filter='Golden*'
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "unit/report/report_test_util.hpp"

namespace dagda {
namespace {

std::string golden_file(const std::string& fixture, std::string_view format) {
  return fixture + "." + std::string(format) + (format == "table" ? ".txt" : ".json");
}

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, EveryFormatMatches) {
  const Inventory& inv = test::real_inventory(GetParam());
  ASSERT_FALSE(inv.packages.empty());
  for (const auto& f : sbom_formats()) {
    SCOPED_TRACE(std::string(f.name));
    test::expect_golden(golden_file(GetParam(), f.name), test::render(inv, f.name));
  }
}

// The output does not depend on the order the catalogers produced.
TEST_P(Golden, OutputIgnoresInputOrder) {
  Inventory shuffled = test::real_inventory(GetParam());
  std::mt19937 rng(42);
  std::shuffle(shuffled.packages.begin(), shuffled.packages.end(), rng);
  for (const auto& f : sbom_formats()) {
    EXPECT_EQ(test::render(shuffled, f.name), test::render(test::real_inventory(GetParam()), f.name))
        << f.name;
  }
}

INSTANTIATE_TEST_SUITE_P(Real, Golden, ::testing::ValuesIn([] {
                           std::vector<std::string> names;
                           for (const auto& f : test::report_fixtures::fixtures()) names.push_back(f.name);
                           return names;
                         }()),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

}  // namespace
}  // namespace dagda
