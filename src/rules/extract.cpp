// Field extraction: what each supported field reads from an Event.
#include <ctime>

#include <fmt/format.h>

#include "rules/event_types.hpp"
#include "rules/filter.hpp"

namespace dagda::rules {
namespace {

constexpr int kMaxAncestors = 256;

void str(Slot& out, std::string_view s) {
  Val v;
  v.s = s;
  out.vals.push_back(v);
}
void str_nonempty(Slot& out, std::string_view s) {
  if (!s.empty()) str(out, s);
}
void num(Slot& out, int64_t i) {
  Val v;
  v.kind = Val::Kind::num;
  v.i = i;
  out.vals.push_back(v);
}
void flag(Slot& out, bool b) { num(out, b ? 1 : 0); }
void ip(Slot& out, const IpAddr& a) {
  if (!a.set()) return;
  Val v;
  v.kind = Val::Kind::ip;
  v.ip = &a;
  out.vals.push_back(v);
}
std::string& buf(Slot& out) { return out.buf(); }

// The process `n` generations up (0: the process itself), or null.
const Process* ancestor(const Process* p, int64_t n) {
  for (int64_t i = 0; p && i < n && i < kMaxAncestors; ++i) p = p->parent;
  return n > kMaxAncestors ? nullptr : p;
}

void join_args(const std::vector<std::string>& args, std::string& out) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) out += ' ';
    out += args[i];
  }
}

void cmdline(const Process& p, Slot& out) {
  std::string& b = buf(out);
  b = p.name;
  if (!p.args.empty()) {
    b += ' ';
    join_args(p.args, b);
  }
  str(out, b);
}

bool is_open_type(EventTypeId t) {
  static const EventTypeId ids[] = {*event_type_id("open"), *event_type_id("openat"), *event_type_id("openat2"),
                                    *event_type_id("open_by_handle_at"), *event_type_id("creat")};
  for (auto id : ids)
    if (t == id) return true;
  return false;
}

// Times are printed in UTC so that output does not depend on the host's zone.
void fmt_time(uint64_t ns, const char* fmt_str, bool frac, Slot& out, const char* suffix = "") {
  time_t secs = static_cast<time_t>(ns / 1000000000);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char b[64];
  size_t n = strftime(b, sizeof b, fmt_str, &tm);
  std::string& s = buf(out);
  s.assign(b, n);
  if (frac) fmt::format_to(std::back_inserter(s), ".{:09}", ns % 1000000000);
  s += suffix;
  str(out, s);
}

// Which end is local: the server end for a server, the client end otherwise.
bool local_is_server(const Fd& fd) { return fd.role == FdRole::server || fd.listening; }

const std::string& fd_name(const Fd& fd, Slot& out) {
  if (!fd.name.empty() || (fd.type != FdType::ipv4 && fd.type != FdType::ipv6)) return fd.name;
  std::string& b = buf(out);
  auto addr = [&](const IpAddr& a, uint16_t port) {
    if (a.family == 6) fmt::format_to(std::back_inserter(b), "[{}]:{}", a.str(), port);
    else fmt::format_to(std::back_inserter(b), "{}:{}", a.str(), port);
  };
  if (fd.listening && !fd.cip.set()) {
    addr(fd.sip, fd.sport);
  } else {
    addr(fd.cip, fd.cport);
    b += "->";
    addr(fd.sip, fd.sport);
  }
  return b;
}

void fd_directory(const Fd& fd, Slot& out) {
  if (fd.type == FdType::directory) {
    str(out, fd.name);
    return;
  }
  if (fd.type != FdType::file || fd.name.empty()) return;
  std::string_view n = fd.name;
  size_t pos = n.rfind('/');
  if (pos == std::string_view::npos || pos == 0) str(out, "/");
  else if (pos < n.size() - 1) str(out, n.substr(0, pos));
  else str(out, n);
}

void fd_filename(const Fd& fd, Slot& out) {
  if (fd.type != FdType::file || fd.name.empty()) return;
  std::string_view n = fd.name;
  size_t pos = n.rfind('/');
  if (pos == std::string_view::npos) str(out, "/");
  else if (pos < n.size() - 1) str(out, n.substr(pos + 1));
  else str(out, n);
}

// container.mount*[X]: X a number (the Nth mount, counted from 0; the compiler
// has parsed it into `index`) or a glob over the mount's source (for
// mount.source: over its destination).
const Mount* find_mount(const Container& c, const std::optional<int64_t>& index, const std::string& key, bool by_dest) {
  if (index) return *index >= 0 && static_cast<uint64_t>(*index) < c.mounts.size() ? &c.mounts[static_cast<size_t>(*index)] : nullptr;
  for (const auto& m : c.mounts)
    if (glob_match(key, by_dest ? m.dest : m.source)) return &m;
  return nullptr;
}

void mount_text(const Mount& m, std::string& b) {
  fmt::format_to(std::back_inserter(b), "{}:{}:{}:{}:{}", m.source, m.dest, m.mode, m.rw ? "true" : "false",
                 m.propagation);
}

}  // namespace

void FieldExtractor::compute(const Event& e, EvalContext& ctx, Slot& out) const {
  const Process* p = e.proc;
  const Fd* fd = e.fd;
  const Container* c = e.container;
  using F = FieldId;
  switch (id) {
    // ---- evt ----
    case F::evt_type: str(out, event_type_name(e.type)); return;
    case F::evt_dir: str(out, e.dir == '>' ? ">" : "<"); return;
    case F::evt_num: num(out, static_cast<int64_t>(e.num ? e.num : ctx.evt_num)); return;
    case F::evt_time: fmt_time(e.time_ns, "%H:%M:%S", true, out); return;
    case F::evt_time_s: fmt_time(e.time_ns, "%H:%M:%S", false, out); return;
    case F::evt_time_iso8601: fmt_time(e.time_ns, "%Y-%m-%dT%H:%M:%S", true, out, "+0000"); return;
    case F::evt_datetime: fmt_time(e.time_ns, "%Y-%m-%d %H:%M:%S", true, out); return;
    case F::evt_datetime_s: fmt_time(e.time_ns, "%Y-%m-%d %H:%M:%S", false, out); return;
    case F::evt_rawtime: num(out, static_cast<int64_t>(e.time_ns)); return;
    case F::evt_rawtime_s: num(out, static_cast<int64_t>(e.time_ns / 1000000000)); return;
    case F::evt_rawtime_ns: num(out, static_cast<int64_t>(e.time_ns % 1000000000)); return;
    case F::evt_args:
    case F::evt_info: {
      std::string& b = buf(out);
      for (const auto& a : e.args) {
        if (!b.empty()) b += ' ';
        b += a.name;
        b += '=';
        b += a.value;
      }
      str(out, b);
      return;
    }
    case F::evt_arg: {
      const EventArg* a = nullptr;
      if (index) {
        if (*index >= 0 && static_cast<size_t>(*index) < e.args.size()) a = &e.args[static_cast<size_t>(*index)];
      } else {
        a = e.arg(key);
      }
      if (a) str(out, a->value);
      return;
    }
    case F::evt_rawarg: {
      const EventArg* a = e.arg(key);
      if (!a) return;
      if (a->raw) num(out, *a->raw);
      else str(out, a->value);
      return;
    }
    case F::evt_res:
      if (e.res) str(out, buf(out) = errno_name(*e.res));
      return;
    case F::evt_rawres:
      if (e.res) num(out, *e.res);
      return;
    case F::evt_failed:
      if (e.res) flag(out, *e.res < 0);
      return;
    case F::evt_is_open_read:
    case F::evt_is_open_write:
    case F::evt_is_open_exec:
    case F::evt_is_open_create: {
      bool v = false;
      if (e.open_flags && is_open_type(e.type)) {
        uint32_t f = *e.open_flags, acc = f & 3;
        if (id == F::evt_is_open_read) v = acc == 0 || acc == 2;
        else if (id == F::evt_is_open_write) v = acc == 1 || acc == 2;
        else if (id == F::evt_is_open_create) v = (f & 0100) != 0;
        else v = (f & 0100) != 0 && (e.open_mode & 0111) != 0;
      }
      flag(out, v);
      return;
    }
    case F::evt_hostname: str_nonempty(out, ctx.hostname); return;
    case F::evt_source: str(out, "syscall"); return;
    case F::evt_cpu:
      if (e.cpu >= 0) num(out, e.cpu);
      return;
    default: break;
  }

  // ---- proc, thread, user, group ----
  switch (id) {
    case F::proc_name: if (p) str_nonempty(out, p->name); return;
    case F::proc_exe: if (p) str_nonempty(out, p->exe); return;
    case F::proc_exepath: if (p) str_nonempty(out, p->exepath); return;
    case F::proc_args: if (p) { std::string& b = buf(out); join_args(p->args, b); str(out, b); } return;
    case F::proc_cmdline: if (p) cmdline(*p, out); return;
    case F::proc_exeline:
      if (p) {
        std::string& b = buf(out);
        b = p->exe;
        if (!p->args.empty()) b += ' ', join_args(p->args, b);
        str(out, b);
      }
      return;
    case F::proc_cmdnargs: if (p) num(out, static_cast<int64_t>(p->args.size())); return;
    case F::proc_cmdlenargs:
      if (p) {
        int64_t n = 0;
        for (const auto& a : p->args) n += static_cast<int64_t>(a.size());
        num(out, n);
      }
      return;
    case F::proc_env:
      if (!p) return;
      if (has_key) {
        for (const auto& kv : p->env) {
          if (kv.size() > key.size() && kv.compare(0, key.size(), key) == 0 && kv[key.size()] == '=') {
            str(out, std::string_view(kv).substr(key.size() + 1));
            return;
          }
        }
      } else {
        std::string& b = buf(out);
        join_args(p->env, b);
        str(out, b);
      }
      return;
    case F::proc_cwd: if (p) str_nonempty(out, p->cwd); return;
    case F::proc_loginshellid: if (p) num(out, p->loginshellid); return;
    case F::proc_tty: if (p) num(out, p->tty); return;
    case F::proc_pid: if (p) num(out, p->pid); return;
    case F::proc_vpid: if (p) num(out, p->vpid); return;
    case F::proc_ppid: if (p) num(out, p->parent ? p->parent->pid : p->ppid); return;
    case F::proc_pvpid: if (p) num(out, p->parent ? p->parent->vpid : p->pvpid); return;
    case F::proc_sid: if (p) num(out, p->sid); return;
    case F::proc_vpgid: if (p) num(out, p->vpgid); return;
    case F::proc_pgid: if (p) num(out, p->pgid); return;
    case F::proc_pname: if (p && p->parent) str_nonempty(out, p->parent->name); return;
    case F::proc_pexe: if (p && p->parent) str_nonempty(out, p->parent->exe); return;
    case F::proc_pexepath: if (p && p->parent) str_nonempty(out, p->parent->exepath); return;
    case F::proc_pcmdline: if (p && p->parent) cmdline(*p->parent, out); return;
    case F::proc_aname:
    case F::proc_aexe:
    case F::proc_aexepath:
    case F::proc_acmdline:
    case F::proc_apid: {
      auto one = [&](const Process& a) {
        switch (id) {
          case F::proc_aname: str_nonempty(out, a.name); break;
          case F::proc_aexe: str_nonempty(out, a.exe); break;
          case F::proc_aexepath: str_nonempty(out, a.exepath); break;
          case F::proc_acmdline: cmdline(a, out); break;
          default: num(out, a.pid); break;
        }
      };
      if (!p) return;
      if (index) {
        if (const Process* a = ancestor(p, *index)) one(*a);
      } else {
        int n = 0;
        for (const Process* a = p->parent; a && n < kMaxAncestors; a = a->parent, ++n) one(*a);
      }
      return;
    }
    case F::proc_sname: if (p && p->session_leader) str_nonempty(out, p->session_leader->name); return;
    case F::proc_sid_exe: if (p && p->session_leader) str_nonempty(out, p->session_leader->exe); return;
    case F::proc_sid_exepath: if (p && p->session_leader) str_nonempty(out, p->session_leader->exepath); return;
    case F::proc_vpgid_name: if (p && p->vpgid_leader) str_nonempty(out, p->vpgid_leader->name); return;
    case F::proc_vpgid_exe: if (p && p->vpgid_leader) str_nonempty(out, p->vpgid_leader->exe); return;
    case F::proc_vpgid_exepath: if (p && p->vpgid_leader) str_nonempty(out, p->vpgid_leader->exepath); return;
    case F::proc_pgid_name: if (p && p->pgid_leader) str_nonempty(out, p->pgid_leader->name); return;
    case F::proc_pgid_exe: if (p && p->pgid_leader) str_nonempty(out, p->pgid_leader->exe); return;
    case F::proc_pgid_exepath: if (p && p->pgid_leader) str_nonempty(out, p->pgid_leader->exepath); return;
    case F::proc_duration:
      if (p && p->start_ts && e.time_ns >= p->start_ts) num(out, static_cast<int64_t>(e.time_ns - p->start_ts));
      return;
    case F::proc_ppid_duration:
      if (p && p->parent && p->parent->start_ts && e.time_ns >= p->parent->start_ts)
        num(out, static_cast<int64_t>(e.time_ns - p->parent->start_ts));
      return;
    case F::proc_pid_ts: if (p && p->start_ts) num(out, static_cast<int64_t>(p->start_ts)); return;
    case F::proc_ppid_ts: if (p && p->parent && p->parent->start_ts) num(out, static_cast<int64_t>(p->parent->start_ts)); return;
    case F::proc_is_exe_writable: if (p) flag(out, p->exe_writable); return;
    case F::proc_is_exe_upper_layer: if (p) flag(out, p->exe_upper_layer); return;
    case F::proc_is_exe_lower_layer: if (p) flag(out, p->exe_lower_layer); return;
    case F::proc_is_exe_from_memfd: if (p) flag(out, p->exe_from_memfd); return;
    case F::proc_is_sid_leader: if (p) flag(out, p->sid == p->pid); return;
    case F::proc_is_vpgid_leader: if (p) flag(out, p->vpgid == p->vpid); return;
    case F::proc_is_pgid_leader: if (p) flag(out, p->pgid == p->pid); return;
    case F::proc_exe_ino: if (p && p->exe_ino) num(out, p->exe_ino); return;
    case F::proc_exe_ino_ctime: if (p && p->exe_ino_ctime) num(out, static_cast<int64_t>(p->exe_ino_ctime)); return;
    case F::proc_exe_ino_mtime: if (p && p->exe_ino_mtime) num(out, static_cast<int64_t>(p->exe_ino_mtime)); return;
    case F::proc_exe_ino_ctime_duration_proc_start:
      if (p && p->exe_ino_ctime && p->start_ts >= p->exe_ino_ctime)
        num(out, static_cast<int64_t>(p->start_ts - p->exe_ino_ctime));
      return;
    case F::proc_exe_ino_ctime_duration_pidns_start:
      if (p && p->exe_ino_ctime && p->pidns_init_start_ts && p->exe_ino_ctime >= p->pidns_init_start_ts)
        num(out, static_cast<int64_t>(p->exe_ino_ctime - p->pidns_init_start_ts));
      return;
    case F::proc_pidns_init_start_ts: if (p && p->pidns_init_start_ts) num(out, static_cast<int64_t>(p->pidns_init_start_ts)); return;
    case F::thread_cap_permitted: if (p) str(out, buf(out) = render_caps(p->cap_permitted)); return;
    case F::thread_cap_inheritable: if (p) str(out, buf(out) = render_caps(p->cap_inheritable)); return;
    case F::thread_cap_effective: if (p) str(out, buf(out) = render_caps(p->cap_effective)); return;
    case F::thread_tid: if (p) num(out, e.tid ? e.tid : p->pid); return;
    case F::thread_vtid: if (p) num(out, e.vtid ? e.vtid : p->vpid); return;
    case F::thread_ismain: if (p) flag(out, e.tid == 0 || e.tid == p->pid); return;
    case F::user_uid: if (p) num(out, p->uid); return;
    case F::user_name: if (p) str_nonempty(out, p->user_name); return;
    case F::user_homedir: if (p) str_nonempty(out, p->user_homedir); return;
    case F::user_shell: if (p) str_nonempty(out, p->user_shell); return;
    case F::user_loginuid: if (p) num(out, p->loginuid); return;
    case F::user_loginname: if (p) str_nonempty(out, p->loginname); return;
    case F::group_gid: if (p) num(out, p->gid); return;
    case F::group_name: if (p) str_nonempty(out, p->group_name); return;
    default: break;
  }

  // ---- fd ----
  switch (id) {
    case F::fd_num: if (fd) num(out, fd->num); return;
    case F::fd_type: if (fd) str_nonempty(out, fd_type_name(fd->type)); return;
    case F::fd_typechar:
      if (fd && fd_type_char(fd->type)) {
        std::string& b = buf(out);
        b.assign(1, fd_type_char(fd->type));
        str(out, b);
      }
      return;
    case F::fd_name: if (fd) str_nonempty(out, fd_name(*fd, out)); return;
    case F::fd_nameraw: if (fd) str_nonempty(out, fd->nameraw.empty() ? fd->name : fd->nameraw); return;
    case F::fd_directory: if (fd) fd_directory(*fd, out); return;
    case F::fd_filename: if (fd) fd_filename(*fd, out); return;
    case F::fd_containername:
    case F::fd_containerdirectory: {
      if (!fd) return;
      Slot tmp;
      if (id == F::fd_containername) str_nonempty(tmp, fd_name(*fd, tmp));
      else fd_directory(*fd, tmp);
      if (tmp.vals.empty()) return;
      std::string& b = buf(out);
      b = c ? c->id.substr(0, 12) : "host";
      b += ':';
      b.append(tmp.vals[0].s);
      str(out, b);
      return;
    }
    default: break;
  }
  if (fd && (fd->type == FdType::ipv4 || fd->type == FdType::ipv6)) {
    bool srv = local_is_server(*fd);
    switch (id) {
      case F::fd_ip: case F::fd_net: ip(out, fd->cip); ip(out, fd->sip); return;
      case F::fd_cip: case F::fd_cnet: ip(out, fd->cip); return;
      case F::fd_sip: case F::fd_snet: ip(out, fd->sip); return;
      case F::fd_lip: case F::fd_lnet: if (fd->role != FdRole::none || fd->listening) ip(out, srv ? fd->sip : fd->cip); return;
      case F::fd_rip: case F::fd_rnet: if (fd->role != FdRole::none && !fd->listening) ip(out, srv ? fd->cip : fd->sip); return;
      case F::fd_port: if (fd->cport) num(out, fd->cport); if (fd->sport) num(out, fd->sport); return;
      case F::fd_cport: if (fd->cport) num(out, fd->cport); return;
      case F::fd_sport: if (fd->sport) num(out, fd->sport); return;
      case F::fd_lport: if (fd->role != FdRole::none || fd->listening) num(out, srv ? fd->sport : fd->cport); return;
      case F::fd_rport: if (fd->role != FdRole::none && !fd->listening) num(out, srv ? fd->cport : fd->sport); return;
      default: break;
    }
  }
  switch (id) {
    case F::fd_l4proto: if (fd) str_nonempty(out, l4proto_name(fd->l4proto)); return;
    case F::fd_sockfamily:
      if (fd && (fd->type == FdType::ipv4 || fd->type == FdType::ipv6)) str(out, "ip");
      else if (fd && fd->type == FdType::unix_socket) str(out, "unix");
      return;
    case F::fd_is_server: if (fd) flag(out, local_is_server(*fd)); return;
    case F::fd_connected: if (fd) flag(out, fd->connected); return;
    case F::fd_name_changed: if (fd) flag(out, fd->name_changed); return;
    case F::fd_ino: if (fd && fd->ino) num(out, fd->ino); return;
    case F::fd_dev: if (fd && fd->dev) num(out, fd->dev); return;
    case F::fd_dev_major: if (fd && fd->dev) num(out, fd->dev >> 20); return;
    case F::fd_dev_minor: if (fd && fd->dev) num(out, fd->dev & 0xfffff); return;
    case F::fd_is_upper_layer: if (fd) flag(out, fd->upper_layer); return;
    case F::fd_is_lower_layer: if (fd) flag(out, fd->lower_layer); return;
    default: break;
  }

  // ---- container ----
  switch (id) {
    case F::container_id: str(out, c ? std::string_view(c->id).substr(0, 12) : "host"); return;
    case F::container_full_id: str(out, c ? std::string_view(c->id) : "host"); return;
    case F::container_name: str(out, c ? std::string_view(c->name) : "host"); return;
    default: break;
  }
  if (!c) {
    if (id == F::container_privileged) flag(out, false);
    return;
  }
  switch (id) {
    case F::container_image: str_nonempty(out, c->image); return;
    case F::container_image_id: str_nonempty(out, c->image_id); return;
    case F::container_image_repository: str_nonempty(out, c->image_repository); return;
    case F::container_image_tag: str_nonempty(out, c->image_tag); return;
    case F::container_image_digest: str_nonempty(out, c->image_digest); return;
    case F::container_type: str_nonempty(out, c->type); return;
    case F::container_privileged: if (c->privileged) flag(out, *c->privileged); return;
    case F::container_mounts: {
      std::string& b = buf(out);
      for (const auto& m : c->mounts) {
        if (!b.empty()) b += ' ';
        mount_text(m, b);
      }
      str(out, b);
      return;
    }
    case F::container_mount: {
      const Mount* m = find_mount(*c, index, key, false);
      std::string& b = buf(out);
      if (m) mount_text(*m, b);
      else b = "none";
      str(out, b);
      return;
    }
    case F::container_mount_source: if (const Mount* m = find_mount(*c, index, key, true)) str(out, m->source); return;
    case F::container_mount_dest: if (const Mount* m = find_mount(*c, index, key, false)) str(out, m->dest); return;
    case F::container_mount_mode: if (const Mount* m = find_mount(*c, index, key, false)) str(out, m->mode); return;
    case F::container_mount_rdwr: if (const Mount* m = find_mount(*c, index, key, false)) str(out, m->rw ? "true" : "false"); return;
    case F::container_mount_propagation: if (const Mount* m = find_mount(*c, index, key, false)) str(out, m->propagation); return;
    case F::container_start_ts: if (c->start_ts) num(out, static_cast<int64_t>(c->start_ts)); return;
    case F::container_duration:
      if (c->start_ts && e.time_ns >= c->start_ts) num(out, static_cast<int64_t>(e.time_ns - c->start_ts));
      return;
    case F::container_ip: str_nonempty(out, c->ip); return;
    case F::container_host_pid: flag(out, c->host_pid); return;
    case F::container_host_network: flag(out, c->host_network); return;
    case F::container_host_ipc: flag(out, c->host_ipc); return;
    case F::container_label:
      for (const auto& [k, v] : c->labels)
        if (k == key) {
          str(out, v);
          return;
        }
      return;
    case F::container_labels: {
      std::string& b = buf(out);
      for (const auto& [k, v] : c->labels) {
        if (!b.empty()) b += ", ";
        b += k;
        b += ':';
        b += v;
      }
      str(out, b);
      return;
    }
    default: break;
  }

  // ---- dagda ----
  const DagdaFacts& f = ctx.facts(e);
  switch (id) {
    case F::dagda_pkg: if (f.pkg) str(out, *f.pkg); return;
    case F::dagda_pkg_vulns: if (f.vulns) num(out, static_cast<int64_t>(*f.vulns)); return;
    case F::dagda_pkg_kev: if (f.kev) flag(out, *f.kev); return;
    case F::dagda_drift: if (f.drift) flag(out, *f.drift); return;
    default: return;
  }
}

}  // namespace dagda::rules
