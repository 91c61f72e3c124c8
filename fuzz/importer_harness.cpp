// The one body of every importer's fuzz target: fuzz/CMakeLists.txt builds it
// once per importer as importer_<name>_fuzz, with DAGDA_FUZZ_IMPORTER naming
// the importer. The input is one feed file. Whatever it is, detection and
// parsing return (records, or an error naming the file), and what comes out
// keeps the record model's promises: every row is keyed and about one named
// vulnerability, no alias repeats the row's own id, every record has an id.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "common/strings.hpp"
#include "importers/importer.hpp"
#include "vulndb/collect.hpp"

#ifndef DAGDA_FUZZ_IMPORTER
#error "DAGDA_FUZZ_IMPORTER must name the importer"
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const dagda::importers::ImporterInfo* imp = [] {
    auto* i = dagda::importers::find_importer(DAGDA_FUZZ_IMPORTER);
    if (!i) {
      std::fprintf(stderr, "no importer named %s\n", DAGDA_FUZZ_IMPORTER);
      abort();
    }
    return i;
  }();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  imp->detect("fuzz/input", in.substr(0, 4096));
  dagda::importers::Entry entry{"fuzz/input", in};
  dagda::vulndb::CollectSink sink;
  dagda::Diagnostics diag;
  auto st = imp->parse(entry, sink, diag);
  if (!st.ok() && st.error().where().file != "fuzz/input") abort();
  for (const auto& a : sink.out.affected) {
    if (a.ns.empty() || a.package.empty() || a.vuln_id.empty() || a.advisory_id.empty()) abort();
    for (const auto& al : a.aliases)
      if (dagda::iequals(al, a.vuln_id)) abort();
  }
  for (const auto& v : sink.out.vulns)
    if (v.id.empty()) abort();
  return 0;
}
