// monitor/falco_alerts.hpp: alerts as Falco writes them (json_output lines, or
// one http_output body: a JSON object, or an array of them), read into stored
// alerts. A line that is not an alert is named with its line number and what
// is wrong with it; the others are kept.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "state/events.hpp"

namespace dagda::monitor {

struct FalcoParse {
  std::vector<state::StoredAlert> alerts;
  std::vector<std::string> problems;  // "FILE:LINE: what is wrong"
};

inline constexpr size_t kMaxAlertLine = 1u << 20;  // 1 MiB: a longer line is refused

FalcoParse parse_falco_alerts(std::string_view text, const std::string& name);
// One alert object (Falco's JSON shape); an error message when it is not one.
std::optional<state::StoredAlert> alert_from_json(const nlohmann::json& j, std::string& why);

// "2024-05-07T18:54:19.341081180Z" or "+0000"/"+02:00" offsets; nullopt when malformed.
std::optional<uint64_t> parse_rfc3339_ns(std::string_view s);
// Now, in nanoseconds since the Unix epoch: the clock alerts and monitor windows are stamped with.
uint64_t unix_now_ns();
// --since: RFC 3339, a date (2024-05-07), unix seconds, or a duration back from `now_ns` (30s, 15m, 2h, 7d).
std::optional<uint64_t> parse_since(std::string_view s, uint64_t now_ns);

// A stored alert as `monitor events --json` and /v1/monitor/* print it: {id, origin, container_id, alert}.
nlohmann::json stored_alert_json(const state::StoredAlert& a);
// Docker's 12-character short id of a container id ("host" and other names unchanged).
std::string short_container_id(std::string_view id);

}  // namespace dagda::monitor
