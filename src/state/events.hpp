// state/events.hpp: runtime alerts kept in the state store (table
// monitor_alerts, beside the other state tables, in the database --db names).
// Alerts come from `dagda monitor run` and from Falco (`dagda monitor ingest`).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace dagda::vulndb::sql {
class Connection;
}

namespace dagda::state {

struct StoredAlert {
  int64_t id = 0;               // assigned when stored
  uint64_t time_ns = 0;         // the alert's time, ns since the epoch
  std::string rule, priority, source, hostname;
  std::string container_id;     // 12-character short id; "" or "host" for the host
  std::string origin;           // "dagda" (our sensor) or "falco" (ingested)
  std::string output;
  std::string json;             // the alert as received or produced (Falco's JSON shape)
};

struct AlertQuery {
  std::string container;        // a container id (any length: prefix of the short id) or ""
  uint64_t since_ns = 0;        // only alerts at or after this time
  size_t limit = 100000;
};

class EventStore {
 public:
  // Opens (creating the state tables when needed, as state::Store does) the database `url`.
  static Result<std::unique_ptr<EventStore>> open(const std::string& url, bool read_only = false);
  ~EventStore();

  Status add(const std::vector<StoredAlert>& alerts);
  Result<std::vector<StoredAlert>> list(const AlertQuery& q);

 private:
  EventStore(std::unique_ptr<vulndb::sql::Connection> db, bool has_table);
  std::unique_ptr<vulndb::sql::Connection> db_;
  bool has_table_;
};

}  // namespace dagda::state
