#include "catalog/merge.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "catalog/lockfile/lockfile.hpp"

namespace dagda {
namespace {

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

bool from_lockfile(const Package& p) {
  if (p.cataloger.empty() || is_os_ecosystem(p.ecosystem)) return false;
  for (const LockfileCataloger& c : lockfile_catalogers())
    if (c.name == p.cataloger) return true;
  return false;
}

std::string_view dir_of(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view{} : path.substr(0, slash);
}

// True when `path` lies in `dir` or below it ("" is the root, which holds everything).
bool inside(std::string_view path, std::string_view dir) {
  return dir.empty() || (path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/');
}

using Key = std::tuple<std::string, std::string, std::string>;

Key key_of(const Package& p) {
  return {p.ecosystem, p.ecosystem == "nuget" ? lower(p.name) : p.name, p.version};
}

}  // namespace

void merge_lockfile_and_installed(std::vector<Package>& packages) {
  std::map<Key, std::vector<size_t>> locked;  // key -> lockfile packages
  for (size_t i = 0; i < packages.size(); ++i)
    if (from_lockfile(packages[i])) locked[key_of(packages[i])].push_back(i);
  if (locked.empty()) return;
  std::set<size_t> merged;
  for (size_t i = 0; i < packages.size(); ++i) {
    const Package& installed = packages[i];
    if (is_os_ecosystem(installed.ecosystem) || from_lockfile(installed) || installed.cataloger.empty()) continue;
    auto it = locked.find(key_of(installed));
    if (it == locked.end()) continue;
    // The lockfile of the nearest project folder that holds the installed file.
    size_t best = packages.size();
    size_t best_depth = 0;
    for (size_t j : it->second) {
      std::string_view dir = dir_of(packages[j].path);
      if (!inside(installed.path, dir)) continue;
      if (best == packages.size() || dir.size() > best_depth) {
        best = j;
        best_depth = dir.size();
      }
    }
    if (best == packages.size()) continue;
    Package& lock = packages[best];
    if (lock.locations.empty()) lock.locations.push_back(lock.path);
    lock.locations.push_back(installed.path);
    if (lock.license.empty()) lock.license = installed.license;
    if (lock.sha1.empty()) lock.sha1 = installed.sha1;
    merged.insert(i);
  }
  if (merged.empty()) return;
  std::vector<Package> kept;
  kept.reserve(packages.size() - merged.size());
  for (size_t i = 0; i < packages.size(); ++i)
    if (!merged.count(i)) kept.push_back(std::move(packages[i]));
  packages = std::move(kept);
}

void drop_dev_packages(std::vector<Package>& packages) {
  std::erase_if(packages, [](const Package& p) { return is_dev_scope(p.scope); });
}

}  // namespace dagda
