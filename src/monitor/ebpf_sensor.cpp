// monitor/ebpf_sensor.cpp: the eBPF sensor, loaded from the embedded libbpf
// skeleton (bpf/sensor.bpf.c).
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fmt/format.h>

#include "monitor/sensor.hpp"
#include "sensor.skel.h"

namespace dagda::monitor {
namespace {

// libbpf prints to stderr by default; its messages are kept for our error instead.
std::string* g_libbpf_log = nullptr;
int libbpf_print(enum libbpf_print_level level, const char* fmt_, va_list ap) {
  if (level == LIBBPF_DEBUG || !g_libbpf_log) return 0;
  char buf[1024];
  int n = vsnprintf(buf, sizeof buf, fmt_, ap);
  if (n > 0 && g_libbpf_log->size() < 8192) g_libbpf_log->append(buf, std::min<size_t>(n, sizeof buf - 1));
  return 0;
}

class EbpfSensor final : public Sensor {
 public:
  ~EbpfSensor() override {
    if (rb_) ring_buffer__free(rb_);
    if (skel_) dagda_sensor::destroy(skel_);
  }
  std::string name() const override { return "ebpf"; }
  std::string coverage() const override {
    return "eBPF (tp_btf): exec, exit, open/openat/openat2/creat, connect, accept, bind, listen, socket, setuid "
           "family, ptrace, memfd_create, unlink, rename, link, symlink, mount, chmod, dup of a socket";
  }

  Status load() {
    std::string log;
    g_libbpf_log = &log;
    libbpf_set_print(libbpf_print);
    struct Reset {
      ~Reset() { g_libbpf_log = nullptr; }
    } reset;
    skel_ = dagda_sensor::open();
    if (!skel_) return fail("cannot open the eBPF object", errno, log);
    skel_->rodata->self_tgid = static_cast<int>(getpid());
    size_t n = 0;
    const TracedCall* calls = traced_calls(&n);
    for (size_t i = 0; i < n; ++i) skel_->rodata->want[calls[i].nr] = 1;
    if (int err = dagda_sensor::load(skel_); err != 0) return fail("cannot load the eBPF programs", -err, log);
    if (int err = dagda_sensor::attach(skel_); err != 0) return fail("cannot attach the eBPF programs", -err, log);
    rb_ = ring_buffer__new(bpf_map__fd(skel_->maps.events), &EbpfSensor::on_record, this, nullptr);
    if (!rb_) return fail("cannot open the eBPF ring buffer", errno, log);
    ncpu_ = libbpf_num_possible_cpus();
    if (ncpu_ <= 0) ncpu_ = 1;
    return Ok{};
  }

  Result<size_t> poll(int timeout_ms, const RawHandler& h) override {
    handler_ = &h;
    count_ = 0;
    int rc = ring_buffer__poll(rb_, timeout_ms);
    handler_ = nullptr;
    if (rc < 0 && rc != -EINTR)
      return Error(ErrorCode::io, fmt::format("reading the eBPF ring buffer: {}", std::strerror(-rc)));
    return count_;
  }

  uint64_t dropped() const override {
    std::vector<unsigned long long> per_cpu(static_cast<size_t>(ncpu_), 0);
    unsigned int key = 0;
    if (bpf_map__lookup_elem(skel_->maps.drops, &key, sizeof key, per_cpu.data(),
                             per_cpu.size() * sizeof(unsigned long long), 0) != 0)
      return 0;
    uint64_t total = 0;
    for (auto v : per_cpu) total += v;
    return total;
  }

 private:
  static int on_record(void* ctx, void* data, size_t size) {
    auto* self = static_cast<EbpfSensor*>(ctx);
    if (size < sizeof(dg_event) || !self->handler_) return 0;
    (*self->handler_)(*static_cast<const dg_event*>(data));
    ++self->count_;
    return 0;
  }

  static Error fail(const char* what, int err, const std::string& log) {
    std::string msg = fmt::format("{}: {}", what, std::strerror(err));
    if (!log.empty()) {
      std::string tail = log.size() > 600 ? log.substr(log.size() - 600) : log;
      while (!tail.empty() && tail.back() == '\n') tail.pop_back();
      msg += fmt::format(" (libbpf: {})", tail);
    }
    if (err == EPERM || err == EACCES) msg += "; the eBPF sensor needs root (CAP_BPF and CAP_PERFMON)";
    return Error(ErrorCode::unsupported, msg);
  }

  dagda_sensor* skel_ = nullptr;
  ring_buffer* rb_ = nullptr;
  int ncpu_ = 1;
  const RawHandler* handler_ = nullptr;
  size_t count_ = 0;
};

}  // namespace

Result<std::unique_ptr<Sensor>> open_ebpf_sensor() {
  auto s = std::make_unique<EbpfSensor>();
  DAGDA_TRY(s->load());
  return std::unique_ptr<Sensor>(std::move(s));
}

}  // namespace dagda::monitor
