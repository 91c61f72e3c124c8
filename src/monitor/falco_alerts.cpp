// monitor/falco_alerts.cpp
#include "monitor/falco_alerts.hpp"

#include <charconv>
#include <chrono>

#include <fmt/format.h>

namespace dagda::monitor {
namespace {

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

std::optional<uint64_t> parse_rfc3339_ns(std::string_view s) {
  int Y, M, D, h = 0, m = 0, sec = 0;
  if (!digits(s, 0, 4, Y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, M) || s[7] != '-' ||
      !digits(s, 8, 2, D))
    return std::nullopt;
  if (M < 1 || M > 12 || D < 1 || D > 31 || Y < 1970) return std::nullopt;
  size_t pos = 10;
  uint64_t frac = 0;
  int64_t offset_s = 0;
  if (pos < s.size()) {
    if ((s[pos] != 'T' && s[pos] != ' ') || !digits(s, pos + 1, 2, h) || s.size() < pos + 9 || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, m) || s[pos + 6] != ':' || !digits(s, pos + 7, 2, sec))
      return std::nullopt;
    if (h > 23 || m > 59 || sec > 60) return std::nullopt;
    pos += 9;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      int n = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (n < 9) frac = frac * 10 + static_cast<uint64_t>(s[pos] - '0'), ++n;
        ++pos;
      }
      if (n == 0) return std::nullopt;
      while (n++ < 9) frac *= 10;
    }
    if (pos == s.size()) return std::nullopt;  // a time needs its zone
    if (s[pos] == 'Z' || s[pos] == 'z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      int oh, om;
      int sign = s[pos] == '-' ? -1 : 1;
      if (!digits(s, pos + 1, 2, oh)) return std::nullopt;
      size_t p2 = pos + 3;
      if (p2 < s.size() && s[p2] == ':') ++p2;
      if (!digits(s, p2, 2, om)) return std::nullopt;
      offset_s = sign * (oh * 3600 + om * 60);
      pos = p2 + 2;
    } else {
      return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;
  }
  int64_t secs = days_from_civil(Y, static_cast<unsigned>(M), static_cast<unsigned>(D)) * 86400 + h * 3600 + m * 60 +
                 sec - offset_s;
  if (secs < 0 || secs > 9'000'000'000LL) return std::nullopt;
  return static_cast<uint64_t>(secs) * 1'000'000'000ull + frac;
}

uint64_t unix_now_ns() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

std::optional<uint64_t> parse_since(std::string_view s, uint64_t now_ns) {
  if (s.empty()) return std::nullopt;
  if (auto t = parse_rfc3339_ns(s)) return t;
  uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || n > 9'000'000'000ull) return std::nullopt;
  std::string_view unit(ptr, static_cast<size_t>(s.data() + s.size() - ptr));
  if (unit.empty()) return n * 1'000'000'000ull;  // unix seconds
  uint64_t mult = unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 0;
  if (!mult) return std::nullopt;
  uint64_t back = n * mult * 1'000'000'000ull;
  return back > now_ns ? 0 : now_ns - back;
}

std::string short_container_id(std::string_view id) {
  bool hex = id.size() > 12;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) hex = false;
  return std::string(hex ? id.substr(0, 12) : id);
}

std::optional<state::StoredAlert> alert_from_json(const nlohmann::json& j, std::string& why) {
  if (!j.is_object()) {
    why = "not a JSON object";
    return std::nullopt;
  }
  auto text = [&](const char* key, bool required, std::string& out) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
      if (required) why = fmt::format("no \"{}\"", key);
      return !required;
    }
    if (!it->is_string()) {
      why = fmt::format("\"{}\" is not a string", key);
      return false;
    }
    out = it->get<std::string>();
    return true;
  };
  state::StoredAlert a;
  std::string time;
  if (!text("rule", true, a.rule) || !text("priority", true, a.priority) || !text("output", true, a.output) ||
      !text("time", true, time) || !text("source", false, a.source) || !text("hostname", false, a.hostname))
    return std::nullopt;
  auto t = parse_rfc3339_ns(time);
  if (!t) {
    why = "\"time\" is not an RFC 3339 time";
    return std::nullopt;
  }
  a.time_ns = *t;
  if (a.source.empty()) a.source = "syscall";
  if (auto of = j.find("output_fields"); of != j.end() && !of->is_null()) {
    if (!of->is_object()) {
      why = "\"output_fields\" is not an object";
      return std::nullopt;
    }
    if (auto c = of->find("container.id"); c != of->end() && c->is_string())
      a.container_id = short_container_id(c->get<std::string>());
  }
  if (auto tags = j.find("tags"); tags != j.end() && !tags->is_null() && !tags->is_array()) {
    why = "\"tags\" is not an array";
    return std::nullopt;
  }
  a.origin = "falco";
  a.json = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return a;
}

FalcoParse parse_falco_alerts(std::string_view text, const std::string& name) {
  FalcoParse out;
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return out;
  // One http_output body (an object, maybe pretty-printed) or an array of alerts.
  // JSON lines do not parse as one document (content after the first object), and fall through.
  if (text[first] == '[' || text[first] == '{') {
    auto whole = nlohmann::json::parse(text, nullptr, false);
    if (!whole.is_discarded()) {
      std::vector<const nlohmann::json*> items;
      if (whole.is_array())
        for (const auto& x : whole) items.push_back(&x);
      else
        items.push_back(&whole);
      for (size_t i = 0; i < items.size(); ++i) {
        std::string why;
        if (auto a = alert_from_json(*items[i], why)) out.alerts.push_back(std::move(*a));
        else out.problems.push_back(fmt::format("{}: alert {}: {}", name, i + 1, why));
      }
      return out;
    }
  }
  size_t pos = 0, line_no = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (line.size() > kMaxAlertLine) {
      out.problems.push_back(fmt::format("{}:{}: line longer than {} bytes", name, line_no, kMaxAlertLine));
      continue;
    }
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) {
      out.problems.push_back(fmt::format("{}:{}: not JSON (Falco's json_output lines are expected)", name, line_no));
      continue;
    }
    std::string why;
    if (auto a = alert_from_json(j, why)) out.alerts.push_back(std::move(*a));
    else out.problems.push_back(fmt::format("{}:{}: {}", name, line_no, why));
  }
  return out;
}

nlohmann::json stored_alert_json(const state::StoredAlert& a) {
  auto body = nlohmann::json::parse(a.json, nullptr, false);
  return {{"id", a.id},
          {"origin", a.origin},
          {"container_id", a.container_id},
          {"alert", body.is_discarded() ? nlohmann::json(a.json) : body}};
}

}  // namespace dagda::monitor
