// catalog/python.cpp: installed Python distributions.
//
// The core metadata (packaging.python.org, "Core metadata specifications") is a
// block of RFC 822 headers: Name, Version, License, ... up to the first empty
// line. It lives in NAME-VERSION.dist-info/METADATA (wheels), in
// NAME.egg-info/PKG-INFO or a NAME.egg-info file (setuptools), and in
// EGG-INFO/PKG-INFO inside a .egg zip or directory. Names are normalised per
// PEP 503. The license is License-Expression (PEP 639) when there is one, else
// License when it is a name (one line, not "UNKNOWN"), else the "License ::"
// classifiers' last parts joined with " OR " (packages list several when they
// are dual-licensed), else the License text as written.
#include <fmt/format.h>

#include "catalog/app.hpp"
#include "catalog/cataloger.hpp"
#include "catalog/text_db.hpp"

namespace dagda {
namespace {

bool python_wants(std::string_view path) {
  return path.ends_with(".dist-info/METADATA") || path.ends_with(".egg-info/PKG-INFO") ||
         path.ends_with(".egg-info") || path.ends_with(".egg/EGG-INFO/PKG-INFO") ||
         ends_with_icase(path, ".egg");
}

Result<CatalogOutput> python_catalog(const CatalogContext& ctx) {
  CatalogOutput out;
  for (const std::string& path : ctx.fs.captured()) {
    if (!python_wants(path)) continue;
    auto blob = ctx.fs.read(path);
    if (!blob.ok()) continue;
    std::string_view data = (*blob)->data();
    if (ends_with_icase(path, ".egg")) {
      AppParse r = parse_python_egg(data, path, ctx.diag);
      if (r.partial) out.partial = true;
      for (Package& p : r.packages) out.packages.push_back(std::move(p));
      continue;
    }
    if (auto p = parse_python_metadata(data, path, ctx.diag)) out.packages.push_back(std::move(*p));
  }
  return out;
}

}  // namespace

std::optional<Package> parse_python_metadata(std::string_view text, const std::string& path,
                                             Diagnostics& diag) {
  if (text.size() > kMaxMetadataFile) {
    diag.warn("python.metadata-too-large", fmt::format("{} bytes; not read", text.size()), {.file = path});
    return std::nullopt;
  }
  Package p;
  p.ecosystem = "pypi";
  p.path = path;
  p.cataloger = "python";
  LineReader lines(text);
  std::string_view line;
  std::string* last = nullptr;
  std::string name, expression, license_field;
  bool license_folded = false;
  std::vector<std::string> classifiers;
  while (lines.next(line)) {
    if (line.empty()) break;  // the body (the description) follows
    if (line[0] == ' ' || line[0] == '\t') {
      size_t start = line.find_first_not_of(" \t");
      if (last && start != std::string_view::npos) {
        last->append(" ").append(line.substr(start));
        license_folded |= last == &license_field;
      }
      continue;
    }
    size_t colon = line.find(':');
    last = nullptr;
    if (colon == std::string_view::npos) continue;
    std::string_view key = line.substr(0, colon), value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    if (key == "Name" && name.empty()) {
      name = std::string(value);
    } else if (key == "Version" && p.version.empty()) {
      p.version = std::string(value);
    } else if (key == "License" && license_field.empty()) {
      license_field = std::string(value);
      last = &license_field;
    } else if (key == "License-Expression") {
      expression = std::string(value);
    } else if (key == "Classifier" && value.starts_with("License ::") && classifiers.size() < 16) {
      // "License :: OSI Approved :: MIT License" -> "MIT License"; "License :: Public Domain" too.
      std::string_view last_part = value.substr(value.rfind("::") + 2);
      while (!last_part.empty() && last_part.front() == ' ') last_part.remove_prefix(1);
      if (!last_part.empty() && last_part != "OSI Approved") classifiers.emplace_back(last_part);
    }
  }
  if (license_field == "UNKNOWN") license_field.clear();
  // A License header holding a whole license text (folded lines) is not a name.
  bool license_is_name = !license_field.empty() && license_field.size() <= 120 && !license_folded;
  if (!expression.empty()) {
    p.license = expression;
  } else if (license_is_name || (classifiers.empty() && !license_field.empty())) {
    p.license = license_field;
  } else {
    for (const std::string& c : classifiers) p.license += (p.license.empty() ? "" : " OR ") + c;
  }
  if (name.empty() || p.version.empty()) {
    diag.warn("python.bad-metadata", "no Name or no Version header", {.file = path});
    return std::nullopt;
  }
  p.name = pep503_normalize(name);
  return p;
}

AppParse parse_python_egg(std::string_view data, const std::string& path, Diagnostics& diag) {
  AppParse out;
  std::optional<std::string> pkg_info;
  auto want = [](std::string_view name, int64_t) -> uint64_t {
    return name == "EGG-INFO/PKG-INFO" ? kMaxMetadataFile + 1 : 0;
  };
  auto take = [&](std::string_view, std::string_view bytes, bool) { pkg_info = std::string(bytes); };
  uint64_t budget = 4 * kMaxMetadataFile;
  Status st = read_zip(data, want, take, &budget);
  if (!st.ok()) {
    diag.warn("python.damaged-egg", st.error().message(), {.file = path});
    out.partial = true;
  }
  if (!pkg_info) return out;
  if (auto p = parse_python_metadata(*pkg_info, path, diag)) out.packages.push_back(std::move(*p));
  return out;
}

namespace catalogers {
extern const CatalogerInfo python;
const CatalogerInfo python = {
    .name = "python",
    .description = "Python distributions: *.dist-info/METADATA, *.egg-info (file or PKG-INFO), .egg files",
    .version = 2,
    .wants = python_wants,
    .catalog = python_catalog,
    .application = true,
};
}  // namespace catalogers

}  // namespace dagda
