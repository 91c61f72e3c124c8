// catalog/lockfile/go_mod.cpp: Go modules from go.mod, or go.sum without a go.mod.
//
// go.mod's require directives (single lines and "require ( ... )" blocks) are
// the versions the build uses; replace directives are applied: a replacement
// by another module at a version reports that module, a replacement by a local
// directory is left out with a note. exclude and retract are ignored; the main
// module itself is not a dependency.
//
// From go 1.17 on, go.mod lists every module the build needs (module graph
// pruning). Below 1.17 (the "go" directive, or none, which Go reads as 1.16) it
// lists only the direct dependencies and those whose version it raises; the
// rest of the build list is what minimal version selection takes from the whole
// module graph, whose go.mod files go.sum records: so the modules of go.sum that
// go.mod does not require are added, each at the highest version go.sum names
// (the one MVS selects), unless a replace directive replaces them.
//
// go.sum lists every version the module graph touched, so on its own it is read
// only when its folder has no go.mod: each "module version h1:..." line (not the
// "/go.mod" ones) is one package.
#include <fmt/format.h>

#include <map>

#include "catalog/lockfile/common.hpp"
#include "version/ecosystems.hpp"

namespace dagda::lockfile {
namespace {

bool wants(std::string_view path) {
  std::string_view base = basename(path);
  return (base == "go.mod" || base == "go.sum") && !starts_with(path, "vendor/") &&
         path.find("/vendor/") == std::string_view::npos;
}

// Splits a directive's arguments into tokens; "quoted" and `raw` strings are one token.
std::vector<std::string_view> tokens(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i >= s.size()) break;
    if (s[i] == '"' || s[i] == '`') {
      char q = s[i];
      size_t end = s.find(q, i + 1);
      if (end == std::string_view::npos) end = s.size();
      out.push_back(s.substr(i + 1, end - i - 1));
      i = end + 1;
      continue;
    }
    size_t end = s.find_first_of(" \t", i);
    if (end == std::string_view::npos) end = s.size();
    out.push_back(s.substr(i, end - i));
    i = end;
  }
  return out;
}

bool local_path(std::string_view p) {
  return starts_with(p, "./") || starts_with(p, "../") || starts_with(p, "/") || p == "." || p == "..";
}

struct Replace {
  std::string new_path, new_version;
};

// "1.16" < "1.17"; a missing or unreadable directive counts as below (Go assumes 1.16).
bool below_go_1_17(std::string_view go) {
  if (go.empty()) return true;
  unsigned major = 0, minor = 0;
  size_t i = 0;
  while (i < go.size() && go[i] >= '0' && go[i] <= '9') major = major * 10 + static_cast<unsigned>(go[i++] - '0');
  if (i >= go.size() || go[i] != '.') return major < 1;
  ++i;
  while (i < go.size() && go[i] >= '0' && go[i] <= '9' && minor < 1000)
    minor = minor * 10 + static_cast<unsigned>(go[i++] - '0');
  return major < 1 || (major == 1 && minor < 17);
}

int go_compare(std::string_view a, std::string_view b) {
  auto r = version::golang::compare(a, b);
  if (r.ok()) return *r;
  return a < b ? -1 : (a > b ? 1 : 0);
}

// Module path -> the highest version go.sum names for it (zip and /go.mod lines alike).
std::map<std::string, std::string> go_sum_versions(std::string_view content) {
  std::map<std::string, std::string> out;
  LineReader lines(content);
  std::string_view line;
  while (lines.next(line)) {
    auto t = tokens(line);
    if (t.size() != 3 || !starts_with(t[2], "h1:")) continue;
    std::string_view v = t[1];
    if (v.ends_with("/go.mod")) v.remove_suffix(7);
    if (v.empty()) continue;
    auto [it, fresh] = out.emplace(std::string(t[0]), std::string(v));
    if (!fresh && go_compare(v, it->second) > 0) it->second = std::string(v);
  }
  return out;
}

Result<CatalogOutput> parse_mod(const LockfileContext& ctx, const std::string& path,
                                std::string_view content) {
  DAGDA_TRY(check_size(path, content));
  std::vector<std::pair<std::string, std::string>> requires_;
  std::map<std::string, Replace> replace_any;                              // old path -> replacement
  std::map<std::pair<std::string, std::string>, Replace> replace_version;  // (old path, old version)
  Findings findings;
  LineReader lines(content);
  std::string_view line;
  std::string block;  // the verb of the "verb (" block we are in
  std::string go_directive;
  bool any_directive = false;
  while (lines.next(line)) {
    size_t comment = line.find("//");
    std::string_view t = trim(comment == std::string_view::npos ? line : line.substr(0, comment));
    if (t.empty()) continue;
    std::string verb;
    std::vector<std::string_view> args;
    if (!block.empty()) {
      if (t == ")") {
        block.clear();
        continue;
      }
      verb = block;
      args = tokens(t);
    } else {
      auto all = tokens(t);
      verb = std::string(all.front());
      any_directive = true;
      if (all.size() == 2 && all[1] == "(") {
        block = verb;
        continue;
      }
      args.assign(all.begin() + 1, all.end());
    }
    if (verb == "go" && args.size() == 1) {
      go_directive = std::string(args[0]);
    } else if (verb == "require") {
      if (args.size() != 2) {
        findings.note("lockfile.damaged", lines.number(), "a require line that is not 'module version'");
        continue;
      }
      requires_.emplace_back(args[0], args[1]);
    } else if (verb == "replace") {
      auto arrow = std::find(args.begin(), args.end(), std::string_view("=>"));
      size_t left = static_cast<size_t>(arrow - args.begin());
      size_t right = args.size() - left - (arrow == args.end() ? 0 : 1);
      if (arrow == args.end() || left < 1 || left > 2 || right < 1 || right > 2) {
        findings.note("lockfile.damaged", lines.number(),
                      "a replace line that is not 'old [version] => new [version]'");
        continue;
      }
      Replace r{std::string(*(arrow + 1)), right == 2 ? std::string(*(arrow + 2)) : std::string()};
      if (left == 2)
        replace_version[{std::string(args[0]), std::string(args[1])}] = r;
      else
        replace_any[std::string(args[0])] = r;
    }
  }
  if (!any_directive && !trim(content).empty())
    return Error(ErrorCode::corrupt, "not a go.mod: no directives", {.file = path});
  CatalogOutput out;
  Skips skips;
  for (auto& [mod, version] : requires_) {
    const Replace* r = nullptr;
    if (auto it = replace_version.find({mod, version}); it != replace_version.end())
      r = &it->second;
    else if (auto it2 = replace_any.find(mod); it2 != replace_any.end())
      r = &it2->second;
    if (r && (local_path(r->new_path) || r->new_version.empty())) {
      skips.add("replaced by a local directory", fmt::format("{} => {}", mod, r->new_path));
      continue;
    }
    if (r)
      out.packages.push_back(make_package("golang", r->new_path, r->new_version, path));
    else
      out.packages.push_back(make_package("golang", mod, version, path));
  }
  if (below_go_1_17(go_directive)) {
    std::string dir(dirname(path));
    std::string sum_path = dir.empty() ? "go.sum" : dir + "/go.sum";
    if (auto sum = ctx.fs.read(sum_path); sum.ok() && (*sum)->data().size() <= kMaxLockfileBytes) {
      std::map<std::string, bool> required;
      for (auto& [mod, version] : requires_) required[mod] = true;
      for (auto& [mod, version] : go_sum_versions((*sum)->data())) {
        if (required.count(mod) || replace_any.count(mod)) continue;
        bool replaced = false;
        for (const auto& [old, r] : replace_version) replaced |= old.first == mod;
        if (replaced) continue;
        out.packages.push_back(make_package("golang", mod, version, sum_path));
      }
    }
  }
  skips.flush(ctx.diag, path);
  if (findings.any()) out.partial = true;
  findings.flush(ctx.diag, path);
  return out;
}

Result<CatalogOutput> parse_sum(const LockfileContext& ctx, const std::string& path,
                                std::string_view content) {
  DAGDA_TRY(check_size(path, content));
  std::string dir(dirname(path));
  if (ctx.fs.exists(dir.empty() ? "go.mod" : dir + "/go.mod")) return CatalogOutput{};  // go.mod is the truth
  CatalogOutput out;
  Findings findings;
  LineReader lines(content);
  std::string_view line;
  while (lines.next(line)) {
    if (trim(line).empty()) continue;
    auto t = tokens(line);
    if (t.size() != 3 || !starts_with(t[2], "h1:")) {
      findings.note("lockfile.damaged", lines.number(), "a go.sum line that is not 'module version h1:hash'");
      continue;
    }
    if (t[1].ends_with("/go.mod")) continue;
    out.packages.push_back(make_package("golang", t[0], t[1], path));
  }
  if (findings.any() && out.packages.empty())
    return Error(ErrorCode::corrupt, "not a go.sum: no 'module version h1:hash' lines", {.file = path});
  if (findings.any()) out.partial = true;
  findings.flush(ctx.diag, path);
  return out;
}

Result<CatalogOutput> parse(const LockfileContext& ctx, const std::string& path, std::string_view content) {
  return basename(path) == "go.sum" ? parse_sum(ctx, path, content) : parse_mod(ctx, path, content);
}

}  // namespace

extern const LockfileCataloger go_mod{"go-mod", "Go go.mod (go.sum when there is no go.mod)", 1, wants,
                                      parse};

}  // namespace dagda::lockfile
