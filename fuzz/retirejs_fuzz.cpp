// Fuzzes the retire.js cataloger in two modes, chosen by the first byte:
//  - even: the rest is a repository for the parser (small inputs reach its corners);
//  - odd:  the rest is a JavaScript file (its first 64 bytes also serve as its name), scanned
//          with the real repository in $DAGDA_TESTDATA/vulndb/retirejs/jsrepository.json,
//          loaded once. Parsing that 550 KB file for every input made a run of a minute
//          reach only a few dozen inputs.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "catalog/app.hpp"
#include "common/fs.hpp"

namespace {
std::optional<dagda::RetireRepository> g_real;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* data = std::getenv("DAGDA_TESTDATA");
  std::string path = std::string(data ? data : "../shared/data") + "/vulndb/retirejs/jsrepository.json";
  if (auto text = dagda::read_file(path, 64u << 20); text.ok())
    if (auto repo = dagda::RetireRepository::parse(*text); repo.ok()) g_real = std::move(*repo);
  // Without it only the parser mode runs; say so rather than fuzz half the target silently.
  if (!g_real)
    std::fprintf(stderr, "retirejs_fuzz: %s could not be loaded; only the parser is fuzzed\n", path.c_str());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] % 2 == 0) {
    auto repo = dagda::RetireRepository::parse(in);
    if (repo.ok())
      for (const auto& m : repo->scan(in.substr(0, 64), in, ""))
        if (m.library.empty()) abort();
    return 0;
  }
  if (!g_real) return 0;
  for (const auto& m : g_real->scan(in.substr(0, 64), in, ""))
    if (m.library.empty()) abort();
  return 0;
}
