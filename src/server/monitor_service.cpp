#include "server/monitor_service.hpp"

#include <unistd.h>

#include <chrono>

#include <fmt/format.h>

#include "monitor/falco_alerts.hpp"
#include "monitor/monitor.hpp"
#include "net/engine.hpp"
#include "rules/engine.hpp"
#include "state/events.hpp"

namespace dagda::server {
namespace {

Result<net::EngineContainer> inspect(const std::string& container) {
  DAGDA_ASSIGN_OR_RETURN(auto ep, net::engine_from_env());
  net::EngineClient client(std::move(ep));
  DAGDA_ASSIGN_OR_RETURN(auto resp,
                         client.get("/containers/" + net::engine_path_escape(container, false) + "/json", 4u << 20));
  if (resp.status == 404)
    return Error(ErrorCode::not_found, fmt::format("the engine has no container '{}'", container));
  if (resp.status != 200)
    return Error(ErrorCode::io, fmt::format("the engine answered {} for container '{}': {}", resp.status, container,
                                            net::engine_error_message(resp.body)));
  return net::parse_container_inspect(resp.body);
}

constexpr auto kReadyWait = std::chrono::seconds(60);
// What the sensor saw just before `stop` is delivered within this pause.
constexpr auto kDrain = std::chrono::milliseconds(700);

}  // namespace

Result<MonitorWindow> MonitorService::start(const std::string& container) {
  DAGDA_ASSIGN_OR_RETURN(net::EngineContainer c, inspect(container));
  if (!c.running)
    return Error(ErrorCode::invalid_input, fmt::format("container '{}' is not running ({})", container, c.status));
  MonitorWindow w{monitor::short_container_id(c.id), c.name, 0, 0};

  std::unique_lock lock(mu_);
  if (windows_.count(w.container_id))
    return Error(ErrorCode::invalid_input, fmt::format("container '{}' is monitored already", container));
  if (!running_) {
    if (thread_.joinable()) {
      lock.unlock();
      thread_.join();
      lock.lock();
    }
    failure_.reset();
    stop_ = false;
    ready_ = false;
    running_ = true;
    thread_ = std::thread([this] {
      auto fail = [this](Error e) {
        std::lock_guard g(mu_);
        failure_ = std::move(e);
        running_ = ready_ = false;
        sensor_.clear();
        changed_.notify_all();
      };
      auto store = state::EventStore::open(db_);
      if (!store.ok()) return fail(store.error());
      rules::LoadResult loaded = rules::load_rules({rules::default_rules()});
      if (!loaded.ok()) return fail(Error(ErrorCode::internal, "Dagda's default rules did not load"));
      char host[256] = {};
      ::gethostname(host, sizeof host - 1);
      monitor::MonitorOptions opts;
      opts.rules = loaded.ruleset;
      opts.db = db_;
      opts.hostname = host;
      opts.stop = &stop_;
      opts.on_notice = [this](const std::string& s) {
        if (s != "monitor ready") return;
        std::lock_guard g(mu_);
        ready_ = true;
        changed_.notify_all();
      };
      opts.on_alert = [this, &store](const rules::Alert& a) {
        state::StoredAlert stored = monitor::stored_alert(a);
        {
          std::lock_guard g(mu_);
          auto it = windows_.find(stored.container_id);
          if (it == windows_.end() || a.time_ns < it->second.started_ns) return;
        }
        (void)(*store)->add({std::move(stored)});  // a failed insert leaves the window short; stop says so
      };
      auto st = monitor::run_monitor(opts);
      if (!st.ok()) return fail(st.error());
      std::lock_guard g(mu_);
      running_ = ready_ = false;
      sensor_.clear();
      changed_.notify_all();
    });
  }
  if (!changed_.wait_for(lock, kReadyWait, [this] { return ready_ || !running_; }))
    return Error(ErrorCode::io, "the sensor did not attach within a minute");
  if (!running_)
    return failure_ ? failure_->wrap("the monitor cannot run") : Error(ErrorCode::internal, "the monitor stopped");
  w.started_ns = monitor::unix_now_ns();
  windows_[w.container_id] = w;
  return w;
}

Result<MonitorWindow> MonitorService::stop(const std::string& container) {
  std::string id;
  {
    // A container that has exited since is found among the windows by id prefix or name.
    std::lock_guard g(mu_);
    for (const auto& [sid, w] : windows_)
      if (w.name == container || (container.size() >= 4 && (sid.starts_with(container) || container.starts_with(sid))))
        id = sid;
  }
  if (id.empty()) {
    auto c = inspect(container);
    if (!c.ok()) return c.error();
    id = monitor::short_container_id(c->id);
  }
  std::this_thread::sleep_for(kDrain);
  std::unique_lock lock(mu_);
  auto it = windows_.find(id);
  if (it == windows_.end())
    return Error(ErrorCode::not_found, fmt::format("container '{}' is not monitored (no window was started)", container));
  MonitorWindow w = it->second;
  w.stopped_ns = monitor::unix_now_ns();
  windows_.erase(it);
  if (windows_.empty()) stop_sensor_locked(lock);
  return w;
}

std::string MonitorService::sensor() const {
  std::lock_guard g(mu_);
  return running_ ? "running" : "";
}

void MonitorService::stop_sensor_locked(std::unique_lock<std::mutex>& lock) {
  stop_ = true;
  if (!thread_.joinable()) return;
  lock.unlock();
  thread_.join();
  lock.lock();
}

void MonitorService::shutdown() {
  std::unique_lock lock(mu_);
  windows_.clear();
  stop_sensor_locked(lock);
}

}  // namespace dagda::server
