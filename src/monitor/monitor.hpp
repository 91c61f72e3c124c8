// monitor/monitor.hpp: `dagda monitor run`: a sensor's records turned into
// rule events (process, file descriptor, container, image facts) and evaluated
// against loaded rules; each alert is handed to the caller.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "rules/engine.hpp"
#include "state/events.hpp"

namespace dagda::monitor {

struct MonitorOptions {
  std::shared_ptr<const rules::RuleSet> rules;
  std::vector<std::string> containers;  // only these (id prefixes or names); empty: every event
  std::string sensor = "auto";          // "auto" (eBPF, else the fallback), "ebpf", "proc"
  std::string db;                       // matched against for dagda.pkg.vulns/kev; empty: the default
  bool match_vulns = true;
  std::string hostname;
  std::string record;  // non-empty: every event evaluated is also written there (rules/recording.hpp)
  std::function<void(const rules::Alert&)> on_alert;
  std::function<void(const std::string&)> on_notice;  // progress and warnings for stderr
  const std::atomic<bool>* stop = nullptr;
};

struct MonitorStats {
  std::string sensor;
  uint64_t events = 0, alerts = 0, dropped = 0;
  uint64_t recorded = 0;  // events written to MonitorOptions::record
};

// Runs until *stop turns true; fails when no sensor can be attached.
Result<MonitorStats> run_monitor(const MonitorOptions& opts);

// An alert as the state store keeps it (origin "dagda"; its JSON in Falco's output shape).
state::StoredAlert stored_alert(const rules::Alert& a);

}  // namespace dagda::monitor
