/* monitor/bpf/sensor_event.h: the record the eBPF sensor writes to its ring
 * buffer, shared by the BPF program (C) and the user-space reader (C++). One
 * fixed-size record per event; strings are NUL-terminated and cut at their
 * buffer's size. */
#ifndef DAGDA_SENSOR_EVENT_H
#define DAGDA_SENSOR_EVENT_H

#define DG_COMM_LEN 16
#define DG_CGROUP_LEN 96
#define DG_PATH_LEN 256
#define DG_ARGV_LEN 1024
#define DG_SOCKADDR_LEN 28

enum dg_kind {
  DG_KIND_EXEC = 1,    /* sched_process_exec: a successful execve/execveat */
  DG_KIND_EXIT = 2,    /* sched_process_exit of a thread group leader */
  DG_KIND_SYSCALL = 3, /* the exit of a traced system call; `nr` says which */
};

/* flags */
#define DG_FLAG_EXE_MEMFD 1u      /* the executable is an anonymous memfd file */
#define DG_FLAG_SOCK 2u           /* the sk_* fields describe the call's socket */

struct dg_event {
  unsigned int kind;
  unsigned int nr;          /* x86_64 system call number (DG_KIND_SYSCALL) */
  unsigned long long ts;    /* bpf_ktime_get_boot_ns() */
  int tgid, tid, ppid, vtgid, vtid;
  unsigned int uid, gid, loginuid;
  unsigned int tty;         /* new_encode_dev(major, minor) of the controlling terminal, 0 none */
  unsigned int sid;         /* session id (host namespace) */
  unsigned int flags;
  unsigned long long cap_eff, cap_prm, cap_inh;
  long long ret;
  unsigned long long args[6];
  /* The socket the call concerns (connect/accept/bind/listen), from the kernel's sock. */
  unsigned short sk_family, sk_type, sk_protocol, sk_sport, sk_dport, pad_;
  unsigned char sk_saddr[16], sk_daddr[16];
  unsigned char sockaddr[DG_SOCKADDR_LEN]; /* the user's sockaddr (connect, bind) */
  unsigned int argv_len;
  char comm[DG_COMM_LEN];
  char cgroup[DG_CGROUP_LEN];        /* leaf name of the cgroup v2 of the task */
  char cgroup_parent[DG_CGROUP_LEN]; /* its parent's name */
  char path[DG_PATH_LEN];            /* first path argument; exec: the file name */
  char path2[DG_PATH_LEN];           /* second path (rename, link, symlink, mount target); exec: exe dentry name */
  char argv[DG_ARGV_LEN];            /* exec: argv, NUL-separated */
};

#endif
