// rules/output.hpp: rule priorities, compiled output strings and alerts in
// Falco's JSON alert shape.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rules/filter.hpp"

namespace dagda::rules {

enum class Priority : uint8_t { emergency, alert, critical, error, warning, notice, informational, debug };
// "Emergency", ..., "Informational", "Debug" (Falco's spelling).
std::string_view priority_name(Priority p);
// Case-insensitive; "info" is accepted for informational, as Falco does.
std::optional<Priority> parse_priority(std::string_view s);

// An output string compiled once: literal text and fields, each maybe padded.
struct OutputToken {
  std::string literal;
  std::shared_ptr<const Extractor> field;  // null: a literal
  std::string key;         // the field as written (output_fields key)
  bool transformed = false;
  bool unsupported = false;  // known to Falco but not to Dagda: printed <NA>
  uint32_t width = 0;        // %20proc.name
};

struct OutputFormat {
  std::vector<OutputToken> tokens;
  std::string format(const Event& e, EvalContext& ctx) const;
  // The fields as Falco's output_fields: typed values, null when missing.
  void fields(const Event& e, EvalContext& ctx, nlohmann::json& out) const;
};

struct Alert {
  uint64_t time_ns = 0;
  std::string rule;
  Priority priority = Priority::debug;
  std::string source = "syscall";
  std::string hostname;
  std::vector<std::string> tags;
  std::string output;              // "2024-05-07T18:54:19.341081180+0000: Warning <message>"
  nlohmann::json output_fields = nlohmann::json::object();

  // {"time", "rule", "priority", "output", "output_fields", "tags", "source", "hostname"}
  nlohmann::json to_json() const;
};

// "2024-05-07T18:54:19.341081180Z"
std::string iso8601_utc(uint64_t ns);

}  // namespace dagda::rules
