// monitor/procs.hpp: the processes the monitor knows, with parent links for
// proc.pname and proc.aname. Filled from exec events and, for a process met
// before its exec was seen, from /proc. Exited processes stay 30 s (their
// children's events may still name them) before they are swept.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>

#include "monitor/bpf/sensor_event.h"
#include "rules/event.hpp"

namespace dagda::monitor {

struct ProcEntry {
  rules::Process p;
  std::string cgroup, cgroup_parent;
  uint64_t exited_ns = 0;
};

class ProcessTable {
 public:
  // The process of an exec record: replaces what was known about that pid.
  ProcEntry& on_exec(const dg_event& e, uint64_t time_ns);
  // The process of any other record: the known one, else one read from /proc
  // (else built from the record alone).
  ProcEntry& get(const dg_event& e, uint64_t time_ns);
  void on_exit(int64_t pid, uint64_t now_ns);
  // Forgets processes that exited long enough ago.
  void sweep(uint64_t now_ns);
  size_t size() const { return by_pid_.size(); }

 private:
  ProcEntry* lookup_or_read(int64_t pid, int depth);
  void link_parent(ProcEntry& e, int depth);
  std::unordered_map<int64_t, std::unique_ptr<ProcEntry>> by_pid_;
};

// Joins a path the process gave (maybe relative) to its directory: "a/../b" stays as written
// below the directory, "." and ".." parts are resolved lexically.
std::string join_path(const std::string& dir, const std::string& path);

// Falco's spelling of an execve's `flags` argument: EXE_WRITABLE, EXE_UPPER_LAYER,
// EXE_FROM_MEMFD, EXE_LOWER_LAYER joined by '|' in that order ("0" when none).
std::string exe_flags_text(const rules::Process& p);
// Falco's spelling of a socket's address family: "AF_INET", "AF_PACKET", ... (the number when unknown).
std::string socket_family_name(uint64_t family);

}  // namespace dagda::monitor
