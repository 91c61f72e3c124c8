// monitor/procs.cpp
#include "monitor/procs.hpp"

#include <cstring>
#include <iterator>
#include <string>
#include <vector>

#include "monitor/procfs.hpp"

namespace dagda::monitor {
namespace {

constexpr uint64_t kKeepExitedNs = 30'000'000'000ull;

void fill_creds(rules::Process& p, const dg_event& e) {
  p.uid = e.uid;
  p.gid = e.gid;
  p.loginuid = e.loginuid == 0xffffffffu ? -1 : static_cast<int64_t>(e.loginuid);
  p.cap_effective = e.cap_eff;
  p.cap_permitted = e.cap_prm;
  p.cap_inheritable = e.cap_inh;
  p.tty = e.tty;
  if (e.sid) p.sid = e.sid;
}

std::string cstr(const char* s, size_t max) { return std::string(s, strnlen(s, max)); }

void from_info(ProcEntry& en, const ProcInfo& info) {
  rules::Process& p = en.p;
  p.pid = info.pid;
  p.vpid = info.vpid ? info.vpid : info.pid;
  p.ppid = info.ppid;
  p.sid = info.sid;
  p.name = info.comm;
  p.exepath = info.exepath;
  if (!info.argv.empty()) {
    p.exe = info.argv[0];
    p.args.assign(info.argv.begin() + 1, info.argv.end());
  }
  p.cwd = info.cwd.empty() || info.cwd.back() == '/' ? info.cwd : info.cwd + "/";
  p.uid = info.uid;
  p.gid = info.gid;
  p.tty = info.tty;
  p.loginuid = info.loginuid;
  p.cap_effective = info.cap_eff;
  p.cap_permitted = info.cap_prm;
  p.cap_inheritable = info.cap_inh;
  en.cgroup = info.cgroup;
  en.cgroup_parent = info.cgroup_parent;
}

}  // namespace

std::string join_path(const std::string& dir, const std::string& path) {
  std::string full = !path.empty() && path[0] == '/' ? path : (dir.empty() ? "/" : dir) + "/" + path;
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= full.size()) {
    size_t j = full.find('/', i);
    if (j == std::string::npos) j = full.size();
    std::string part = full.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(std::move(part));
    }
    i = j + 1;
  }
  std::string out;
  for (const auto& p : parts) out += "/" + p;
  return out.empty() ? "/" : out;
}

std::string exe_flags_text(const rules::Process& p) {
  std::string out;
  auto add = [&](bool on, const char* name) {
    if (!on) return;
    if (!out.empty()) out += '|';
    out += name;
  };
  add(p.exe_writable, "EXE_WRITABLE");
  add(p.exe_upper_layer, "EXE_UPPER_LAYER");
  add(p.exe_from_memfd, "EXE_FROM_MEMFD");
  add(p.exe_lower_layer, "EXE_LOWER_LAYER");
  return out.empty() ? "0" : out;
}

std::string socket_family_name(uint64_t family) {
  static const char* const names[] = {"AF_UNSPEC", "AF_UNIX",    "AF_INET",  "AF_AX25",    "AF_IPX",    "AF_APPLETALK",
                                      "AF_NETROM", "AF_BRIDGE",  "AF_ATMPVC", "AF_X25",    "AF_INET6",  "AF_ROSE",
                                      "AF_DECnet", "AF_NETBEUI", "AF_SECURITY", "AF_KEY",  "AF_NETLINK", "AF_PACKET"};
  if (family < std::size(names)) return names[family];
  return std::to_string(family);
}

ProcEntry* ProcessTable::lookup_or_read(int64_t pid, int depth) {
  if (pid <= 0) return nullptr;
  if (auto it = by_pid_.find(pid); it != by_pid_.end()) return it->second.get();
  auto info = read_proc(pid);
  if (!info) return nullptr;
  auto en = std::make_unique<ProcEntry>();
  from_info(*en, *info);
  auto* raw = en.get();
  by_pid_[pid] = std::move(en);
  link_parent(*raw, depth + 1);
  return raw;
}

void ProcessTable::link_parent(ProcEntry& e, int depth) {
  e.p.parent = nullptr;
  if (depth > 64 || e.p.ppid <= 0 || e.p.ppid == e.p.pid) return;
  if (ProcEntry* parent = lookup_or_read(e.p.ppid, depth)) {
    e.p.parent = &parent->p;
    e.p.pvpid = parent->p.vpid;
  }
}

ProcEntry& ProcessTable::on_exec(const dg_event& e, uint64_t time_ns) {
  auto& slot = by_pid_[e.tgid];
  if (!slot) slot = std::make_unique<ProcEntry>();
  ProcEntry& en = *slot;
  rules::Process& p = en.p;
  std::string cwd = p.cwd;
  p = rules::Process{};
  p.pid = e.tgid;
  p.vpid = e.vtgid ? e.vtgid : e.tgid;
  p.ppid = e.ppid;
  p.name = cstr(e.comm, sizeof e.comm);
  auto argv = split_nul(e.argv, std::min<size_t>(e.argv_len, sizeof e.argv));
  if (!argv.empty()) {
    p.exe = argv[0];
    p.args.assign(argv.begin() + 1, argv.end());
  }
  // The working directory does not change across exec; the process may have moved since.
  if (auto info = read_proc(e.tgid); info && !info->cwd.empty()) cwd = info->cwd.back() == '/' ? info->cwd : info->cwd + "/";
  p.cwd = cwd;
  std::string file = cstr(e.path, sizeof e.path);
  p.exepath = file.empty() || file[0] == '/' ? file : join_path(cwd, file);
  p.exe_from_memfd = (e.flags & DG_FLAG_EXE_MEMFD) != 0;
  if (p.exe_from_memfd) p.exepath = cstr(e.path2, sizeof e.path2);
  p.start_ts = time_ns;
  fill_creds(p, e);
  en.cgroup = cstr(e.cgroup, sizeof e.cgroup);
  en.cgroup_parent = cstr(e.cgroup_parent, sizeof e.cgroup_parent);
  en.exited_ns = 0;
  link_parent(en, 0);
  return en;
}

ProcEntry& ProcessTable::get(const dg_event& e, uint64_t time_ns) {
  ProcEntry* en = lookup_or_read(e.tgid, 0);
  if (!en) {
    auto fresh = std::make_unique<ProcEntry>();
    fresh->p.pid = e.tgid;
    fresh->p.vpid = e.vtgid ? e.vtgid : e.tgid;
    fresh->p.ppid = e.ppid;
    fresh->p.name = cstr(e.comm, sizeof e.comm);
    fresh->p.start_ts = time_ns;
    fresh->cgroup = cstr(e.cgroup, sizeof e.cgroup);
    fresh->cgroup_parent = cstr(e.cgroup_parent, sizeof e.cgroup_parent);
    en = fresh.get();
    by_pid_[e.tgid] = std::move(fresh);
    link_parent(*en, 0);
  }
  // A thread may have changed its credentials (setuid) since the process was met.
  if (e.kind != DG_KIND_EXIT) fill_creds(en->p, e);
  if (en->cgroup.empty()) {
    en->cgroup = cstr(e.cgroup, sizeof e.cgroup);
    en->cgroup_parent = cstr(e.cgroup_parent, sizeof e.cgroup_parent);
  }
  return *en;
}

void ProcessTable::on_exit(int64_t pid, uint64_t now_ns) {
  if (auto it = by_pid_.find(pid); it != by_pid_.end()) it->second->exited_ns = now_ns ? now_ns : 1;
}

void ProcessTable::sweep(uint64_t now_ns) {
  std::vector<int64_t> gone;
  for (auto& [pid, en] : by_pid_)
    if (en->exited_ns && now_ns - en->exited_ns > kKeepExitedNs) gone.push_back(pid);
  if (gone.empty()) return;
  std::vector<const rules::Process*> dead;
  for (auto pid : gone) dead.push_back(&by_pid_[pid]->p);
  for (auto& [pid, en] : by_pid_)
    for (auto* d : dead)
      if (en->p.parent == d) en->p.parent = nullptr;
  for (auto pid : gone) by_pid_.erase(pid);
}

}  // namespace dagda::monitor
