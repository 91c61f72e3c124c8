// server/handles.hpp: the database handles of the calling thread. A SQLite or
// PostgreSQL connection serves one thread at a time, so every HTTP thread and
// worker opens its own, once, on first use.
#pragma once

#include "common/result.hpp"
#include "engine/engine.hpp"
#include "server/api.hpp"
#include "state/store.hpp"

namespace dagda::server {

// The state store, writable, with the history, job and token tables created.
Result<state::Store*> state_store(const std::string& db);
// A scan engine on the database (the VulnDB and the fp marks).
Result<engine::Engine*> scan_engine(const std::string& db);
// Creates the server's tables (history, jobs, tokens) when missing.
Status prepare_state(state::Store& store);

}  // namespace dagda::server
