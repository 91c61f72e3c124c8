// /healthz, /readyz, /metrics, /v1/openapi.json
#include <fmt/format.h>

#include "server/handlers.hpp"
#include "server/handles.hpp"
#include "state/jobs.hpp"

namespace dagda::server {

Reply healthz(const Config&, const Call&) { return json_reply(200, {{"status", "ok"}}); }

Reply readyz(const Config& config, const Call&) {
  auto store = state_store(config.db);
  if (!store.ok()) return error_reply(503, "unavailable", store.error().render());
  auto counts = state::Jobs((*store)->db()).counts();
  if (!counts.ok()) return error_reply(503, "unavailable", counts.error().render());
  return json_reply(200, {{"status", "ready"}});
}

Reply get_metrics(const Config& config, const Call&) {
  Metrics& m = metrics();
  std::string out;
  auto counter = [&](std::string_view name, std::string_view help, uint64_t v) {
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} counter\n{0} {2}\n", name, help, v);
  };
  counter("dagda_http_requests_total", "HTTP requests answered", m.requests.load());
  counter("dagda_http_client_errors_total", "HTTP answers with a 4xx status", m.errors_4xx.load());
  counter("dagda_http_server_errors_total", "HTTP answers with a 5xx status", m.errors_5xx.load());
  out += fmt::format(
      "# HELP dagda_http_request_seconds_total Time spent answering HTTP requests\n"
      "# TYPE dagda_http_request_seconds_total counter\ndagda_http_request_seconds_total {:.6f}\n",
      double(m.duration_us.load()) / 1e6);
  counter("dagda_jobs_completed_total", "Jobs this process completed", m.jobs_done.load());
  counter("dagda_jobs_failed_total", "Jobs this process failed", m.jobs_failed.load());
  counter("dagda_jobs_requeued_total", "Jobs this process gave back at shutdown", m.jobs_requeued.load());
  auto store = state_store(config.db);
  if (store.ok()) {
    if (auto counts = state::Jobs((*store)->db()).counts(); counts.ok()) {
      out += "# HELP dagda_jobs Jobs in the shared queue, by state\n# TYPE dagda_jobs gauge\n";
      for (auto& [state, n] : *counts) out += fmt::format("dagda_jobs{{state=\"{}\"}} {}\n", state, n);
    }
  }
  return Reply{200, "text/plain; version=0.0.4", std::move(out)};
}

Reply get_openapi(const Config&, const Call&) { return json_reply(200, openapi_document()); }

}  // namespace dagda::server
