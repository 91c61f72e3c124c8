// Fuzzes OS detection: the input, split at NUL bytes, fills the release files
// detect_os reads, in order.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "catalog/os_release.hpp"
#include "layers/memory_view.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static constexpr std::string_view kPaths[] = {
      "etc/os-release",     "usr/lib/os-release", "etc/lsb-release",    "etc/alpine-release",
      "etc/debian_version", "etc/centos-release", "etc/redhat-release", "etc/system-release",
  };
  std::string_view in(reinterpret_cast<const char*>(data), size);
  dagda::MemoryFileView view;
  for (auto path : kPaths) {
    if (!dagda::os_release_wants(path)) abort();
    size_t nul = in.find('\0');
    view.add_file(std::string(path), std::string(in.substr(0, nul)));
    if (nul == std::string_view::npos) break;
    in.remove_prefix(nul + 1);
  }
  dagda::Diagnostics diag;
  auto info = dagda::detect_os(view, diag);
  if (info && info->family.empty()) abort();
  return 0;
}
