// rules/event_types.cpp: the names Falco accepts for evt.type (its event table
// and its system call names, libs 48dfd53) and the argument names its events
// carry (evt.arg.NAME). Sorted, for binary search.
#include "rules/event_types.hpp"

#include <algorithm>
#include <iterator>

namespace dagda::rules {
namespace {

constexpr std::string_view kEventTypes[] = {
    "_llseek", "_newselect", "_sysctl", "accept", "accept4", "access", "acct", "add_key",
    "adjtimex", "alarm", "arch_prctl", "asyncevent", "bdflush", "bind", "bpf", "brk", "cachestat",
    "capget", "capset", "chdir", "chmod", "chown", "chroot", "clock_adjtime", "clock_getres",
    "clock_gettime", "clock_nanosleep", "clock_settime", "clone", "clone3", "close", "close_range",
    "connect", "container", "copy_file_range", "cpu_hotplug", "creat", "create_module",
    "delete_module", "drop", "dup", "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl",
    "epoll_ctl_old", "epoll_pwait", "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd",
    "eventfd2", "execve", "execveat", "exit", "exit_group", "faccessat", "faccessat2", "fadvise64",
    "fallocate", "fanotify_init", "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchmodat2",
    "fchown", "fchownat", "fcntl", "fcntl64", "fdatasync", "fgetxattr", "file_getattr",
    "file_setattr", "finit_module", "flistxattr", "flock", "fork", "fremovexattr", "fsconfig",
    "fsetxattr", "fsmount", "fsopen", "fspick", "fstat", "fstat64", "fstatat64", "fstatfs",
    "fstatfs64", "fsync", "ftruncate", "futex", "futex_requeue", "futex_wait", "futex_waitv",
    "futex_wake", "futimesat", "get_kernel_syms", "get_mempolicy", "get_robust_list",
    "get_thread_area", "getcpu", "getcwd", "getdents", "getdents64", "getegid", "getegid32",
    "geteuid", "geteuid32", "getgid", "getgid32", "getgroups", "getitimer", "getpeername",
    "getpgid", "getpgrp", "getpid", "getpmsg", "getppid", "getpriority", "getrandom", "getresgid",
    "getresgid32", "getresuid", "getresuid32", "getrlimit", "getrusage", "getsid", "getsockname",
    "getsockopt", "gettid", "gettimeofday", "getuid", "getuid32", "getxattr", "getxattrat",
    "groupadded", "groupdeleted", "idle", "infra", "init_module", "inotify_add_watch",
    "inotify_init", "inotify_init1", "inotify_rm_watch", "io_cancel", "io_destroy", "io_getevents",
    "io_pgetevents", "io_setup", "io_submit", "io_uring_enter", "io_uring_register",
    "io_uring_setup", "ioctl", "ioperm", "iopl", "ioprio_get", "ioprio_set", "ipc", "k8s", "kcmp",
    "kexec_file_load", "kexec_load", "keyctl", "kill", "landlock_add_rule",
    "landlock_create_ruleset", "landlock_restrict_self", "lchown", "lgetxattr", "link", "linkat",
    "listen", "listmount", "listns", "listxattr", "listxattrat", "llistxattr", "llseek",
    "lookup_dcookie", "lremovexattr", "lseek", "lsetxattr", "lsm_get_self_attr",
    "lsm_list_modules", "lsm_set_self_attr", "lstat", "lstat64", "madvise", "map_shadow_stack",
    "mbind", "membarrier", "memfd_create", "memfd_secret", "mesos", "migrate_pages", "mincore",
    "mkdir", "mkdirat", "mknod", "mknodat", "mlock", "mlock2", "mlockall", "mmap", "mmap2",
    "modify_ldt", "mount", "mount_setattr", "move_mount", "move_pages", "mprotect",
    "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive", "mq_timedsend", "mq_unlink",
    "mremap", "mseal", "msgctl", "msgget", "msgrcv", "msgsnd", "msync", "multiplexer", "munlock",
    "munlockall", "munmap", "na_1", "name_to_handle_at", "nanosleep", "newfstatat", "nfsservctl",
    "nice", "notification", "oldfstat", "oldlstat", "oldolduname", "oldstat", "olduname", "open",
    "open_by_handle_at", "open_tree", "open_tree_attr", "openat", "openat2", "page_fault",
    "page_fault_kernel", "page_fault_user", "pause", "pciconfig_iobase", "pciconfig_read",
    "pciconfig_write", "perf_event_open", "personality", "pidfd_getfd", "pidfd_open",
    "pidfd_send_signal", "pipe", "pipe2", "pivot_root", "pkey_alloc", "pkey_free", "pkey_mprotect",
    "pluginevent", "poll", "ppoll", "prctl", "pread", "pread64", "preadv", "preadv2", "prlimit",
    "prlimit64", "process_madvise", "process_mrelease", "process_vm_readv", "process_vm_writev",
    "procexit", "procinfo", "pselect6", "ptrace", "pwrite", "pwrite64", "pwritev", "pwritev2",
    "query_module", "quotactl", "quotactl_fd", "read", "readahead", "readdir", "readlink",
    "readlinkat", "readv", "reboot", "recv", "recvfrom", "recvmmsg", "recvmsg", "remap_file_pages",
    "removexattr", "removexattrat", "rename", "renameat", "renameat2", "request_key",
    "restart_syscall", "riscv_flush_icache", "riscv_hwprobe", "rmdir", "rseq", "rseq_slice_yield",
    "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn",
    "rt_sigsuspend", "rt_sigtimedwait", "rt_tgsigqueueinfo", "rtas", "s390_guarded_storage",
    "s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr", "s390_sthyi", "scapevent",
    "sched_get_priority_max", "sched_get_priority_min", "sched_getaffinity", "sched_getattr",
    "sched_getparam", "sched_getscheduler", "sched_process_exit", "sched_rr_get_interval",
    "sched_setaffinity", "sched_setattr", "sched_setparam", "sched_setscheduler", "sched_switch",
    "sched_yield", "seccomp", "select", "semctl", "semget", "semop", "semtimedop", "send",
    "sendfile", "sendfile64", "sendmmsg", "sendmsg", "sendto", "set_mempolicy",
    "set_mempolicy_home_node", "set_robust_list", "set_thread_area", "set_tid_address",
    "setdomainname", "setfsgid", "setfsuid", "setgid", "setgid32", "setgroups", "sethostname",
    "setitimer", "setns", "setpgid", "setpriority", "setregid", "setresgid", "setresgid32",
    "setresuid", "setresuid32", "setreuid", "setrlimit", "setsid", "setsockopt", "settimeofday",
    "setuid", "setuid32", "setxattr", "setxattrat", "sgetmask", "shmat", "shmctl", "shmdt",
    "shmget", "shutdown", "sigaction", "sigaltstack", "signal", "signal_deliver", "signaldeliver",
    "signalfd", "signalfd4", "sigpending", "sigprocmask", "sigreturn", "sigsuspend", "socket",
    "socketcall", "socketpair", "splice", "spu_create", "spu_run", "ssetmask", "stat", "stat64",
    "statfs", "statfs64", "statmount", "statx", "stime", "subpage_prot", "swapcontext", "swapoff",
    "swapon", "switch", "switch_endian", "symlink", "symlinkat", "sync", "sync_file_range",
    "sync_file_range2", "syncfs", "sys_debug_setcontext", "syscall", "sysfs", "sysinfo", "syslog",
    "task", "task_file_directory", "task_file_memfd", "task_file_pipe", "task_file_regular",
    "task_file_socket_inet", "task_file_socket_inet6", "task_file_socket_netlink",
    "task_file_socket_unix", "tee", "tgkill", "time", "timer_create", "timer_delete",
    "timer_getoverrun", "timer_gettime", "timer_settime", "timerfd", "timerfd_create",
    "timerfd_gettime", "timerfd_settime", "times", "tkill", "tracer", "truncate", "ugetrlimit",
    "umask", "umount", "umount2", "uname", "unknown", "unlink", "unlinkat", "unshare", "uprobe",
    "uretprobe", "uselib", "useradded", "userdeleted", "userfaultfd", "ustat", "utime",
    "utimensat", "utimes", "vfork", "vhangup", "vm86", "vmsplice", "wait4", "waitid", "waitpid",
    "write", "writev",
};

constexpr std::string_view kArgNames[] = {
    "action", "addr", "arg", "args", "argument", "argv", "aux", "backlog", "cap_effective",
    "cap_inheritable", "cap_permitted", "cgroups", "clockid", "cmd", "comm", "container_id",
    "core", "cpu", "cpu_sys", "cpu_usr", "cq_entries", "creat_flags", "cur", "cwd", "data", "desc",
    "description", "dev", "dir", "dirfd", "domain", "dpid", "dqb_bhardlimit", "dqb_bsoftlimit",
    "dqb_btime", "dqb_curspace", "dqb_ihardlimit", "dqb_isoftlimit", "dqb_itime", "dqi_bgrace",
    "dqi_flags", "dqi_igrace", "egid", "entries", "env", "error", "euid", "event_data",
    "event_type", "exe", "exe_ino", "exe_ino_ctime", "exe_ino_mtime", "exe_ino_num", "exepath",
    "fd", "fd_in", "fd_out", "fd_type", "fdin", "fdlimit", "fdout", "fds", "features", "filename",
    "first", "flags", "gid", "home", "how", "id", "image", "img", "in_fd", "initval", "ino",
    "ino_num", "interval", "ip", "json", "key", "last", "len", "length", "level", "linkdirfd",
    "linkpath", "local_ip", "local_port", "loginuid", "mask", "max", "maxevents", "min_complete",
    "mnt_id", "mode", "mountfd", "msgcontrol", "name", "newcur", "newdir", "newdirfd", "newfd",
    "newmax", "newpath", "next", "nr_args", "nsems", "nsops", "nstype", "offin", "offout",
    "offset", "oldcur", "olddir", "olddirfd", "oldfd", "oldmax", "oldpath", "op", "opcode",
    "operation", "option", "optlen", "optname", "out_fd", "path", "pathname", "peer", "pgft_maj",
    "pgft_min", "pgid", "pgoffset", "pid", "pid_fd", "pidns_init_start_ts", "plugin_id", "pos",
    "ppid", "prot", "proto", "ptid", "queuelen", "queuemax", "queuepct", "quota_fmt",
    "quota_fmt_out", "quotafilepath", "ratio", "reaper_tid", "remote_ip", "remote_port", "request",
    "res", "res_or_fd", "resolve", "resource", "ret", "rgid", "root", "ruid", "scope", "semflg",
    "semid", "semnum", "sgid", "shell", "sid", "sig", "sigmask", "size", "sk_pointer", "sk_proto",
    "sk_type", "source", "special", "spid", "sq_entries", "sq_thread_cpu", "sq_thread_idle",
    "start_time", "status", "suid", "sun_path", "tags", "target", "target_fd", "tid", "timeout",
    "to_submit", "trusted_exepath", "tty", "tuple", "type", "uargs", "uid", "val", "value_bytebuf",
    "value_charbuf", "vm_rss", "vm_size", "vm_swap", "vpgid", "vpid", "vtgid", "vtid", "whence",
};

}  // namespace

std::optional<EventTypeId> event_type_id(std::string_view name) {
  auto it = std::lower_bound(std::begin(kEventTypes), std::end(kEventTypes), name);
  if (it == std::end(kEventTypes) || *it != name) return std::nullopt;
  return static_cast<EventTypeId>(it - std::begin(kEventTypes));
}

std::string_view event_type_name(EventTypeId id) {
  return id < std::size(kEventTypes) ? kEventTypes[id] : std::string_view();
}

size_t event_type_count() { return std::size(kEventTypes); }

bool is_event_arg_name(std::string_view name) {
  return std::binary_search(std::begin(kArgNames), std::end(kArgNames), name);
}

}  // namespace dagda::rules
