#include "layers/path.hpp"

#include <vector>

namespace dagda {
namespace {

// Splits on '/', skipping empty parts and ".".
std::vector<std::string_view> split(std::string_view p) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    std::string_view part = p.substr(i, j - i);
    if (!part.empty() && part != ".") parts.push_back(part);
    i = j + 1;
  }
  return parts;
}

std::string join(const std::vector<std::string_view>& parts, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    if (i) out += '/';
    out += parts[i];
  }
  return out;
}

}  // namespace

std::optional<std::string> normalize_entry_path(std::string_view path) {
  std::vector<std::string_view> out;
  for (std::string_view part : split(path)) {
    if (part == "..") {
      if (out.empty()) return std::nullopt;
      out.pop_back();
    } else {
      out.push_back(part);
    }
  }
  return join(out, out.size());
}

Result<std::string> resolve_in_root(std::string_view path, const LinkLookup& lookup) {
  constexpr int kMaxLinks = 40;
  int links = 0;
  // `todo` holds the parts still to walk, in reverse order so we can pop from the back.
  std::vector<std::string> todo;
  for (auto part : split(path)) todo.insert(todo.begin(), std::string(part));
  std::vector<std::string> done;
  while (!todo.empty()) {
    std::string part = std::move(todo.back());
    todo.pop_back();
    if (part == "..") {
      if (!done.empty()) done.pop_back();
      continue;
    }
    done.push_back(std::move(part));
    std::string current;
    for (size_t i = 0; i < done.size(); ++i) {
      if (i) current += '/';
      current += done[i];
    }
    std::optional<std::string> target = lookup(current);
    if (!target) continue;
    if (++links > kMaxLinks)
      return Error(ErrorCode::corrupt, "too many levels of symbolic links (a symlink loop)", {.file = std::string(path)});
    done.pop_back();
    if (!target->empty() && target->front() == '/') done.clear();
    auto tparts = split(*target);
    for (auto it = tparts.rbegin(); it != tparts.rend(); ++it) todo.emplace_back(*it);
  }
  std::string out;
  for (size_t i = 0; i < done.size(); ++i) {
    if (i) out += '/';
    out += done[i];
  }
  return out;
}

std::string_view parent_path(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view{} : path.substr(0, slash);
}

}  // namespace dagda
