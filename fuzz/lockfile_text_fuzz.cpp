// Lockfile parsers of the text family on arbitrary bytes (fuzz/lockfile_fuzz.hpp).
#include "lockfile_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static constexpr LockfileTarget kTargets[] = {{"yarn-lock", "yarn.lock"},
                                                {"pnpm-lock", "pnpm-lock.yaml"},
                                                {"requirements-txt", "requirements.txt"},
                                                {"gemfile-lock", "Gemfile.lock"},
                                                {"go-mod", "go.mod"},
                                                {"go-mod", "go.sum"}};
  return fuzz_lockfiles(kTargets, data, size);
}
