// dagda history [IMAGE] [--id N] [--diff A B] [--json]
// With --server URL (or DAGDA_SERVER): the same answers from the server's /v1/history routes.
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/remote.hpp"
#include "server/handles.hpp"
#include "state/history.hpp"
#include "state/tables.hpp"

namespace dagda::cli {
namespace {

using nlohmann::json;

struct HistoryArgs {
  std::string image;
  int64_t id = 0;
  std::vector<int64_t> diff;
  bool json = false;
  RemoteFlags remote;
};

void print_diff(const json& d, bool as_json) {
  if (as_json) {
    std::puts(d.dump(2).c_str());
    return;
  }
  auto text = [](const json& f, const char* k) { return f.contains(k) && f[k].is_string() ? f[k].get<std::string>() : ""; };
  for (const char* side : {"added", "removed"}) {
    if (!d.contains(side) || !d[side].is_array()) continue;
    for (auto& f : d[side])
      std::puts(fmt::format("{} {} {} {} ({})", side[0] == 'a' ? '+' : '-', text(f, "id"), text(f, "package"),
                            text(f, "version"), text(f, "severity"))
                    .c_str());
  }
  auto count = [&](const char* k) { return d.contains(k) && d[k].is_array() ? d[k].size() : size_t{0}; };
  std::puts(fmt::format("{} added, {} removed, {} unchanged", count("added"), count("removed"),
                        d.contains("unchanged") && d["unchanged"].is_number_unsigned() ? d["unchanged"].get<size_t>() : 0)
                .c_str());
}

// Entries as history prints them: the JSON list, or one line each.
void print_entries(const json& entries, bool as_json) {
  if (as_json) {
    std::puts(entries.dump(2).c_str());
    return;
  }
  std::puts(fmt::format("{:<6} {:<21} {:<8} {:>8}  {}", "ID", "WHEN", "ORIGIN", "FINDINGS", "IMAGE").c_str());
  for (auto& e : entries) {
    auto text = [&](const char* k) { return e.contains(k) && e[k].is_string() ? e[k].get<std::string>() : ""; };
    const json* summary = e.contains("summary") ? &e["summary"] : nullptr;
    std::string total = summary && summary->is_object() && summary->contains("total") ? (*summary)["total"].dump() : "-";
    std::puts(fmt::format("{:<6} {:<21} {:<8} {:>8}  {}", e.value("id", json(0)).dump(), text("created_at"),
                          text("origin"), total, text("image"))
                  .c_str());
  }
}

int run_remote_history(const HistoryArgs& a) {
  if ((a.id || a.diff.size() == 2) && a.image.empty())
    return report_error(Error(ErrorCode::invalid_input,
                              "with --server, --id and --diff need the IMAGE the entries belong to"));
  auto server = a.remote.open();
  if (!server.ok()) return report_error(server.error());
  const std::string image = client::segment(a.image);
  if (a.id) {
    auto r = server->call("GET", fmt::format("/v1/history/{}?id={}", image, a.id), "read");
    if (!r.ok()) return report_error(r.error());
    std::fputs(r->body.c_str(), stdout);
    if (!r->body.ends_with('\n')) std::fputs("\n", stdout);
    return kExitOk;
  }
  if (a.diff.size() == 2) {
    auto d = server->call_json("GET", fmt::format("/v1/history/{}/diff?from={}&to={}", image, a.diff[0], a.diff[1]),
                               "read");
    if (!d.ok()) return report_error(d.error());
    for (const char* k : {"image", "from", "to"}) d->erase(k);  // the local diff states only the findings
    print_diff(*d, a.json);
    return kExitOk;
  }
  auto list = server->call_json("GET", a.image.empty() ? "/v1/history?limit=1000" : "/v1/history/" + image, "read");
  if (!list.ok()) return report_error(list.error());
  if (!list->contains("entries") || !(*list)["entries"].is_array())
    return report_error(Error(ErrorCode::corrupt, "the server's history answer has no entries"));
  json entries = (*list)["entries"];
  for (auto& e : entries)
    if (e.contains("digest") && e["digest"].is_null()) e["digest"] = "";  // as the local list prints it
  print_entries(entries, a.json);
  return kExitOk;
}

int run_history(const HistoryArgs& a, const GlobalOptions& g) {
  if (a.remote.remote()) return run_remote_history(a);
  auto store = server::state_store(g.db);
  if (!store.ok()) return report_error(store.error());
  state::History history((*store)->db());
  if (a.id) {
    auto r = history.get(a.id);
    if (!r.ok()) return report_error(r.error());
    if (!r->has_value()) return report_error(Error(ErrorCode::not_found, fmt::format("no history entry {}", a.id)));
    std::fputs((*r)->report_json.c_str(), stdout);
    if (!(*r)->report_json.ends_with('\n')) std::fputs("\n", stdout);
    return kExitOk;
  }
  if (a.diff.size() == 2) {
    std::string reports[2];
    for (int i = 0; i < 2; ++i) {
      auto r = history.get(a.diff[i]);
      if (!r.ok()) return report_error(r.error());
      if (!r->has_value())
        return report_error(Error(ErrorCode::not_found, fmt::format("no history entry {}", a.diff[i])));
      reports[i] = (*r)->report_json;
    }
    auto d = state::diff_reports(reports[0], reports[1]);
    if (!d.ok()) return report_error(d.error());
    print_diff(*d, a.json);
    return kExitOk;
  }
  auto list = history.list(a.image, 1000);
  if (!list.ok()) return report_error(list.error());
  if (!a.image.empty() && list->empty())
    return report_error(Error(ErrorCode::not_found, fmt::format("no history for {}", a.image)));
  json out = json::array();
  for (auto& r : *list) {
    json summary = json::parse(r.summary, nullptr, false);
    out.push_back({{"id", r.id},
                   {"job_id", r.job_id ? json(r.job_id) : json(nullptr)},
                   {"image", r.image},
                   {"digest", r.digest},
                   {"names", r.names},
                   {"origin", r.origin},
                   {"created_at", state::iso_time(r.created_at)},
                   {"duration_ms", r.duration_ms},
                   {"summary", summary.is_discarded() ? json(nullptr) : summary}});
  }
  print_entries(out, a.json);
  return kExitOk;
}

}  // namespace

void add_history(CLI::App& app, Cli& cli) {
  auto a = std::make_shared<HistoryArgs>();
  CLI::App* sub = app.add_subcommand("history", "The history of every analysis the server (or agent) stored");
  sub->add_option("image", a->image, "An image: any name it was seen under, or its digest");
  sub->add_option("--id", a->id, "Print one entry's report (dagda.scan/v1 JSON)");
  sub->add_option("--diff", a->diff, "Findings added and removed from entry A to entry B")->expected(2);
  sub->add_flag("--json", a->json, "JSON output");
  add_remote_flags(sub, a->remote);
  sub->callback([a, &cli] { cli.exit_code = run_history(*a, cli.global); });
}

}  // namespace dagda::cli
