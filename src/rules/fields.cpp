#include "rules/fields.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>

namespace dagda::rules {
namespace {

using T = FieldType;
using A = ArgKind;
using F = FieldId;

// What Dagda extracts. Descriptions are ours; names, types and argument forms follow Falco's.
constexpr FieldInfo kFields[] = {
    {"evt.type", F::evt_type, T::string, A::none, false, false, false, false, "the event type (system call name)"},
    {"evt.dir", F::evt_dir, T::string, A::none, false, false, false, false, "'<' for an exit event, '>' for an entry event"},
    {"evt.num", F::evt_num, T::uint64, A::none, false, false, false, false, "the event's sequence number"},
    {"evt.time", F::evt_time, T::string, A::none, false, false, false, false, "the time, HH:MM:SS.nnnnnnnnn (UTC)"},
    {"evt.time.s", F::evt_time_s, T::string, A::none, false, false, false, false, "the time, HH:MM:SS (UTC)"},
    {"evt.time.iso8601", F::evt_time_iso8601, T::string, A::none, false, false, false, false, "the time, ISO 8601 with nanoseconds (UTC)"},
    {"evt.datetime", F::evt_datetime, T::string, A::none, false, false, false, false, "the date and time, YYYY-MM-DD HH:MM:SS.nnnnnnnnn (UTC)"},
    {"evt.datetime.s", F::evt_datetime_s, T::string, A::none, false, false, false, false, "the date and time, YYYY-MM-DD HH:MM:SS (UTC)"},
    {"evt.rawtime", F::evt_rawtime, T::abstime, A::none, false, false, false, false, "the time in ns since the epoch"},
    {"evt.rawtime.s", F::evt_rawtime_s, T::abstime, A::none, false, false, false, false, "the whole seconds of the time"},
    {"evt.rawtime.ns", F::evt_rawtime_ns, T::abstime, A::none, false, false, false, false, "the nanoseconds of the time"},
    {"evt.args", F::evt_args, T::string, A::none, false, false, false, false, "every argument as name=value, space separated"},
    {"evt.info", F::evt_info, T::string, A::none, false, false, false, false, "the same as evt.args"},
    {"evt.arg", F::evt_arg, T::string, A::index_or_key, true, false, false, false, "one argument as text: evt.arg.NAME, evt.arg[NAME] or evt.arg[N]"},
    {"evt.rawarg", F::evt_rawarg, T::dyn, A::key, true, false, false, true, "one argument's raw value: evt.rawarg.NAME"},
    {"evt.res", F::evt_res, T::string, A::none, false, false, false, false, "SUCCESS, or the error name (ENOENT, EACCES, ...)"},
    {"evt.rawres", F::evt_rawres, T::int64, A::none, false, false, false, false, "the return value"},
    {"evt.failed", F::evt_failed, T::boolean, A::none, false, false, false, false, "true when the call returned an error"},
    {"evt.is_open_read", F::evt_is_open_read, T::boolean, A::none, false, false, false, false, "an open for reading"},
    {"evt.is_open_write", F::evt_is_open_write, T::boolean, A::none, false, false, false, false, "an open for writing"},
    {"evt.is_open_exec", F::evt_is_open_exec, T::boolean, A::none, false, false, false, false, "an open that creates a file with execute permission"},
    {"evt.is_open_create", F::evt_is_open_create, T::boolean, A::none, false, false, false, false, "an open that creates a file"},
    {"evt.hostname", F::evt_hostname, T::string, A::none, false, false, false, false, "the name of the host"},
    {"evt.source", F::evt_source, T::string, A::none, false, false, false, false, "the event source: syscall"},
    {"evt.cpu", F::evt_cpu, T::int64, A::none, false, false, false, false, "the CPU the event happened on"},

    {"proc.name", F::proc_name, T::string, A::none, false, false, false, false, "the process name (the kernel's comm, 15 characters at most)"},
    {"proc.pname", F::proc_pname, T::string, A::none, false, false, false, false, "the parent's name"},
    {"proc.aname", F::proc_aname, T::string, A::index, false, true, false, true, "an ancestor's name: [0] the process, [1] its parent, ...; without an index, any ancestor"},
    {"proc.exe", F::proc_exe, T::string, A::none, false, false, false, false, "argv[0]"},
    {"proc.pexe", F::proc_pexe, T::string, A::none, false, false, false, false, "the parent's argv[0]"},
    {"proc.aexe", F::proc_aexe, T::string, A::index, false, true, false, true, "an ancestor's argv[0]"},
    {"proc.exepath", F::proc_exepath, T::string, A::none, false, false, false, false, "the full path of the executable"},
    {"proc.pexepath", F::proc_pexepath, T::string, A::none, false, false, false, false, "the parent's executable path"},
    {"proc.aexepath", F::proc_aexepath, T::string, A::index, false, true, false, true, "an ancestor's executable path"},
    {"proc.args", F::proc_args, T::string, A::none, false, false, false, false, "the arguments (argv[1..]), space separated"},
    {"proc.cmdline", F::proc_cmdline, T::string, A::none, false, false, false, false, "the name and the arguments"},
    {"proc.pcmdline", F::proc_pcmdline, T::string, A::none, false, false, false, false, "the parent's command line"},
    {"proc.acmdline", F::proc_acmdline, T::string, A::index, false, true, false, true, "an ancestor's command line"},
    {"proc.cmdnargs", F::proc_cmdnargs, T::uint64, A::none, false, false, false, false, "the number of arguments"},
    {"proc.cmdlenargs", F::proc_cmdlenargs, T::uint64, A::none, false, false, false, false, "the total length of the arguments"},
    {"proc.exeline", F::proc_exeline, T::string, A::none, false, false, false, false, "argv[0] and the arguments"},
    {"proc.env", F::proc_env, T::string, A::key, false, false, false, false, "the environment, or with [NAME] one variable's value"},
    {"proc.cwd", F::proc_cwd, T::string, A::none, false, false, false, false, "the working directory"},
    {"proc.loginshellid", F::proc_loginshellid, T::int64, A::none, false, false, false, false, "the pid of the login shell the process descends from"},
    {"proc.tty", F::proc_tty, T::uint64, A::none, false, false, false, false, "the controlling terminal (0: none)"},
    {"proc.pid", F::proc_pid, T::int64, A::none, false, false, false, false, "the process id"},
    {"proc.ppid", F::proc_ppid, T::int64, A::none, false, false, false, false, "the parent's process id"},
    {"proc.apid", F::proc_apid, T::int64, A::index, false, true, false, true, "an ancestor's process id"},
    {"proc.vpid", F::proc_vpid, T::int64, A::none, false, false, false, false, "the process id in its pid namespace"},
    {"proc.pvpid", F::proc_pvpid, T::int64, A::none, false, false, false, false, "the parent's id in its pid namespace"},
    {"proc.sid", F::proc_sid, T::int64, A::none, false, false, false, false, "the session id"},
    {"proc.sname", F::proc_sname, T::string, A::none, false, false, false, false, "the session leader's name"},
    {"proc.sid.exe", F::proc_sid_exe, T::string, A::none, false, false, false, false, "the session leader's argv[0]"},
    {"proc.sid.exepath", F::proc_sid_exepath, T::string, A::none, false, false, false, false, "the session leader's executable path"},
    {"proc.vpgid", F::proc_vpgid, T::int64, A::none, false, false, false, false, "the process group id in the pid namespace"},
    {"proc.vpgid.name", F::proc_vpgid_name, T::string, A::none, false, false, false, false, "the process group leader's name"},
    {"proc.vpgid.exe", F::proc_vpgid_exe, T::string, A::none, false, false, false, false, "the process group leader's argv[0]"},
    {"proc.vpgid.exepath", F::proc_vpgid_exepath, T::string, A::none, false, false, false, false, "the process group leader's executable path"},
    {"proc.pgid", F::proc_pgid, T::int64, A::none, false, false, false, false, "the process group id"},
    {"proc.pgid.name", F::proc_pgid_name, T::string, A::none, false, false, false, false, "the process group leader's name"},
    {"proc.pgid.exe", F::proc_pgid_exe, T::string, A::none, false, false, false, false, "the process group leader's argv[0]"},
    {"proc.pgid.exepath", F::proc_pgid_exepath, T::string, A::none, false, false, false, false, "the process group leader's executable path"},
    {"proc.duration", F::proc_duration, T::reltime, A::none, false, false, false, false, "ns since the process started"},
    {"proc.ppid.duration", F::proc_ppid_duration, T::reltime, A::none, false, false, false, false, "ns since the parent started"},
    {"proc.pid.ts", F::proc_pid_ts, T::abstime, A::none, false, false, false, false, "when the process started"},
    {"proc.ppid.ts", F::proc_ppid_ts, T::abstime, A::none, false, false, false, false, "when the parent started"},
    {"proc.is_exe_writable", F::proc_is_exe_writable, T::boolean, A::none, false, false, false, false, "the executable is writable by the process's user"},
    {"proc.is_exe_upper_layer", F::proc_is_exe_upper_layer, T::boolean, A::none, false, false, false, false, "the executable is in the container's writable layer"},
    {"proc.is_exe_lower_layer", F::proc_is_exe_lower_layer, T::boolean, A::none, false, false, false, false, "the executable is in an image layer"},
    {"proc.is_exe_from_memfd", F::proc_is_exe_from_memfd, T::boolean, A::none, false, false, false, false, "the executable is a memfd (fileless execution)"},
    {"proc.is_sid_leader", F::proc_is_sid_leader, T::boolean, A::none, false, false, false, false, "the process leads its session"},
    {"proc.is_vpgid_leader", F::proc_is_vpgid_leader, T::boolean, A::none, false, false, false, false, "the process leads its process group"},
    {"proc.is_pgid_leader", F::proc_is_pgid_leader, T::boolean, A::none, false, false, false, false, "the process leads its process group"},
    {"proc.exe_ino", F::proc_exe_ino, T::int64, A::none, false, false, false, false, "the executable's inode number"},
    {"proc.exe_ino.ctime", F::proc_exe_ino_ctime, T::abstime, A::none, false, false, false, false, "the executable's inode change time"},
    {"proc.exe_ino.mtime", F::proc_exe_ino_mtime, T::abstime, A::none, false, false, false, false, "the executable's modification time"},
    {"proc.exe_ino.ctime_duration_proc_start", F::proc_exe_ino_ctime_duration_proc_start, T::abstime, A::none, false, false, false, false, "ns between the executable's ctime and the process start"},
    {"proc.exe_ino.ctime_duration_pidns_start", F::proc_exe_ino_ctime_duration_pidns_start, T::abstime, A::none, false, false, false, false, "ns between the pid namespace's start and the executable's ctime"},
    {"proc.pidns_init_start_ts", F::proc_pidns_init_start_ts, T::uint64, A::none, false, false, false, false, "when the pid namespace's init started"},

    {"thread.cap_permitted", F::thread_cap_permitted, T::string, A::none, false, false, false, false, "the permitted capabilities, space separated"},
    {"thread.cap_inheritable", F::thread_cap_inheritable, T::string, A::none, false, false, false, false, "the inheritable capabilities"},
    {"thread.cap_effective", F::thread_cap_effective, T::string, A::none, false, false, false, false, "the effective capabilities"},
    {"thread.tid", F::thread_tid, T::int64, A::none, false, false, false, false, "the thread id"},
    {"thread.vtid", F::thread_vtid, T::int64, A::none, false, false, false, false, "the thread id in the pid namespace"},
    {"thread.ismain", F::thread_ismain, T::boolean, A::none, false, false, false, false, "the thread is the process's main thread"},

    {"user.uid", F::user_uid, T::uint64, A::none, false, false, false, false, "the user id"},
    {"user.name", F::user_name, T::string, A::none, false, false, false, false, "the user name"},
    {"user.homedir", F::user_homedir, T::string, A::none, false, false, false, false, "the user's home directory"},
    {"user.shell", F::user_shell, T::string, A::none, false, false, false, false, "the user's shell"},
    {"user.loginuid", F::user_loginuid, T::int64, A::none, false, false, false, false, "the audit login user id (-1: none)"},
    {"user.loginname", F::user_loginname, T::string, A::none, false, false, false, false, "the audit login user's name"},
    {"group.gid", F::group_gid, T::uint64, A::none, false, false, false, false, "the group id"},
    {"group.name", F::group_name, T::string, A::none, false, false, false, false, "the group name"},

    {"fd.num", F::fd_num, T::int64, A::none, false, false, false, false, "the file descriptor number"},
    {"fd.type", F::fd_type, T::string, A::none, false, false, false, false, "file, directory, ipv4, ipv6, unix, pipe, ..."},
    {"fd.typechar", F::fd_typechar, T::string, A::none, false, false, false, false, "the type as one character: f, d, 4, 6, u, p, ..."},
    {"fd.name", F::fd_name, T::string, A::none, false, false, false, false, "the path, or cip:cport->sip:sport for a connection"},
    {"fd.directory", F::fd_directory, T::string, A::none, false, false, false, false, "the directory of a file"},
    {"fd.filename", F::fd_filename, T::string, A::none, false, false, false, false, "the file name without its directory"},
    {"fd.nameraw", F::fd_nameraw, T::string, A::none, false, false, false, false, "the path as the process wrote it"},
    {"fd.ip", F::fd_ip, T::ipaddr, A::none, false, true, true, true, "the client or the server address"},
    {"fd.cip", F::fd_cip, T::ipaddr, A::none, false, false, false, false, "the client address"},
    {"fd.sip", F::fd_sip, T::ipaddr, A::none, false, false, false, false, "the server address"},
    {"fd.lip", F::fd_lip, T::ipaddr, A::none, false, false, false, false, "the local address"},
    {"fd.rip", F::fd_rip, T::ipaddr, A::none, false, false, false, false, "the remote address"},
    {"fd.port", F::fd_port, T::port, A::none, false, true, true, true, "the client or the server port"},
    {"fd.cport", F::fd_cport, T::port, A::none, false, false, false, false, "the client port"},
    {"fd.sport", F::fd_sport, T::port, A::none, false, false, false, false, "the server port"},
    {"fd.lport", F::fd_lport, T::port, A::none, false, false, false, false, "the local port"},
    {"fd.rport", F::fd_rport, T::port, A::none, false, false, false, false, "the remote port"},
    {"fd.l4proto", F::fd_l4proto, T::string, A::none, false, false, false, false, "tcp, udp, icmp or raw"},
    {"fd.sockfamily", F::fd_sockfamily, T::string, A::none, false, false, false, false, "ip or unix"},
    {"fd.is_server", F::fd_is_server, T::boolean, A::none, false, false, false, false, "the process is the server end"},
    {"fd.net", F::fd_net, T::ipnet, A::none, false, true, true, true, "the client or the server address, compared with networks"},
    {"fd.cnet", F::fd_cnet, T::ipnet, A::none, false, false, true, true, "the client address, compared with networks"},
    {"fd.snet", F::fd_snet, T::ipnet, A::none, false, false, true, true, "the server address, compared with networks"},
    {"fd.lnet", F::fd_lnet, T::ipnet, A::none, false, false, true, true, "the local address, compared with networks"},
    {"fd.rnet", F::fd_rnet, T::ipnet, A::none, false, false, true, true, "the remote address, compared with networks"},
    {"fd.connected", F::fd_connected, T::boolean, A::none, false, false, false, false, "the socket is connected"},
    {"fd.name_changed", F::fd_name_changed, T::boolean, A::none, false, false, false, false, "the name changed during the event"},
    {"fd.ino", F::fd_ino, T::int64, A::none, false, false, false, false, "the file's inode number"},
    {"fd.dev", F::fd_dev, T::int64, A::none, false, false, false, false, "the file's device number"},
    {"fd.dev.major", F::fd_dev_major, T::int64, A::none, false, false, false, false, "the device's major number"},
    {"fd.dev.minor", F::fd_dev_minor, T::int64, A::none, false, false, false, false, "the device's minor number"},
    {"fd.is_upper_layer", F::fd_is_upper_layer, T::boolean, A::none, false, false, false, false, "the file is in the container's writable layer"},
    {"fd.is_lower_layer", F::fd_is_lower_layer, T::boolean, A::none, false, false, false, false, "the file is in an image layer"},
    {"fd.containername", F::fd_containername, T::string, A::none, false, false, false, false, "container id:fd.name"},
    {"fd.containerdirectory", F::fd_containerdirectory, T::string, A::none, false, false, false, false, "container id:fd.directory"},

    {"container.id", F::container_id, T::string, A::none, false, false, false, false, "the short (12 character) container id, or host"},
    {"container.full_id", F::container_full_id, T::string, A::none, false, false, false, false, "the full container id, or host"},
    {"container.name", F::container_name, T::string, A::none, false, false, false, false, "the container name, or host"},
    {"container.image", F::container_image, T::string, A::none, false, false, false, false, "the image the container was created from"},
    {"container.image.id", F::container_image_id, T::string, A::none, false, false, false, false, "the image id"},
    {"container.image.repository", F::container_image_repository, T::string, A::none, false, false, false, false, "the image repository"},
    {"container.image.tag", F::container_image_tag, T::string, A::none, false, false, false, false, "the image tag"},
    {"container.image.digest", F::container_image_digest, T::string, A::none, false, false, false, false, "the image digest"},
    {"container.type", F::container_type, T::string, A::none, false, false, false, false, "docker, podman, containerd, cri-o"},
    {"container.privileged", F::container_privileged, T::boolean, A::none, false, false, false, false, "the container runs privileged"},
    {"container.mounts", F::container_mounts, T::string, A::none, false, false, false, false, "every mount as source:dest:mode:rdrw:propagation, space separated"},
    {"container.mount", F::container_mount, T::string, A::index_or_key, true, false, false, false, "one mount by number or by source (a glob)"},
    {"container.mount.source", F::container_mount_source, T::string, A::index_or_key, true, false, false, false, "a mount's source, by number or by destination"},
    {"container.mount.dest", F::container_mount_dest, T::string, A::index_or_key, true, false, false, false, "a mount's destination, by number or by source"},
    {"container.mount.mode", F::container_mount_mode, T::string, A::index_or_key, true, false, false, false, "a mount's mode, by number or by source"},
    {"container.mount.rdwr", F::container_mount_rdwr, T::string, A::index_or_key, true, false, false, false, "whether a mount is writable, by number or by source"},
    {"container.mount.propagation", F::container_mount_propagation, T::string, A::index_or_key, true, false, false, false, "a mount's propagation, by number or by source"},
    {"container.start_ts", F::container_start_ts, T::abstime, A::none, false, false, false, false, "when the container started"},
    {"container.duration", F::container_duration, T::reltime, A::none, false, false, false, false, "ns since the container started"},
    {"container.ip", F::container_ip, T::string, A::none, false, false, false, false, "the container's address"},
    {"container.host_pid", F::container_host_pid, T::boolean, A::none, false, false, false, false, "the container shares the host's pid namespace"},
    {"container.host_network", F::container_host_network, T::boolean, A::none, false, false, false, false, "the container shares the host's network namespace"},
    {"container.host_ipc", F::container_host_ipc, T::boolean, A::none, false, false, false, false, "the container shares the host's IPC namespace"},
    {"container.label", F::container_label, T::string, A::key, true, false, false, false, "one label's value"},
    {"container.labels", F::container_labels, T::string, A::none, false, false, false, false, "every label as key:value, comma separated"},

    {"dagda.pkg", F::dagda_pkg, T::string, A::none, false, false, false, false, "the image package that owns proc.exepath, name@version"},
    {"dagda.pkg.vulns", F::dagda_pkg_vulns, T::uint64, A::none, false, false, false, false, "the number of known vulnerabilities of that package"},
    {"dagda.pkg.kev", F::dagda_pkg_kev, T::boolean, A::none, false, false, false, false, "that package has a vulnerability in CISA's KEV catalog"},
    {"dagda.drift", F::dagda_drift, T::boolean, A::none, false, false, false, false, "proc.exepath is not a file of the container's image"},
};
static_assert(std::size(kFields) == static_cast<size_t>(FieldId::count_));

constexpr bool ids_in_order() {
  for (size_t i = 0; i < std::size(kFields); ++i)
    if (static_cast<size_t>(kFields[i].id) != i) return false;
  return true;
}
static_assert(ids_in_order(), "kFields must be in FieldId order");

// Every field Falco knows, from falcosecurity/libs 48dfd53 (its filter checks), the
// container and k8smeta plugins, and the plugins of other event sources
// (falcosecurity/plugins 0b3cbd8): name, provider, argument (0 none, 1 allowed, 2 required).
constexpr FalcoField kFalcoFields[] = {
#include "rules/falco_fields.inc"
};

struct SourceInfo {
  std::string_view source, plugin;
  std::array<std::string_view, 3> providers;
};
constexpr SourceInfo kSources[] = {
    {"syscall", "", {"libs", "container", "k8smeta"}},
    {"k8s_audit", "k8saudit", {"k8saudit", "json", ""}},
    {"aws_cloudtrail", "cloudtrail", {"cloudtrail", "json", ""}},
    {"github", "github", {"github", "json", ""}},
    {"okta", "okta", {"okta", "json", ""}},
    {"gcp_auditlog", "gcpaudit", {"gcpaudit", "json", ""}},
};

}  // namespace

std::string_view field_type_name(FieldType t) {
  switch (t) {
    case T::string: return "string";
    case T::int64: return "int64";
    case T::uint64: return "uint64";
    case T::boolean: return "bool";
    case T::ipaddr: return "ipaddr";
    case T::ipnet: return "ipnet";
    case T::port: return "port";
    case T::abstime: return "abstime";
    case T::reltime: return "reltime";
    case T::dyn: return "dynamic";
  }
  return "?";
}

std::span<const FieldInfo> supported_fields() { return kFields; }

const FieldInfo& field_info(FieldId id) { return kFields[static_cast<size_t>(id)]; }

const FieldInfo* find_supported_field(std::string_view name) {
  static const auto* index = [] {
    auto* m = new std::unordered_map<std::string_view, const FieldInfo*>();
    for (const auto& f : kFields) (*m)[f.name] = &f;
    return m;
  }();
  auto it = index->find(name);
  return it == index->end() ? nullptr : it->second;
}

std::string_view source_plugin(std::string_view source) {
  for (const auto& s : kSources)
    if (s.source == source) return s.plugin;
  return "";
}

const FalcoField* falco_field(std::string_view source, std::string_view name, bool* source_known) {
  const SourceInfo* src = nullptr;
  for (const auto& s : kSources)
    if (s.source == source) src = &s;
  if (source_known) *source_known = src != nullptr;
  if (!src) return nullptr;
  for (const auto& f : kFalcoFields) {
    if (f.name != name) continue;
    if (f.provider == "gen") return &f;
    for (auto p : src->providers)
      if (!p.empty() && p == f.provider) return &f;
  }
  return nullptr;
}

std::string unsupported_reason(const FalcoField& f) {
  std::string_view n = f.name;
  auto starts = [&](std::string_view p) { return n.substr(0, p.size()) == p; };
  auto ends = [&](std::string_view p) { return n.size() >= p.size() && n.substr(n.size() - p.size()) == p; };
  if (f.provider != "libs" && f.provider != "gen" && f.provider != "container" && f.provider != "k8smeta")
    return "a field of Falco's " + std::string(f.provider) + " plugin, whose events Dagda does not read";
  if (starts("k8s.") || starts("k8smeta."))
    return "Kubernetes metadata, which Falco's container and k8smeta plugins read from the Kubernetes "
           "API and Dagda does not collect";
  if (starts("fd.") && ends("ip.name"))
    return "the host name behind a socket address, which needs DNS tracking that Dagda does not do";
  if (n == "evt.buffer" || starts("evt.buflen") || starts("evt.is_io") || n == "evt.io_dir")
    return "the data of read and write calls, which Dagda's sensor does not capture";
  if (n == "fd.types" || starts("fdlist."))
    return "the whole file descriptor table of the process, which Dagda does not keep";
  if (n == "fd.proto" || n == "fd.cproto" || n == "fd.sproto" || n == "fd.lproto" || n == "fd.rproto")
    return "the service name of a port (/etc/services), which Dagda does not look up";
  if (starts("evt.latency") || starts("evt.deltatime") || starts("evt.count") || n == "evt.around" ||
      n == "evt.wait_latency" || starts("evt.reltime") || n == "thread.exectime" ||
      n == "thread.totexectime" || n == "evt.outputtime" || n == "evt.is_wait" || starts("evt.infra."))
    return "a timing or counter over the event stream (Falco's table and chisel fields)";
  if (starts("proc.vm") || starts("thread.vm") || starts("thread.pf") || starts("thread.cpu") ||
      starts("proc.fd") || n == "proc.nthreads" || n == "proc.nchilds")
    return "resource usage of the process, which Dagda's sensor does not sample";
  if (n == "evt.pluginname" || n == "evt.plugininfo" || n == "evt.is_async" || n == "evt.asynctype")
    return "plugin and asynchronous events, which Dagda does not have";
  if (starts("container.healthcheck") || starts("container.liveness") || starts("container.readiness") ||
      starts("proc.is_container_"))
    return "container health-check probes, which Dagda does not read from the container engine yet";
  if (starts("fs.path."))
    return "the fs.path.* views of path arguments, not implemented in Dagda yet";
  return "not implemented in Dagda yet";
}

}  // namespace dagda::rules
