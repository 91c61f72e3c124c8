// Fuzzes the retire.js repository parser (the first part of the input, up to a NUL) and the
// matcher (the rest, as a file's content and name).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "catalog/app.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nul = in.find('\0');
  auto repo = dagda::RetireRepository::parse(in.substr(0, nul));
  if (!repo.ok() || nul == std::string_view::npos) return 0;
  std::string_view file = in.substr(nul + 1);
  for (const auto& m : repo->scan(file.substr(0, 64), file, ""))
    if (m.library.empty()) abort();
  return 0;
}
