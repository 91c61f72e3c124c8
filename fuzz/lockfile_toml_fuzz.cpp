// Lockfile parsers of the toml family on arbitrary bytes (fuzz/lockfile_fuzz.hpp).
#include "lockfile_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static constexpr LockfileTarget kTargets[] = {{"poetry-lock", "poetry.lock"}, {"cargo-lock", "Cargo.lock"}};
  return fuzz_lockfiles(kTargets, data, size);
}
