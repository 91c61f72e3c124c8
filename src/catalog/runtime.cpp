// catalog/runtime.cpp: language runtimes and servers installed by hand (a release tarball
// unpacked under /usr/local or /opt, a binary copied in), which no package manager lists.
// Candidates are chosen by file name (node, libnode.so.*, python3.12, libpython3.12.so.*, ruby,
// libruby*.so*, php*, httpd, apache2, nginx, redis-server, postgres, busybox, openssl,
// libcrypto.so.*, a JDK's `release`, a Go tree's `VERSION`); the version is read from a string
// the upstream build puts in the binary or library (the string is kept as the evidence). A
// binary is searched in its .rodata section first, then whole; bigger than the walk's capture
// limit it is never read. Files an OS package owns are skipped by the driver (application).
#include <fmt/format.h>

#include <array>
#include <cctype>
#include <map>

#include "catalog/app.hpp"
#include "catalog/cataloger.hpp"
#include "catalog/elf.hpp"

namespace dagda {
namespace {

constexpr size_t kMaxReleaseFile = 64u << 10;  // a JDK's release file or a Go VERSION file
constexpr size_t kMaxVersion = 32;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool starts_with_digits_then(std::string_view s, std::string_view prefix) {
  return s.starts_with(prefix) && s.size() > prefix.size() && is_digit(s[prefix.size()]);
}

// "3.11" in "python3.11", "python3.11d", "libpython3.11.so.1.0", "libpython3.12d.so"; empty otherwise.
std::string_view python_series(std::string_view base) {
  std::string_view rest;
  if (base.starts_with("libpython")) {
    rest = base.substr(9);
  } else if (base.starts_with("python")) {
    rest = base.substr(6);
  } else {
    return {};
  }
  size_t i = 0;
  while (i < rest.size() && is_digit(rest[i])) ++i;
  if (i == 0 || i >= rest.size() || rest[i] != '.') return {};
  size_t j = i + 1;
  while (j < rest.size() && is_digit(rest[j])) ++j;
  if (j == i + 1) return {};
  std::string_view series = rest.substr(0, j), tail = rest.substr(j);
  while (!tail.empty() && (tail[0] == 'd' || tail[0] == 'm' || tail[0] == 'u')) tail.remove_prefix(1);
  if (base.starts_with("lib")) return tail.starts_with(".so") ? series : std::string_view();
  return tail.empty() ? series : std::string_view();
}

// A version at `pos`: digits, then at least `min_dots` ".digits" groups, then any characters of
// `suffix` ("w" in OpenSSL's 1.1.1w, "rc1" in 3.13.0rc1). Empty when there is none there.
std::string_view version_at(std::string_view d, size_t pos, int min_dots, std::string_view suffix = {}) {
  size_t i = pos, dots = 0;
  auto digits = [&] {
    size_t s = i;
    while (i < d.size() && is_digit(d[i]) && i - pos < kMaxVersion) ++i;
    return i > s;
  };
  if (!digits()) return {};
  while (i + 1 < d.size() && d[i] == '.' && is_digit(d[i + 1])) {
    ++i;
    digits();
    ++dots;
  }
  if (static_cast<int>(dots) < min_dots) return {};
  while (i < d.size() && i - pos < kMaxVersion && suffix.find(d[i]) != std::string_view::npos) ++i;
  if (i - pos >= kMaxVersion) return {};
  return d.substr(pos, i - pos);
}

// What a release file or Go VERSION line gives must still look like a version.
bool plausible_version(std::string_view v) {
  if (v.empty() || v.size() > kMaxVersion || !is_digit(v[0])) return false;
  for (char c : v)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '+' && c != '_') return false;
  return true;
}

struct Found {
  std::string version;
  std::string evidence;
};

using Accept = bool (*)(std::string_view after);

// The first `anchor` followed by a version that `accept` takes (given what follows the version).
std::optional<Found> after_anchor(std::string_view d, std::string_view anchor, int min_dots,
                                  std::string_view suffix, Accept accept) {
  for (size_t at = d.find(anchor); at != std::string_view::npos; at = d.find(anchor, at + 1)) {
    size_t pos = at + anchor.size();
    std::string_view v = version_at(d, pos, min_dots, suffix);
    if (v.empty()) continue;
    std::string_view after = d.substr(pos + v.size(), 16);
    if (!accept(after)) continue;
    return Found{std::string(v), std::string(d.substr(at, anchor.size() + v.size()))};
  }
  return std::nullopt;
}

bool nul_next(std::string_view a) {
  return !a.empty() && a[0] == '\0';
}
bool slash_next(std::string_view a) {
  return !a.empty() && a[0] == '/';
}
bool nul_or_space_next(std::string_view a) {
  return !a.empty() && (a[0] == '\0' || a[0] == ' ');
}
// Ruby's description: "ruby 3.1.2p20 (2022-04-12 revision ...)".
bool ruby_next(std::string_view a) {
  if (!a.empty() && a[0] == 'p') {
    a.remove_prefix(1);
    if (a.empty() || !is_digit(a[0])) return false;
    while (!a.empty() && is_digit(a[0])) a.remove_prefix(1);
  }
  return a.size() >= 3 && a.starts_with(" (") && is_digit(a[2]);
}
// OpenSSL's version text: "OpenSSL 3.0.11 19 Sep 2023", "OpenSSL 1.1.1w  11 Sep 2023".
bool openssl_next(std::string_view a) {
  if (a.empty() || a[0] != ' ') return false;
  while (!a.empty() && a[0] == ' ') a.remove_prefix(1);
  return !a.empty() && is_digit(a[0]);
}
// PostgreSQL's version string: "PostgreSQL 15.5 (Debian 15.5-0+deb12u1) on x86_64..." or "PostgreSQL 16.1 on ...".
bool postgres_next(std::string_view a) {
  return a.starts_with(" (") || a.starts_with(" on ");
}
bool busybox_next(std::string_view a) {
  return a.starts_with(" (");
}

// "php8.2", "php-fpm8.2" after `prefix`: digits, at most one ".digits", nothing else.
bool versioned_name(std::string_view base, std::string_view prefix) {
  if (!starts_with_digits_then(base, prefix)) return false;
  std::string_view rest = base.substr(prefix.size());
  size_t i = 0;
  while (i < rest.size() && is_digit(rest[i])) ++i;
  if (i == rest.size()) return true;
  if (rest[i] != '.' || i + 1 == rest.size()) return false;
  for (++i; i < rest.size(); ++i)
    if (!is_digit(rest[i])) return false;
  return true;
}

// Folders that hold data named like a runtime (dpkg's alternatives/php, bash completions,
// manual pages), never its binary.
bool data_folder(std::string_view path) {
  for (std::string_view p : {"usr/share/", "usr/local/share/", "usr/include/", "var/lib/", "var/cache/", "etc/"})
    if (path.starts_with(p)) return true;
  return false;
}

// The runtime a candidate file may hold, by its name; empty when none.
std::string_view runtime_of(std::string_view path) {
  if (data_folder(path)) return {};
  std::string_view base = base_name(path);
  if (base == "node" || base == "nodejs" || base.starts_with("libnode.so")) return "node";
  if (!python_series(base).empty()) return "python";
  if (base == "ruby" || (base.starts_with("libruby") && base.find(".so") != std::string_view::npos)) return "ruby";
  if (base == "php" || base == "php-fpm" || versioned_name(base, "php") || versioned_name(base, "php-fpm") ||
      (base.starts_with("libphp") && base.find(".so") != std::string_view::npos))
    return "php";
  if (base == "release") return "openjdk";
  if (base == "VERSION") {
    std::string_view dir = path.substr(0, path.size() - base.size());
    if (dir.ends_with("/")) dir.remove_suffix(1);
    if (base_name(dir).starts_with("go")) return "go";
    return {};
  }
  if (base == "openssl" || base.starts_with("libcrypto.so")) return "openssl";
  if (base == "nginx") return "nginx";
  if (base == "httpd" || base == "apache2") return "httpd";
  if (base == "redis-server" || base == "redis-check-rdb") return "redis";
  if (base == "postgres") return "postgresql";
  if (base == "busybox") return "busybox";
  return {};
}

// Redis keeps its version as a bare string; the INFO reply's format arguments put it just
// before the atomic API's name ("7.0.15\0c11-builtin"), which anchors it.
std::optional<Found> find_redis(std::string_view d) {
  for (std::string_view marker : {std::string_view("c11-builtin", 12), std::string_view("sync-builtin", 13),
                                  std::string_view("pthread-mutex", 14)}) {
    for (size_t at = d.find(marker); at != std::string_view::npos; at = d.find(marker, at + 1)) {
      if (at < 2 || d[at - 1] != '\0') continue;
      size_t start = at - 1;
      while (start > 0 && at - start <= kMaxVersion && (is_digit(d[start - 1]) || d[start - 1] == '.')) --start;
      if (start == 0 || d[start - 1] != '\0') continue;
      std::string_view v = version_at(d, start, 2);
      if (v.empty() || v.size() != at - 1 - start) continue;
      return Found{std::string(v), fmt::format("{}\\0{}", v, marker.substr(0, marker.size() - 1))};
    }
  }
  return std::nullopt;
}

std::optional<Found> find_python(std::string_view d, std::string_view series) {
  // The bare PY_VERSION string ("3.11.2", "3.13.0rc1") of the series the file name gives.
  std::string anchor = fmt::format("{}{}.", '\0', series);
  for (size_t at = d.find(anchor); at != std::string_view::npos; at = d.find(anchor, at + 1)) {
    std::string_view v = version_at(d, at + 1, 2, "abrc0123456789+");
    if (v.empty() || !nul_next(d.substr(at + 1 + v.size(), 1))) continue;
    if (v.substr(0, series.size() + 1) != anchor.substr(1)) continue;
    return Found{std::string(v), fmt::format("\\0{}\\0", v)};
  }
  return std::nullopt;
}

std::optional<Found> find_in(std::string_view runtime, std::string_view d, std::string_view base) {
  if (runtime == "node") {
    if (auto f = after_anchor(d, "nodejs.org/download/release/v", 2, "", slash_next)) return f;
    return std::nullopt;
  }
  if (runtime == "python") return find_python(d, python_series(base));
  if (runtime == "ruby") return after_anchor(d, "ruby ", 2, "", ruby_next);
  if (runtime == "php") return after_anchor(d, "X-Powered-By: PHP/", 2, "", nul_next);
  if (runtime == "openssl") return after_anchor(d, "OpenSSL ", 2, "abcdefghijklmnopqrstuvwxyz", openssl_next);
  if (runtime == "nginx") return after_anchor(d, "nginx/", 2, "", nul_next);
  if (runtime == "httpd") return after_anchor(d, "Apache/", 2, "", nul_or_space_next);
  if (runtime == "redis") return find_redis(d);
  if (runtime == "postgresql") return after_anchor(d, "PostgreSQL ", 1, "", postgres_next);
  if (runtime == "busybox") return after_anchor(d, "BusyBox v", 2, "", busybox_next);
  return std::nullopt;
}

// KEY="value" or KEY=value on a line of its own.
std::optional<Found> release_value(std::string_view text, std::string_view key) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (!line.starts_with(key) || line.size() <= key.size() || line[key.size()] != '=') continue;
    std::string_view v = line.substr(key.size() + 1);
    if (v.ends_with('\r')) v.remove_suffix(1);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    if (v.empty() || v.size() > kMaxVersion || !is_digit(v[0])) return std::nullopt;
    return Found{std::string(v), std::string(line)};
  }
  return std::nullopt;
}

bool runtime_wants(std::string_view path) {
  return !runtime_of(path).empty();
}

// Release files are small: kept by the walk. Binaries and libraries (Debian's libnode.so is
// 47 MB) are read only when no OS package owns them.
bool runtime_wants_release(std::string_view path) {
  std::string_view r = runtime_of(path);
  return r == "openjdk" || r == "go";
}
bool runtime_wants_binary(std::string_view path) {
  std::string_view r = runtime_of(path);
  return !r.empty() && r != "openjdk" && r != "go";
}

Result<CatalogOutput> runtime_catalog(const CatalogContext& ctx) {
  CatalogOutput out;
  // One package per runtime and version; more files showing the same one are its locations.
  std::map<std::pair<std::string, std::string>, size_t> seen;
  for (const std::string& path : ctx.fs.captured()) {
    if (!runtime_wants(path)) continue;
    if (ctx.os_owned && ctx.os_owned(path)) continue;
    auto blob = ctx.fs.read(path);
    if (!blob.ok()) continue;
    AppParse r = parse_runtime_file((*blob)->data(), path, ctx.diag);
    for (Package& p : r.packages) {
      auto key = std::make_pair(p.name, p.version);
      auto it = seen.find(key);
      if (it != seen.end()) {
        Package& first = out.packages[it->second];
        if (first.locations.empty()) first.locations.push_back(first.path);
        first.locations.push_back(p.path);
        continue;
      }
      seen.emplace(key, out.packages.size());
      out.packages.push_back(std::move(p));
    }
  }
  return out;
}

}  // namespace

bool is_runtime_candidate(std::string_view path) {
  return runtime_wants(path);
}

AppParse parse_runtime_file(std::string_view data, const std::string& path, Diagnostics& diag) {
  (void)diag;  // nothing here is damage: a candidate without a version string is simply not one
  AppParse out;
  std::string_view runtime = runtime_of(path);
  if (runtime.empty()) return out;
  std::optional<Found> found;
  if (runtime == "openjdk") {
    if (data.size() > kMaxReleaseFile || is_elf(data)) return out;
    found = release_value(data, "JAVA_VERSION");
    // Only a JDK's release file names its implementor or modules next to the version.
    if (found && data.find("JAVA_VERSION_DATE") == std::string_view::npos &&
        data.find("IMPLEMENTOR") == std::string_view::npos && data.find("MODULES") == std::string_view::npos)
      found.reset();
  } else if (runtime == "go") {
    if (data.size() > kMaxReleaseFile || is_elf(data)) return out;
    std::string_view first = data.substr(0, data.find('\n'));
    if (std::string v = go_toolchain_version(first); !v.empty()) found = Found{v, std::string(first)};
  } else {
    if (!is_elf(data)) return out;
    if (auto elf = ElfFile::parse(data)) {
      if (auto ro = elf->section(".rodata")) found = find_in(runtime, *ro, base_name(path));
    }
    if (!found) found = find_in(runtime, data, base_name(path));
  }
  if (!found || !plausible_version(found->version)) return out;
  Package p;
  p.ecosystem = "runtime";
  p.name = std::string(runtime);
  p.version = std::move(found->version);
  p.path = path;
  p.cataloger = "runtime";
  p.source_version = std::move(found->evidence);  // the evidence, as golang keeps the raw "go1.x" string
  out.packages.push_back(std::move(p));
  return out;
}

namespace catalogers {
extern const CatalogerInfo runtime;
const CatalogerInfo runtime = {
    .name = "runtime",
    .description = "language runtimes and servers installed outside a package manager (Node.js, Python, Ruby, "
                   "PHP, OpenJDK, Go, OpenSSL, nginx, Apache httpd, Redis, PostgreSQL, BusyBox), by the "
                   "version strings in their binaries, libraries and release files",
    .version = 1,
    .wants = runtime_wants_release,
    .catalog = runtime_catalog,
    .application = true,
    .wants_unowned = runtime_wants_binary,
};
}  // namespace catalogers

}  // namespace dagda
