// tests/support/testdata.hpp: where the real test data lives.
#pragma once

#include <string>

namespace dagda::test {

// $DAGDA_TESTDATA, else ../shared/data beside the checkout. `rel` is appended.
std::string testdata(const std::string& rel = "");
// The project's source and build directories.
std::string source_dir();
std::string binary_dir();
// A fresh empty directory under the build tree, in a folder of this process's own
// (test-scratch/pid-N/NAME); it is removed at exit when every test passed.
std::string scratch_dir(const std::string& name);
// A fresh directory of the running GoogleTest test's own (suite.test-name), so that
// tests may run in parallel.
std::string test_scratch(const std::string& name);
// A whole host file as bytes ("" when it cannot be read).
std::string slurp(const std::string& path);
// Runs a shell command and returns its stdout; sets *status to its exit status.
std::string run_command(const std::string& cmd, int* status = nullptr);

// True under DAGDA_CI=1 (scripts/test.sh): a test whose real tool or service is
// missing fails there instead of skipping.
bool in_ci();

}  // namespace dagda::test

// Skips the test on a developer's machine when `cond` is false, and fails it in CI,
// where every oracle tool is installed by scripts/install-deps.sh.
#define DAGDA_REQUIRE(cond, what)                                      \
  do {                                                                 \
    if (!(cond)) {                                                     \
      if (::dagda::test::in_ci()) FAIL() << (what) << " (required in CI)"; \
      GTEST_SKIP() << (what);                                          \
    }                                                                  \
  } while (0)
