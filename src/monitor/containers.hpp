// monitor/containers.hpp: which container a process is in (from its cgroup's
// name) and what the engine API says about that container (cached).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "net/engine.hpp"
#include "rules/event.hpp"

namespace dagda::monitor {

struct CgroupMatch {
  std::string id;    // 64 hex characters
  std::string type;  // "podman", "docker", "containerd", "cri-o"
};
// Podman/libpod ("libpod-ID[.scope]", or "container" below it), Docker
// ("docker-ID.scope", or "ID" below "docker"), containerd ("cri-containerd-ID.scope",
// "ID" below a kubepods slice), CRI-O ("crio-ID.scope"); nullopt for the host.
std::optional<CgroupMatch> container_from_cgroup(std::string_view leaf, std::string_view parent);

struct ContainerEntry {
  rules::Container c;
  std::string upper_dir;  // the overlay's writable layer on the host ("" unknown)
  int64_t init_pid = 0;   // host pid of the container's first process (State.Pid; 0 unknown)
  uint64_t looked_up_ns = 0;
  bool complete = false;  // the engine answered
};

// Container id -> what the engine says; the engine is asked once per container
// (again after 5 s while it did not know it).
class ContainerTable {
 public:
  explicit ContainerTable(std::unique_ptr<net::EngineClient> engine) : engine_(std::move(engine)) {}
  ContainerEntry* get(const CgroupMatch& m, uint64_t now_ns);
  bool has_engine() const { return engine_ != nullptr; }

 private:
  void look_up(ContainerEntry& e);
  std::unique_ptr<net::EngineClient> engine_;
  std::unordered_map<std::string, std::unique_ptr<ContainerEntry>> by_id_;
};

// Splits "registry/repo:tag" (or "@digest") into repository and tag.
void split_image(const std::string& image, std::string& repository, std::string& tag);

}  // namespace dagda::monitor
