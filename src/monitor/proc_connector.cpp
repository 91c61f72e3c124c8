// monitor/proc_connector.cpp: the fallback sensor without eBPF. The kernel's
// netlink process connector announces exec and exit; the rest of what an
// event needs is read from /proc at once (a process that exits before it is
// read is reported with its pid only). Reduced coverage: no file, network or
// privilege events.
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "monitor/procfs.hpp"
#include "monitor/sensor.hpp"

namespace dagda::monitor {
namespace {

template <size_t N>
void copy_str(char (&dst)[N], const std::string& s) {
  size_t n = std::min(s.size(), N - 1);
  std::memcpy(dst, s.data(), n);
  dst[n] = '\0';
}

uint64_t boot_ns() {
  timespec ts{};
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

class ProcConnectorSensor final : public Sensor {
 public:
  ~ProcConnectorSensor() override {
    if (fd_ >= 0) ::close(fd_);
  }
  std::string name() const override { return "proc-connector"; }
  std::string coverage() const override {
    return "reduced coverage (netlink process connector + /proc, no eBPF): exec and exit only; no file, network, "
           "privilege or memfd events";
  }

  Status open() {
    fd_ = ::socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR);
    if (fd_ < 0) return Error(ErrorCode::unsupported, fmt::format("netlink connector: {}", std::strerror(errno)));
    sockaddr_nl addr{};
    addr.nl_family = AF_NETLINK;
    addr.nl_groups = CN_IDX_PROC;
    addr.nl_pid = 0;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      return Error(ErrorCode::unsupported, fmt::format("netlink connector bind: {} (root is needed)", std::strerror(errno)));
    // nlmsghdr, cn_msg (whose data member is a flexible array) and the operation, packed.
    alignas(nlmsghdr) char req[NLMSG_LENGTH(sizeof(cn_msg) + sizeof(proc_cn_mcast_op))] = {};
    auto* nl = reinterpret_cast<nlmsghdr*>(req);
    nl->nlmsg_len = sizeof req;
    nl->nlmsg_type = NLMSG_DONE;
    nl->nlmsg_pid = static_cast<uint32_t>(getpid());
    auto* cn = static_cast<cn_msg*>(NLMSG_DATA(nl));
    cn->id.idx = CN_IDX_PROC;
    cn->id.val = CN_VAL_PROC;
    cn->len = sizeof(proc_cn_mcast_op);
    proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;
    std::memcpy(cn->data, &op, sizeof op);
    if (::send(fd_, req, sizeof req, 0) < 0)
      return Error(ErrorCode::unsupported, fmt::format("netlink connector listen: {}", std::strerror(errno)));
    return Ok{};
  }

  Result<size_t> poll(int timeout_ms, const RawHandler& h) override {
    pollfd p{fd_, POLLIN, 0};
    int rc = ::poll(&p, 1, timeout_ms);
    if (rc < 0 && errno != EINTR) return Error(ErrorCode::io, fmt::format("poll: {}", std::strerror(errno)));
    if (rc <= 0) return size_t{0};
    size_t count = 0;
    alignas(nlmsghdr) char buf[8192];
    for (;;) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (n < 0) {
        if (errno == ENOBUFS) {  // the socket's queue overflowed: events were lost
          ++dropped_;
          continue;
        }
        break;
      }
      for (auto* nl = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(nl, static_cast<size_t>(n));
           nl = NLMSG_NEXT(nl, n)) {
        if (nl->nlmsg_len < NLMSG_LENGTH(sizeof(cn_msg) + sizeof(proc_event))) continue;
        auto* cn = static_cast<cn_msg*>(NLMSG_DATA(nl));
        if (cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC) continue;
        const auto* ev = reinterpret_cast<const proc_event*>(cn->data);
        if (ev->what == proc_event::PROC_EVENT_EXEC) {
          handle(h, DG_KIND_EXEC, ev->event_data.exec.process_tgid, ev->event_data.exec.process_pid, 0);
          ++count;
        } else if (ev->what == proc_event::PROC_EVENT_EXIT &&
                   ev->event_data.exit.process_pid == ev->event_data.exit.process_tgid) {
          handle(h, DG_KIND_EXIT, ev->event_data.exit.process_tgid, ev->event_data.exit.process_pid,
                 ev->event_data.exit.exit_code >> 8);
          ++count;
        }
      }
    }
    return count;
  }

  uint64_t dropped() const override { return dropped_; }

 private:
  void handle(const RawHandler& h, unsigned kind, int tgid, int tid, long long ret) {
    if (tgid == getpid()) return;
    e_ = dg_event{};
    e_.kind = kind;
    e_.ts = boot_ns();
    e_.tgid = tgid;
    e_.tid = tid;
    e_.ret = ret;
    if (auto p = read_proc(tgid)) {
      e_.ppid = static_cast<int>(p->ppid);
      e_.vtgid = e_.vtid = static_cast<int>(p->vpid);
      e_.uid = p->uid;
      e_.gid = p->gid;
      e_.loginuid = static_cast<unsigned>(p->loginuid);
      e_.tty = p->tty;
      e_.sid = static_cast<unsigned>(p->sid);
      e_.cap_eff = p->cap_eff;
      e_.cap_prm = p->cap_prm;
      e_.cap_inh = p->cap_inh;
      copy_str(e_.comm, p->comm);
      copy_str(e_.cgroup, p->cgroup);
      copy_str(e_.cgroup_parent, p->cgroup_parent);
      copy_str(e_.path, p->exepath);
      std::string args;
      for (const auto& a : p->argv) {
        if (args.size() + a.size() + 1 > DG_ARGV_LEN) break;
        args += a;
        args += '\0';
      }
      std::memcpy(e_.argv, args.data(), args.size());
      e_.argv_len = static_cast<unsigned>(args.size());
    }
    h(e_);
  }

  int fd_ = -1;
  uint64_t dropped_ = 0;
  dg_event e_{};
};

}  // namespace

Result<std::unique_ptr<Sensor>> open_proc_connector_sensor() {
  auto s = std::make_unique<ProcConnectorSensor>();
  DAGDA_TRY(s->open());
  return std::unique_ptr<Sensor>(std::move(s));
}

}  // namespace dagda::monitor
