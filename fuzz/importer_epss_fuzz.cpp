// libFuzzer target: the epss importer's detect() and parse() on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "importers/importer.hpp"
#include "vulndb/collect.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const dagda::importers::ImporterInfo* imp = dagda::importers::find_importer("epss");
  std::string_view text(reinterpret_cast<const char*>(data), size);
  imp->detect("fuzz/input", text.substr(0, 4096));
  dagda::vulndb::CollectSink sink;
  dagda::Diagnostics diag;
  (void)imp->parse(dagda::importers::Entry{"fuzz/input", text}, sink, diag);
  return 0;
}
