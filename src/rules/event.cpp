#include "rules/event.hpp"

#include <arpa/inet.h>
#include <fcntl.h>

#include <charconv>
#include <cstring>

namespace dagda::rules {

std::optional<IpAddr> IpAddr::parse(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string s(text);
  if (s.size() > 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  IpAddr ip;
  if (s.find(':') == std::string::npos) {
    if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) != 1) return std::nullopt;
    ip.family = 4;
  } else {
    if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) != 1) return std::nullopt;
    ip.family = 6;
  }
  return ip;
}

IpAddr IpAddr::v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  IpAddr ip;
  ip.family = 4;
  ip.bytes[0] = a, ip.bytes[1] = b, ip.bytes[2] = c, ip.bytes[3] = d;
  return ip;
}

std::string IpAddr::str() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family == 4) inet_ntop(AF_INET, bytes.data(), buf, sizeof buf);
  else if (family == 6) inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  return buf;
}

std::optional<IpNet> IpNet::parse(std::string_view text) {
  size_t slash = text.find('/');
  auto ip = IpAddr::parse(text.substr(0, slash));
  if (!ip) return std::nullopt;
  IpNet net;
  net.addr = *ip;
  unsigned max = ip->family == 4 ? 32 : 128;
  net.prefix = static_cast<uint8_t>(max);
  if (slash != std::string_view::npos) {
    std::string_view p = text.substr(slash + 1);
    unsigned v = 0;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
    if (ec != std::errc() || end != p.data() + p.size() || p.empty() || v > max) return std::nullopt;
    net.prefix = static_cast<uint8_t>(v);
  }
  return net;
}

bool IpNet::contains(const IpAddr& ip) const {
  if (ip.family != addr.family) return false;
  unsigned full = prefix / 8, rest = prefix % 8;
  if (std::memcmp(ip.bytes.data(), addr.bytes.data(), full) != 0) return false;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (ip.bytes[full] & mask) == (addr.bytes[full] & mask);
}

std::string_view fd_type_name(FdType t) {
  switch (t) {
    case FdType::file: return "file";
    case FdType::directory: return "directory";
    case FdType::ipv4: return "ipv4";
    case FdType::ipv6: return "ipv6";
    case FdType::unix_socket: return "unix";
    case FdType::pipe: return "pipe";
    case FdType::event: return "event";
    case FdType::signalfd: return "signalfd";
    case FdType::eventpoll: return "eventpoll";
    case FdType::inotify: return "inotify";
    case FdType::timerfd: return "timerfd";
    case FdType::netlink: return "netlink";
    case FdType::bpf: return "bpf";
    case FdType::userfaultfd: return "userfaultfd";
    case FdType::io_uring: return "io_uring";
    case FdType::memfd: return "memfd";
    case FdType::pidfd: return "pidfd";
    case FdType::unknown:
    case FdType::none: break;
  }
  return "";
}

char fd_type_char(FdType t) {
  switch (t) {
    case FdType::file: return 'f';
    case FdType::directory: return 'd';
    case FdType::ipv4: return '4';
    case FdType::ipv6: return '6';
    case FdType::unix_socket: return 'u';
    case FdType::pipe: return 'p';
    case FdType::event: return 'e';
    case FdType::signalfd: return 's';
    case FdType::eventpoll: return 'l';
    case FdType::inotify: return 'i';
    case FdType::timerfd: return 't';
    case FdType::netlink: return 'n';
    case FdType::bpf: return 'b';
    case FdType::userfaultfd: return 'u';
    case FdType::io_uring: return 'r';
    case FdType::memfd: return 'm';
    case FdType::pidfd: return 'P';
    case FdType::unknown: return 'o';
    case FdType::none: break;
  }
  return 0;
}

std::string_view l4proto_name(L4Proto p) {
  switch (p) {
    case L4Proto::tcp: return "tcp";
    case L4Proto::udp: return "udp";
    case L4Proto::icmp: return "icmp";
    case L4Proto::raw: return "raw";
    case L4Proto::none: break;
  }
  return "";
}

std::string render_open_flags(uint32_t f) {
  // Falco's order (its flag table), each name once; the access mode is one of three.
  struct Flag {
    const char* name;
    uint32_t bits;
  };
  // glibc defines O_LARGEFILE as 0 on 64-bit targets (it is implied there); the
  // kernel's bit, which a sensor sees in the syscall argument, is the one wanted.
#if defined(__aarch64__)
  constexpr uint32_t kLargefile = 0400000;
#else
  constexpr uint32_t kLargefile = 0100000;
#endif
  static const Flag kFlags[] = {
      {"O_LARGEFILE", kLargefile}, {"O_DIRECTORY", O_DIRECTORY}, {"O_DIRECT", O_DIRECT},
      {"O_TRUNC", O_TRUNC},         {"O_SYNC", O_SYNC},           {"O_NONBLOCK", O_NONBLOCK},
      {"O_EXCL", O_EXCL},           {"O_DSYNC", O_DSYNC},         {"O_APPEND", O_APPEND},
      {"O_CREAT", O_CREAT},
  };
  std::string out;
  auto add = [&](const char* n) {
    if (!out.empty()) out += '|';
    out += n;
  };
  uint32_t rest = f;
  if ((rest & O_TMPFILE) == static_cast<uint32_t>(O_TMPFILE)) rest &= ~static_cast<uint32_t>(O_TMPFILE);
  for (const auto& fl : kFlags) {
    if (fl.bits != 0 && (rest & fl.bits) == fl.bits) {
      add(fl.name);
      rest &= ~fl.bits;
    }
  }
  switch (f & O_ACCMODE) {
    case O_RDWR: add("O_RDWR"); break;
    case O_WRONLY: add("O_WRONLY"); break;
    default: add("O_RDONLY"); break;
  }
  if (f & O_CLOEXEC) add("O_CLOEXEC");
  if ((f & O_TMPFILE) == static_cast<uint32_t>(O_TMPFILE)) add("O_TMPFILE");
  return out;
}

namespace {
// Linux capability numbers (linux/capability.h).
constexpr const char* kCaps[] = {
    "CAP_CHOWN",           "CAP_DAC_OVERRIDE",  "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
    "CAP_FSETID",          "CAP_KILL",          "CAP_SETGID",          "CAP_SETUID",
    "CAP_SETPCAP",         "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",       "CAP_NET_RAW",       "CAP_IPC_LOCK",        "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",      "CAP_SYS_RAWIO",     "CAP_SYS_CHROOT",      "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",       "CAP_SYS_ADMIN",     "CAP_SYS_BOOT",        "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",    "CAP_SYS_TIME",      "CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",
    "CAP_LEASE",           "CAP_AUDIT_WRITE",   "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",    "CAP_MAC_ADMIN",     "CAP_SYSLOG",          "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",   "CAP_AUDIT_READ",    "CAP_PERFMON",         "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};
}  // namespace

std::string render_caps(uint64_t caps) {
  std::string out;
  for (size_t i = 0; i < std::size(kCaps); ++i) {
    if (caps & (uint64_t{1} << i)) {
      if (!out.empty()) out += ' ';
      out += kCaps[i];
    }
  }
  return out;
}

std::optional<uint64_t> cap_bit(std::string_view name) {
  for (size_t i = 0; i < std::size(kCaps); ++i)
    if (name == kCaps[i]) return uint64_t{1} << i;
  return std::nullopt;
}

std::string errno_name(int64_t res) {
  if (res >= 0) return "SUCCESS";
  if (res < -4095) return std::to_string(res);
  const char* n = strerrorname_np(static_cast<int>(-res));
  return n ? n : std::to_string(res);
}

}  // namespace dagda::rules
