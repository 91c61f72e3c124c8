// dagda history [IMAGE] [--id N] [--diff A B] [--json]
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
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
};

int run_history(const HistoryArgs& a, const GlobalOptions& g) {
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
    if (a.json) {
      std::puts(d->dump(2).c_str());
      return kExitOk;
    }
    for (auto& f : (*d)["added"])
      std::puts(fmt::format("+ {} {} {} ({})", f["id"].get<std::string>(), f["package"].get<std::string>(),
                            f["version"].get<std::string>(), f["severity"].get<std::string>())
                    .c_str());
    for (auto& f : (*d)["removed"])
      std::puts(fmt::format("- {} {} {} ({})", f["id"].get<std::string>(), f["package"].get<std::string>(),
                            f["version"].get<std::string>(), f["severity"].get<std::string>())
                    .c_str());
    std::puts(fmt::format("{} added, {} removed, {} unchanged", (*d)["added"].size(), (*d)["removed"].size(),
                          (*d)["unchanged"].get<size_t>())
                  .c_str());
    return kExitOk;
  }
  auto list = history.list(a.image, 1000);
  if (!list.ok()) return report_error(list.error());
  if (!a.image.empty() && list->empty())
    return report_error(Error(ErrorCode::not_found, fmt::format("no history for {}", a.image)));
  if (a.json) {
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
    std::puts(out.dump(2).c_str());
    return kExitOk;
  }
  std::puts(fmt::format("{:<6} {:<21} {:<8} {:>8}  {}", "ID", "WHEN", "ORIGIN", "FINDINGS", "IMAGE").c_str());
  for (auto& r : *list) {
    json summary = json::parse(r.summary, nullptr, false);
    std::string total = summary.is_object() && summary.contains("total") ? summary["total"].dump() : "-";
    std::puts(fmt::format("{:<6} {:<21} {:<8} {:>8}  {}", r.id, state::iso_time(r.created_at), r.origin, total, r.image)
                  .c_str());
  }
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
  sub->callback([a, &cli] { cli.exit_code = run_history(*a, cli.global); });
}

}  // namespace dagda::cli
