// monitor/containers.cpp
#include "monitor/containers.hpp"

#include <nlohmann/json.hpp>

namespace dagda::monitor {
namespace {

bool is_hex_id(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::optional<CgroupMatch> from_name(std::string_view name, std::string_view parent) {
  if (name.ends_with(".scope")) name.remove_suffix(6);
  struct Prefix {
    std::string_view prefix, type;
  };
  for (auto p : {Prefix{"libpod-", "podman"}, Prefix{"docker-", "docker"}, Prefix{"cri-containerd-", "containerd"},
                 Prefix{"crio-", "cri-o"}}) {
    if (name.starts_with(p.prefix) && is_hex_id(name.substr(p.prefix.size())))
      return CgroupMatch{std::string(name.substr(p.prefix.size())), std::string(p.type)};
  }
  if (is_hex_id(name)) {
    std::string type = parent == "docker" ? "docker" : parent.starts_with("libpod") ? "podman" : "containerd";
    return CgroupMatch{std::string(name), type};
  }
  return std::nullopt;
}

}  // namespace

std::optional<CgroupMatch> container_from_cgroup(std::string_view leaf, std::string_view parent) {
  if (auto m = from_name(leaf, parent)) return m;
  // Podman with split cgroups and systemd put the payload in a child named "container".
  if (leaf == "container" || leaf == "payload") return from_name(parent, "");
  return std::nullopt;
}

void split_image(const std::string& image, std::string& repository, std::string& tag) {
  repository = image;
  tag.clear();
  auto at = image.find('@');
  std::string base = at == std::string::npos ? image : image.substr(0, at);
  auto slash = base.rfind('/');
  auto colon = base.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    repository = base.substr(0, colon);
    tag = base.substr(colon + 1);
  } else {
    repository = base;
  }
}

ContainerEntry* ContainerTable::get(const CgroupMatch& m, uint64_t now_ns) {
  auto& slot = by_id_[m.id];
  if (!slot) {
    slot = std::make_unique<ContainerEntry>();
    slot->c.id = m.id;
    slot->c.type = m.type;
  }
  if (!slot->complete && engine_ && (slot->looked_up_ns == 0 || now_ns - slot->looked_up_ns > 5'000'000'000ull)) {
    slot->looked_up_ns = now_ns;
    look_up(*slot);
  }
  return slot.get();
}

void ContainerTable::look_up(ContainerEntry& e) {
  auto resp = engine_->get("/containers/" + e.c.id + "/json", 8u << 20);
  if (!resp.ok()) return;
  auto j = nlohmann::json::parse(resp->body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return;
  auto str = [](const nlohmann::json& o, const char* k) {
    auto it = o.find(k);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::string name = str(j, "Name");
  if (!name.empty() && name[0] == '/') name.erase(0, 1);
  e.c.name = name;
  e.c.image_id = str(j, "Image");
  if (auto cfg = j.find("Config"); cfg != j.end() && cfg->is_object()) e.c.image = str(*cfg, "Image");
  if (e.c.image.empty()) e.c.image = str(j, "ImageName");
  split_image(e.c.image, e.c.image_repository, e.c.image_tag);
  if (auto hc = j.find("HostConfig"); hc != j.end() && hc->is_object()) {
    if (auto p = hc->find("Privileged"); p != hc->end() && p->is_boolean()) e.c.privileged = p->get<bool>();
    std::string pid = str(*hc, "PidMode"), net = str(*hc, "NetworkMode"), ipc = str(*hc, "IpcMode");
    e.c.host_pid = pid == "host";
    e.c.host_network = net == "host";
    e.c.host_ipc = ipc == "host";
  }
  if (auto st = j.find("State"); st != j.end() && st->is_object())
    if (auto pid = st->find("Pid"); pid != st->end() && pid->is_number_integer()) e.init_pid = pid->get<int64_t>();
  if (auto gd = j.find("GraphDriver"); gd != j.end() && gd->is_object())
    if (auto d = gd->find("Data"); d != gd->end() && d->is_object()) e.upper_dir = str(*d, "UpperDir");
  e.complete = true;
}

}  // namespace dagda::monitor
