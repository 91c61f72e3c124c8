// catalog/lockfile/cargo_lock.cpp: Cargo.lock (TOML, format versions 1 to 4).
//
// Each [[package]] has name, version and, for crates that came from a
// registry or git, a `source`. Crates without a source are the workspace's own
// members and path dependencies: left out with a note.
//
// Cargo.lock has no dev flag, and lists a crate's dependencies of every kind
// together. The kind is in the Cargo.toml of each crate without a source (found
// among the Cargo.toml files below the lockfile's folder by name and version):
// what its [dependencies] and [build-dependencies] (also per [target.*]) name
// is runtime, what only its [dev-dependencies] name is "dev"; the scope then
// follows the graph of the [[package]] dependencies lists. A crate whose
// Cargo.toml is not in the tree counts all its dependencies as runtime.
#include <fmt/format.h>

#include <map>
#include <set>

#include "catalog/lockfile/toml_doc.hpp"

namespace dagda::lockfile {
namespace {

bool wants(std::string_view path) {
  return basename(path) == "Cargo.lock";
}

bool companion(std::string_view path) {
  return basename(path) == "Cargo.toml";
}

// "name", "name version" or "name version (source)" -> (name, version or "").
std::pair<std::string, std::string> dep_ref(std::string_view d) {
  size_t sp = d.find(' ');
  if (sp == std::string_view::npos) return {std::string(d), ""};
  std::string_view rest = d.substr(sp + 1);
  return {std::string(d.substr(0, sp)), std::string(rest.substr(0, rest.find(' ')))};
}

// The crate names a Cargo.toml depends on: (runtime, dev-only).
void manifest_deps(const toml::table& manifest, std::set<std::string>& runtime, std::set<std::string>& dev) {
  auto add = [](const toml::node* table, std::set<std::string>& to) {
    const toml::table* t = table ? table->as_table() : nullptr;
    if (!t) return;
    for (const auto& [key, spec] : *t) {
      std::string crate(key.str());
      if (const toml::table* st = spec.as_table())  // `alias = { package = "real-name", ... }`
        if (std::string real = toml_string(*st, "package"); !real.empty()) crate = real;
      to.insert(crate);
    }
  };
  std::vector<const toml::table*> scopes = {&manifest};
  if (const toml::table* targets = manifest["target"].as_table())
    for (const auto& [cfg, t] : *targets)
      if (const toml::table* tt = t.as_table()) scopes.push_back(tt);
  for (const toml::table* t : scopes) {
    add(t->get("dependencies"), runtime);
    add(t->get("build-dependencies"), runtime);
    add(t->get("dev-dependencies"), dev);
  }
}

// Scope of each "name version" from the members' Cargo.toml files and the lockfile's graph.
std::map<std::string, std::string> cargo_scopes(const LockfileContext& ctx, const std::string& path,
                                                const toml::array& packages) {
  std::map<std::string, std::vector<std::string>> versions;  // name -> versions in the lock
  for (const toml::node& node : packages)
    if (const toml::table* t = node.as_table())
      versions[toml_string(*t, "name")].push_back(toml_string(*t, "version"));
  auto resolve = [&](std::string_view d) -> std::string {
    auto [name, version] = dep_ref(d);
    if (version.empty()) {
      auto it = versions.find(name);
      if (it == versions.end() || it->second.size() != 1) return {};
      version = it->second.front();
    }
    return name + " " + version;
  };
  // The Cargo.toml of each crate without a source, by "name version".
  std::map<std::string, std::pair<std::set<std::string>, std::set<std::string>>> members;
  std::string dir(dirname(path));
  for (const std::string& f : ctx.fs.captured()) {
    if (basename(f) != "Cargo.toml" || (!dir.empty() && !starts_with(f, dir + "/"))) continue;
    auto blob = ctx.fs.read(f);
    if (!blob.ok()) continue;
    auto manifest = parse_toml(f, (*blob)->data());
    if (!manifest.ok()) continue;
    const toml::table* pkg = (*manifest)["package"].as_table();
    if (!pkg) continue;
    std::string key = toml_string(*pkg, "name") + " " + toml_string(*pkg, "version");
    auto& [runtime, dev] = members[key];
    manifest_deps(*manifest, runtime, dev);
  }
  DependencyGraph g;
  for (const toml::node& node : packages) {
    const toml::table* t = node.as_table();
    if (!t) continue;
    std::string self = toml_string(*t, "name") + " " + toml_string(*t, "version");
    const toml::array* deps = (*t)["dependencies"].as_array();
    bool member = toml_string(*t, "source").empty();
    auto m = members.find(self);
    if (!deps) continue;
    for (const toml::node& d : *deps) {
      const std::string* ds = d.as_string() ? &d.as_string()->get() : nullptr;
      if (!ds) continue;
      std::string target = resolve(*ds);
      if (target.empty()) continue;
      if (!member) {
        g.edges[self].push_back(target);
        continue;
      }
      // A member's dependency is a root, of the kind its Cargo.toml gives (runtime when unknown).
      std::string crate = dep_ref(*ds).first;
      bool dev_only = m != members.end() && !m->second.first.count(crate) && m->second.second.count(crate);
      g.roots.emplace_back(target, dev_only ? "dev" : "");
    }
  }
  return g.scopes();
}

Result<CatalogOutput> parse(const LockfileContext& ctx, const std::string& path, std::string_view content) {
  DAGDA_ASSIGN_OR_RETURN(toml::table doc, parse_toml(path, content));
  const toml::array* packages = doc["package"].as_array();
  if (!packages) {
    if (doc.contains("version") || doc.contains("metadata") || doc.empty()) return CatalogOutput{};
    return Error(ErrorCode::corrupt, "not a Cargo.lock: no [[package]]", {.file = path});
  }
  CatalogOutput out;
  Skips skips;
  size_t damaged = 0;
  const auto scopes = cargo_scopes(ctx, path, *packages);
  for (const toml::node& node : *packages) {
    const toml::table* t = node.as_table();
    std::string name = t ? toml_string(*t, "name") : "", version = t ? toml_string(*t, "version") : "";
    if (name.empty() || version.empty()) {
      ++damaged;
      continue;
    }
    if (toml_string(*t, "source").empty()) {
      skips.add("workspace members and path dependencies", fmt::format("{}@{}", name, version));
      continue;
    }
    auto sc = scopes.find(name + " " + version);
    out.packages.push_back(make_package("cargo", name, version, path, sc == scopes.end() ? "" : sc->second));
  }
  skips.flush(ctx.diag, path);
  if (damaged) {
    ctx.diag.warn("lockfile.damaged", fmt::format("{} [[package]] entries have no name or version", damaged),
                  {.file = path});
    out.partial = true;
  }
  return out;
}

}  // namespace

extern const LockfileCataloger cargo_lock{"cargo-lock", "Cargo.lock", 2, wants, parse, companion};

}  // namespace dagda::lockfile
