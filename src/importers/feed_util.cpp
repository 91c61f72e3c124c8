#include "importers/feed_util.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

namespace dagda::importers::util {

Error bad(const Entry& entry, std::string message, std::optional<uint64_t> line) {
  Location where;
  where.file = entry.path;
  where.line = line;
  return Error(ErrorCode::corrupt, std::move(message), std::move(where));
}

uint64_t line_of(std::string_view data, size_t offset) {
  offset = std::min(offset, data.size());
  return 1 + uint64_t(std::count(data.begin(), data.begin() + std::ptrdiff_t(offset), '\n'));
}

Result<Json> parse_json(const Entry& entry) {
  try {
    return Json::parse(entry.data.begin(), entry.data.end());
  } catch (const Json::parse_error& e) {
    // nlohmann's message carries the byte position; keep its reason only.
    std::string what = e.what();
    auto pos = what.find(": syntax error");
    if (pos != std::string::npos) what = what.substr(pos + 2);
    return bad(entry, "invalid JSON: " + what, line_of(entry.data, e.byte > 0 ? e.byte - 1 : 0));
  } catch (const std::exception& e) {
    return bad(entry, std::string("invalid JSON: ") + e.what());
  }
}

namespace {

Result<Json> convert(const Entry& entry, const YAML::Node& n, int depth) {
  if (depth > 256) return bad(entry, "YAML nested deeper than 256 levels", uint64_t(n.Mark().line + 1));
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return Json(nullptr);
    case YAML::NodeType::Scalar:
      return Json(n.Scalar());
    case YAML::NodeType::Sequence: {
      Json arr = Json::array();
      for (const auto& child : n) {
        DAGDA_ASSIGN_OR_RETURN(auto c, convert(entry, child, depth + 1));
        arr.push_back(std::move(c));
      }
      return arr;
    }
    case YAML::NodeType::Map: {
      Json obj = Json::object();
      for (const auto& kv : n) {
        if (!kv.first.IsScalar())
          return bad(entry, "YAML mapping key is not a scalar", uint64_t(kv.first.Mark().line + 1));
        DAGDA_ASSIGN_OR_RETURN(auto c, convert(entry, kv.second, depth + 1));
        obj[kv.first.Scalar()] = std::move(c);
      }
      return obj;
    }
  }
  return Json(nullptr);
}

}  // namespace

Result<Json> parse_yaml(const Entry& entry) {
  try {
    YAML::Node root = YAML::Load(std::string(entry.data));
    return convert(entry, root, 0);
  } catch (const YAML::Exception& e) {
    std::optional<uint64_t> line;
    if (!e.mark.is_null()) line = uint64_t(e.mark.line + 1);
    return bad(entry, "invalid YAML: " + e.msg, line);
  } catch (const std::exception& e) {
    return bad(entry, std::string("invalid YAML: ") + e.what());
  }
}

std::string str(const Json& j, std::string_view key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

std::vector<std::string> strings(const Json& j, std::string_view key) {
  std::vector<std::string> out;
  if (!j.is_object()) return out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

std::string_view trim_head(std::string_view head) {
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  while (!head.empty() && std::isspace(static_cast<unsigned char>(head.front()))) head.remove_prefix(1);
  return head;
}

std::string_view base_name(std::string_view path) {
  auto slash = path.find_last_of("/!");
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool name_ends_with(std::string_view path, std::initializer_list<std::string_view> suffixes) {
  std::string name(base_name(path));
  for (auto& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
  for (auto s : suffixes)
    if (name.ends_with(s)) return true;
  return false;
}

bool is_cve(std::string_view s) {
  if (!s.starts_with("CVE-") || s.size() < 13) return false;
  for (size_t i = 4; i < s.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i])) && !(i == 8 && s[i] == '-')) return false;
  return s[8] == '-';
}

namespace {

std::map<std::string, std::string, std::less<>> metrics(std::string_view v) {
  std::map<std::string, std::string, std::less<>> m;
  while (!v.empty()) {
    auto slash = v.find('/');
    std::string_view part = v.substr(0, slash);
    auto colon = part.find(':');
    if (colon != std::string_view::npos)
      m[std::string(part.substr(0, colon))] = std::string(part.substr(colon + 1));
    if (slash == std::string_view::npos) break;
    v.remove_prefix(slash + 1);
  }
  return m;
}

double pick(const std::map<std::string, std::string, std::less<>>& m, std::string_view key,
            std::initializer_list<std::pair<std::string_view, double>> table, bool& ok) {
  auto it = m.find(key);
  if (it == m.end()) {
    ok = false;
    return 0;
  }
  for (auto& [k, v] : table)
    if (it->second == k) return v;
  ok = false;
  return 0;
}

// CVSS v3.1's Roundup: the smallest number with one decimal >= x, computed on
// integers so that floating point noise does not round 4.0000001 up to 4.1.
double roundup31(double x) {
  long long i = std::llround(x * 100000);
  if (i % 10000 == 0) return double(i) / 100000.0;
  return double(i / 10000 + 1) / 10.0;
}

std::optional<double> v3_score(std::string_view vector, bool v31) {
  auto m = metrics(vector);
  bool ok = true;
  bool changed = m.count("S") && m.at("S") == "C";
  if (!m.count("S") || (m.at("S") != "C" && m.at("S") != "U")) return std::nullopt;
  double av = pick(m, "AV", {{"N", 0.85}, {"A", 0.62}, {"L", 0.55}, {"P", 0.2}}, ok);
  double ac = pick(m, "AC", {{"L", 0.77}, {"H", 0.44}}, ok);
  double pr = pick(m, "PR", {{"N", 0.85}, {"L", changed ? 0.68 : 0.62}, {"H", changed ? 0.5 : 0.27}}, ok);
  double ui = pick(m, "UI", {{"N", 0.85}, {"R", 0.62}}, ok);
  double c = pick(m, "C", {{"H", 0.56}, {"L", 0.22}, {"N", 0}}, ok);
  double in = pick(m, "I", {{"H", 0.56}, {"L", 0.22}, {"N", 0}}, ok);
  double a = pick(m, "A", {{"H", 0.56}, {"L", 0.22}, {"N", 0}}, ok);
  if (!ok) return std::nullopt;
  double iss = 1 - (1 - c) * (1 - in) * (1 - a);
  double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  double expl = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0.0;
  double raw = changed ? std::min(1.08 * (impact + expl), 10.0) : std::min(impact + expl, 10.0);
  return v31 ? roundup31(raw) : std::ceil(raw * 10 - 1e-9) / 10.0;
}

std::optional<double> v2_score(std::string_view vector) {
  auto m = metrics(vector);
  bool ok = true;
  double av = pick(m, "AV", {{"L", 0.395}, {"A", 0.646}, {"N", 1.0}}, ok);
  double ac = pick(m, "AC", {{"H", 0.35}, {"M", 0.61}, {"L", 0.71}}, ok);
  double au = pick(m, "Au", {{"M", 0.45}, {"S", 0.56}, {"N", 0.704}}, ok);
  double c = pick(m, "C", {{"N", 0}, {"P", 0.275}, {"C", 0.660}}, ok);
  double i = pick(m, "I", {{"N", 0}, {"P", 0.275}, {"C", 0.660}}, ok);
  double a = pick(m, "A", {{"N", 0}, {"P", 0.275}, {"C", 0.660}}, ok);
  if (!ok) return std::nullopt;
  double impact = 10.41 * (1 - (1 - c) * (1 - i) * (1 - a));
  double expl = 20 * av * ac * au;
  double f = impact == 0 ? 0 : 1.176;
  double base = ((0.6 * impact) + (0.4 * expl) - 1.5) * f;
  return std::round(base * 10 + 1e-9) / 10.0;
}

}  // namespace

std::optional<vulndb::Cvss> cvss_from_vector(std::string_view vector) {
  vulndb::Cvss c;
  c.vector = std::string(vector);
  if (vector.starts_with("CVSS:3.1/") || vector.starts_with("CVSS:3.0/")) {
    c.version = std::string(vector.substr(5, 3));
    auto s = v3_score(vector.substr(9), c.version == "3.1");
    if (!s) return std::nullopt;
    c.score = *s;
  } else if (vector.starts_with("CVSS:4.0/")) {
    c.version = "4.0";  // v4 scores come from a lookup table we do not carry: vector only
    return c;
  } else if (vector.starts_with("AV:") || vector.starts_with("(AV:")) {
    c.version = "2.0";
    std::string_view v = vector;
    if (v.starts_with("(")) v = v.substr(1, v.size() >= 2 ? v.size() - 2 : 0);
    auto s = v2_score(v);
    if (!s) return std::nullopt;
    c.score = *s;
  } else {
    return std::nullopt;
  }
  c.severity = vulndb::severity_from_score(c.score, c.version);
  return c;
}

}  // namespace dagda::importers::util
