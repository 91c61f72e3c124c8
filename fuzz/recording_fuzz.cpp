// Fuzzes the reader of dagda.events/v1 recordings (`dagda monitor run --record`,
// replayed by bench/rules_bench.cpp). Checks: a recording read back is written
// again line for line and read again to the same number of events; every event
// points at a process whose parent chain is at most 16 long; every error names
// the input and a line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "rules/recording.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dagda::rules;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = read_recording(text, "in.jsonl", RecordingLimits{.max_line = 1 << 16, .max_events = 10000});
  if (!r.ok()) {
    if (r.error().render().rfind("in.jsonl", 0) != 0) std::abort();
    return 0;
  }
  std::string again = std::string("{\"schema\":\"") + kRecordingSchema + "\"}\n";
  for (const auto& e : r->events) {
    if (!e.proc) std::abort();
    int depth = 0;
    for (const Process* p = e.proc; p; p = p->parent)
      if (++depth > 16) std::abort();
    again += recording_line(e) + "\n";
  }
  auto r2 = read_recording(again, "again.jsonl");
  if (!r2.ok() || r2->events.size() != r->events.size()) std::abort();
  return 0;
}
