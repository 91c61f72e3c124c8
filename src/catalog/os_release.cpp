// catalog/os_release.cpp: which distribution an image holds.
//
// os-release(5) is trusted first: newline-separated shell-style assignments,
// '#' comments, values optionally in double quotes (where \ escapes " \ ` $)
// or single quotes (taken literally); unquoted, a backslash escapes the next
// character. /etc/os-release wins; /usr/lib/os-release is the fallback. Images
// without one (old CentOS, Debian before 7) are recognised from lsb-release,
// alpine-release, the Red Hat style "NAME release X (CODENAME)" files and
// debian_version, and a missing codename is derived for Debian and Ubuntu.
#include "catalog/os_release.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dagda {
namespace {

constexpr size_t kMaxReleaseFile = 64 * 1024;

constexpr std::string_view kOsReleaseFiles[] = {"etc/os-release", "usr/lib/os-release"};
constexpr std::string_view kLsbRelease = "etc/lsb-release";
constexpr std::string_view kAlpineRelease = "etc/alpine-release";
constexpr std::string_view kDebianVersion = "etc/debian_version";
// Most specific first: on Oracle Linux redhat-release names Red Hat, while
// oracle-release names Oracle.
constexpr std::string_view kRedhatStyleFiles[] = {
    "etc/centos-release", "etc/rocky-release",  "etc/almalinux-release", "etc/oracle-release",
    "etc/fedora-release", "etc/redhat-release", "etc/system-release",
};

struct Release {
  std::string_view version;
  std::string_view series;
};

// Debian releases (the tests check this table against distro-info-data's debian.csv).
constexpr Release kDebianReleases[] = {
    {"1.1", "buzz"},    {"1.2", "rex"},     {"1.3", "bo"},    {"2.0", "hamm"},  {"2.1", "slink"},
    {"2.2", "potato"},  {"3.0", "woody"},   {"3.1", "sarge"}, {"4.0", "etch"},  {"5.0", "lenny"},
    {"6.0", "squeeze"}, {"7", "wheezy"},    {"8", "jessie"},  {"9", "stretch"}, {"10", "buster"},
    {"11", "bullseye"}, {"12", "bookworm"}, {"13", "trixie"}, {"14", "forky"},  {"15", "duke"},
};

// Ubuntu releases (checked against distro-info-data's ubuntu.csv).
constexpr Release kUbuntuReleases[] = {
    {"4.10", "warty"},     {"5.04", "hoary"},    {"5.10", "breezy"},    {"6.06", "dapper"},
    {"6.10", "edgy"},      {"7.04", "feisty"},   {"7.10", "gutsy"},     {"8.04", "hardy"},
    {"8.10", "intrepid"},  {"9.04", "jaunty"},   {"9.10", "karmic"},    {"10.04", "lucid"},
    {"10.10", "maverick"}, {"11.04", "natty"},   {"11.10", "oneiric"},  {"12.04", "precise"},
    {"12.10", "quantal"},  {"13.04", "raring"},  {"13.10", "saucy"},    {"14.04", "trusty"},
    {"14.10", "utopic"},   {"15.04", "vivid"},   {"15.10", "wily"},     {"16.04", "xenial"},
    {"16.10", "yakkety"},  {"17.04", "zesty"},   {"17.10", "artful"},   {"18.04", "bionic"},
    {"18.10", "cosmic"},   {"19.04", "disco"},   {"19.10", "eoan"},     {"20.04", "focal"},
    {"20.10", "groovy"},   {"21.04", "hirsute"}, {"21.10", "impish"},   {"22.04", "jammy"},
    {"22.10", "kinetic"},  {"23.04", "lunar"},   {"23.10", "mantic"},   {"24.04", "noble"},
    {"24.10", "oracular"}, {"25.04", "plucky"},  {"25.10", "questing"}, {"26.04", "resolute"},
};

// The release whose version is `v` or a prefix of it followed by '.' or 'r'
// (Debian point releases "12.11", "6.0.10", "3.1r8"); the longest wins.
const Release* find_release(std::span<const Release> table, std::string_view v) {
  const Release* best = nullptr;
  for (const auto& r : table) {
    if (!v.starts_with(r.version)) continue;
    if (v.size() > r.version.size() && v[r.version.size()] != '.' && v[r.version.size()] != 'r') continue;
    if (!best || r.version.size() > best->version.size()) best = &r;
  }
  return best;
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view first_line(std::string_view text) {
  size_t nl = text.find('\n');
  return trim(nl == std::string_view::npos ? text : text.substr(0, nl));
}

bool all_letters(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  return true;
}

// The value part of an assignment, with quotes and escapes removed. nullopt on
// an unterminated quote or a dangling backslash.
std::optional<std::string> unquote(std::string_view s) {
  std::string out;
  size_t keep = 0;  // unquoted trailing whitespace is dropped
  size_t i = 0;
  while (i < s.size() && is_blank(s[i])) ++i;
  while (i < s.size()) {
    char c = s[i++];
    if (c == '\\') {
      if (i == s.size()) return std::nullopt;
      out += s[i++];
      keep = out.size();
    } else if (c == '\'') {
      size_t close = s.find('\'', i);
      if (close == std::string_view::npos) return std::nullopt;
      out.append(s.substr(i, close - i));
      i = close + 1;
      keep = out.size();
    } else if (c == '"') {
      for (;;) {
        if (i == s.size()) return std::nullopt;
        char d = s[i++];
        if (d == '"') break;
        if (d == '\\' && i < s.size() && (s[i] == '"' || s[i] == '\\' || s[i] == '`' || s[i] == '$')) {
          d = s[i++];
        }
        out += d;
      }
      keep = out.size();
    } else {
      out += c;
      if (!is_blank(c)) keep = out.size();
    }
  }
  out.resize(keep);
  return out;
}

bool valid_key(std::string_view k) {
  if (k.empty() || (k[0] >= '0' && k[0] <= '9')) return false;
  for (char c : k)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  return true;
}

using Vars = std::map<std::string, std::string, std::less<>>;

// KEY=VALUE lines of os-release and lsb-release; a later assignment wins, as in a shell.
Vars parse_assignments(std::string_view text, std::string_view file, Diagnostics& diag) {
  Vars vars;
  uint64_t bad = 0, first_bad = 0, number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++number;
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    std::optional<std::string> value;
    std::string_view key;
    if (eq != std::string_view::npos) {
      key = trim(line.substr(0, eq));
      if (valid_key(key)) value = unquote(line.substr(eq + 1));
    }
    if (!value) {
      if (bad++ == 0) first_bad = number;
      continue;
    }
    vars.insert_or_assign(std::string(key), std::move(*value));
  }
  if (bad) {
    diag.warn("os.malformed-line",
              bad == 1 ? std::string("line is not a KEY=value assignment")
                       : fmt::format("{} lines are not KEY=value assignments", bad),
              Location{.file = std::string(file), .line = first_bad});
  }
  return vars;
}

std::string get(const Vars& v, std::string_view key) {
  auto it = v.find(key);
  return it == v.end() ? std::string() : it->second;
}

// The text of a small release file; nullopt when it is absent, unreadable or too large.
std::optional<std::string> read_release(const FileView& fs, std::string_view path, Diagnostics& diag) {
  auto blob = fs.read(path);
  if (!blob.ok()) {
    if (blob.error().code() != ErrorCode::not_found) {
      diag.warn("os.unreadable-file", blob.error().render(), Location{.file = std::string(path)});
    }
    return std::nullopt;
  }
  std::string_view data = (*blob)->data();
  if (data.size() > kMaxReleaseFile) {
    diag.warn("os.file-too-large",
              fmt::format("{} bytes; a release file is a few lines, so it is ignored", data.size()),
              Location{.file = std::string(path)});
    return std::nullopt;
  }
  return std::string(data);
}

// "9 (stretch)", "16.04.7 LTS (Xenial Xerus)" -> first word in the parentheses;
// "14.04.6 LTS, Trusty Tahr" -> first word after the comma. Lower case.
std::string codename_from_version_text(std::string_view version) {
  std::string_view part;
  if (size_t open = version.find('('); open != std::string_view::npos) {
    size_t close = version.find(')', open);
    if (close == std::string_view::npos) return "";
    part = version.substr(open + 1, close - open - 1);
  } else if (size_t comma = version.find(','); comma != std::string_view::npos) {
    part = version.substr(comma + 1);
  } else {
    return "";
  }
  part = trim(part);
  std::string_view word = part.substr(0, part.find_first_of(" \t"));
  return all_letters(word) ? lower(word) : "";
}

bool from_os_release(const FileView& fs, Diagnostics& diag, OsInfo& info, Vars& vars) {
  for (auto path : kOsReleaseFiles) {
    auto text = read_release(fs, path, diag);
    if (!text) continue;
    vars = parse_assignments(*text, path, diag);
    std::string id = lower(trim(get(vars, "ID")));
    if (id.empty()) continue;
    info.family = id;
    info.name = get(vars, "NAME");
    info.version_id = get(vars, "VERSION_ID");
    info.version = get(vars, "VERSION");
    info.codename = get(vars, "VERSION_CODENAME");
    info.pretty_name = get(vars, "PRETTY_NAME");
    std::string like_text = get(vars, "ID_LIKE");
    std::string_view rest = like_text;
    while (!rest.empty()) {
      size_t start = rest.find_first_not_of(" \t");
      if (start == std::string_view::npos) break;
      rest.remove_prefix(start);
      size_t end = rest.find_first_of(" \t");
      info.id_like.push_back(lower(rest.substr(0, end)));
      rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    }
    info.source_file = std::string(path);
    return true;
  }
  return false;
}

bool from_lsb_release(const FileView& fs, Diagnostics& diag, OsInfo& info) {
  auto text = read_release(fs, kLsbRelease, diag);
  if (!text) return false;
  Vars vars = parse_assignments(*text, kLsbRelease, diag);
  std::string id = lower(trim(get(vars, "DISTRIB_ID")));
  if (id.empty()) return false;
  info.family = id;
  info.name = get(vars, "DISTRIB_ID");
  info.version_id = get(vars, "DISTRIB_RELEASE");
  info.codename = lower(get(vars, "DISTRIB_CODENAME"));
  info.pretty_name = get(vars, "DISTRIB_DESCRIPTION");
  info.source_file = std::string(kLsbRelease);
  return true;
}

bool from_alpine_release(const FileView& fs, Diagnostics& diag, OsInfo& info) {
  auto text = read_release(fs, kAlpineRelease, diag);
  if (!text) return false;
  std::string_view version = first_line(*text);
  if (version.empty()) return false;
  info.family = "alpine";
  info.version_id = std::string(version);
  info.version = info.version_id;
  info.source_file = std::string(kAlpineRelease);
  return true;
}

// The os-release ID for the distribution a "NAME release X" line names.
std::string family_from_release_name(std::string_view name) {
  struct Prefix {
    std::string_view prefix, family;
  };
  static constexpr Prefix kFamilies[] = {
      {"CentOS", "centos"},
      {"Red Hat Enterprise Linux", "rhel"},
      {"Fedora", "fedora"},
      {"Rocky Linux", "rocky"},
      {"AlmaLinux", "almalinux"},
      {"Oracle Linux", "ol"},
      {"Enterprise Linux Enterprise Linux", "ol"},  // Oracle Linux 5
      {"Amazon Linux", "amzn"},
      {"Scientific Linux", "scientific"},
      {"CloudLinux", "cloudlinux"},
      {"VMware Photon", "photon"},
      {"CBL-Mariner", "mariner"},
      {"Common Base Linux Mariner", "mariner"},
  };
  for (const auto& f : kFamilies)
    if (name.starts_with(f.prefix)) return std::string(f.family);
  std::string_view word = name.substr(0, name.find(' '));
  return lower(word);
}

// "CentOS Linux release 7.9.2009 (Core)", "CentOS release 6.10 (Final)".
bool from_redhat_style(const FileView& fs, Diagnostics& diag, OsInfo& info) {
  for (auto path : kRedhatStyleFiles) {
    auto text = read_release(fs, path, diag);
    if (!text) continue;
    std::string_view line = first_line(*text);
    constexpr std::string_view kRelease = " release ";
    size_t at = line.find(kRelease);
    if (at == std::string_view::npos || at == 0) continue;
    std::string_view name = trim(line.substr(0, at));
    std::string_view rest = trim(line.substr(at + kRelease.size()));
    std::string_view version = rest.substr(0, rest.find_first_of(" \t"));
    if (version.empty()) continue;
    info.family = family_from_release_name(name);
    info.name = std::string(name);
    info.version_id = std::string(version);
    info.version = std::string(rest);
    if (size_t open = rest.find('('); open != std::string_view::npos) {
      size_t close = rest.find(')', open);
      if (close != std::string_view::npos)
        info.codename = lower(trim(rest.substr(open + 1, close - open - 1)));
    }
    info.pretty_name = std::string(line);
    info.source_file = std::string(path);
    return true;
  }
  return false;
}

struct DebianVersionFile {
  std::string version_id;  // the release ("12", "6.0"); empty for "bookworm/sid"
  std::string codename;
  std::string text;  // the file's first line
};

// etc/debian_version: "12.11", "6.0.10", or "bookworm/sid" on testing and unstable.
std::optional<DebianVersionFile> read_debian_version(const FileView& fs, Diagnostics& diag) {
  auto text = read_release(fs, kDebianVersion, diag);
  if (!text) return std::nullopt;
  DebianVersionFile out;
  std::string_view line = first_line(*text);
  if (line.empty()) return std::nullopt;
  out.text = std::string(line);
  if (size_t slash = line.find('/'); slash != std::string_view::npos) {
    std::string_view name = line.substr(0, slash);
    if (all_letters(name)) out.codename = lower(name);
  } else if (all_letters(line)) {
    out.codename = lower(line);
  } else if (const Release* r = find_release(kDebianReleases, line)) {
    out.version_id = std::string(r->version);
    out.codename = std::string(r->series);
  } else if (line[0] >= '0' && line[0] <= '9') {
    out.version_id = std::string(line.substr(0, line.find('.')));
  }
  if (out.codename.empty() && out.version_id.empty()) return std::nullopt;
  return out;
}

void complete_debian(const FileView& fs, Diagnostics& diag, OsInfo& info) {
  if (info.codename.empty()) info.codename = codename_from_version_text(info.version);
  if (info.codename.empty() && !info.version_id.empty()) {
    if (const Release* r = find_release(kDebianReleases, info.version_id))
      info.codename = std::string(r->series);
  }
  if (!info.codename.empty() && !info.version_id.empty()) return;
  auto file = read_debian_version(fs, diag);
  if (!file) return;
  if (info.codename.empty()) info.codename = file->codename;
  if (info.version_id.empty()) info.version_id = file->version_id;
}

void complete_ubuntu(const Vars& vars, OsInfo& info) {
  if (info.codename.empty()) info.codename = lower(get(vars, "UBUNTU_CODENAME"));
  if (info.codename.empty()) info.codename = codename_from_version_text(info.version);
  if (info.codename.empty() && !info.version_id.empty()) {
    if (const Release* r = find_release(kUbuntuReleases, info.version_id))
      info.codename = std::string(r->series);
  }
}

}  // namespace

bool os_release_wants(std::string_view path) {
  for (auto p : kOsReleaseFiles)
    if (path == p) return true;
  for (auto p : kRedhatStyleFiles)
    if (path == p) return true;
  return path == kLsbRelease || path == kAlpineRelease || path == kDebianVersion;
}

std::optional<OsInfo> detect_os(const FileView& fs, Diagnostics& diag) {
  OsInfo info;
  Vars vars;
  bool found = from_os_release(fs, diag, info, vars) || from_lsb_release(fs, diag, info) ||
               from_alpine_release(fs, diag, info) || from_redhat_style(fs, diag, info);
  if (!found) {
    auto deb = read_debian_version(fs, diag);
    if (!deb) return std::nullopt;
    info.family = "debian";
    info.version_id = deb->version_id;
    info.version = deb->text;
    info.codename = deb->codename;
    info.source_file = std::string(kDebianVersion);
    return info;
  }
  if (info.family == "debian") {
    complete_debian(fs, diag, info);
  } else if (info.family == "ubuntu") {
    complete_ubuntu(vars, info);
  } else if (info.codename.empty()) {
    info.codename = lower(get(vars, "UBUNTU_CODENAME"));  // Ubuntu derivatives
  }
  if (info.family == "alpine" && info.version_id.empty()) {
    OsInfo alpine;
    if (from_alpine_release(fs, diag, alpine)) info.version_id = alpine.version_id;
  }
  return info;
}

}  // namespace dagda
