// Fuzzes the runtime cataloger's version-string readers: the first byte picks the file name
// (so every runtime's reader and the ELF reader under them get the rest).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "catalog/app.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* const kNames[] = {
      "usr/local/bin/node",         "usr/local/lib/libnode.so.108", "usr/local/bin/python3.12",
      "usr/local/lib/libpython3.12.so.1.0", "usr/local/lib/libruby.so.3.2", "usr/local/bin/php",
      "opt/java/openjdk/release",   "usr/local/go/VERSION",         "usr/local/lib/libcrypto.so.3",
      "usr/sbin/nginx",             "usr/local/apache2/bin/httpd",  "usr/local/bin/redis-server",
      "usr/lib/postgresql/16/bin/postgres", "bin/busybox"};
  if (size == 0) return 0;
  std::string name = kNames[data[0] % (sizeof kNames / sizeof kNames[0])];
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  dagda::Diagnostics diag;
  auto r = dagda::parse_runtime_file(in, name, diag);
  if (r.packages.size() > 1) abort();
  for (const auto& p : r.packages)
    if (p.name.empty() || p.version.empty() || p.ecosystem != "runtime" || p.version.size() > 32) abort();
  return 0;
}
