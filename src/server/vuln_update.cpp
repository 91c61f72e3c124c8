#include "server/vuln_update.hpp"

#include <fmt/format.h>

#include "update/update.hpp"
#include "vulndb/store.hpp"

namespace dagda::server {
namespace {

using nlohmann::json;

std::string_view state_name(update::FeedReport::State s) {
  using S = update::FeedReport::State;
  switch (s) {
    case S::downloaded: return "downloaded";
    case S::unchanged: return "unchanged";
    case S::mirror: return "mirror";
    case S::failed: return "failed";
  }
  return "failed";
}

}  // namespace

Status parse_feed_urls(const std::vector<std::string>& args, FeedSettings& out) {
  for (auto& u : args) {
    auto eq = u.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == u.size())
      return Error(ErrorCode::invalid_input, fmt::format("--feed-url wants FEED=URL, got '{}'", u));
    out.urls[u.substr(0, eq)].push_back(u.substr(eq + 1));
  }
  return Ok{};
}

json update_request(const FeedSettings& feeds, bool rematch, const NotifyOptions& notify) {
  return {{"feeds", feeds.feeds}, {"urls", feeds.urls},      {"mirror", feeds.mirror},
          {"force", false},       {"rematch", rematch},      {"notify", notify_json(notify)}};
}

Result<json> run_database_update(const std::string& db, const json& request) {
  update::UpdateOptions o;
  try {
    o.feeds = request.value("feeds", std::vector<std::string>{});
    o.urls = request.value("urls", std::map<std::string, std::vector<std::string>>{});
    o.mirror = request.value("mirror", std::string());
    o.force = request.value("force", false);
  } catch (const json::exception&) {
    return Error(ErrorCode::invalid_input, "the job's request is not a database update");
  }
  DAGDA_ASSIGN_OR_RETURN(auto store, vulndb::Store::open(db));
  DAGDA_ASSIGN_OR_RETURN(auto r, update::run_update(*store, o));
  json feeds = json::array();
  for (auto& f : r.feeds)
    feeds.push_back({{"feed", f.feed},
                     {"state", state_name(f.state)},
                     {"bytes", f.bytes},
                     {"files", f.files},
                     {"unchanged_files", f.unchanged_files},
                     {"error", f.error.empty() ? json(nullptr) : json(f.error)}});
  uint64_t records = 0, changed = 0, unchanged = 0;
  for (auto& in : r.import.inputs) {
    if (in.unchanged) {
      ++unchanged;
      continue;
    }
    ++changed;
    for (auto& [source, n] : in.records) records += n;
  }
  DAGDA_ASSIGN_OR_RETURN(int64_t generation, store->generation());
  return json{{"feeds", std::move(feeds)},    {"imported", r.imported},        {"records", records},
              {"changed_inputs", changed},    {"unchanged_inputs", unchanged}, {"warnings", r.import.warnings.size()},
              {"any_failed", r.any_failed()}, {"generation", generation}};
}

}  // namespace dagda::server
