#include "server/handles.hpp"

#include "state/history.hpp"
#include "state/jobs.hpp"
#include "state/rematch.hpp"
#include "state/tokens.hpp"

namespace dagda::server {
namespace {

struct ThreadHandles {
  std::string db;
  std::unique_ptr<state::Store> state;
  std::unique_ptr<engine::Engine> engine;
};
thread_local ThreadHandles t_handles;

ThreadHandles& for_db(const std::string& db) {
  if (t_handles.db != db) t_handles = ThreadHandles{db, nullptr, nullptr};
  return t_handles;
}

}  // namespace

Status prepare_state(state::Store& store) {
  DAGDA_TRY(state::History(store.db()).ensure_schema());
  DAGDA_TRY(state::Jobs(store.db()).ensure_schema());
  DAGDA_TRY(state::Tokens(store.db()).ensure_schema());
  DAGDA_TRY(state::RematchMark(store.db()).ensure_schema());
  return Ok{};
}

Result<state::Store*> state_store(const std::string& db) {
  ThreadHandles& h = for_db(db);
  if (!h.state) {
    DAGDA_ASSIGN_OR_RETURN(auto s, state::Store::open(db));
    DAGDA_TRY(prepare_state(*s));
    h.state = std::move(s);
  }
  return h.state.get();
}

Result<engine::Engine*> scan_engine(const std::string& db) {
  ThreadHandles& h = for_db(db);
  if (!h.engine) {
    DAGDA_ASSIGN_OR_RETURN(h.engine, engine::Engine::open({db}));
  }
  return h.engine.get();
}

}  // namespace dagda::server
