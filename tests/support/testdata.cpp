#include "support/testdata.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace dagda::test {

std::string testdata(const std::string& rel) {
  const char* env = std::getenv("DAGDA_TESTDATA");
  std::string base = env && *env ? env : DAGDA_TESTDATA_DEFAULT;
  return rel.empty() ? base : base + "/" + rel;
}

std::string source_dir() { return DAGDA_SOURCE_DIR; }
std::string binary_dir() { return DAGDA_BINARY_DIR; }

namespace {
// Each test process has its own scratch folder: CTest runs the tests of one executable as
// parallel processes, and two of them sharing a name (an oracle's project, say) once wiped
// each other's files. The folder goes when the process ends, unless a test failed (it is
// kept for inspection) or KEEP_SCRATCH=1. GoogleTest's UnitTest was constructed before this
// object, so it is still alive when this one is destroyed.
struct ProcessScratch {
  std::filesystem::path root =
      std::filesystem::path(DAGDA_BINARY_DIR) / "test-scratch" / ("pid-" + std::to_string(getpid()));
  ~ProcessScratch() {
    const char* keep = std::getenv("KEEP_SCRATCH");
    if ((keep && std::string(keep) == "1") || !::testing::UnitTest::GetInstance()->Passed()) return;
    std::error_code ec;
    std::filesystem::remove_all(root, ec);
  }
};
}  // namespace

std::string scratch_dir(const std::string& name) {
  namespace fs = std::filesystem;
  static ProcessScratch scratch;
  fs::path p = scratch.root / name;
  fs::remove_all(p);
  fs::create_directories(p);
  return p.string();
}

std::string test_scratch(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return scratch_dir(std::string(info->test_suite_name()) + "." + info->name() + "-" + name);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string run_command(const std::string& cmd, int* status) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) {
    if (status) *status = -1;
    return out;
  }
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  if (status) *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return out;
}

bool in_ci() {
  const char* ci = std::getenv("DAGDA_CI");
  return ci && std::string(ci) == "1";
}

}  // namespace dagda::test
