// rules/fields.hpp: every field a condition or an output may use, in two
// tables. `supported_fields()` lists what Dagda extracts from an Event;
// `falco_field()` knows every field Falco knows (its libraries, its container
// and k8smeta plugins, and the plugins behind other event sources), so that
// validation can tell "known to Falco, not supported by Dagda yet" (the rule
// is disabled with a warning and a reason) from a field nobody knows (a load
// error).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace dagda::rules {

enum class FieldType : uint8_t {
  string,
  int64,
  uint64,
  boolean,
  ipaddr,
  ipnet,   // compared as "the address is in the network" (fd.net and friends)
  port,
  abstime,  // ns since the epoch
  reltime,  // ns
  dyn,      // evt.rawarg: a number where the sensor gave one, else the text
};
std::string_view field_type_name(FieldType t);

enum class ArgKind : uint8_t {
  none,
  index,         // proc.aname[2]
  key,           // proc.env[HOME], evt.arg.flags / evt.arg[flags]
  index_or_key,  // evt.arg[0] or evt.arg[flags], container.mount.dest[0] or [/src]
};

enum class FieldId : uint16_t {
  // evt
  evt_type, evt_dir, evt_num, evt_time, evt_time_s, evt_time_iso8601, evt_datetime,
  evt_datetime_s, evt_rawtime, evt_rawtime_s, evt_rawtime_ns, evt_args, evt_info, evt_arg,
  evt_rawarg, evt_res, evt_rawres, evt_failed, evt_is_open_read, evt_is_open_write,
  evt_is_open_exec, evt_is_open_create, evt_hostname, evt_source, evt_cpu,
  // proc
  proc_name, proc_pname, proc_aname, proc_exe, proc_pexe, proc_aexe, proc_exepath,
  proc_pexepath, proc_aexepath, proc_args, proc_cmdline, proc_pcmdline, proc_acmdline,
  proc_cmdnargs, proc_cmdlenargs, proc_exeline, proc_env, proc_cwd, proc_loginshellid, proc_tty,
  proc_pid, proc_ppid, proc_apid, proc_vpid, proc_pvpid, proc_sid, proc_sname, proc_sid_exe,
  proc_sid_exepath, proc_vpgid, proc_vpgid_name, proc_vpgid_exe, proc_vpgid_exepath, proc_pgid,
  proc_pgid_name, proc_pgid_exe, proc_pgid_exepath, proc_duration, proc_ppid_duration,
  proc_pid_ts, proc_ppid_ts, proc_is_exe_writable, proc_is_exe_upper_layer,
  proc_is_exe_lower_layer, proc_is_exe_from_memfd, proc_is_sid_leader, proc_is_vpgid_leader,
  proc_is_pgid_leader, proc_exe_ino, proc_exe_ino_ctime, proc_exe_ino_mtime,
  proc_exe_ino_ctime_duration_proc_start, proc_exe_ino_ctime_duration_pidns_start,
  proc_pidns_init_start_ts,
  // thread
  thread_cap_permitted, thread_cap_inheritable, thread_cap_effective, thread_tid, thread_vtid,
  thread_ismain,
  // user, group
  user_uid, user_name, user_homedir, user_shell, user_loginuid, user_loginname, group_gid,
  group_name,
  // fd
  fd_num, fd_type, fd_typechar, fd_name, fd_directory, fd_filename, fd_nameraw, fd_ip, fd_cip,
  fd_sip, fd_lip, fd_rip, fd_port, fd_cport, fd_sport, fd_lport, fd_rport, fd_l4proto,
  fd_sockfamily, fd_is_server, fd_net, fd_cnet, fd_snet, fd_lnet, fd_rnet, fd_connected,
  fd_name_changed, fd_ino, fd_dev, fd_dev_major, fd_dev_minor, fd_is_upper_layer,
  fd_is_lower_layer, fd_containername, fd_containerdirectory,
  // container
  container_id, container_full_id, container_name, container_image, container_image_id,
  container_image_repository, container_image_tag, container_image_digest, container_type,
  container_privileged, container_mounts, container_mount, container_mount_source,
  container_mount_dest, container_mount_mode, container_mount_rdwr, container_mount_propagation,
  container_start_ts, container_duration, container_ip, container_host_pid,
  container_host_network, container_host_ipc, container_label, container_labels,
  // Dagda's own: what the scan of the container's image says about the executable.
  dagda_pkg, dagda_pkg_vulns, dagda_pkg_kev, dagda_drift,
  count_,
};

struct FieldInfo {
  std::string_view name;
  FieldId id;
  FieldType type;
  ArgKind arg = ArgKind::none;
  bool arg_required = false;
  // `any`: the field yields several values (fd.ip: client and server; proc.aname
  // without an index: every ancestor) and a check holds when it holds for one.
  bool any = false;
  bool filter_only = false;     // cannot be printed in an output (fd.net, fd.ip, fd.port)
  bool no_transformer = false;  // Falco refuses transformers and val() on it
  std::string_view description;
};

std::span<const FieldInfo> supported_fields();
const FieldInfo& field_info(FieldId id);
// The supported field of that exact name ("evt.arg" and "evt.rawarg" without their suffix).
const FieldInfo* find_supported_field(std::string_view name);

// A field Falco knows, for the event source it belongs to.
struct FalcoField {
  std::string_view name;
  std::string_view provider;  // "libs", "gen" (every source), "container", "k8smeta", or a plugin
  uint8_t arg;                // 0 none, 1 allowed, 2 required
};
// The Falco field of that name usable with rules of `source` ("syscall",
// "k8s_audit", ...), or null. `source_known` says whether Dagda knows what
// fields that source has at all.
const FalcoField* falco_field(std::string_view source, std::string_view name, bool* source_known = nullptr);
// Why Dagda does not support a field Falco knows (one sentence).
std::string unsupported_reason(const FalcoField& f);

// The Falco plugin that provides an event source ("k8s_audit" -> "k8saudit"), or "".
std::string_view source_plugin(std::string_view source);

}  // namespace dagda::rules
