// monitor/sensor.hpp: where system events come from. The eBPF sensor (full
// coverage: every traced call) or, where eBPF cannot be loaded, the netlink
// process connector (exec and exit only, the rest read from /proc: reduced
// coverage). Both hand out the same raw record (bpf/sensor_event.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/result.hpp"
#include "monitor/bpf/sensor_event.h"

namespace dagda::monitor {

using RawHandler = std::function<void(const dg_event&)>;

class Sensor {
 public:
  virtual ~Sensor() = default;
  // "ebpf" or "proc-connector".
  virtual std::string name() const = 0;
  // One sentence on what it sees (printed when the monitor starts).
  virtual std::string coverage() const = 0;
  // Waits at most `timeout_ms` for events and hands each to `h`; returns how many.
  virtual Result<size_t> poll(int timeout_ms, const RawHandler& h) = 0;
  // Events lost because the sensor could not keep up (ring buffer full).
  virtual uint64_t dropped() const = 0;
};

// Loads and attaches the eBPF programs (needs root, BTF, tp_btf support).
Result<std::unique_ptr<Sensor>> open_ebpf_sensor();
// Subscribes to the kernel's process connector (needs root).
Result<std::unique_ptr<Sensor>> open_proc_connector_sensor();

// The x86_64 system calls the eBPF sensor traces, by number, with Falco's event type name.
struct TracedCall {
  unsigned nr;
  const char* name;
};
const TracedCall* traced_calls(size_t* count);
const char* traced_call_name(unsigned nr);  // null when not traced

}  // namespace dagda::monitor
