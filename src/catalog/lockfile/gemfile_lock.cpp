// catalog/lockfile/gemfile_lock.cpp: Bundler's Gemfile.lock.
//
// Sections start at column 0 (GEM, GIT, PATH, PLATFORMS, DEPENDENCIES, ...).
// Inside GEM and GIT, "  specs:" is followed by gems at four spaces,
// "    name (version)" or "    name (version-platform)", and their own
// dependencies at six spaces (which carry ranges, not versions, and are
// skipped). A platform suffix is removed from the version. Gems of PATH
// sections are local and left out with a note. Gemfile.lock has no dev flag
// (groups live in the Gemfile).
#include <fmt/format.h>

#include "catalog/lockfile/common.hpp"

namespace dagda::lockfile {
namespace {

bool wants(std::string_view path) {
  std::string_view base = basename(path);
  return base == "Gemfile.lock" || base == "gems.locked";
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
    if (!starts_with(line, "    ") || line.size() < 5 || line[4] == ' ') continue;  // not a spec line
    if (!in_specs) continue;
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
  if (!any_section && !trim(content).empty())
    return Error(ErrorCode::corrupt, "not a Gemfile.lock: no section header", {.file = path});
  skips.flush(ctx.diag, path);
  if (findings.any()) out.partial = true;
  findings.flush(ctx.diag, path);
  return out;
}

}  // namespace

extern const LockfileCataloger gemfile_lock{"gemfile-lock", "Bundler Gemfile.lock", 1, wants, parse};

}  // namespace dagda::lockfile
