// catalog/lockfile/gemfile_lock.cpp: Bundler's Gemfile.lock.
//
// Sections start at column 0 (GEM, GIT, PATH, PLATFORMS, DEPENDENCIES, ...).
// Inside GEM and GIT, "  specs:" is followed by gems at four spaces,
// "    name (version)" or "    name (version-platform)", and their own
// dependencies at six spaces (which carry ranges, not versions, and are
// skipped). A platform suffix is removed from the version. Gems of PATH
// sections are local and left out with a note.
//
// Gemfile.lock has no groups: they live in the Gemfile beside it (gems.rb
// beside gems.locked), Ruby code read here line by line for `group :a, :b do`
// ... `end` blocks and `group:`/`groups:` options of `gem` lines. A gem whose
// groups are all :development or :test is a root of scope "dev" ("test" when
// only :test), any other gem a runtime root; the scope then follows the specs'
// dependency lines. Gems in DEPENDENCIES that the Gemfile does not name (from a
// `gemspec`) count as runtime. Without a Gemfile no gem has a scope.
#include <fmt/format.h>

#include <map>
#include <set>

#include "catalog/lockfile/common.hpp"

namespace dagda::lockfile {
namespace {

bool wants(std::string_view path) {
  std::string_view base = basename(path);
  return base == "Gemfile.lock" || base == "gems.locked";
}

bool companion(std::string_view path) {
  std::string_view base = basename(path);
  return base == "Gemfile" || base == "gems.rb";
}

// The Ruby symbols of a group list (":development, :test", "[:development, :test]", "'test'").
std::set<std::string> symbols(std::string_view s) {
  std::set<std::string> out;
  std::string cur;
  for (char c : s) {
    bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (word) {
      cur += c;
    } else if (!cur.empty()) {
      out.insert(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) out.insert(cur);
  return out;
}

// The first quoted string of s.
std::string first_string(std::string_view s) {
  size_t open = s.find_first_of("\"'");
  if (open == std::string_view::npos) return {};
  size_t close = s.find(s[open], open + 1);
  if (close == std::string_view::npos) return {};
  return std::string(s.substr(open + 1, close - open - 1));
}

// Gem name -> its groups, from a Gemfile.
std::map<std::string, std::set<std::string>> gemfile_groups(std::string_view text) {
  std::map<std::string, std::set<std::string>> out;
  std::vector<std::set<std::string>> blocks;  // one per open `do`/`if` block: the groups it adds
  LineReader lines(text);
  std::string_view line;
  while (lines.next(line)) {
    std::string_view t = trim(line);
    if (size_t hash = t.find(" #"); hash != std::string_view::npos) t = trim(t.substr(0, hash));
    if (t.empty() || t.front() == '#') continue;
    if (t == "end") {
      if (!blocks.empty()) blocks.pop_back();
      continue;
    }
    bool opens = t.ends_with(" do") || (t.find(" do |") != std::string_view::npos && t.back() == '|') ||
                 starts_with(t, "if ") || starts_with(t, "unless ");
    if (starts_with(t, "group ") || starts_with(t, "group(")) {
      std::string_view args = t.substr(5);
      if (size_t d = args.rfind(" do"); d != std::string_view::npos) args = args.substr(0, d);
      if (opens && blocks.size() < 64) blocks.push_back(symbols(args));
      continue;
    }
    if (starts_with(t, "gem ") || starts_with(t, "gem(")) {
      std::string name = first_string(t);
      if (name.empty()) continue;
      std::set<std::string> groups;
      for (const auto& b : blocks) groups.insert(b.begin(), b.end());
      for (std::string_view key : {"groups:", "group:", ":groups =>", ":group =>", ":groups=>", ":group=>"}) {
        size_t at = t.find(key);
        if (at == std::string_view::npos) continue;
        std::string_view rest = t.substr(at + key.size());
        // The value: a symbol, a string or an array, up to the next option.
        size_t end = rest.find(']');
        end = end != std::string_view::npos ? end : rest.find(',');
        auto g = symbols(rest.substr(0, end));
        groups.insert(g.begin(), g.end());
      }
      auto& entry = out[name];
      entry.insert(groups.begin(), groups.end());
      if (groups.empty()) entry.insert("default");
      continue;
    }
    if (opens && blocks.size() < 64) blocks.emplace_back();
  }
  return out;
}

// "1.13.10-x86_64-linux" -> "1.13.10". Gem versions never contain '-'.
std::string_view strip_platform(std::string_view v) {
  return v.substr(0, v.find('-'));
}

Result<CatalogOutput> parse(const LockfileContext& ctx, const std::string& path, std::string_view content) {
  DAGDA_TRY(check_size(path, content));
  CatalogOutput out;
  Skips skips;
  Findings findings;
  LineReader lines(content);
  std::string_view line;
  std::string section;
  bool in_specs = false, any_section = false;
  DependencyGraph graph;
  std::string spec;              // the spec whose dependency lines follow
  std::vector<std::string> direct;  // DEPENDENCIES
  while (lines.next(line)) {
    if (line.empty()) continue;
    if (line.front() != ' ') {
      section = trim(line);
      in_specs = false;
      // Section headers are upper-case words: GEM, GIT, PATH, PLATFORMS, DEPENDENCIES, BUNDLED WITH, ...
      bool header = !section.empty();
      for (char c : section) header = header && ((c >= 'A' && c <= 'Z') || c == ' ');
      if (!header) findings.note("lockfile.damaged", lines.number(), "a line that is not a section header");
      any_section = any_section || header;
      continue;
    }
    if (line == "  specs:") {
      in_specs = true;
      continue;
    }
    if (section == "DEPENDENCIES" && line.size() > 2 && line[2] != ' ') {
      std::string_view d = trim(line);
      direct.emplace_back(d.substr(0, d.find_first_of(" !")));
      continue;
    }
    if (in_specs && !spec.empty() && starts_with(line, "      ") && line.size() > 6 && line[6] != ' ') {
      std::string_view d = trim(line);  // a dependency of the spec above: "name (>= 1)" or "name"
      graph.edges[spec].emplace_back(d.substr(0, d.find(' ')));
      continue;
    }
    if (!starts_with(line, "    ") || line.size() < 5 || line[4] == ' ') continue;  // not a spec line
    if (!in_specs) continue;
    spec = std::string(trim(line).substr(0, trim(line).find(' ')));
    std::string_view spec = trim(line);
    size_t open = spec.find(" (");
    if (open == std::string_view::npos || spec.back() != ')') {
      findings.note("lockfile.damaged", lines.number(), "a spec line that is not 'name (version)'");
      continue;
    }
    std::string_view name = spec.substr(0, open);
    std::string_view version = strip_platform(spec.substr(open + 2, spec.size() - open - 3));
    auto bad = [](std::string_view v, std::string_view extra) {
      for (char c : v)
        if (static_cast<unsigned char>(c) <= ' ' || extra.find(c) != std::string_view::npos) return true;
      return false;
    };
    if (name.empty() || version.empty() || bad(name, "()") || bad(version, "<>=~!,()")) {
      findings.note("lockfile.damaged", lines.number(), "a spec line with an empty name or version");
      continue;
    }
    if (section == "PATH") {
      skips.add("local path gems", fmt::format("{} ({})", name, version));
      continue;
    }
    if (section != "GEM" && section != "GIT" && section != "PLUGIN SOURCE") continue;
    out.packages.push_back(make_package("gem", name, version, path));
  }
  // Scopes from the Gemfile's groups.
  std::string dir(dirname(path));
  std::string gemfile = basename(path) == "gems.locked" ? "gems.rb" : "Gemfile";
  if (auto blob = ctx.fs.read(dir.empty() ? gemfile : dir + "/" + gemfile);
      blob.ok() && (*blob)->data().size() <= kMaxLockfileBytes) {
    auto groups = gemfile_groups((*blob)->data());
    for (const std::string& d : direct) {
      auto it = groups.find(d);
      std::string scope;
      if (it != groups.end()) {
        bool dev_only = !it->second.empty();
        for (const auto& g : it->second) dev_only = dev_only && (g == "development" || g == "test");
        if (dev_only) scope = it->second.count("development") ? "dev" : "test";
      }
      graph.roots.emplace_back(d, scope);
    }
    // "test" roots are roots of the dev pass (DependencyGraph knows "", "optional" and "dev").
    std::set<std::string> test_roots;
    for (auto& [node, sc] : graph.roots)
      if (sc == "test") {
        test_roots.insert(node);
        sc = "dev";
      }
    auto scopes = graph.scopes();
    for (Package& p : out.packages) {
      auto it = scopes.find(p.name);
      if (it == scopes.end()) continue;
      p.scope = it->second;
      if (p.scope == "dev" && test_roots.count(p.name)) p.scope = "test";
    }
  }
  if (!any_section && !trim(content).empty())
    return Error(ErrorCode::corrupt, "not a Gemfile.lock: no section header", {.file = path});
  skips.flush(ctx.diag, path);
  if (findings.any()) out.partial = true;
  findings.flush(ctx.diag, path);
  return out;
}

}  // namespace

extern const LockfileCataloger gemfile_lock{"gemfile-lock", "Bundler Gemfile.lock", 2, wants, parse, companion};

}  // namespace dagda::lockfile
