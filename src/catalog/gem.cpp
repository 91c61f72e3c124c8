// catalog/gem.cpp: Ruby gems from the specifications RubyGems writes when it
// installs a gem: GEM_HOME/specifications/NAME-VERSION.gemspec (and
// specifications/default/ for the gems that ship with Ruby). A gemspec is Ruby
// code; it is read as text, never run: the "s.name = "..."", "s.version = ..."
// and "s.licenses = [...]" assignments RubyGems writes, else the "# stub: NAME
// VERSION" line at the top.
#include <fmt/format.h>

#include <cctype>

#include "catalog/app.hpp"
#include "catalog/cataloger.hpp"
#include "catalog/text_db.hpp"

namespace dagda {
namespace {

bool gem_wants(std::string_view path) {
  if (!path.ends_with(".gemspec")) return false;
  std::string_view dir = path.substr(0, path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/'));
  return dir == "specifications" || dir.ends_with("/specifications") ||
         dir.ends_with("/specifications/default");
}

Result<CatalogOutput> gem_catalog(const CatalogContext& ctx) {
  CatalogOutput out;
  for (const std::string& path : ctx.fs.captured()) {
    if (!gem_wants(path)) continue;
    auto blob = ctx.fs.read(path);
    if (!blob.ok()) continue;
    if (auto p = parse_gemspec((*blob)->data(), path, ctx.diag)) out.packages.push_back(std::move(*p));
  }
  return out;
}

// The Ruby string literals in `s` ("..." or '...'), in order; backslash escapes kept simple.
std::vector<std::string> string_literals(std::string_view s, size_t max = 64) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size() && out.size() < max; ++i) {
    char q = s[i];
    if (q != '"' && q != '\'') continue;
    std::string lit;
    size_t j = i + 1;
    for (; j < s.size() && s[j] != q; ++j) {
      if (s[j] == '\\' && j + 1 < s.size()) ++j;
      lit.push_back(s[j]);
    }
    if (j >= s.size()) break;  // unterminated
    out.push_back(std::move(lit));
    i = j;
  }
  return out;
}

// "  s.name = ..." -> the text after '=' when the attribute is `attr`.
std::optional<std::string_view> assignment(std::string_view line, std::string_view attr) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  size_t id = i;
  while (i < line.size() && (std::isalnum(static_cast<unsigned char>(line[i])) || line[i] == '_')) ++i;
  if (i == id || i >= line.size() || line[i] != '.') return std::nullopt;
  ++i;
  if (line.substr(i, attr.size()) != attr) return std::nullopt;
  i += attr.size();
  while (i < line.size() && line[i] == ' ') ++i;
  if (i >= line.size() || line[i] != '=' || (i + 1 < line.size() && line[i + 1] == '=')) return std::nullopt;
  return line.substr(i + 1);
}

}  // namespace

std::optional<Package> parse_gemspec(std::string_view text, const std::string& path, Diagnostics& diag) {
  if (text.size() > kMaxMetadataFile) {
    diag.warn("gem.gemspec-too-large", fmt::format("{} bytes; not read", text.size()), {.file = path});
    return std::nullopt;
  }
  Package p;
  p.ecosystem = "gem";
  p.path = path;
  p.cataloger = "gem";
  std::string stub_name, stub_version;
  std::vector<std::string> licenses;
  LineReader lines(text);
  std::string_view line;
  while (lines.next(line)) {
    if (line.starts_with("# stub: ")) {
      size_t sp = line.find(' ', 8);
      stub_name = std::string(line.substr(8, sp == std::string_view::npos ? std::string_view::npos : sp - 8));
      if (sp != std::string_view::npos) {
        std::string_view rest = line.substr(sp + 1);
        stub_version = std::string(rest.substr(0, rest.find(' ')));
      }
      continue;
    }
    if (auto v = assignment(line, "name"); v && p.name.empty()) {
      auto lits = string_literals(*v, 1);
      if (!lits.empty()) p.name = lits[0];
    } else if (auto v = assignment(line, "version"); v && p.version.empty()) {
      auto lits = string_literals(*v, 1);
      if (!lits.empty()) p.version = lits[0];
    } else if (auto v = assignment(line, "licenses"); v && licenses.empty()) {
      licenses = string_literals(*v);
    } else if (auto v = assignment(line, "license"); v && licenses.empty()) {
      licenses = string_literals(*v, 1);
    }
  }
  if (p.name.empty()) p.name = stub_name;
  if (p.version.empty()) p.version = stub_version;
  if (p.name.empty() || p.version.empty()) {
    diag.warn("gem.bad-gemspec", "no name or version assignment and no \"# stub:\" line", {.file = path});
    return std::nullopt;
  }
  p.license = fmt::format("{}", fmt::join(licenses, " OR "));
  return p;
}

namespace catalogers {
extern const CatalogerInfo gem;
const CatalogerInfo gem = {
    .name = "gem",
    .description = "Ruby gems: specifications/*.gemspec and specifications/default/*.gemspec, read as text",
    .version = 1,
    .wants = gem_wants,
    .catalog = gem_catalog,
    .application = true,
};
}  // namespace catalogers

}  // namespace dagda
