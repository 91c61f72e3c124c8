#include "catalog/lockfile/common.hpp"

#include <fmt/format.h>

namespace dagda::lockfile {

std::string_view basename(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view dirname(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view{} : path.substr(0, slash);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

bool normalise_relative(std::string_view base_dir, std::string_view rel, std::string& out) {
  std::vector<std::string_view> parts;
  auto push = [&](std::string_view text) {
    while (!text.empty()) {
      size_t slash = text.find('/');
      std::string_view part = text.substr(0, slash);
      text = slash == std::string_view::npos ? std::string_view{} : text.substr(slash + 1);
      if (part.empty() || part == ".") continue;
      if (part == "..") {
        if (parts.empty()) return false;
        parts.pop_back();
      } else {
        parts.push_back(part);
      }
    }
    return true;
  };
  if (rel.empty() || rel.front() == '/') return false;  // absolute paths point outside the tree
  if (!push(base_dir) || !push(rel)) return false;
  out.clear();
  for (std::string_view p : parts) {
    if (!out.empty()) out += '/';
    out += p;
  }
  return !out.empty();
}

std::string pep503(std::string_view name) {
  std::string out;
  bool sep = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      sep = true;
      continue;
    }
    if (sep && !out.empty()) out += '-';
    sep = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

bool inside_node_modules(std::string_view path) {
  return starts_with(path, "node_modules/") || path.find("/node_modules/") != std::string_view::npos;
}

Package make_package(std::string_view ecosystem, std::string_view name, std::string_view version,
                     const std::string& path, std::string_view scope) {
  Package p;
  p.ecosystem = ecosystem;
  p.name = name;
  p.version = version;
  p.path = path;
  p.scope = scope;
  return p;
}

Status check_size(const std::string& path, std::string_view content) {
  if (content.size() > kMaxLockfileBytes)
    return Error(ErrorCode::unsupported,
                 fmt::format("lockfile of {} bytes is larger than the {} MiB limit", content.size(),
                             kMaxLockfileBytes >> 20),
                 {.file = path});
  return Ok{};
}

Result<nlohmann::json> parse_json(const std::string& path, std::string_view content) {
  DAGDA_TRY(check_size(path, content));
  // nlohmann's parser keeps its own stack, but destroying a deeply nested value recurses.
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < content.size(); ++i) {
    char c = content[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > kMaxNesting)
        return Error(ErrorCode::corrupt, fmt::format("JSON nested deeper than {} levels", kMaxNesting),
                     {.file = path, .offset = i});
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  try {
    return nlohmann::json::parse(content.begin(), content.end());
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: ..." -> from "parse error".
    size_t at = what.find("parse error");
    return Error(ErrorCode::corrupt,
                 fmt::format("not valid JSON: {}", at == std::string::npos ? what : what.substr(at)),
                 {.file = path, .offset = e.byte > 0 ? e.byte - 1 : 0});
  } catch (const std::exception& e) {
    return Error(ErrorCode::corrupt, fmt::format("not valid JSON: {}", e.what()), {.file = path});
  }
}

void Skips::add(std::string_view reason, std::string_view name) {
  by_reason_[std::string(reason)].emplace_back(name);
}

void Skips::flush(Diagnostics& diag, const std::string& file) {
  for (auto& [reason, names] : by_reason_) {
    constexpr size_t kShown = 8;
    std::string list;
    for (size_t i = 0; i < names.size() && i < kShown; ++i) list += (i ? ", " : "") + names[i];
    if (names.size() > kShown) list += fmt::format(" and {} more", names.size() - kShown);
    diag.warn("lockfile.skipped",
              fmt::format("{} {} not reported ({}): {}", names.size(),
                          names.size() == 1 ? "entry" : "entries", reason, list),
              Location{.file = file});
  }
  by_reason_.clear();
}

std::map<std::string, std::string> DependencyGraph::scopes() const {
  std::map<std::string, std::string> out;
  for (const char* scope : {"", "optional", "dev"}) {
    std::vector<std::string> todo;
    for (const auto& [node, s] : roots)
      if (s == scope) todo.push_back(node);
    while (!todo.empty()) {
      std::string node = std::move(todo.back());
      todo.pop_back();
      if (!out.emplace(node, scope).second) continue;  // reached already, by this or a stronger scope
      auto it = edges.find(node);
      if (it == edges.end()) continue;
      for (const std::string& next : it->second)
        if (!out.count(next)) todo.push_back(next);
    }
  }
  return out;
}

std::string json_string(const nlohmann::json& obj, std::string_view key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

bool json_true(const nlohmann::json& obj, std::string_view key) {
  if (!obj.is_object()) return false;
  auto it = obj.find(key);
  return it != obj.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace dagda::lockfile
