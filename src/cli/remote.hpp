// cli/remote.hpp: what `agent` and the --server remote mode of scan, history, fp and
// vuln share: the server options and printing a report the server answered the way a
// local scan prints its own.
#pragma once

#include <string>
#include <vector>

#include "cli/command.hpp"
#include "client/server.hpp"

namespace dagda::cli {

struct RemoteFlags {
  std::string server;  // --server / DAGDA_SERVER
  std::string token;   // --token / DAGDA_TOKEN
  std::string cacert;  // --cacert
  bool remote() const { return !server.empty(); }
  Result<client::Server> open() const;
};

// --server URL, --token T (DAGDA_SERVER, DAGDA_TOKEN) and --cacert F on `sub`.
void add_remote_flags(CLI::App* sub, RemoteFlags& flags);

// Refuses a local-only option given with --server: `given` says whether it was given.
Status refuse_remote(bool given, std::string_view option, std::string_view why);

struct RemoteReport {
  std::string text;    // the report as the server answered it
  std::string format;  // table (the text is then dagda.scan/v1 JSON), json, sarif, cyclonedx
  std::string output;  // -o FILE
  std::vector<std::string> severities;  // --severity, parsed
  bool show_suppressed = false;
  int exit_code = 0;  // --exit-code
};

// Prints a report the server answered, as `scan` prints its own (the table is made here
// from the JSON; the other formats are the server's text), and returns the exit status
// of the scan policy: `exit_code` when findings at the --severity remain.
int print_remote_report(const RemoteReport& r, const GlobalOptions& g);

// The ?format= a report is fetched in: json for the table.
std::string server_format(const std::string& format);
// Checks a scan --format value: table, json, sarif, cyclonedx.
Status check_scan_format(const std::string& format);

}  // namespace dagda::cli
