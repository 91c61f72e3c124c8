// Lockfile parsers of the xml family on arbitrary bytes (fuzz/lockfile_fuzz.hpp).
#include "lockfile_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static constexpr LockfileTarget kTargets[] = {{"pom-xml", "pom.xml"}};
  return fuzz_lockfiles(kTargets, data, size);
}
