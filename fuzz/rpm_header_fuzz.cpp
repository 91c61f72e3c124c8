// Fuzzes the rpm header blob parser: the package fields and every accessor on
// every tag the input declares.
#include <cstdint>
#include <string_view>

#include "catalog/rpmdb/header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dagda::rpmdb;
  std::string_view blob(reinterpret_cast<const char*>(data), size);
  (void)read_package_header(blob);
  auto h = Header::parse(blob);
  if (!h.ok()) return 0;
  size_t n = 0;
  for (const IndexEntry& e : h->entries()) {
    if (++n > 64) break;
    (void)h->string(e.tag);
    (void)h->string_array(e.tag);
    (void)h->integers(e.tag);
    (void)h->integer(e.tag);
  }
  return 0;
}
