#include "cli/remote.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "cli/output.hpp"
#include "cli/progress.hpp"
#include "client/scan_report.hpp"
#include "match/policy.hpp"
#include "report/scan_writer.hpp"

namespace dagda::cli {

Result<client::Server> RemoteFlags::open() const {
  return client::Server::open({.url = server, .token = token, .cacert = cacert});
}

void add_remote_flags(CLI::App* sub, RemoteFlags& flags) {
  sub->add_option("--server", flags.server, "A dagda serve URL: run this on the server (docs/server.md)")
      ->envname("DAGDA_SERVER")
      ->group("Remote options");
  sub->add_option("--token", flags.token, "API token for --server (dagda token create)")
      ->envname("DAGDA_TOKEN")
      ->group("Remote options");
  sub->add_option("--cacert", flags.cacert, "CA certificate (PEM) trusted for an https --server, besides the system's")
      ->check(CLI::ExistingFile)
      ->group("Remote options");
}

Status refuse_remote(bool given, std::string_view option, std::string_view why) {
  if (!given) return Ok{};
  return Error(ErrorCode::invalid_input, fmt::format("{} has no meaning with --server: {}", option, why));
}

std::string server_format(const std::string& format) { return format == "table" ? "json" : format; }

Status check_scan_format(const std::string& format) {
  if (format == "table" || format == "json" || format == "sarif" || format == "cyclonedx") return Ok{};
  return Error(ErrorCode::invalid_input,
               fmt::format("unknown format '{}'; choose one of: table, json, sarif, cyclonedx", format));
}

int print_remote_report(const RemoteReport& r, const GlobalOptions& g) {
  const std::string what = "the server's report";
  auto remaining = client::remaining_findings(r.text, server_format(r.format), r.severities, what);
  if (!remaining.ok()) return report_error(remaining.error());
  if (r.format != "table") {
    if (int w = write_report(r.output, r.text); w != kExitOk) return w;
    return *remaining > 0 ? r.exit_code : kExitOk;
  }
  auto result = client::read_scan_report(r.text, what);
  if (!result.ok()) return report_error(result.error());
  if (!r.severities.empty()) {
    PolicyOptions policy;
    policy.severities = r.severities;
    if (auto st = apply_policy(*result, policy); !st.ok()) return report_error(st.error());
  }
  if (!g.quiet)
    for (const Warning& w : result->inventory.warnings) print_warning(w);
  ScanReportOptions ro;
  ro.show_suppressed = r.show_suppressed;
  ro.warnings_on_stderr = !g.quiet;
  bool to_terminal = r.output.empty() && ::isatty(STDOUT_FILENO);
  ro.color = to_terminal && !g.no_color && std::getenv("NO_COLOR") == nullptr;
  if (struct winsize ws{}; to_terminal && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 60)
    ro.width = ws.ws_col;
  auto text = find_scan_format("table")->write(*result, ro);
  if (!text.ok()) return report_error(text.error());
  if (int w = write_report(r.output, *text); w != kExitOk) return w;
  return *remaining > 0 ? r.exit_code : kExitOk;
}

}  // namespace dagda::cli
