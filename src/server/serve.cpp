#include "server/serve.hpp"
#include "server/monitor_service.hpp"

#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "match/finding.hpp"
#include "net/http.hpp"
#include "server/handles.hpp"
#include "server/worker.hpp"
#include "state/tables.hpp"
#include "state/tokens.hpp"

namespace dagda::server {
namespace {

using nlohmann::json;

// Blocks SIGINT and SIGTERM in every thread; waits for one on its own thread.
class SignalWaiter {
 public:
  SignalWaiter() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
  }
  template <typename F>
  std::thread start(F on_signal) {
    return std::thread([this, on_signal] {
      int sig = 0;
      sigwait(&set_, &sig);
      on_signal(sig);
    });
  }
  // Wakes the waiting thread when the server stops for another reason.
  void wake() { ::kill(::getpid(), SIGTERM); }

 private:
  sigset_t set_;
};

std::string_view status_code_name(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 408: return "timeout";
    case 413: return "too_large";
    case 414: return "uri_too_long";
    case 431: return "headers_too_large";
    default: return status >= 500 ? "internal" : "http_error";
  }
}

Status start_workers(const std::string& db, int n, int64_t lease, const std::atomic<bool>& stop,
                     std::vector<std::thread>& threads) {
  for (int i = 0; i < n; ++i) {
    WorkerOptions w;
    w.db = db;
    w.name = worker_name(i);
    w.lease_seconds = lease;
    threads.emplace_back([w, &stop] { run_worker(w, stop); });
  }
  return Ok{};
}

// Debian's cpp-httplib is a shared library built with a listen backlog of 5: 64 clients that
// connect at once overflow it, the kernel drops the last ACK of their handshakes, and each of
// their first requests waits about a second for a retransmission (wrk's p99 near 1 s, even on
// /healthz, with TcpExtListenOverflows rising). On Linux, listen() on a socket that already
// listens sets its backlog anew; the library keeps its socket to itself, so it is found here by
// its port. Returns how many sockets were widened.
int widen_listen_backlog(int port) {
  int widened = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    int fd = -1;
    try {
      fd = std::stoi(entry.path().filename().string());
    } catch (...) {
      continue;
    }
    int listening = 0;
    socklen_t len = sizeof listening;
    if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) continue;
    sockaddr_storage addr{};
    len = sizeof addr;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) continue;
    int bound = -1;
    if (addr.ss_family == AF_INET) bound = ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
    if (addr.ss_family == AF_INET6) bound = ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
    if (bound == port && ::listen(fd, SOMAXCONN) == 0) ++widened;
  }
  return widened;
}

}  // namespace

Reply handle(const Config& config, Call& call, const std::string& authorization) {
  if (!split_path(call.target, call.segments))
    return error_reply(400, "invalid_path", "the path is malformed (an empty segment or a bad %-escape)");
  bool path_known = false;
  const Route* route = find_route(call.method, call.segments, call.params, path_known);
  if (!route) {
    if (path_known) return error_reply(405, "method_not_allowed", fmt::format("{} is not allowed here", call.method));
    return error_reply(404, "unknown_route", "no such route; see /v1/openapi.json");
  }
  if (!route->scope.empty()) {
    if (!authorization.starts_with("Bearer ") || authorization.size() <= 7)
      return error_reply(401, "unauthorized", "this route needs an API token: Authorization: Bearer TOKEN");
    auto store = state_store(config.db);
    if (!store.ok()) return error_reply(503, "unavailable", store.error().render());
    auto checked = state::Tokens((*store)->db()).check(std::string_view(authorization).substr(7));
    if (!checked.ok()) return error_reply(503, "unavailable", checked.error().render());
    switch (checked->first) {
      case state::TokenCheck::ok: break;
      case state::TokenCheck::expired: return error_reply(401, "token_expired", "the token has expired");
      case state::TokenCheck::revoked: return error_reply(401, "token_revoked", "the token was revoked");
      default: return error_reply(401, "unauthorized", "unknown token");
    }
    if (!state::scope_allows(checked->second.scope, route->scope))
      return error_reply(403, "forbidden",
                         fmt::format("this route needs scope {}; the token has {}", route->scope,
                                     checked->second.scope));
    call.token_name = checked->second.name;
    call.token_scope = checked->second.scope;
  }
  try {
    return route->handler(config, call);
  } catch (const std::exception& e) {
    return error_reply(500, "internal", fmt::format("internal error: {}", e.what()));
  }
}

Status serve(const ServeOptions& opts) {
  Config config;
  config.db = opts.db;
  MonitorService monitor(opts.db);  // its sensor starts with the first monitor window
  config.monitor = &monitor;
  FeedSettings feeds = opts.feeds;
  DAGDA_TRY(parse_feed_urls(opts.feed_urls, feeds));
  config.update_request = update_request(feeds, opts.rematch_interval_s > 0, opts.notify);
  for (auto& dir : opts.allow_paths) {
    std::error_code ec;
    auto real = std::filesystem::canonical(dir, ec);
    if (ec || !std::filesystem::is_directory(real))
      return Error(ErrorCode::invalid_input, "--allow-path: not a directory", {.file = dir});
    config.allow_paths.push_back(real.string());
  }
  size_t colon = opts.listen.rfind(':');
  if (colon == std::string::npos)
    return Error(ErrorCode::invalid_input, fmt::format("--listen '{}': ADDR:PORT expected", opts.listen));
  std::string host = opts.listen.substr(0, colon);
  if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    port = std::stoi(opts.listen.substr(colon + 1));
  } catch (...) {
    port = -1;
  }
  if (port < 0 || port > 65535)
    return Error(ErrorCode::invalid_input, fmt::format("--listen '{}': the port is not a number", opts.listen));
  if (opts.tls_cert.empty() != opts.tls_key.empty())
    return Error(ErrorCode::invalid_input, "--tls-cert and --tls-key go together");

  if (!opts.notify.url.empty()) {
    net::UrlParts url;
    if (!net::parse_url(opts.notify.url, &url))
      return Error(ErrorCode::invalid_input, fmt::format("--notify-url '{}': an http:// or https:// URL expected",
                                                         net::redact_url(opts.notify.url)));
  }
  if (severity_rank(opts.notify.severity) == 0 && opts.notify.severity != "unknown")
    return Error(ErrorCode::invalid_input, fmt::format("--notify-severity '{}': not a severity", opts.notify.severity));

  // The tables, created once before any thread needs them.
  DAGDA_ASSIGN_OR_RETURN(auto* store, state_store(opts.db));
  (void)store;
  // The first look at the import generation, before any request: a database
  // changed while no server ran is re-matched now.
  if (opts.rematch_interval_s > 0)
    if (auto queued = queue_rematch_if_needed(opts.db, opts.notify); !queued.ok())
      log_line({{"event", "rematch_error"}, {"error", queued.error().render()}});

  SignalWaiter signals;
  std::unique_ptr<httplib::Server> svr;
  if (!opts.tls_cert.empty()) {
    svr = std::make_unique<httplib::SSLServer>(opts.tls_cert.c_str(), opts.tls_key.c_str());
    if (!svr->is_valid())
      return Error(ErrorCode::invalid_input, "the TLS certificate or key cannot be used", {.file = opts.tls_cert});
  } else {
    svr = std::make_unique<httplib::Server>();
  }
  int threads = std::max(2, opts.threads);
  svr->new_task_queue = [threads] { return new httplib::ThreadPool(size_t(threads)); };
  svr->set_payload_max_length(opts.max_body);
  svr->set_read_timeout(opts.read_timeout_s, 0);
  svr->set_write_timeout(opts.write_timeout_s, 0);
  svr->set_keep_alive_timeout(5);
  // cpp-httplib closes a keep-alive connection after 5 requests by default; the client then
  // connects again into a listen backlog of 5, and a connect that overflows it waits for the
  // SYN to be sent again, a second later: a p99 of about 1 s on every route, /healthz too.
  svr->set_keep_alive_max_count(10000);
  // Without it every keep-alive answer waited for the client's delayed ACK (Nagle): 43 ms p50 on
  // every route (bench/README.md). Set on the listening socket; accepted sockets inherit it.
  svr->set_tcp_nodelay(true);

  auto dispatch = [&config](const httplib::Request& req, httplib::Response& res) {
    auto t0 = std::chrono::steady_clock::now();
    Call call;
    call.method = req.method;
    call.target = req.target;
    for (auto& [k, v] : req.params) call.query.emplace(k, v);
    call.body = req.body;
    call.accept = req.get_header_value("Accept");
    call.content_type = req.get_header_value("Content-Type");
    Reply reply = handle(config, call, req.get_header_value("Authorization"));
    res.status = reply.status;
    if (reply.status == 401) res.set_header("WWW-Authenticate", "Bearer");
    res.set_content(reply.body, reply.content_type.c_str());
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
    Metrics& m = metrics();
    ++m.requests;
    m.duration_us += uint64_t(us);
    if (reply.status >= 500) ++m.errors_5xx;
    else if (reply.status >= 400) ++m.errors_4xx;
    log_line({{"event", "request"},
              {"time", state::iso_time(state::now_seconds())},
              {"remote", req.remote_addr},
              {"method", req.method},
              {"path", req.target.substr(0, req.target.find('?'))},
              {"status", reply.status},
              {"bytes", reply.body.size()},
              {"ms", double(us) / 1000.0},
              {"token", call.token_name.empty() ? json(nullptr) : json(call.token_name)}});
  };
  const std::string any = "[\\s\\S]*";
  svr->Get(any, dispatch);
  svr->Post(any, dispatch);
  svr->Patch(any, dispatch);
  svr->Delete(any, dispatch);
  svr->Put(any, dispatch);
  svr->Options(any, dispatch);
  // What httplib answers itself (413 too large, 400 unparsable, ...) gets a JSON body too.
  svr->set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    Reply r = error_reply(res.status, status_code_name(res.status),
                          fmt::format("HTTP {}: {}", res.status, status_code_name(res.status)));
    res.set_content(r.body, r.content_type.c_str());
    log_line({{"event", "request"},
              {"time", state::iso_time(state::now_seconds())},
              {"remote", req.remote_addr},
              {"method", req.method},
              {"status", res.status}});
  });
  svr->set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    Reply r = error_reply(500, "internal", "internal error");
    res.status = 500;
    res.set_content(r.body, r.content_type.c_str());
  });

  if (!svr->bind_to_port(host.c_str(), port))
    return Error(ErrorCode::io, fmt::format("cannot listen on {}", opts.listen));
  if (widen_listen_backlog(port) == 0)
    log_line({{"event", "backlog_not_widened"}, {"listen", opts.listen}, {"backlog", 5}});

  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  DAGDA_TRY(start_workers(opts.db, opts.workers, opts.lease_seconds, stop, workers));
  std::thread waiter = signals.start([&](int sig) {
    log_line({{"event", "stopping"}, {"signal", sig}});
    stop = true;
    svr->stop();
  });
  std::thread rematcher([&] {
    if (opts.rematch_interval_s <= 0) return;
    while (!stop.load()) {
      for (int64_t ms = 0; ms < int64_t(opts.rematch_interval_s) * 1000 && !stop.load(); ms += 100)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (stop.load()) break;
      if (auto queued = queue_rematch_if_needed(opts.db, opts.notify); !queued.ok())
        log_line({{"event", "rematch_error"}, {"error", queued.error().render()}});
    }
  });
  log_line({{"event", "listening"}, {"listen", opts.listen}, {"tls", !opts.tls_cert.empty()},
            {"workers", opts.workers}});
  bool listened = svr->listen_after_bind();
  if (!stop.load()) {
    // listen ended on its own (an error): wake the signal thread.
    stop = true;
    signals.wake();
  }
  waiter.join();
  rematcher.join();
  for (auto& t : workers) t.join();
  monitor.shutdown();
  log_line({{"event", "stopped"}});
  if (!listened && !stop.load()) return Error(ErrorCode::io, "the server stopped listening");
  return Ok{};
}

Status work(const std::string& db, int workers, int64_t lease_seconds) {
  DAGDA_ASSIGN_OR_RETURN(auto* store, state_store(db));
  (void)store;
  SignalWaiter signals;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  DAGDA_TRY(start_workers(db, std::max(1, workers), lease_seconds, stop, threads));
  std::thread waiter = signals.start([&](int sig) {
    log_line({{"event", "stopping"}, {"signal", sig}});
    stop = true;
  });
  waiter.join();
  for (auto& t : threads) t.join();
  return Ok{};
}

}  // namespace dagda::server
