// catalog/dpkg.cpp: Debian packages from dpkg's status database.
//
// Reads var/lib/dpkg/status and the distroless var/lib/dpkg/status.d/* files
// (one or more stanzas each), in the RFC 822 style dpkg writes: "Field: value"
// lines, continuation lines starting with a space or tab, stanzas separated by
// blank lines, field names case-insensitive. Owned files come from
// var/lib/dpkg/info/NAME:ARCH.list or NAME.list.
//
// A package is reported when its Status state means its files are on disk: the
// states from "unpacked" up to "installed" (unpacked, half-configured,
// triggers-awaited, triggers-pending, installed), whatever the wanted action.
// `dpkg-query -W` also lists config-files and half-installed packages; the
// tests compare against its output filtered by the state letter of
// ${db:Status-Abbrev}.
#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/cataloger.hpp"
#include "catalog/deb_copyright.hpp"
#include "catalog/text_db.hpp"

namespace dagda {
namespace {

constexpr std::string_view kStatusFile = "var/lib/dpkg/status";
constexpr std::string_view kStatusDir = "var/lib/dpkg/status.d/";
constexpr std::string_view kInfoDir = "var/lib/dpkg/info/";
// The largest real .list files (texlive, firmware) are a few MB.
constexpr size_t kMaxListBytes = size_t{64} << 20;

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_space(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (is_space(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// The fields of a stanza this cataloger uses; the others are skipped.
struct Stanza {
  uint64_t line = 0;
  std::optional<std::string> package, status, version, architecture, source;
  bool empty() const { return line == 0; }
};

std::optional<std::string>* field_slot(Stanza& s, std::string_view name) {
  if (iequals(name, "Package")) return &s.package;
  if (iequals(name, "Status")) return &s.status;
  if (iequals(name, "Version")) return &s.version;
  if (iequals(name, "Architecture")) return &s.architecture;
  if (iequals(name, "Source")) return &s.source;
  return nullptr;
}

// Which states leave the package's files on disk (dpkg's order: not-installed,
// config-files, half-installed, unpacked, half-configured, triggers-awaited,
// triggers-pending, installed).
enum class StatusCheck { files_present, absent, invalid };

StatusCheck check_status(std::string_view value) {
  std::array<std::string_view, 3> words;
  size_t n = 0;
  size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && is_space(value[i])) ++i;
    if (i == value.size()) break;
    size_t start = i;
    while (i < value.size() && !is_space(value[i])) ++i;
    if (n == words.size()) return StatusCheck::invalid;
    words[n++] = value.substr(start, i - start);
  }
  if (n != 3) return StatusCheck::invalid;
  constexpr std::array<std::string_view, 5> kWants = {"unknown", "install", "hold", "deinstall", "purge"};
  constexpr std::array<std::string_view, 4> kFlags = {"ok", "reinstreq", "hold", "hold-reinstreq"};
  auto in = [](auto& set, std::string_view w) {
    for (auto s : set)
      if (s == w) return true;
    return false;
  };
  if (!in(kWants, words[0]) || !in(kFlags, words[1])) return StatusCheck::invalid;
  constexpr std::array<std::string_view, 5> kPresent = {"unpacked", "half-configured", "triggers-awaited",
                                                        "triggers-pending", "installed"};
  constexpr std::array<std::string_view, 3> kAbsent = {"not-installed", "config-files", "half-installed"};
  if (in(kPresent, words[2])) return StatusCheck::files_present;
  if (in(kAbsent, words[2])) return StatusCheck::absent;
  return StatusCheck::invalid;
}

// dpkg package names: a letter or digit, then letters, digits, '+', '-', '.'.
// Also keeps a hostile name from steering the info/NAME.list lookup.
bool valid_package_name(std::string_view name) {
  if (name.empty()) return false;
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (!alnum(name[0])) return false;
  for (char c : name)
    if (!alnum(c) && c != '+' && c != '-' && c != '.') return false;
  return true;
}

// A Debian version as dpkg-query prints it: the epoch is shown only when it is
// not zero or when the rest has a colon of its own ("0:1.2-3" -> "1.2-3",
// "01:2" -> "1:2"). nullopt when dpkg would reject the version.
std::optional<std::string> normalize_version(std::string_view v) {
  if (v.empty()) return std::nullopt;
  for (char c : v)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return std::nullopt;
  std::string_view rest = v;
  uint64_t epoch = 0;
  if (size_t colon = v.find(':'); colon != std::string_view::npos) {
    std::string_view e = v.substr(0, colon);
    if (e.empty() || e.size() > 9) return std::nullopt;
    for (char c : e) {
      if (c < '0' || c > '9') return std::nullopt;
      epoch = epoch * 10 + static_cast<uint64_t>(c - '0');
    }
    rest = v.substr(colon + 1);
  }
  if (rest.empty()) return std::nullopt;
  if (size_t hyphen = rest.rfind('-'); hyphen != std::string_view::npos) {
    if (hyphen == 0 || hyphen + 1 == rest.size()) return std::nullopt;
  }
  if (epoch != 0 || rest.find(':') != std::string_view::npos) return fmt::format("{}:{}", epoch, rest);
  return std::string(rest);
}

class StatusParser {
 public:
  StatusParser(std::string file, std::vector<Package>& out, Ceilings& ceilings)
      : file_(std::move(file)), out_(out), ceilings_(ceilings) {}

  void parse(const Blob& blob) {
    LineReader lines(blob);
    std::string_view line;
    Stanza cur;
    bool have_field = false;    // a continuation line needs a field before it
    bool simple_field = false;  // the last field is one we read, which must fit one line
    std::string_view last_name;
    while (lines.next(line)) {
      uint64_t n = lines.number();
      if (trim(line).empty()) {
        finish(cur);
        cur = Stanza{};
        have_field = false;
        continue;
      }
      if (cur.empty()) cur.line = n;
      if (is_space(line[0])) {
        if (!have_field) {
          findings_.note("dpkg.malformed-line", n, "continuation line without a field before it");
        } else if (simple_field) {
          findings_.note("dpkg.malformed-field", n,
                         fmt::format("field {} continues on a second line", last_name));
        }
        continue;
      }
      size_t colon = line.find(':');
      std::string_view name = colon == std::string_view::npos ? std::string_view{} : line.substr(0, colon);
      if (name.empty() || name.find_first_of(" \t") != std::string_view::npos) {
        findings_.note("dpkg.malformed-line", n, "line is neither a field nor a continuation");
        have_field = false;
        continue;
      }
      have_field = true;
      last_name = name;
      auto* slot = field_slot(cur, name);
      simple_field = slot != nullptr;
      if (!slot) continue;
      if (slot->has_value()) {
        findings_.note("dpkg.duplicate-field", n,
                       fmt::format("duplicate {} field; the first one is used", name));
        continue;
      }
      *slot = std::string(trim(line.substr(colon + 1)));
    }
    finish(cur);
  }

  bool damaged() const { return findings_.any(); }
  void flush(Diagnostics& diag) { findings_.flush(diag, file_); }

 private:
  void finish(const Stanza& s) {
    if (s.empty()) return;
    if (!s.package) {
      findings_.note("dpkg.missing-package", s.line, "stanza without a Package field");
      return;
    }
    const std::string& name = *s.package;
    if (!s.status) {
      findings_.note("dpkg.missing-status", s.line, fmt::format("package {} has no Status field", name));
      return;
    }
    switch (check_status(*s.status)) {
      case StatusCheck::absent:
        return;
      case StatusCheck::invalid:
        findings_.note("dpkg.bad-status", s.line,
                       fmt::format("package {} has an unknown Status \"{}\"", name, *s.status));
        return;
      case StatusCheck::files_present:
        break;
    }
    if (!valid_package_name(name)) {
      findings_.note("dpkg.bad-name", s.line, fmt::format("invalid package name \"{}\"", name));
      return;
    }
    if (!s.version || s.version->empty()) {
      findings_.note("dpkg.missing-version", s.line,
                     fmt::format("installed package {} has no Version", name));
      return;
    }
    if (!ceilings_.take_package()) return;
    Package p;
    p.ecosystem = "deb";
    p.name = name;
    if (auto v = normalize_version(*s.version)) {
      p.version = std::move(*v);
    } else {
      findings_.note("dpkg.bad-version", s.line,
                     fmt::format("package {} has an invalid Version \"{}\"", name, *s.version));
      p.version = *s.version;
    }
    p.arch = s.architecture.value_or("");
    p.source_name = name;
    p.source_version = p.version;
    if (s.source) set_source(p, *s.source, s.line);
    p.path = file_;
    out_.push_back(std::move(p));
  }

  // "Source: name" or "Source: name (version)".
  void set_source(Package& p, std::string_view value, uint64_t line) {
    std::string_view name = value;
    std::string_view version;
    size_t open = value.find('(');
    bool ok = true;
    if (open != std::string_view::npos) {
      size_t close = value.find(')', open);
      name = trim(value.substr(0, open));
      if (close == std::string_view::npos || !trim(value.substr(close + 1)).empty()) {
        ok = false;
      } else {
        version = trim(value.substr(open + 1, close - open - 1));
      }
    }
    if (!ok || !valid_package_name(name)) {
      findings_.note("dpkg.bad-source", line,
                     fmt::format("package {} has an invalid Source \"{}\"", p.name, value));
      return;
    }
    p.source_name = std::string(name);
    if (open == std::string_view::npos) return;
    if (auto v = normalize_version(version)) {
      p.source_version = std::move(*v);
    } else {
      findings_.note("dpkg.bad-source", line,
                     fmt::format("package {} has an invalid Source version \"{}\"", p.name, version));
    }
  }

  std::string file_;
  std::vector<Package>& out_;
  Ceilings& ceilings_;
  Findings findings_;
};

bool is_status_d_file(std::string_view path) {
  if (!path.starts_with(kStatusDir)) return false;
  std::string_view rest = path.substr(kStatusDir.size());
  return !rest.empty() && rest.find('/') == std::string_view::npos && !rest.ends_with(".md5sums");
}

bool dpkg_wants(std::string_view path) {
  if (path == kStatusFile || is_status_d_file(path) || deb_copyright_wants(path)) return true;
  if (!path.starts_with(kInfoDir)) return false;
  std::string_view rest = path.substr(kInfoDir.size());
  return rest.size() > 5 && rest.find('/') == std::string_view::npos && rest.ends_with(".list");
}

// Owned files from info/NAME:ARCH.list (Multi-Arch: same) or info/NAME.list.
void attach_files(const CatalogContext& ctx, Package& p, bool& partial, Ceilings& ceilings) {
  std::vector<std::string> candidates;
  if (!p.arch.empty()) candidates.push_back(fmt::format("{}{}:{}.list", kInfoDir, p.name, p.arch));
  candidates.push_back(fmt::format("{}{}.list", kInfoDir, p.name));
  for (const auto& path : candidates) {
    auto blob = ctx.fs.read(path);
    if (!blob.ok()) {
      if (blob.error().code() == ErrorCode::not_found) continue;
      ctx.diag.warn("dpkg.unreadable-list", blob.error().render(), Location{.file = path});
      partial = true;
      return;
    }
    std::string_view data = (*blob)->data();
    if (data.size() > kMaxListBytes) {
      ctx.diag.warn("dpkg.list-too-large",
                    fmt::format("file list of {} is {} bytes; not read", p.name, data.size()),
                    Location{.file = path});
      partial = true;
      return;
    }
    LineReader lines(**blob);
    std::string_view line;
    while (lines.next(line)) {
      if (line.empty() || line == "/.") continue;
      if (ceilings.take_file()) p.files.emplace_back(line);
    }
    return;
  }
}

Result<CatalogOutput> dpkg_catalog(const CatalogContext& ctx) {
  CatalogOutput out;
  Ceilings ceilings(ctx);
  auto parse_file = [&](const std::string& path, const Blob& data) {
    StatusParser parser(path, out.packages, ceilings);
    parser.parse(data);
    if (parser.damaged()) out.partial = true;
    parser.flush(ctx.diag);
  };

  auto status = ctx.fs.read(kStatusFile);
  if (status.ok()) {
    parse_file(std::string(kStatusFile), **status);
  } else if (status.error().code() != ErrorCode::not_found) {
    return status.error().wrap("cannot read the dpkg status database",
                               Location{.file = std::string(kStatusFile)});
  }

  std::string_view dir = kStatusDir;
  dir.remove_suffix(1);
  for (const auto& path : ctx.fs.list(dir)) {
    if (!is_status_d_file(path)) continue;
    auto blob = ctx.fs.read(path);
    if (!blob.ok()) {
      ctx.diag.warn("dpkg.unreadable-file", blob.error().render(), Location{.file = path});
      out.partial = true;
      continue;
    }
    parse_file(path, **blob);
  }

  for (auto& p : out.packages) {
    if (ctx.identity_only) continue;
    attach_files(ctx, p, out.partial, ceilings);
    attach_deb_copyright(ctx, p);
  }
  ceilings.report(out);
  return out;
}

}  // namespace

namespace catalogers {
extern const CatalogerInfo dpkg;
const CatalogerInfo dpkg = {
    .name = "dpkg",
    .description = "Debian packages from var/lib/dpkg/status, status.d/ and info/*.list; licenses from "
                   "usr/share/doc/*/copyright",
    .version = 2,
    .wants = dpkg_wants,
    .catalog = dpkg_catalog,
};
}  // namespace catalogers

}  // namespace dagda
