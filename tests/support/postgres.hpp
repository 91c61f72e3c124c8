// tests/support/postgres.hpp: the PostgreSQL server of the test run.
// scripts/test.sh starts one (scripts/start-postgres.sh) and exports
// DAGDA_TEST_PG_URL. Without it a test needing PostgreSQL fails in CI mode
// (DAGDA_CI=1, set by scripts/test.sh) and is skipped otherwise.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace dagda::test {

inline std::string postgres_url() {
  const char* u = std::getenv("DAGDA_TEST_PG_URL");
  return u ? u : "";
}

inline bool ci_mode() {
  const char* ci = std::getenv("DAGDA_CI");
  return ci && std::string(ci) == "1";
}

}  // namespace dagda::test

// In a TEST body: binds `url` to the server's URL, or fails (CI) / skips.
#define DAGDA_NEED_POSTGRES(url)                                                                       \
  const std::string url = ::dagda::test::postgres_url();                                               \
  if (url.empty()) {                                                                                   \
    if (::dagda::test::ci_mode()) FAIL() << "DAGDA_TEST_PG_URL is unset (scripts/start-postgres.sh)";  \
    GTEST_SKIP() << "DAGDA_TEST_PG_URL is unset: start a server with scripts/start-postgres.sh start"; \
  }
