#include "rules/output.hpp"

#include <strings.h>

#include <ctime>

#include <fmt/format.h>

namespace dagda::rules {

namespace {
constexpr std::string_view kPriorityNames[] = {"Emergency", "Alert",  "Critical",      "Error",
                                               "Warning",   "Notice", "Informational", "Debug"};

// Fields whose text is a time and whose JSON value is the time in ns, as Falco's.
bool is_time_text(const Extractor& ex) {
  auto* f = dynamic_cast<const FieldExtractor*>(&ex);
  if (!f) return false;
  switch (f->id) {
    case FieldId::evt_time:
    case FieldId::evt_time_s:
    case FieldId::evt_time_iso8601:
    case FieldId::evt_datetime:
    case FieldId::evt_datetime_s: return true;
    default: return false;
  }
}
}  // namespace

std::string_view priority_name(Priority p) { return kPriorityNames[static_cast<size_t>(p)]; }

std::optional<Priority> parse_priority(std::string_view s) {
  std::string v(s);
  for (size_t i = 0; i < std::size(kPriorityNames); ++i)
    if (strcasecmp(v.c_str(), std::string(kPriorityNames[i]).c_str()) == 0) return static_cast<Priority>(i);
  if (strcasecmp(v.c_str(), "info") == 0) return Priority::informational;
  return std::nullopt;
}

std::string OutputFormat::format(const Event& e, EvalContext& ctx) const {
  std::string out;
  for (const auto& t : tokens) {
    if (!t.field && !t.unsupported) {
      out += t.literal;
      continue;
    }
    size_t start = out.size();
    const std::vector<Val>* vals = t.field ? &t.field->values(e, ctx) : nullptr;
    if (!vals || vals->empty()) out += "<NA>";
    else render_value(t.field->type, vals->front(), out);
    if (t.width) {
      size_t len = out.size() - start;
      if (len > t.width) out.resize(start + t.width);
      else out.append(t.width - len, ' ');
    }
  }
  return out;
}

void OutputFormat::fields(const Event& e, EvalContext& ctx, nlohmann::json& out) const {
  std::string text;
  for (const auto& t : tokens) {
    if (t.transformed) continue;  // Falco leaves transformed fields out of output_fields
    if (t.unsupported) {
      out[t.key] = nullptr;
      continue;
    }
    if (!t.field) continue;
    const auto& vals = t.field->values(e, ctx);
    if (vals.empty()) {
      out[t.key] = nullptr;
      continue;
    }
    const Val& v = vals.front();
    if (is_time_text(*t.field)) {
      out[t.key] = e.time_ns;
      continue;
    }
    switch (v.kind) {
      case Val::Kind::str: out[t.key] = std::string(v.s); break;
      case Val::Kind::ip: out[t.key] = v.ip ? v.ip->str() : std::string(); break;
      case Val::Kind::num:
        if (t.field->type == FieldType::boolean) out[t.key] = v.i != 0;
        else if (t.field->type == FieldType::int64 || t.field->type == FieldType::dyn) out[t.key] = v.i;
        else out[t.key] = static_cast<uint64_t>(v.i);
        break;
    }
  }
}

std::string iso8601_utc(uint64_t ns) {
  time_t secs = static_cast<time_t>(ns / 1000000000);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char b[32];
  size_t n = strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:09}Z", std::string_view(b, n), ns % 1000000000);
}

nlohmann::json Alert::to_json() const {
  nlohmann::json j;
  j["hostname"] = hostname;
  j["output"] = output;
  j["output_fields"] = output_fields;
  j["priority"] = std::string(priority_name(priority));
  j["rule"] = rule;
  j["source"] = source;
  j["tags"] = tags;
  j["time"] = iso8601_utc(time_ns);
  return j;
}

}  // namespace dagda::rules
