// dagda scan SOURCE [--format table|json|sarif|cyclonedx] [-o FILE] [--severity LIST] [--ignore-unfixed]
//   [--ignorefile FILE] [--vex FILE] [--exit-code N] [--show-suppressed] [--scanners LIST] [--secret-config FILE]
// dagda fp add|list|remove IMAGE|'*' PACKAGE[:VERSION] [VULN_ID]
// With --server URL (or DAGDA_SERVER): the check runs on the server (POST /v1/check, then
// GET /v1/jobs/<id> until it ends) and its report is printed here; fp marks are set and listed there.
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "cache/layer_cache.hpp"
#include "cli/command.hpp"
#include "cli/progress.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "cli/remote.hpp"
#include "common/fs.hpp"
#include "engine/engine.hpp"
#include "report/scan_writer.hpp"

namespace dagda::cli {
namespace {

struct ScanArgs {
  std::string source, format = "table", output, platform, ignorefile, vex, retirejs, scanners, secret_config;
  std::vector<std::string> severity;
  bool ignore_unfixed = false, show_suppressed = false, lockfiles = false, include_os_owned = false;
  bool exclude_dev = false;
  std::string registry_ca, cache_max_size;
  bool insecure_registry = false, no_cache = false;
  int exit_code = 0;
  unsigned threads = 0;
  RemoteFlags remote;
  unsigned timeout_s = 1800;
};

// The check on the server: queued, waited for, its report fetched and printed.
int run_remote_scan(const ScanArgs& args, const GlobalOptions& g) {
  if (auto st = check_scan_format(args.format); !st.ok()) return report_error(st.error());
  auto severities = parse_severity_list(args.severity);
  if (!severities.ok()) return report_error(severities.error());
  const std::string_view local_files = "it names a file here, and the server reads only its own";
  const std::string_view local_reading = "the server reads the image with its own settings";
  for (auto st : {refuse_remote(!args.ignorefile.empty(), "--ignorefile", local_files),
                  refuse_remote(!args.vex.empty(), "--vex", local_files),
                  refuse_remote(!args.retirejs.empty(), "--retirejs", local_files),
                  refuse_remote(!args.secret_config.empty(), "--secret-config", local_files),
                  refuse_remote(!args.scanners.empty(), "--scanners", "the server runs its default scanners"),
                  refuse_remote(args.threads != 0, "--threads", local_reading),
                  refuse_remote(!args.registry_ca.empty(), "--registry-ca", local_reading),
                  refuse_remote(args.insecure_registry, "--insecure-registry", local_reading),
                  refuse_remote(args.no_cache, "--no-cache", local_reading),
                  refuse_remote(!args.cache_max_size.empty(), "--cache-max-size", local_reading)})
    if (!st.ok()) return report_error(st.error());
  auto server = args.remote.open();
  if (!server.ok()) return report_error(server.error());

  nlohmann::json options = nlohmann::json::object();
  if (!severities->empty()) options["severity"] = *severities;
  if (args.ignore_unfixed) options["ignore_unfixed"] = true;
  if (!args.platform.empty()) options["platform"] = args.platform;
  if (args.lockfiles) options["lockfiles"] = true;
  if (args.include_os_owned) options["include_os_owned"] = true;
  if (args.exclude_dev) options["exclude_dev"] = true;
  nlohmann::json body = {{"source", args.source}, {"options", options}};
  auto job = server->call_json("POST", "/v1/check", "scan", body.dump());
  if (!job.ok()) return report_error(job.error());
  if (!job->contains("id") || !(*job)["id"].is_number_integer())
    return report_error(Error(ErrorCode::corrupt, "the server's answer to POST /v1/check has no job id"));
  const int64_t id = (*job)["id"].get<int64_t>();

  // Polled every 0.1 s at first, then less often, up to every 2 s, until --timeout.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(args.timeout_s);
  auto pause = std::chrono::milliseconds(100);
  std::string state;
  for (;;) {
    auto j = server->call_json("GET", fmt::format("/v1/jobs/{}", id), "read");
    if (!j.ok()) return report_error(j.error());
    *job = std::move(*j);
    state = job->value("state", "");
    if (state == "done" || state == "failed") break;
    if (std::chrono::steady_clock::now() + pause > deadline)
      return report_error(Error(ErrorCode::io, fmt::format("job {} on the server is still {} after {} s (--timeout); "
                                                           "it goes on there: GET /v1/jobs/{} shows when it ends",
                                                           id, state.empty() ? "unknown" : state, args.timeout_s, id)));
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 3 / 2, std::chrono::milliseconds(2000));
  }
  if (state == "failed") {
    std::string why = job->contains("error") && (*job)["error"].is_string() ? (*job)["error"].get<std::string>()
                                                                              : "no reason given";
    return report_error(Error(ErrorCode::io, fmt::format("the check of {} failed on the server (job {}): {}",
                                                         args.source, id, why)));
  }
  if (!job->contains("report_id") || !(*job)["report_id"].is_number_integer())
    return report_error(Error(ErrorCode::corrupt, fmt::format("job {} is done but names no report", id)));
  // The history files the report under the source as the job states it.
  std::string source = job->contains("source") && (*job)["source"].is_string() ? (*job)["source"].get<std::string>()
                                                                                : args.source;
  auto report = server->call("GET",
                             fmt::format("/v1/history/{}?id={}&format={}", client::segment(source),
                                         (*job)["report_id"].get<int64_t>(), server_format(args.format)),
                             "read");
  if (!report.ok()) return report_error(report.error());
  RemoteReport r;
  r.text = std::move(report->body);
  r.format = args.format;
  r.output = args.output;
  r.severities = std::move(*severities);
  r.show_suppressed = args.show_suppressed;
  r.exit_code = args.exit_code;
  return print_remote_report(r, g);
}

int run_scan(const ScanArgs& args, const GlobalOptions& g) {
  if (args.remote.remote()) return run_remote_scan(args, g);
  const ScanFormat* format = find_scan_format(args.format);
  if (!format) {
    std::vector<std::string_view> names;
    for (const ScanFormat& f : scan_formats()) names.push_back(f.name);
    return report_error(Error(ErrorCode::invalid_input,
                              fmt::format("unknown format '{}'; choose one of: {}", args.format, fmt::join(names, ", "))));
  }
  engine::ScanOptions opts;
  auto severities = parse_severity_list(args.severity);
  if (!severities.ok()) return report_error(severities.error());
  opts.policy.severities = std::move(*severities);
  opts.policy.ignore_unfixed = args.ignore_unfixed;
  opts.policy.ignorefile = args.ignorefile;
  opts.policy.vex = args.vex;
  opts.inventory.source.platform = args.platform;
  opts.inventory.threads = args.threads;
  opts.inventory.lockfiles = args.lockfiles;
  opts.inventory.include_os_owned = args.include_os_owned;
  opts.inventory.exclude_dev = args.exclude_dev;
  opts.inventory.source.registry_ca = args.registry_ca;
  opts.inventory.source.insecure_registry = args.insecure_registry;
  opts.inventory.use_cache = !args.no_cache;
  if (!args.cache_max_size.empty()) {
    auto size = cache::parse_size(args.cache_max_size);
    if (!size.ok()) return report_error(size.error());
    opts.inventory.cache_max_bytes = *size;
  }
  opts.retirejs_file = args.retirejs;
  opts.cache_dir = g.cache_dir;
  opts.scanners = args.scanners;
  opts.secret_config = args.secret_config;

  auto eng = engine::Engine::open({g.db});
  if (!eng.ok()) return report_error(eng.error());
  Progress progress(g, args.source);
  auto result = (*eng)->scan(args.source, opts, progress.hooks());
  progress.done();
  if (!result.ok()) return report_error(result.error());

  if (!g.quiet) {
    for (const Warning& w : result->inventory.warnings) print_warning(w);
    for (const Warning& w : result->warnings) print_warning(w);
  }
  ScanReportOptions ro;
  ro.show_suppressed = args.show_suppressed;
  ro.warnings_on_stderr = !g.quiet;
  bool to_terminal = args.output.empty() && ::isatty(STDOUT_FILENO);
  ro.color = to_terminal && !g.no_color && std::getenv("NO_COLOR") == nullptr;
  if (struct winsize ws{}; to_terminal && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 60)
    ro.width = ws.ws_col;
  auto text = format->write(*result, ro);
  if (!text.ok()) return report_error(text.error());
  if (int w = write_report(args.output, *text); w != kExitOk) return w;
  size_t remaining = 0;
  for (auto& f : result->findings) remaining += !f.suppressed;
  return remaining > 0 ? args.exit_code : kExitOk;
}

struct FpArgs {
  std::string image, package, vuln;
  RemoteFlags remote;
};

Result<state::FpMark> fp_mark(const FpArgs& a) {
  state::FpMark m;
  m.image = a.image;
  auto colon = a.package.find(':');
  m.package = a.package.substr(0, colon);
  if (colon != std::string::npos) m.version = a.package.substr(colon + 1);
  m.vuln_id = a.vuln;
  if (m.image.empty() || m.package.empty())
    return Error(ErrorCode::invalid_input, "give IMAGE (or '*') and PACKAGE[:VERSION]");
  return m;
}

// PATCH or DELETE /v1/history/<image>/fp/<product>[/<version>][?vuln=ID].
int remote_fp(const FpArgs& a, const state::FpMark& m, std::string_view method) {
  auto server = a.remote.open();
  if (!server.ok()) return report_error(server.error());
  std::string path = fmt::format("/v1/history/{}/fp/{}", client::segment(m.image), client::segment(m.package));
  if (!m.version.empty()) path += "/" + client::segment(m.version);
  if (!m.vuln_id.empty()) path += "?vuln=" + client::segment(m.vuln_id);
  auto r = server->call(method, path, "scan");
  if (!r.ok()) {
    if (method == "DELETE" && r.error().code() == ErrorCode::not_found)
      return report_error(Error(ErrorCode::not_found, "no such mark: " + r.error().message()));
    return report_error(r.error());
  }
  return kExitOk;
}

void print_marks(const std::vector<state::FpMark>& marks) {
  for (auto& m : marks)
    std::puts(fmt::format("{}\t{}{}\t{}\t{}", m.image, m.package, m.version.empty() ? "" : ":" + m.version,
                          m.vuln_id.empty() ? "*" : m.vuln_id, m.created_at)
                  .c_str());
}

// GET /v1/fp or /v1/history/<image>/fp: the server's marks, listed as locally.
Result<std::vector<state::FpMark>> remote_marks(const FpArgs& a) {
  DAGDA_ASSIGN_OR_RETURN(auto server, a.remote.open());
  std::string path = a.image.empty() ? "/v1/fp" : fmt::format("/v1/history/{}/fp", client::segment(a.image));
  DAGDA_ASSIGN_OR_RETURN(auto answer, server.call_json("GET", path, "read"));
  auto bad = [&](std::string_view why) {
    return Error(ErrorCode::corrupt, fmt::format("the server's marks ({}): {}", server.url(), why));
  };
  if (!answer.is_object() || !answer.contains("marks") || !answer["marks"].is_array()) return bad("no \"marks\" list");
  std::vector<state::FpMark> out;
  for (const auto& j : answer["marks"]) {
    auto text = [&](const char* key, bool nullable) -> std::optional<std::string> {
      if (!j.is_object() || !j.contains(key)) return std::nullopt;
      const auto& v = j[key];
      if (v.is_string()) return v.get<std::string>();
      if (nullable && v.is_null()) return std::string();
      return std::nullopt;
    };
    auto image = text("image", false), product = text("product", false), version = text("version", true),
         vuln = text("vulnerability", true), created = text("created_at", false);
    if (!image || !product || !version || !vuln || !created) return bad("a mark without image, product, version, "
                                                                        "vulnerability or created_at");
    out.push_back({*image, *product, *version, *vuln, *created});
  }
  return out;
}

}  // namespace

void add_scan(CLI::App& app, Cli& cli) {
  auto a = std::make_shared<ScanArgs>();
  CLI::App* sub = app.add_subcommand("scan", "Find the vulnerable packages in an image or project");
  sub->add_option("source", a->source, "An image or project, as for `dagda sbom`")->required();
  sub->add_option("-f,--format", a->format, "table, json (dagda.scan/v1), sarif (2.1.0) or cyclonedx (with vulnerabilities)")
      ->capture_default_str();
  sub->add_option("-o,--output", a->output, "Write to FILE (atomically) instead of standard output");
  sub->add_option("--severity", a->severity,
                  "Report only these severities (comma list), or one word for that one and worse")
      ->allow_extra_args(false);
  sub->add_option("--scanners", a->scanners,
                  "Scanners to run: vuln, secret, config, malware (comma-separated; default vuln,secret,config, "
                  "plus malware once signatures are imported; see docs/scanners.md)");
  sub->add_option("--secret-config", a->secret_config, "YAML file of custom secret rules and allow-lists (docs/scanners.md)");
  sub->add_flag("--ignore-unfixed", a->ignore_unfixed, "Hide findings that have no fixed version yet");
  sub->add_option("--ignorefile", a->ignorefile, "YAML list of ignored vulnerabilities (see docs/policy.md)");
  sub->add_option("--vex", a->vex, "OpenVEX document: not_affected and fixed statements suppress findings");
  sub->add_option("--exit-code", a->exit_code, "Exit with N when findings remain after suppressions (default 0)")
      ->check(CLI::Range(0, 255));
  sub->add_flag("--show-suppressed", a->show_suppressed, "List suppressed findings with their reason");
  sub->add_option("--platform", a->platform, "OS/ARCH[/VARIANT] to pick from a multi-platform index");
  sub->add_flag("--lockfiles", a->lockfiles, "Also read lockfiles inside images (always on for fs:)");
  sub->add_flag("--include-os-owned", a->include_os_owned, "Keep application packages whose files an OS package owns");
  sub->add_flag("--exclude-dev", a->exclude_dev,
                "Leave out dependencies lockfiles mark as development or test only (included by default)");
  sub->add_option("--retirejs", a->retirejs, "retire.js repository file (default: the one imported into the database)");
  sub->add_option("--threads", a->threads, "Layers read at once (default: one per core)");
  add_source_flags(sub, a->registry_ca, a->insecure_registry, a->no_cache, a->cache_max_size);
  add_remote_flags(sub, a->remote);
  sub->add_option("--timeout", a->timeout_s, "With --server: seconds to wait for the check (default 1800)")
      ->check(CLI::Range(1u, 86400u))
      ->group("Remote options");
  sub->callback([a, &cli] { cli.exit_code = run_scan(*a, cli.global); });

  auto fa = std::make_shared<FpArgs>();
  CLI::App* fp = app.add_subcommand("fp", "Mark false positives: later scans of the image hide them");
  fp->require_subcommand(1);
  add_remote_flags(fp, fa->remote);
  auto add_args = [&](CLI::App* c, bool need) {
    c->add_option("image", fa->image, "Image as scanned (input, tag or id) or '*' for every image")->required(need);
    c->add_option("package", fa->package, "PACKAGE or PACKAGE:VERSION")->required(need);
    c->add_option("vuln", fa->vuln, "Vulnerability id (default: every vulnerability of the package)");
  };
  CLI::App* fadd = fp->add_subcommand("add", "Add a mark");
  add_args(fadd, true);
  fadd->callback([fa, &cli] {
    auto m = fp_mark(*fa);
    if (!m.ok()) return void(cli.exit_code = report_error(m.error()));
    if (fa->remote.remote()) return void(cli.exit_code = remote_fp(*fa, *m, "PATCH"));
    auto store = state::Store::open(cli.global.db);
    if (!store.ok()) return void(cli.exit_code = report_error(store.error()));
    auto st = (*store)->add_fp(*m);
    if (!st.ok()) return void(cli.exit_code = report_error(st.error()));
  });
  CLI::App* frm = fp->add_subcommand("remove", "Remove a mark");
  add_args(frm, true);
  frm->callback([fa, &cli] {
    auto m = fp_mark(*fa);
    if (!m.ok()) return void(cli.exit_code = report_error(m.error()));
    if (fa->remote.remote()) return void(cli.exit_code = remote_fp(*fa, *m, "DELETE"));
    auto store = state::Store::open(cli.global.db);
    if (!store.ok()) return void(cli.exit_code = report_error(store.error()));
    auto n = (*store)->remove_fp(*m);
    if (!n.ok()) return void(cli.exit_code = report_error(n.error()));
    if (*n == 0) cli.exit_code = report_error(Error(ErrorCode::not_found, "no such mark"));
  });
  CLI::App* fls = fp->add_subcommand("list", "List marks (of one image, or all)");
  fls->add_option("image", fa->image, "Only this image's marks");
  fls->callback([fa, &cli] {
    Result<std::vector<state::FpMark>> marks = std::vector<state::FpMark>{};
    if (fa->remote.remote()) {
      marks = remote_marks(*fa);
    } else {
      auto store = state::Store::open(cli.global.db, true);
      if (!store.ok()) return void(cli.exit_code = report_error(store.error()));
      marks = (*store)->list_fp(fa->image);
    }
    if (!marks.ok()) return void(cli.exit_code = report_error(marks.error()));
    print_marks(*marks);
  });
}

}  // namespace dagda::cli
