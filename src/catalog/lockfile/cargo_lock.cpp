// catalog/lockfile/cargo_lock.cpp: Cargo.lock (TOML, format versions 1 to 4).
//
// Each [[package]] has name, version and, for crates that came from a
// registry or git, a `source`. Crates without a source are the workspace's own
// members and path dependencies: left out with a note. Cargo.lock has no
// dev/optional flag.
#include <fmt/format.h>

#include "catalog/lockfile/toml_doc.hpp"

namespace dagda::lockfile {
namespace {

bool wants(std::string_view path) {
  return basename(path) == "Cargo.lock";
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
    out.packages.push_back(make_package("cargo", name, version, path));
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

extern const LockfileCataloger cargo_lock{"cargo-lock", "Cargo.lock", 1, wants, parse};

}  // namespace dagda::lockfile
