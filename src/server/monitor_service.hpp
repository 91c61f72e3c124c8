// server/monitor_service.hpp: the monitor windows of `dagda serve` (the original
// Dagda's `monitor CONTAINER --start` / `--stop`). The first window starts the
// sensor in the server process, with Dagda's default rules; alerts of containers
// that have an open window are stored in the state store as they come; the last
// window to close stops the sensor. Windows live in the server's memory: a
// restart forgets them (the alerts already stored stay).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/result.hpp"

namespace dagda::server {

struct MonitorWindow {
  std::string container_id;  // Docker's 12-character short id
  std::string name;          // as the engine names it
  uint64_t started_ns = 0;
  uint64_t stopped_ns = 0;   // 0 while open
};

class MonitorService {
 public:
  explicit MonitorService(std::string db) : db_(std::move(db)) {}
  ~MonitorService() { shutdown(); }
  MonitorService(const MonitorService&) = delete;
  MonitorService& operator=(const MonitorService&) = delete;

  // Opens a window on a running container (id, id prefix or name, as the engine behind
  // DOCKER_HOST knows it); starts the sensor when none runs. Waits until the sensor is
  // attached, so that what the container does after the answer is seen.
  Result<MonitorWindow> start(const std::string& container);
  // Closes the container's window (after a short pause, so that the sensor delivers what
  // it has seen); stops the sensor when it was the last.
  Result<MonitorWindow> stop(const std::string& container);
  // The sensor in use ("ebpf", "proc") or "" when none runs.
  std::string sensor() const;
  void shutdown();

 private:
  void stop_sensor_locked(std::unique_lock<std::mutex>& lock);

  std::string db_;
  mutable std::mutex mu_;
  std::map<std::string, MonitorWindow> windows_;  // open windows, by short id
  std::thread thread_;
  std::atomic<bool> stop_{false};
  bool running_ = false, ready_ = false;
  std::optional<Error> failure_;  // why the sensor stopped or could not start
  std::string sensor_;
  std::condition_variable changed_;
};

}  // namespace dagda::server
