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

}  // namespace dagda::test
