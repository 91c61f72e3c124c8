// Fuzzes the rpm bdb database reader and the header parser behind it.
#include <cstdint>
#include <string_view>

#include "catalog/rpmdb/rpmdb.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dagda::rpmdb;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)scan_bdb(bytes, [](uint64_t, std::string_view blob) { (void)read_package_header(blob); });
  return 0;
}
