/* monitor/bpf/sensor.bpf.c: Dagda's eBPF sensor (libbpf CO-RE).
 *
 * Attaches only to BTF tracepoints (tp_btf): sys_enter/sys_exit for the traced
 * system calls, sched_process_exec and sched_process_exit. A traced call's
 * arguments are kept at entry (per thread, in an LRU hash) and the record is
 * written at exit with the result, user strings and the kernel's view of the
 * socket. Records go to one ring buffer; when it is full the record is dropped
 * and counted in `drops` (one counter per CPU), never waited for.
 * x86_64 system call numbers. */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>

#include "sensor_event.h"

char LICENSE[] SEC("license") = "GPL";

#define MAX_NR 512

const volatile int self_tgid = 0;
/* Which system calls to trace, by number; set before load. */
const volatile unsigned char want[MAX_NR] = {};

struct inflight {
  unsigned int nr;
  unsigned long long args[6];
};

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 16 << 20);
} events SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 16384);
  __type(key, unsigned long long);
  __type(value, struct inflight);
} calls SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, unsigned int);
  __type(value, unsigned long long);
} drops SEC(".maps");

/* kernfs_node's parent was renamed __parent in Linux 6.15. */
struct kernfs_node___old {
  struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn) {
  if (bpf_core_field_exists(kn->__parent)) return BPF_CORE_READ(kn, __parent);
  return BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
}

static __always_inline int ns_pid(struct task_struct *t) {
  struct pid *p = BPF_CORE_READ(t, thread_pid);
  if (!p) return 0;
  unsigned int level = BPF_CORE_READ(p, level);
  struct upid up = {};
  bpf_core_read(&up, sizeof(up), &p->numbers[level & 31]);
  return up.nr;
}

static __always_inline void count_drop(void) {
  unsigned int zero = 0;
  unsigned long long *n = bpf_map_lookup_elem(&drops, &zero);
  if (n) *n += 1;
}

static __always_inline void fill_task(struct dg_event *e, struct task_struct *t) {
  unsigned long long id = bpf_get_current_pid_tgid();
  unsigned long long ug = bpf_get_current_uid_gid();
  e->ts = bpf_ktime_get_boot_ns();
  e->tgid = id >> 32;
  e->tid = (unsigned int)id;
  e->uid = (unsigned int)ug;
  e->gid = ug >> 32;
  e->ppid = BPF_CORE_READ(t, real_parent, tgid);
  e->vtid = ns_pid(t);
  e->vtgid = ns_pid(BPF_CORE_READ(t, group_leader));
  e->loginuid = BPF_CORE_READ(t, loginuid.val);
  bpf_get_current_comm(e->comm, sizeof(e->comm));

  const struct cred *cred = BPF_CORE_READ(t, cred);
  bpf_core_read(&e->cap_eff, sizeof(e->cap_eff), &cred->cap_effective);
  bpf_core_read(&e->cap_prm, sizeof(e->cap_prm), &cred->cap_permitted);
  bpf_core_read(&e->cap_inh, sizeof(e->cap_inh), &cred->cap_inheritable);

  struct signal_struct *sig = BPF_CORE_READ(t, signal);
  struct tty_struct *tty = BPF_CORE_READ(sig, tty);
  if (tty) {
    unsigned int major = BPF_CORE_READ(tty, driver, major);
    unsigned int minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);
    e->tty = (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
  }
  struct pid *sp = BPF_CORE_READ(sig, pids[bpf_core_enum_value(enum pid_type, PIDTYPE_SID)]);
  if (sp) e->sid = BPF_CORE_READ(sp, numbers[0].nr);

  struct kernfs_node *kn = BPF_CORE_READ(t, cgroups, dfl_cgrp, kn);
  if (kn) {
    bpf_probe_read_kernel_str(e->cgroup, sizeof(e->cgroup), BPF_CORE_READ(kn, name));
    struct kernfs_node *pk = kn_parent(kn);
    if (pk) bpf_probe_read_kernel_str(e->cgroup_parent, sizeof(e->cgroup_parent), BPF_CORE_READ(pk, name));
  }
}

static __always_inline struct dg_event *reserve(void) {
  struct dg_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
  if (!e) {
    count_drop();
    return 0;
  }
  /* The record is not zeroed by the ring buffer. */
  __builtin_memset(e, 0, sizeof(*e) - DG_ARGV_LEN - 2 * DG_PATH_LEN);
  e->path[0] = 0;
  e->path2[0] = 0;
  e->argv[0] = 0;
  return e;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(dg_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm) {
  if (self_tgid && (bpf_get_current_pid_tgid() >> 32) == (unsigned int)self_tgid) return 0;
  struct dg_event *e = reserve();
  if (!e) return 0;
  e->kind = DG_KIND_EXEC;
  fill_task(e, p);
  bpf_probe_read_kernel_str(e->path, sizeof(e->path), BPF_CORE_READ(bprm, filename));
  struct file *f = BPF_CORE_READ(bprm, file);
  const unsigned char *dname = BPF_CORE_READ(f, f_path.dentry, d_name.name);
  bpf_probe_read_kernel_str(e->path2, sizeof(e->path2), dname);
  if (e->path2[0] == 'm' && e->path2[1] == 'e' && e->path2[2] == 'm' && e->path2[3] == 'f' && e->path2[4] == 'd' &&
      e->path2[5] == ':')
    e->flags |= DG_FLAG_EXE_MEMFD;
  struct mm_struct *mm = BPF_CORE_READ(p, mm);
  unsigned long start = BPF_CORE_READ(mm, arg_start), end = BPF_CORE_READ(mm, arg_end);
  unsigned long len = end > start ? end - start : 0;
  if (len > DG_ARGV_LEN - 1) len = DG_ARGV_LEN - 1;
  len &= DG_ARGV_LEN - 1;
  if (len && bpf_probe_read_user(e->argv, len, (const void *)start) == 0) e->argv_len = len;
  bpf_ringbuf_submit(e, 0);
  return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(dg_exit, struct task_struct *p) {
  if (BPF_CORE_READ(p, pid) != BPF_CORE_READ(p, tgid)) return 0;
  if (self_tgid && BPF_CORE_READ(p, tgid) == self_tgid) return 0;
  struct dg_event *e = reserve();
  if (!e) return 0;
  e->kind = DG_KIND_EXIT;
  fill_task(e, p);
  e->ret = BPF_CORE_READ(p, exit_code) >> 8;
  bpf_ringbuf_submit(e, 0);
  return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(dg_sys_enter, struct pt_regs *regs, long id) {
  if (id < 0 || id >= MAX_NR) return 0;
  if (!want[id & (MAX_NR - 1)]) return 0;
  unsigned long long pt = bpf_get_current_pid_tgid();
  if (self_tgid && (pt >> 32) == (unsigned int)self_tgid) return 0;
  struct inflight c = {};
  c.nr = id;
  c.args[0] = BPF_CORE_READ(regs, di);
  c.args[1] = BPF_CORE_READ(regs, si);
  c.args[2] = BPF_CORE_READ(regs, dx);
  c.args[3] = BPF_CORE_READ(regs, r10);
  c.args[4] = BPF_CORE_READ(regs, r8);
  c.args[5] = BPF_CORE_READ(regs, r9);
  bpf_map_update_elem(&calls, &pt, &c, BPF_ANY);
  return 0;
}

static __always_inline struct file *fd_file(struct task_struct *t, long fd) {
  struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
  unsigned int max = BPF_CORE_READ(fdt, max_fds);
  if (fd < 0 || fd >= max) return 0;
  struct file **fds = BPF_CORE_READ(fdt, fd);
  struct file *f = 0;
  bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
  return f;
}

static __always_inline void read_sock(struct dg_event *e, struct task_struct *t, long fd) {
  struct file *f = fd_file(t, fd);
  if (!f) return;
  /* Only a socket's private_data is a struct socket (dup can name any file). */
  if ((BPF_CORE_READ(f, f_inode, i_mode) & 0170000) != 0140000) return;
  struct socket *so = BPF_CORE_READ(f, private_data);
  if (!so) return;
  struct sock *sk = BPF_CORE_READ(so, sk);
  if (!sk) return;
  e->flags |= DG_FLAG_SOCK;
  e->sk_family = BPF_CORE_READ(sk, __sk_common.skc_family);
  e->sk_type = BPF_CORE_READ(sk, sk_type);
  e->sk_protocol = BPF_CORE_READ(sk, sk_protocol);
  e->sk_sport = BPF_CORE_READ(sk, __sk_common.skc_num);
  e->sk_dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
  if (e->sk_family == 2) {
    bpf_core_read(e->sk_saddr, 4, &sk->__sk_common.skc_rcv_saddr);
    bpf_core_read(e->sk_daddr, 4, &sk->__sk_common.skc_daddr);
  } else if (e->sk_family == 10) {
    bpf_core_read(e->sk_saddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
    bpf_core_read(e->sk_daddr, 16, &sk->__sk_common.skc_v6_daddr);
  }
}

static __always_inline void user_str(char *dst, unsigned int size, unsigned long long p) {
  if (p) bpf_probe_read_user_str(dst, size, (const void *)p);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(dg_sys_exit, struct pt_regs *regs, long ret) {
  unsigned long long pt = bpf_get_current_pid_tgid();
  struct inflight *c = bpf_map_lookup_elem(&calls, &pt);
  if (!c) return 0;
  struct inflight call = *c;
  bpf_map_delete_elem(&calls, &pt);

  struct dg_event *e = reserve();
  if (!e) return 0;
  struct task_struct *t = (struct task_struct *)bpf_get_current_task_btf();
  e->kind = DG_KIND_SYSCALL;
  e->nr = call.nr;
  e->ret = ret;
  for (int i = 0; i < 6; i++) e->args[i] = call.args[i];
  fill_task(e, t);

  unsigned long long *a = call.args;
  switch (call.nr) {
    case 2:   /* open */
    case 85:  /* creat */
    case 87:  /* unlink */
    case 90:  /* chmod */
    case 319: /* memfd_create */
      user_str(e->path, sizeof(e->path), a[0]);
      break;
    case 257: /* openat */
    case 437: /* openat2 */
    case 263: /* unlinkat */
    case 268: /* fchmodat */
    case 452: /* fchmodat2 */
      user_str(e->path, sizeof(e->path), a[1]);
      if (call.nr == 437 && a[2]) {
        struct open_how how = {};
        bpf_probe_read_user(&how, sizeof(how), (const void *)a[2]);
        e->args[2] = how.flags;
        e->args[3] = how.mode;
      }
      break;
    case 82: /* rename */
    case 86: /* link */
    case 88: /* symlink */
      user_str(e->path, sizeof(e->path), a[0]);
      user_str(e->path2, sizeof(e->path2), a[1]);
      break;
    case 264: /* renameat */
    case 316: /* renameat2 */
    case 265: /* linkat */
      user_str(e->path, sizeof(e->path), a[1]);
      user_str(e->path2, sizeof(e->path2), a[3]);
      break;
    case 266: /* symlinkat */
      user_str(e->path, sizeof(e->path), a[0]);
      user_str(e->path2, sizeof(e->path2), a[2]);
      break;
    case 165: /* mount */
      user_str(e->path, sizeof(e->path), a[0]);
      user_str(e->path2, sizeof(e->path2), a[1]);
      user_str(e->argv, 64, a[2]);
      break;
    case 42: /* connect */
    case 49: /* bind */
      if (a[1]) {
        unsigned int len = a[2] < DG_SOCKADDR_LEN ? a[2] : DG_SOCKADDR_LEN;
        bpf_probe_read_user(e->sockaddr, len & 31, (const void *)a[1]);
      }
      if (ret == 0 || ret == -115 /* EINPROGRESS */) read_sock(e, t, a[0]);
      break;
    case 50: /* listen */
      if (ret == 0) read_sock(e, t, a[0]);
      break;
    case 43:  /* accept */
    case 288: /* accept4 */
      if (ret >= 0) read_sock(e, t, ret);
      break;
    case 32:  /* dup */
    case 33:  /* dup2 */
    case 292: /* dup3 */
      /* Shells dup files all the time; only a socket made a new descriptor is reported. */
      if (ret >= 0) read_sock(e, t, ret);
      if (!(e->flags & DG_FLAG_SOCK)) {
        bpf_ringbuf_discard(e, 0);
        return 0;
      }
      break;
    default:
      break;
  }
  bpf_ringbuf_submit(e, 0);
  return 0;
}
