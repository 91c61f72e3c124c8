// catalog/java.cpp: Java archives (.jar .war .ear .par .sar .jpi .hpi), read
// from memory with libarchive, archives inside archives to a bounded depth.
//
// Each META-INF/maven/GROUP/ARTIFACT/pom.properties (the file Maven writes
// into every archive it builds: groupId, artifactId, version) is one package.
// An archive without one is named from the main section of its
// META-INF/MANIFEST.MF (Implementation-Vendor-Id as the group; the file name,
// Bundle-SymbolicName or Implementation-Title as the artifact;
// Implementation-Version or Bundle-Version as the version). The license is that
// of the pom.xml beside the pom.properties (<licenses>). Nested archives
// count their inflated bytes against one budget per outer archive, so a zip
// bomb costs a warning and a partial result, not the machine's memory.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <string>

#include "catalog/app.hpp"
#include "catalog/cataloger.hpp"
#include "catalog/text_db.hpp"
#include "common/digest.hpp"

namespace dagda {
namespace {

constexpr std::string_view kExtensions[] = {".jar", ".war", ".ear", ".par", ".sar", ".jpi", ".hpi"};

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// Java .properties, the simple form Maven writes: "key=value" or "key: value", '#' and '!' comments.
std::map<std::string, std::string> parse_properties(std::string_view text) {
  std::map<std::string, std::string> out;
  LineReader lines(text);
  std::string_view line;
  while (lines.next(line)) {
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == '!') continue;
    size_t sep = t.find_first_of("=:");
    if (sep == std::string::npos) continue;
    out[trim(std::string_view(t).substr(0, sep))] = trim(std::string_view(t).substr(sep + 1));
  }
  return out;
}

// The <licenses><license><name> of a pom.xml, joined with " OR " (Maven: a project listing
// several licenses may be used under any of them). Read as text: the names are plain
// character data (entities of XML's five and CDATA sections are decoded).
std::string pom_licenses(std::string_view xml) {
  size_t open = xml.find("<licenses>");
  size_t close = open == std::string_view::npos ? open : xml.find("</licenses>", open);
  if (close == std::string_view::npos) return {};
  std::string_view block = xml.substr(open, close - open);
  std::string out;
  size_t count = 0;
  for (size_t at = block.find("<name>"); at != std::string_view::npos && count < 16;
       at = block.find("<name>", at + 1)) {
    size_t end = block.find("</name>", at);
    if (end == std::string_view::npos) break;
    std::string_view raw = block.substr(at + 6, end - at - 6);
    if (raw.starts_with("<![CDATA[") && raw.ends_with("]]>")) raw = raw.substr(9, raw.size() - 12);
    std::string name;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '&') {
        static constexpr std::pair<std::string_view, char> kEntities[] = {
            {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
        bool decoded = false;
        for (auto [e, c] : kEntities) {
          if (raw.substr(i).starts_with(e)) {
            name += c;
            i += e.size() - 1;
            decoded = true;
            break;
          }
        }
        if (decoded) continue;
      }
      name += raw[i];
    }
    name = trim(name);
    if (name.empty()) continue;
    out += (out.empty() ? "" : " OR ") + name;
    ++count;
  }
  return out;
}

// The main section of a manifest: "Name: value" lines up to the first empty line, a line that
// starts with one space continuing the one before.
std::map<std::string, std::string> parse_manifest_main(std::string_view text) {
  std::map<std::string, std::string> out;
  LineReader lines(text);
  std::string_view line;
  std::string* last = nullptr;
  while (lines.next(line)) {
    if (line.empty()) break;
    if (line[0] == ' ') {
      if (last) last->append(line.substr(1));
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      last = nullptr;
      continue;
    }
    last = &out[std::string(line.substr(0, colon))];
    *last = trim(line.substr(colon + 1));
  }
  for (auto& [k, v] : out) v = trim(v);
  return out;
}

std::string get(const std::map<std::string, std::string>& m, const char* key) {
  auto it = m.find(key);
  return it == m.end() ? std::string() : it->second;
}

// "commons-io-2.11.0.jar" -> {"commons-io", "2.11.0"}: the version starts at the first "-DIGIT".
std::pair<std::string, std::string> split_file_name(std::string_view name) {
  std::string_view stem = name.substr(0, name.rfind('.'));
  for (size_t i = 0; i + 1 < stem.size(); ++i) {
    if (stem[i] == '-' && std::isdigit(static_cast<unsigned char>(stem[i + 1])))
      return {std::string(stem.substr(0, i)), std::string(stem.substr(i + 1))};
  }
  return {std::string(stem), {}};
}

struct Walk {
  const std::string& path;  // the outer archive in the image
  Diagnostics& diag;
  const JavaLimits& limits;
  AppParse out;
  uint64_t budget;
  bool warned_depth = false;

  Package make(std::string name, std::string version, std::string_view sha1,
               const std::vector<std::string>& chain) {
    Package p;
    p.ecosystem = "maven";
    p.name = std::move(name);
    p.version = std::move(version);
    p.path = path;
    p.sha1 = std::string(sha1);
    if (chain.size() > 1) p.parents = chain;
    p.cataloger = "java";
    return p;
  }

  // One archive: its metadata, then the archives inside it (depth first, one at a time).
  void visit(std::string_view data, std::vector<std::string>& chain, int depth) {
    const std::string sha1 = sha1_hex(data);
    std::vector<std::pair<std::string, std::map<std::string, std::string>>> poms;  // (folder, pom.properties)
    std::map<std::string, std::string> licenses;  // folder -> license of the pom.xml beside it
    std::optional<std::map<std::string, std::string>> manifest;
    const std::string where = fmt::format("{}", fmt::join(chain, "!/"));
    auto want = [&](std::string_view name, int64_t) -> uint64_t {
      if (name == "META-INF/MANIFEST.MF" ||
          (name.starts_with("META-INF/maven/") &&
           (name.ends_with("/pom.properties") || name.ends_with("/pom.xml"))))
        return limits.max_metadata_entry;
      if (is_java_archive(name)) {
        if (depth < limits.max_depth) return budget + 1;
        if (!warned_depth) {
          diag.warn("java.too-deep",
                    fmt::format("archives nested deeper than {} levels are not read (first: '{}')",
                                limits.max_depth, std::string(name).substr(0, 200)),
                    {.file = where});
          warned_depth = true;
        }
        out.partial = true;
      }
      return 0;
    };
    auto take = [&](std::string_view name, std::string_view bytes, bool complete) {
      if (is_java_archive(name)) {
        chain.emplace_back(name);
        visit(bytes, chain, depth + 1);
        chain.pop_back();
        return;
      }
      if (!complete) {
        diag.warn("java.metadata-too-large",
                  fmt::format("'{}' is over {} bytes; not read", name, limits.max_metadata_entry),
                  {.file = where});
        return;
      }
      std::string folder(name.substr(0, name.rfind('/') + 1));
      if (name == "META-INF/MANIFEST.MF") {
        manifest = parse_manifest_main(bytes);
      } else if (name.ends_with("/pom.xml")) {
        licenses[folder] = pom_licenses(bytes);
      } else {
        poms.emplace_back(folder, parse_properties(bytes));
      }
    };
    Status st = read_zip(data, want, take, &budget);
    if (!st.ok()) {
      out.partial = true;
      if (budget == 0) {
        diag.warn("java.archive-too-large",
                  fmt::format("nested archives inflate past {} bytes (a zip bomb?); the rest is not read: {}",
                              limits.max_inflated, st.error().message()),
                  {.file = where});
      } else {
        diag.warn("java.damaged-archive", st.error().message(), {.file = where});
      }
    }
    bool any = false;
    for (const auto& [folder, pom] : poms) {
      std::string group = get(pom, "groupId"), artifact = get(pom, "artifactId"),
                  version = get(pom, "version");
      if (artifact.empty() || version.empty()) {
        diag.warn("java.bad-pom-properties", "a pom.properties without artifactId or version",
                  {.file = where});
        continue;
      }
      out.packages.push_back(make(group.empty() ? artifact : group + ":" + artifact, version, sha1, chain));
      if (auto lic = licenses.find(folder); lic != licenses.end()) out.packages.back().license = lic->second;
      any = true;
    }
    if (any || !manifest) return;
    auto [file_artifact, file_version] = split_file_name(base_name(chain.back()));
    std::string group = get(*manifest, "Implementation-Vendor-Id");
    std::string artifact = file_artifact;
    if (artifact.empty())
      artifact =
          get(*manifest, "Bundle-SymbolicName").substr(0, get(*manifest, "Bundle-SymbolicName").find(';'));
    if (artifact.empty()) artifact = get(*manifest, "Implementation-Title");
    std::string version = get(*manifest, "Implementation-Version");
    if (version.empty()) version = get(*manifest, "Bundle-Version");
    if (version.empty()) version = file_version;
    if (artifact.empty() || version.empty()) return;  // nothing names it: not reported
    out.packages.push_back(make(group.empty() ? artifact : group + ":" + artifact, version, sha1, chain));
  }
};

bool java_wants(std::string_view path) {
  return is_java_archive(path);
}

Result<CatalogOutput> java_catalog(const CatalogContext& ctx) {
  CatalogOutput out;
  for (const std::string& path : ctx.fs.captured()) {
    if (!is_java_archive(path)) continue;
    auto blob = ctx.fs.read(path);
    if (!blob.ok()) continue;
    AppParse r = parse_java_archive((*blob)->data(), path, ctx.diag);
    if (r.partial) out.partial = true;
    for (Package& p : r.packages) out.packages.push_back(std::move(p));
  }
  return out;
}

}  // namespace

bool is_java_archive(std::string_view path) {
  for (std::string_view ext : kExtensions)
    if (ends_with_icase(path, ext) && path.size() > ext.size() && path[path.size() - ext.size() - 1] != '/')
      return true;
  return false;
}

AppParse parse_java_archive(std::string_view data, const std::string& path, Diagnostics& diag,
                            const JavaLimits& limits) {
  Walk w{path, diag, limits, {}, limits.max_inflated};
  std::vector<std::string> chain{path};
  w.visit(data, chain, 1);
  return std::move(w.out);
}

namespace catalogers {
extern const CatalogerInfo java;
const CatalogerInfo java = {
    .name = "java",
    .description =
        "Java archives (.jar .war .ear .par .sar .jpi .hpi, nested): pom.properties, else MANIFEST.MF",
    .version = 2,
    .wants = java_wants,
    .catalog = java_catalog,
    .application = true,
};
}  // namespace catalogers

}  // namespace dagda
