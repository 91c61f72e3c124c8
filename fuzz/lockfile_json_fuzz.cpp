// Lockfile parsers of the json family on arbitrary bytes (fuzz/lockfile_fuzz.hpp).
#include "lockfile_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static constexpr LockfileTarget kTargets[] = {{"npm-lock", "package-lock.json"},
                                                {"pipfile-lock", "Pipfile.lock"},
                                                {"composer-lock", "composer.lock"},
                                                {"nuget-lock", "packages.lock.json"}};
  return fuzz_lockfiles(kTargets, data, size);
}
