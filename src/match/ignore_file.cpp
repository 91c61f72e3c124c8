#include "match/ignore_file.hpp"

#include <optional>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "common/fs.hpp"

namespace dagda {
namespace {

constexpr uint64_t kMaxIgnoreFileBytes = 16u << 20;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// A line of the plain form: an id (no spaces; not YAML syntax) and maybe "exp:DATE".
struct PlainLine {
  std::string_view id, expires;
};

bool plain_id(std::string_view t) {
  if (t.empty() || t.front() == '-' || t.front() == '#' || t.back() == ':') return false;
  for (char c : t)
    if (is_space(c) || c == '{' || c == '}' || c == '[' || c == ']' || c == '"' || c == '\'' || c == ',')
      return false;
  return true;
}

std::optional<PlainLine> plain_line(std::string_view line) {
  size_t sp = line.find_first_of(" \t");
  PlainLine out{line.substr(0, sp), {}};
  if (!plain_id(out.id)) return std::nullopt;
  if (sp == std::string_view::npos) return out;
  std::string_view rest = trim(line.substr(sp));
  if (!rest.starts_with("exp:") || rest.find_first_of(" \t") != std::string_view::npos) return std::nullopt;
  out.expires = rest.substr(4);
  return out;
}

// The content lines of a file, without comments; nullopt unless every one is a plain line.
std::optional<std::vector<std::pair<int, PlainLine>>> plain_form(std::string_view text) {
  std::vector<std::pair<int, PlainLine>> out;
  int n = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++n;
    if (size_t hash = line.find('#'); hash != std::string_view::npos && (hash == 0 || is_space(line[hash - 1])))
      line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) continue;
    auto p = plain_line(line);
    if (!p) return std::nullopt;
    out.emplace_back(n, *p);
  }
  return out;
}

Error at_line(const std::string& file, int line, std::string message) {
  return Error(ErrorCode::invalid_input, std::move(message), {.file = file, .line = uint64_t(line)});
}

Result<std::vector<IgnoreEntry>> parse_yaml(std::string_view text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Error(ErrorCode::invalid_input, fmt::format("neither a list of ids nor valid YAML: {}", e.msg),
                 {.file = file, .line = uint64_t(e.mark.line + 1)});
  }
  if (root.IsNull()) return std::vector<IgnoreEntry>{};
  YAML::Node list = root.IsMap() ? root["ignore"] : root;
  if (!list || !list.IsSequence())
    return Error(ErrorCode::invalid_input,
                 "expected one id per line, a YAML list of entries, or a map with an `ignore:` list", {.file = file});
  std::vector<IgnoreEntry> out;
  for (const auto& n : list) {
    int line = n.Mark().line + 1;
    if (n.IsScalar()) {  // "- CVE-2019-14697": an id alone
      IgnoreEntry e;
      e.id = n.as<std::string>();
      e.line = line;
      if (e.id.empty()) return at_line(file, line, "empty id");
      out.push_back(std::move(e));
      continue;
    }
    if (!n.IsMap()) return at_line(file, line, "an entry must be an id, or a map with at least `id`");
    IgnoreEntry e;
    e.line = line;
    std::set<std::string> seen;
    try {
      for (const auto& kv : n) {
        int key_line = kv.first.Mark().line + 1;
        std::string k = kv.first.as<std::string>();
        if (!kv.second.IsScalar())
          return at_line(file, key_line, fmt::format("`{}` must be a single value", k));
        std::string v = kv.second.as<std::string>();
        std::string* slot = nullptr;
        std::string canonical = k;
        if (k == "id" || k == "vulnerability") slot = &e.id, canonical = "id";
        else if (k == "package") slot = &e.package;
        else if (k == "path") slot = &e.path;
        else if (k == "expires" || k == "expiry") slot = &e.expires, canonical = "expires";
        else if (k == "reason" || k == "statement") slot = &e.reason, canonical = "reason";
        else
          return at_line(file, key_line,
                         fmt::format("unknown key `{}` (known: id, package, path, expires, reason)", k));
        // YAML keeps the last of two equal keys; for a suppression that would hide the other id.
        if (!seen.insert(canonical).second)
          return at_line(file, key_line, fmt::format("`{}` given twice in one entry", canonical));
        *slot = std::move(v);
      }
    } catch (const YAML::Exception& ex) {
      return at_line(file, line, ex.msg);
    }
    if (e.id.empty()) return at_line(file, line, "entry has no `id`");
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

bool valid_iso_date(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (d[i] < '0' || d[i] > '9') return false;
  auto num = [&](size_t at, size_t len) {
    int v = 0;
    for (size_t i = at; i < at + len; ++i) v = v * 10 + (d[i] - '0');
    return v;
  };
  int year = num(0, 4), month = num(5, 2), day = num(8, 2);
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int days = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= days;
}

Result<std::vector<IgnoreEntry>> parse_ignore_file(std::string_view text, const std::string& file) {
  std::vector<IgnoreEntry> out;
  if (auto plain = plain_form(text)) {
    for (auto& [line, p] : *plain)
      out.push_back(IgnoreEntry{std::string(p.id), {}, {}, std::string(p.expires), {}, line});
  } else {
    DAGDA_ASSIGN_OR_RETURN(out, parse_yaml(text, file));
  }
  for (const IgnoreEntry& e : out)
    if (!e.expires.empty() && !valid_iso_date(e.expires))
      return at_line(file, e.line, fmt::format("`expires: {}` is not a real day written YYYY-MM-DD", e.expires));
  return out;
}

Result<std::vector<IgnoreEntry>> read_ignore_file(const std::string& file) {
  DAGDA_ASSIGN_OR_RETURN(std::string text, read_file(file, kMaxIgnoreFileBytes));
  return parse_ignore_file(text, file);
}

}  // namespace dagda
