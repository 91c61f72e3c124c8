// catalog/lockfile/requirements_txt.cpp: pip requirements files with pins.
//
// Read: requirements*.txt and *-requirements.txt anywhere, and *.txt inside a
// folder named "requirements". A line `name[extras]==1.2.3 ; marker
// --hash=sha256:...` (or ===) is a pinned package; backslash continuations
// and comments are handled, extras, markers and hash options are dropped.
// Anything else that names a package (ranges, no version, wildcards, URLs,
// local paths, -e editables) is left out with a note. `-r FILE` includes are
// followed only inside the scanned tree (at most 16 deep, each file once):
// an absolute path or one that climbs out of the tree is refused with a
// warning, so is an include that names a file that was not captured.
// Constraint files (-c) only constrain and are not read. Names are normalised
// per PEP 503.
#include <fmt/format.h>

#include <set>

#include "catalog/lockfile/common.hpp"

namespace dagda::lockfile {
namespace {

constexpr int kMaxIncludeDepth = 16;

bool wants(std::string_view path) {
  std::string_view base = basename(path);
  if (!base.ends_with(".txt")) return false;
  if (starts_with(base, "requirements") || base.ends_with("-requirements.txt") ||
      base.ends_with("_requirements.txt"))
    return true;
  return basename(dirname(path)) == "requirements";
}

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.';
}

// Joins backslash continuations and drops comments; calls f(line, first line number).
template <typename F>
void logical_lines(std::string_view content, F&& f) {
  LineReader lines(content);
  std::string_view line;
  std::string joined;
  uint64_t start = 0;
  while (lines.next(line)) {
    if (joined.empty()) start = lines.number();
    // A comment starts at '#' at the beginning or after whitespace.
    for (size_t i = 0; i < line.size(); ++i)
      if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
        line = line.substr(0, i);
        break;
      }
    std::string_view t = trim(line);
    if (!t.empty() && t.back() == '\\') {
      joined += t.substr(0, t.size() - 1);
      joined += ' ';
      continue;
    }
    joined += t;
    f(std::string_view(joined), start);
    joined.clear();
  }
  if (!joined.empty()) f(std::string_view(joined), start);
}

struct Reader {
  const LockfileContext& ctx;
  CatalogOutput out;
  std::set<std::string> visited;

  // The argument of an option given as "-r FILE", "-rFILE", "--requirement FILE" or "--requirement=FILE".
  static std::string_view option_value(std::string_view line, std::string_view shortopt,
                                       std::string_view longopt) {
    std::string_view rest;
    if (starts_with(line, longopt)) {
      rest = line.substr(longopt.size());
      if (!rest.empty() && rest.front() != ' ' && rest.front() != '=' && rest.front() != '\t') return {};
    } else if (starts_with(line, shortopt)) {
      rest = line.substr(shortopt.size());
    } else {
      return {};
    }
    rest = trim(rest);
    if (!rest.empty() && rest.front() == '=') rest = trim(rest.substr(1));
    return rest.substr(0, rest.find_first_of(" \t"));
  }

  void read(const std::string& path, std::string_view content, int depth) {
    if (!visited.insert(path).second) return;
    Skips skips;
    logical_lines(content, [&](std::string_view line, uint64_t number) {
      if (line.empty()) return;
      if (line.front() == '-') {
        std::string_view inc = option_value(line, "-r", "--requirement");
        if (!inc.empty())
          include(path, inc, number, depth);
        else if (!option_value(line, "-e", "--editable").empty())
          skips.add("editable installs", option_value(line, "-e", "--editable"));
        return;  // other options (index URLs, -c constraints, --hash on its own line) name no package
      }
      read_requirement(path, line, skips);
    });
    skips.flush(ctx.diag, path);
  }

  void include(const std::string& from, std::string_view rel, uint64_t line, int depth) {
    std::string target;
    if (!normalise_relative(dirname(from), rel, target)) {
      ctx.diag.warn("lockfile.include-outside",
                    fmt::format("-r {} is not followed: it points outside the scanned tree", rel),
                    {.file = from, .line = line});
      return;
    }
    if (depth >= kMaxIncludeDepth) {
      ctx.diag.warn("lockfile.include-depth",
                    fmt::format("-r {} is not followed: includes nest deeper than {}", rel, kMaxIncludeDepth),
                    {.file = from, .line = line});
      out.partial = true;
      return;
    }
    auto blob = ctx.fs.read(target);
    if (!blob.ok()) {
      ctx.diag.warn(
          "lockfile.include-missing",
          fmt::format("-r {} is not followed: {} is not in the tree or not a requirements file name", rel,
                      target),
          {.file = from, .line = line});
      out.partial = true;
      return;
    }
    if ((*blob)->size() > kMaxLockfileBytes) {
      ctx.diag.warn("lockfile.include-missing", fmt::format("-r {} is not followed: too large", rel),
                    {.file = from, .line = line});
      out.partial = true;
      return;
    }
    read(target, (*blob)->data(), depth + 1);
  }

  void read_requirement(const std::string& path, std::string_view line, Skips& skips) {
    // Markers after ';', per-requirement options after " --".
    line = trim(line.substr(0, line.find(';')));
    if (size_t opt = line.find(" -"); opt != std::string_view::npos) line = trim(line.substr(0, opt));
    size_t i = 0;
    while (i < line.size() && name_char(line[i])) ++i;
    std::string_view name = line.substr(0, i);
    if (name.empty() || line.find("://") != std::string_view::npos || name.ends_with(".whl") ||
        name.ends_with(".tar.gz") || name.ends_with(".zip")) {
      skips.add("URLs and local paths", line.substr(0, 80));
      return;
    }
    std::string_view rest = trim(line.substr(i));
    if (!rest.empty() && rest.front() == '[') {
      size_t close = rest.find(']');
      rest = close == std::string_view::npos ? std::string_view{} : trim(rest.substr(close + 1));
    }
    std::string_view version;
    if (starts_with(rest, "==="))
      version = trim(rest.substr(3));
    else if (starts_with(rest, "=="))
      version = trim(rest.substr(2));
    if (version.empty() || version.find_first_of(",*<>!~= \t@") != std::string_view::npos) {
      skips.add(rest.empty() ? "unpinned (no version)" : "unpinned (not an exact == version)",
                rest.empty() ? name : line.substr(0, 80));
      return;
    }
    out.packages.push_back(make_package("pypi", pep503(name), version, path));
  }
};

Result<CatalogOutput> parse(const LockfileContext& ctx, const std::string& path, std::string_view content) {
  DAGDA_TRY(check_size(path, content));
  Reader r{ctx, {}, {}};
  r.read(path, content, 0);
  return std::move(r.out);
}

}  // namespace

extern const LockfileCataloger requirements_txt{"requirements-txt", "pip requirements files with == pins", 1,
                                                wants, parse};

}  // namespace dagda::lockfile
