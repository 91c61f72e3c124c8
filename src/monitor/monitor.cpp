// monitor/monitor.cpp: the monitor's loop and the translation of sensor
// records into rule events.
#include "monitor/monitor.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <climits>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "monitor/containers.hpp"
#include "monitor/image_facts.hpp"
#include "monitor/procs.hpp"
#include "monitor/sensor.hpp"
#include "rules/event_types.hpp"
#include "rules/recording.hpp"

namespace dagda::monitor {
namespace {

uint64_t clock_ns(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

std::string cstr(const char* s, size_t max) { return std::string(s, strnlen(s, max)); }

std::string readlink_str(const std::string& path) {
  char buf[PATH_MAX];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// name of an id in a passwd or group file (first and third fields); nullopt when the file
// cannot be read.
std::optional<std::string> name_in(const std::string& file, uint32_t id) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  std::string line;
  for (int n = 0; n < 10000 && std::getline(in, line); ++n) {
    auto c1 = line.find(':');
    if (c1 == std::string::npos) continue;
    auto c2 = line.find(':', c1 + 1);
    if (c2 == std::string::npos) continue;
    auto c3 = line.find(':', c2 + 1);
    if (c3 == std::string::npos) continue;
    if (line.substr(c2 + 1, c3 - c2 - 1) == std::to_string(id)) return line.substr(0, c1);
  }
  return std::string();
}

rules::IpAddr ip_from(unsigned family, const unsigned char* bytes) {
  rules::IpAddr a;
  if (family == AF_INET) {
    a.family = 4;
    std::memcpy(a.bytes.data(), bytes, 4);
  } else if (family == AF_INET6) {
    a.family = 6;
    std::memcpy(a.bytes.data(), bytes, 16);
  }
  return a;
}

class Monitor {
 public:
  Monitor(const MonitorOptions& opts, std::unique_ptr<Sensor> sensor, std::unique_ptr<net::EngineClient> engine,
          std::unique_ptr<rules::RecordingWriter> recorder)
      : opts_(opts),
        recorder_(std::move(recorder)),
        sensor_(std::move(sensor)),
        containers_(std::move(engine)),
        facts_(opts.db, opts.match_vulns),
        engine_(opts.rules, rules::EngineOptions{.hostname = opts.hostname,
                                                 .provider = [this](const rules::Event& e, rules::DagdaFacts& f) {
                                                   provide(e, f);
                                                 },
                                                 .all_matches = false}) {
    boot_to_epoch_ = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
  }

  Result<MonitorStats> run() {
    MonitorStats st;
    st.sensor = sensor_->name();
    uint64_t last_sweep = 0, last_drops = 0;
    RawHandler h = [&](const dg_event& r) {
      ++st.events;
      on_record(r, st);
    };
    while (!opts_.stop || !opts_.stop->load()) {
      DAGDA_TRY(sensor_->poll(200, h));
      if (record_error_) return *record_error_;
      uint64_t now = clock_ns(CLOCK_BOOTTIME);
      if (now - last_sweep > 1'000'000'000ull) {
        last_sweep = now;
        procs_.sweep(now);
        uint64_t d = sensor_->dropped();
        if (d != last_drops && opts_.on_notice)
          opts_.on_notice(fmt::format("{} events dropped so far (the sensor's buffer was full)", d));
        last_drops = d;
      }
    }
    st.dropped = sensor_->dropped();
    if (recorder_) {
      st.recorded = recorder_->written();
      DAGDA_TRY(recorder_->close());
    }
    return st;
  }

 private:
  void on_record(const dg_event& r, MonitorStats& st) {
    uint64_t t = r.ts + boot_to_epoch_;
    ProcEntry* pe = nullptr;
    if (r.kind == DG_KIND_EXEC) pe = &procs_.on_exec(r, t);
    else pe = &procs_.get(r, t);

    const ContainerEntry* ce = nullptr;
    auto m = container_from_cgroup(pe->cgroup, pe->cgroup_parent);
    if (m) ce = containers_.get(*m, r.ts);
    if (!wanted(ce)) {
      if (r.kind == DG_KIND_EXIT) procs_.on_exit(r.tgid, r.ts);
      return;
    }
    rules::Process& p = pe->p;
    if (r.kind == DG_KIND_EXEC) p.exe_writable = exe_writable(r.tgid, p);
    if (r.kind == DG_KIND_EXEC && ce) {
      if (!ce->upper_dir.empty() && !p.exe_from_memfd && !p.exepath.empty()) {
        struct stat sb{};
        p.exe_upper_layer = ::lstat((ce->upper_dir + p.exepath).c_str(), &sb) == 0;
        p.exe_lower_layer = !p.exe_upper_layer;
      }
      if (!ce->c.image.empty()) facts_.get(ce->c.image);  // start reading the image early
    }
    fill_user(p, ce, r.tgid);

    ev_ = rules::Event{};
    fd_ = rules::Fd{};
    ev_.time_ns = t;
    ev_.tid = r.tid;
    ev_.vtid = r.vtid;
    ev_.proc = &p;
    ev_.container = ce ? &ce->c : nullptr;
    current_ = ce;
    bool ok = false;
    switch (r.kind) {
      case DG_KIND_EXEC: ok = exec_event(r, p); break;
      case DG_KIND_EXIT: ok = set_type("procexit"); ev_.res = r.ret; break;
      case DG_KIND_SYSCALL: ok = syscall_event(r, p); break;
      default: break;
    }
    if (ok && recorder_ && !record_error_) {
      if (auto w = recorder_->write(ev_); !w.ok()) record_error_ = w.error();
    }
    if (ok) {
      alerts_.clear();
      engine_.process(ev_, alerts_);
      for (const auto& a : alerts_) {
        ++st.alerts;
        if (opts_.on_alert) opts_.on_alert(a);
      }
    }
    if (r.kind == DG_KIND_EXIT) procs_.on_exit(r.tgid, r.ts);
  }

  bool wanted(const ContainerEntry* ce) const {
    if (opts_.containers.empty()) return true;
    if (!ce) return false;
    for (const auto& want : opts_.containers)
      if ((!want.empty() && ce->c.id.starts_with(want)) || (!ce->c.name.empty() && ce->c.name == want)) return true;
    return false;
  }

  // User and group names from the container's own files, read through /proc/PID/root of the
  // process, else of the container's first process (a short-lived process may be gone by the
  // time its event is read). Names that could not be read are not cached.
  void fill_user(rules::Process& p, const ContainerEntry* ce, int64_t pid) {
    std::string key = fmt::format("{}:{}:{}", ce ? ce->c.id : "", p.uid, p.gid);
    auto it = users_.find(key);
    if (it == users_.end()) {
      auto lookup = [&](const char* file, uint32_t id) -> std::optional<std::string> {
        if (id == 0) return std::string("root");
        if (!ce) return name_in(std::string("/") + file, id);
        if (auto n = name_in(fmt::format("/proc/{}/root/{}", pid, file), id)) return n;
        if (ce->init_pid > 0) return name_in(fmt::format("/proc/{}/root/{}", ce->init_pid, file), id);
        return std::nullopt;
      };
      auto user = lookup("etc/passwd", p.uid);
      auto group = lookup("etc/group", p.gid);
      if (!user || !group) {
        p.user_name = user.value_or("");
        p.group_name = group.value_or("");
        return;
      }
      if (users_.size() > 10000) users_.clear();
      it = users_.emplace(key, std::make_pair(*user, *group)).first;
    }
    p.user_name = it->second.first;
    p.group_name = it->second.second;
  }

  // Whether the process's user may write its executable (an anonymous memfd always), judged
  // from the mode and owner of the file /proc/PID/exe points to.
  static bool exe_writable(int64_t pid, const rules::Process& p) {
    if (p.exe_from_memfd) return true;
    struct stat sb{};
    if (::stat(fmt::format("/proc/{}/exe", pid).c_str(), &sb) != 0) return false;
    if (p.uid == 0) return true;
    if (sb.st_uid == p.uid) return (sb.st_mode & S_IWUSR) != 0;
    if (sb.st_gid == p.gid) return (sb.st_mode & S_IWGRP) != 0;
    return (sb.st_mode & S_IWOTH) != 0;
  }

  bool set_type(std::string_view name) {
    auto id = rules::event_type_id(name);
    if (!id) return false;
    ev_.type = *id;
    return true;
  }

  void arg(std::string name, std::string value, std::optional<int64_t> raw = std::nullopt) {
    ev_.args.push_back(rules::EventArg{std::move(name), std::move(value), raw});
  }

  bool exec_event(const dg_event& r, const rules::Process& p) {
    set_type("execve");
    ev_.res = 0;
    arg("res", "0", 0);
    arg("exe", p.exe);
    std::string args;
    for (const auto& a : p.args) args += (args.empty() ? "" : " ") + a;
    arg("args", args);
    arg("filename", cstr(r.path, sizeof r.path));
    arg("flags", exe_flags_text(p));
    return true;
  }

  std::string dir_of(int64_t pid, int64_t dirfd, const rules::Process& p) {
    if (static_cast<int32_t>(dirfd) == AT_FDCWD || dirfd < 0) return p.cwd;
    std::string d = readlink_str(fmt::format("/proc/{}/fd/{}", pid, static_cast<int32_t>(dirfd)));
    return d.empty() ? p.cwd : d;
  }

  void file_fd(const std::string& path, int64_t num, bool directory) {
    fd_.num = num;
    fd_.type = directory ? rules::FdType::directory : rules::FdType::file;
    fd_.name = path;
    ev_.fd = &fd_;
  }

  void socket_fd(const dg_event& r, bool server_side, bool listening, int64_t num) {
    fd_.num = num;
    unsigned family = r.sk_family;
    sockaddr_storage sa{};
    std::memcpy(&sa, r.sockaddr, sizeof r.sockaddr);
    if (!(r.flags & DG_FLAG_SOCK)) family = sa.ss_family;
    if (family == AF_UNIX) {
      fd_.type = rules::FdType::unix_socket;
      const auto* un = reinterpret_cast<const sockaddr_un*>(r.sockaddr);
      fd_.name = cstr(un->sun_path, sizeof r.sockaddr - offsetof(sockaddr_un, sun_path));
      ev_.fd = &fd_;
      return;
    }
    if (family != AF_INET && family != AF_INET6) return;
    fd_.type = family == AF_INET ? rules::FdType::ipv4 : rules::FdType::ipv6;
    rules::IpAddr local, remote;
    uint16_t lport = 0, rport = 0;
    if (r.flags & DG_FLAG_SOCK) {
      local = ip_from(family, r.sk_saddr);
      remote = ip_from(family, r.sk_daddr);
      lport = r.sk_sport;
      rport = r.sk_dport;
      fd_.l4proto = r.sk_protocol == IPPROTO_TCP ? rules::L4Proto::tcp
                    : r.sk_protocol == IPPROTO_UDP ? rules::L4Proto::udp
                    : r.sk_protocol == IPPROTO_ICMP || r.sk_protocol == IPPROTO_ICMPV6 ? rules::L4Proto::icmp
                                                                                        : rules::L4Proto::raw;
    }
    // The address the caller gave (connect's destination, bind's address) when the socket says none.
    if (sa.ss_family == AF_INET) {
      const auto* in = reinterpret_cast<const sockaddr_in*>(&sa);
      rules::IpAddr given = ip_from(AF_INET, reinterpret_cast<const unsigned char*>(&in->sin_addr));
      uint16_t port = ntohs(in->sin_port);
      if (server_side || listening) {
        if (!lport) local = given, lport = port;
      } else if (!rport) {
        remote = given, rport = port;
      }
    } else if (sa.ss_family == AF_INET6) {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&sa);
      rules::IpAddr given = ip_from(AF_INET6, reinterpret_cast<const unsigned char*>(&in6->sin6_addr));
      uint16_t port = ntohs(in6->sin6_port);
      if (server_side || listening) {
        if (!lport) local = given, lport = port;
      } else if (!rport) {
        remote = given, rport = port;
      }
    }
    if (fd_.l4proto == rules::L4Proto::none) fd_.l4proto = rules::L4Proto::tcp;
    if (server_side || listening) {
      fd_.role = rules::FdRole::server;
      fd_.sip = local, fd_.sport = lport, fd_.cip = remote, fd_.cport = rport;
    } else {
      fd_.role = rules::FdRole::client;
      fd_.cip = local, fd_.cport = lport, fd_.sip = remote, fd_.sport = rport;
    }
    fd_.listening = listening;
    fd_.connected = !listening;
    ev_.fd = &fd_;
  }

  bool syscall_event(const dg_event& r, const rules::Process& p) {
    const char* name = traced_call_name(r.nr);
    if (!name || !set_type(name)) return false;
    std::string_view n = name;
    ev_.res = r.ret;
    arg("res", r.ret >= 0 ? std::to_string(r.ret) : rules::errno_name(r.ret), r.ret);
    const auto* a = r.args;
    std::string path = cstr(r.path, sizeof r.path), path2 = cstr(r.path2, sizeof r.path2);
    auto i64 = [](unsigned long long v) { return static_cast<int64_t>(v); };
    if (n == "open" || n == "openat" || n == "openat2" || n == "creat") {
      int64_t dirfd = n == "openat" || n == "openat2" ? static_cast<int32_t>(a[0]) : AT_FDCWD;
      uint32_t flags = n == "creat" ? (O_CREAT | O_WRONLY | O_TRUNC) : static_cast<uint32_t>(n == "open" ? a[1] : a[2]);
      uint32_t mode = static_cast<uint32_t>(n == "open" ? a[2] : n == "creat" ? a[1] : a[3]);
      std::string full = join_path(dir_of(r.tgid, dirfd, p), path);
      ev_.open_flags = flags;
      ev_.open_mode = mode;
      if (r.ret >= 0) arg("fd", std::to_string(r.ret), r.ret);
      if (dirfd != AT_FDCWD) arg("dirfd", std::to_string(dirfd), dirfd);
      arg("name", full);
      arg("flags", rules::render_open_flags(flags), flags);
      arg("mode", fmt::format("0{:o}", mode), mode);
      file_fd(full, r.ret, (flags & O_DIRECTORY) != 0);
      if (path != full) fd_.nameraw = path;
    } else if (n == "connect") {
      socket_fd(r, false, false, i64(a[0]));
      arg("fd", std::to_string(i64(a[0])), i64(a[0]));
    } else if (n == "accept" || n == "accept4") {
      if (r.ret >= 0) socket_fd(r, true, false, r.ret);
      arg("fd", std::to_string(r.ret), r.ret);
    } else if (n == "bind" || n == "listen") {
      socket_fd(r, true, true, i64(a[0]));
      arg("fd", std::to_string(i64(a[0])), i64(a[0]));
      if (n == "listen") arg("backlog", std::to_string(i64(a[1])), i64(a[1]));
    } else if (n == "dup" || n == "dup2" || n == "dup3") {
      // The new descriptor names the same file; the sensor describes it when it is a socket.
      if (r.ret >= 0 && (r.flags & DG_FLAG_SOCK)) socket_fd(r, false, false, r.ret);
      arg("oldfd", std::to_string(i64(a[0])), i64(a[0]));
      if (n != "dup") arg("newfd", std::to_string(i64(a[1])), i64(a[1]));
      if (n == "dup3") arg("flags", std::to_string(a[2]), i64(a[2]));
    } else if (n == "socket") {
      arg("domain", socket_family_name(a[0]), i64(a[0]));
      arg("type", std::to_string(a[1]), i64(a[1]));
      arg("proto", std::to_string(a[2]), i64(a[2]));
    } else if (n.starts_with("set")) {
      static const char* const names[] = {"uid", "gid", "ruid", "euid", "suid"};
      if (n == "setuid" || n == "setfsuid") arg("uid", std::to_string(a[0]), i64(a[0]));
      else if (n == "setgid" || n == "setfsgid") arg("gid", std::to_string(a[0]), i64(a[0]));
      else if (n == "setreuid") arg("ruid", std::to_string(a[0]), i64(a[0])), arg("euid", std::to_string(a[1]), i64(a[1]));
      else if (n == "setregid") arg("rgid", std::to_string(a[0]), i64(a[0])), arg("egid", std::to_string(a[1]), i64(a[1]));
      else if (n == "setresuid") arg("ruid", std::to_string(a[0]), i64(a[0])), arg("euid", std::to_string(a[1]), i64(a[1])), arg("suid", std::to_string(a[2]), i64(a[2]));
      else if (n == "setresgid") arg("rgid", std::to_string(a[0]), i64(a[0])), arg("egid", std::to_string(a[1]), i64(a[1])), arg("sgid", std::to_string(a[2]), i64(a[2]));
      (void)names;
    } else if (n == "ptrace") {
      static const std::map<int64_t, const char*> req = {{0, "PTRACE_TRACEME"}, {1, "PTRACE_PEEKTEXT"}, {2, "PTRACE_PEEKDATA"},
          {4, "PTRACE_POKETEXT"}, {5, "PTRACE_POKEDATA"}, {6, "PTRACE_POKEUSR"}, {16, "PTRACE_ATTACH"},
          {0x4206, "PTRACE_SEIZE"}};
      auto it = req.find(i64(a[0]));
      arg("request", it != req.end() ? it->second : std::to_string(a[0]), i64(a[0]));
      arg("pid", std::to_string(i64(a[1])), i64(a[1]));
    } else if (n == "memfd_create") {
      arg("name", path);
      arg("flags", std::to_string(a[1]), i64(a[1]));
      if (r.ret >= 0) {
        fd_.num = r.ret;
        fd_.type = rules::FdType::memfd;
        fd_.name = "memfd:" + path;
        ev_.fd = &fd_;
      }
    } else if (n == "unlink" || n == "unlinkat") {
      int64_t dirfd = n == "unlinkat" ? static_cast<int32_t>(a[0]) : AT_FDCWD;
      arg(n == "unlink" ? "path" : "name", join_path(dir_of(r.tgid, dirfd, p), path));
    } else if (n == "rename" || n == "renameat" || n == "renameat2" || n == "link" || n == "linkat") {
      bool at = n.ends_with("at") || n == "renameat2";
      int64_t d1 = at ? static_cast<int32_t>(a[0]) : AT_FDCWD, d2 = at ? static_cast<int32_t>(a[2]) : AT_FDCWD;
      arg("oldpath", join_path(dir_of(r.tgid, d1, p), path));
      arg("newpath", join_path(dir_of(r.tgid, d2, p), path2));
    } else if (n == "symlink" || n == "symlinkat") {
      int64_t d = n == "symlinkat" ? static_cast<int32_t>(a[1]) : AT_FDCWD;
      arg("target", path);
      arg("linkpath", join_path(dir_of(r.tgid, d, p), path2));
    } else if (n == "mount") {
      arg("dev", path);
      arg("dir", path2);
      arg("type", cstr(r.argv, 64));
      arg("flags", std::to_string(a[3]), i64(a[3]));
    } else if (n == "chmod" || n == "fchmodat" || n == "fchmodat2") {
      int64_t d = n == "chmod" ? AT_FDCWD : static_cast<int32_t>(a[0]);
      uint64_t mode = n == "chmod" ? a[1] : a[2];
      arg("filename", join_path(dir_of(r.tgid, d, p), path));
      arg("mode", fmt::format("0{:o}", mode), static_cast<int64_t>(mode));
    } else if (n == "fchmod") {
      arg("fd", std::to_string(i64(a[0])), i64(a[0]));
      arg("mode", fmt::format("0{:o}", a[1]), i64(a[1]));
    }
    return true;
  }

  void provide(const rules::Event& e, rules::DagdaFacts& f) {
    if (!current_ || !e.proc) return;
    const rules::Process& p = *e.proc;
    // An executable in the container's writable layer was added (or changed) after the image.
    if (!current_->upper_dir.empty() && !p.exepath.empty() && !p.exe_from_memfd) f.drift = p.exe_upper_layer;
    if (current_->c.image.empty()) return;
    auto info = facts_.get(current_->c.image);
    if (!info || !info->ready) return;
    if (!info->error.empty() && opts_.on_notice && facts_noticed_.insert(current_->c.image).second)
      opts_.on_notice(fmt::format("image {}: {}; {} unknown for its containers", current_->c.image, info->error,
                                  info->files.empty() ? "the dagda.* fields stay" : "dagda.pkg.vulns and dagda.pkg.kev stay"));
    if (const FileFacts* ff = find_file(*info, p.exepath)) {
      f.pkg = ff->pkg;
      f.vulns = ff->vulns;
      f.kev = ff->kev;
    } else if (!info->files.empty() && !f.drift && !p.exe_from_memfd) {
      // Not owned by any package of the image; without the writable layer to look at, that is the best sign.
      f.drift = !p.exe_lower_layer;
    }
  }

  const MonitorOptions& opts_;
  std::unique_ptr<rules::RecordingWriter> recorder_;
  std::optional<Error> record_error_;
  std::unique_ptr<Sensor> sensor_;
  ProcessTable procs_;
  ContainerTable containers_;
  ImageFacts facts_;
  std::set<std::string> facts_noticed_;  // images whose facts' error was told
  rules::Engine engine_;
  uint64_t boot_to_epoch_ = 0;
  const ContainerEntry* current_ = nullptr;
  rules::Event ev_;
  rules::Fd fd_;
  std::vector<rules::Alert> alerts_;
  std::unordered_map<std::string, std::pair<std::string, std::string>> users_;
};

}  // namespace

Result<MonitorStats> run_monitor(const MonitorOptions& opts) {
  std::unique_ptr<Sensor> sensor;
  std::string ebpf_error;
  if (opts.sensor == "auto" || opts.sensor == "ebpf") {
    auto s = open_ebpf_sensor();
    if (s.ok()) sensor = std::move(*s);
    else if (opts.sensor == "ebpf") return s.error();
    else ebpf_error = s.error().message();
  }
  if (!sensor) {
    auto s = open_proc_connector_sensor();
    if (!s.ok())
      return Error(ErrorCode::unsupported,
                   fmt::format("no sensor could be attached: {}{}", ebpf_error.empty() ? "" : "eBPF: " + ebpf_error + "; ",
                               s.error().message()));
    sensor = std::move(*s);
    if (opts.on_notice && !ebpf_error.empty()) opts.on_notice("eBPF sensor unavailable: " + ebpf_error);
  }
  if (opts.on_notice) opts.on_notice(fmt::format("sensor {}: {}", sensor->name(), sensor->coverage()));
  std::unique_ptr<net::EngineClient> engine;
  if (auto ep = net::engine_from_env(); ep.ok()) {
    engine = std::make_unique<net::EngineClient>(std::move(*ep));
    if (auto st = engine->ping(); !st.ok()) {
      if (opts.on_notice)
        opts.on_notice(fmt::format("no container engine answers ({}): container names, images and dagda.* fields "
                                   "stay unknown",
                                   st.error().message()));
      engine.reset();
    }
  }
  std::unique_ptr<rules::RecordingWriter> recorder;
  if (!opts.record.empty()) {
    auto w = rules::RecordingWriter::open(opts.record);
    if (!w.ok()) return w.error();
    recorder = std::move(*w);
  }
  Monitor m(opts, std::move(sensor), std::move(engine), std::move(recorder));
  if (opts.on_notice) opts.on_notice("monitor ready");
  return m.run();
}

state::StoredAlert stored_alert(const rules::Alert& a) {
  state::StoredAlert s;
  s.time_ns = a.time_ns;
  s.rule = a.rule;
  s.priority = std::string(rules::priority_name(a.priority));
  s.source = a.source;
  s.hostname = a.hostname;
  if (auto c = a.output_fields.find("container.id"); c != a.output_fields.end() && c->is_string())
    s.container_id = c->get<std::string>();
  s.origin = "dagda";
  s.output = a.output;
  s.json = a.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return s;
}

}  // namespace dagda::monitor
