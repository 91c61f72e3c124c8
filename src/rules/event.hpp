// rules/event.hpp: one system event as the rule engine sees it. A sensor (or a
// test) fills an Event and points it at the process, file descriptor and
// container it concerns; those objects are owned by the caller (a sensor keeps
// them in its process and container tables) and must outlive the call that
// evaluates the event. Nothing here is parsed per event: names are plain
// strings, numbers are numbers, addresses are binary.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dagda::rules {

// An index into the table of event type names (event_types.hpp).
using EventTypeId = uint16_t;

struct IpAddr {
  uint8_t family = 0;  // 0 unset, 4 or 6
  std::array<uint8_t, 16> bytes{};  // IPv4 in the first 4 bytes

  static std::optional<IpAddr> parse(std::string_view text);
  static IpAddr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);
  bool set() const { return family != 0; }
  std::string str() const;
  bool operator==(const IpAddr& o) const { return family == o.family && bytes == o.bytes; }
};

// An address with a prefix length: 10.0.0.0/8, fd00::/8.
struct IpNet {
  IpAddr addr;
  uint8_t prefix = 0;
  static std::optional<IpNet> parse(std::string_view text);
  bool contains(const IpAddr& ip) const;
};

enum class FdType : uint8_t {
  none, file, directory, ipv4, ipv6, unix_socket, pipe, event, signalfd, eventpoll, inotify,
  timerfd, netlink, bpf, userfaultfd, io_uring, memfd, pidfd, unknown,
};
std::string_view fd_type_name(FdType t);   // Falco's fd.type: "file", "ipv4", "unix", ...
char fd_type_char(FdType t);               // Falco's fd.typechar: 'f', '4', 'u', ...

enum class L4Proto : uint8_t { none, tcp, udp, icmp, raw };
std::string_view l4proto_name(L4Proto p);  // "tcp", "udp", "icmp", "raw"; "" for none

// Which end of a connection this process is.
enum class FdRole : uint8_t { none, client, server };

struct Fd {
  int64_t num = -1;       // fd.num (-1: the call failed)
  FdType type = FdType::none;
  std::string name;       // a path, a unix socket path, or for inet sockets
                          // "cip:cport->sip:sport" (built from the fields below when empty)
  std::string nameraw;    // the path as the process wrote it (empty: same as name)
  // Sockets.
  L4Proto l4proto = L4Proto::none;
  FdRole role = FdRole::none;
  bool listening = false;  // a server socket (bind/listen) rather than a connection
  IpAddr cip, sip;         // client and server addresses
  uint16_t cport = 0, sport = 0;
  bool connected = false;
  bool name_changed = false;
  // Files.
  int64_t ino = 0;
  uint32_t dev = 0;
  bool upper_layer = false, lower_layer = false;  // overlayfs layer of the file
};

struct Mount {
  std::string source, dest, mode;
  bool rw = true;
  std::string propagation;
};

struct Container {
  std::string id;                // the full id (64 hex characters for Docker/Podman)
  std::string name;
  std::string image;             // as the container was created from: repository:tag
  std::string image_id;
  std::string image_repository, image_tag, image_digest;
  std::string type = "docker";   // docker, podman, containerd, cri-o
  std::optional<bool> privileged;  // unset: not known (the engine API did not say)
  bool host_pid = false, host_network = false, host_ipc = false;
  uint64_t start_ts = 0;         // ns since the epoch; 0 unknown
  std::string ip;
  std::vector<Mount> mounts;
  std::vector<std::pair<std::string, std::string>> labels;
};

// A process (thread group). `parent`, `session_leader` and `pgid_leader` point
// into the same table; an ancestor walk stops at a null parent or after 256 steps.
struct Process {
  int64_t pid = 0, vpid = 0;     // host and namespace pid
  int64_t ppid = 0, pvpid = 0;   // used when `parent` is not known
  int64_t sid = 0, vpgid = 0, pgid = 0;
  std::string name;              // comm: the kernel's name (at most 15 characters)
  std::string exe;               // argv[0]
  std::string exepath;           // full path of the executable
  std::vector<std::string> args; // argv[1..]
  std::vector<std::string> env;  // "NAME=value"
  std::string cwd;
  uint32_t tty = 0;
  int64_t loginshellid = 0;
  uint32_t uid = 0, gid = 0;
  int64_t loginuid = -1;         // -1: unset (the kernel's 4294967295)
  std::string user_name, user_homedir, user_shell, loginname, group_name;
  uint64_t start_ts = 0;         // ns since the epoch
  uint64_t pidns_init_start_ts = 0;
  uint64_t cap_permitted = 0, cap_effective = 0, cap_inheritable = 0;
  bool exe_writable = false, exe_upper_layer = false, exe_lower_layer = false, exe_from_memfd = false;
  int64_t exe_ino = 0;
  uint64_t exe_ino_ctime = 0, exe_ino_mtime = 0;  // ns since the epoch
  const Process* parent = nullptr;
  const Process* session_leader = nullptr;
  const Process* vpgid_leader = nullptr;
  const Process* pgid_leader = nullptr;
};

// One argument of a system call, rendered as Falco renders it (evt.arg.NAME),
// with the raw number where there is one (evt.rawarg.NAME).
struct EventArg {
  std::string name;
  std::string value;
  std::optional<int64_t> raw;
};

struct Event {
  EventTypeId type = 0;
  char dir = '<';                 // '<' exit (the only kind Dagda's sensor sends), '>' enter
  uint64_t num = 0;               // sequence number
  uint64_t time_ns = 0;           // ns since the epoch
  std::optional<int64_t> res;     // the return value (evt.rawres); evt.res renders it
  std::vector<EventArg> args;
  int64_t tid = 0, vtid = 0;      // thread; 0: the process's main thread
  int16_t cpu = -1;
  // For open, openat, openat2, open_by_handle_at and creat: the Linux O_* flags and
  // the mode, from which evt.is_open_read/write/exec/create are derived.
  std::optional<uint32_t> open_flags;
  uint32_t open_mode = 0;
  const Process* proc = nullptr;
  const Fd* fd = nullptr;
  const Container* container = nullptr;  // null: the host

  const EventArg* arg(std::string_view name) const {
    for (const auto& a : args)
      if (a.name == name) return &a;
    return nullptr;
  }
};

// Falco's spellings, for sensors and tests that render arguments.
std::string render_open_flags(uint32_t linux_flags);  // "O_WRONLY|O_CREAT|O_TRUNC"
std::string render_caps(uint64_t caps);               // "CAP_CHOWN CAP_SYS_ADMIN"
std::optional<uint64_t> cap_bit(std::string_view name);
std::string errno_name(int64_t res);                  // "SUCCESS" when res >= 0, else "ENOENT", ...

}  // namespace dagda::rules
