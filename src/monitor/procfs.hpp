// monitor/procfs.hpp: what /proc says about a process, for processes the
// sensor meets before it saw their exec, and for the process-connector fallback.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dagda::monitor {

struct ProcInfo {
  int64_t pid = 0, ppid = 0, vpid = 0, sid = 0;
  uint32_t uid = 0, gid = 0, tty = 0;
  int64_t loginuid = -1;
  std::string comm, exepath, cwd;
  std::vector<std::string> argv;
  std::string cgroup, cgroup_parent;  // leaf names of the cgroup v2 path (or of the first v1 one)
  uint64_t cap_eff = 0, cap_prm = 0, cap_inh = 0;
};

// Reads /proc/PID (under `root`, for tests); nullopt when the process is gone.
std::optional<ProcInfo> read_proc(int64_t pid, const std::string& root = "/proc");

// Splits a NUL-separated argument block.
std::vector<std::string> split_nul(const char* data, size_t len);

}  // namespace dagda::monitor
