// Fuzzes the redhat-oval feed importer: the input is one feed file. Whatever
// it is, parsing returns (records or an error naming the file), and every
// affected row it produces is keyed.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "importers/importer.hpp"
#include "vulndb/collect.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const dagda::importers::ImporterInfo* imp = dagda::importers::find_importer("redhat-oval");
  if (!imp) abort();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  imp->detect("fuzz/input", in.substr(0, 4096));
  dagda::importers::Entry entry{"fuzz/input", in};
  dagda::vulndb::CollectSink sink;
  dagda::Diagnostics diag;
  auto st = imp->parse(entry, sink, diag);
  if (!st.ok() && st.error().where().file != "fuzz/input") abort();
  for (const auto& a : sink.out.affected)
    if (a.ns.empty() || a.package.empty() || a.vuln_id.empty()) abort();
  for (const auto& v : sink.out.vulns)
    if (v.id.empty()) abort();
  return 0;
}
