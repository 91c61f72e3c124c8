// catalog/deb_copyright.cpp: Debian copyright files (usr/share/doc/NAME/copyright).
//
// Machine-readable files follow the copyright-format 1.0 specification (DEP-5):
// deb822 paragraphs ("Field: value", continuation lines starting with a space or
// tab, paragraphs separated by blank lines, field names case-insensitive). The
// first paragraph is the header (it has a Format field); each Files paragraph
// has a License field whose first line is the license short name ("GPL-2+",
// "GPL-1+ or Artistic"), the lines after it the text. Stand-alone License
// paragraphs only give the text of a name used elsewhere, so they add nothing.
//
// Other files are free text. They are read for what can be told without a
// license classifier: the files in /usr/share/common-licenses they point to,
// GNU license notices with their version and "any later version", and the
// opening sentences of the MIT (Expat), Apache 2.0, zlib and Python licenses.
#include "catalog/deb_copyright.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "catalog/text_db.hpp"

namespace dagda {
namespace {

constexpr std::string_view kDocDir = "usr/share/doc/";
// The largest real copyright files are a few hundred kB (openjdk, texlive); past this a
// file is read only in part: its start still names the licenses.
constexpr size_t kMaxCopyrightBytes = size_t{2} << 20;
// A package's short names, after duplicates: real files have fewer than 50.
constexpr size_t kMaxShortNames = 64;
constexpr size_t kMaxShortNameBytes = 256;

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_space(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (is_space(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

char lower_ascii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower_ascii(a[i]) != lower_ascii(b[i])) return false;
  return true;
}

std::string collapse(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (is_space(c) || c == '\r' || c == '\n') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// Short names are joined with " and "; one that has an operator of its own keeps it inside parentheses.
std::string join_and(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    std::string l;
    for (char c : n) l += lower_ascii(c);
    bool compound = names.size() > 1 && (l.find(" or ") != std::string::npos ||
                                         l.find(" and ") != std::string::npos || l.find(',') != std::string::npos);
    if (!out.empty()) out += " and ";
    out += compound ? "(" + n + ")" : n;
  }
  return out;
}

// ---- machine-readable (DEP-5) ----

struct Paragraph {
  bool has_files = false;
  bool has_format = false;
  std::optional<std::string> license_synopsis;
};

// Reads the deb822 paragraphs, keeping only what the license needs. nullopt when the first
// paragraph is not a DEP-5 header.
std::optional<std::vector<Paragraph>> read_dep5(std::string_view text) {
  std::vector<Paragraph> paras;
  Paragraph cur;
  bool in_para = false;
  LineReader lines(text);
  std::string_view line;
  auto finish = [&] {
    if (in_para) paras.push_back(std::move(cur));
    cur = Paragraph{};
    in_para = false;
  };
  while (lines.next(line)) {
    if (trim(line).empty()) {
      finish();
      continue;
    }
    if (line.front() == '#') continue;  // deb822 comment
    if (is_space(line.front())) continue;  // continuation: license text, file lists
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      // Not deb822: a header paragraph must come first, so this is free text.
      if (paras.empty()) return std::nullopt;
      continue;
    }
    std::string_view name = line.substr(0, colon);
    if (name.find_first_of(" \t") != std::string_view::npos) {
      if (paras.empty()) return std::nullopt;
      continue;
    }
    in_para = true;
    std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "Format") || iequals(name, "Format-Specification")) {
      cur.has_format = true;
    } else if (iequals(name, "Files")) {
      cur.has_files = true;
    } else if (iequals(name, "License") && !cur.license_synopsis) {
      cur.license_synopsis = collapse(value.substr(0, kMaxShortNameBytes));
    }
  }
  finish();
  if (paras.empty() || !paras.front().has_format) return std::nullopt;
  return paras;
}

std::vector<std::string> dep5_names(const std::vector<Paragraph>& paras) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (size_t i = 0; i < paras.size(); ++i) {
    const Paragraph& p = paras[i];
    // The header's License applies to the whole package; Files paragraphs to their files.
    if (i != 0 && !p.has_files) continue;
    if (!p.license_synopsis || p.license_synopsis->empty()) continue;
    if (names.size() >= kMaxShortNames) break;
    if (seen.insert(*p.license_synopsis).second) names.push_back(*p.license_synopsis);
  }
  return names;
}

// ---- free text ----

// The text in lower case, one space between words, comment decorations at line starts
// (" * ", "# ", "// ") removed, so that sentences read the same however they were wrapped.
std::string flatten(std::string_view text) {
  std::string out;
  out.reserve(std::min(text.size(), kMaxCopyrightBytes));
  LineReader lines(text);
  std::string_view line;
  while (lines.next(line)) {
    line = trim(line);
    while (!line.empty() && (line.front() == '*' || line.front() == '#' || line.front() == '/' ||
                             line.front() == ';' || line.front() == '|' || line.front() == '>'))
      line.remove_prefix(1);
    line = trim(line);
    if (line.empty()) continue;
    if (!out.empty()) out += ' ';
    bool space = false;
    for (char c : line) {
      if (is_space(c)) {
        space = true;
        continue;
      }
      if (space) out += ' ';
      space = false;
      out += lower_ascii(c);
    }
  }
  return out;
}

// One GNU license (family and version) a free-text file names.
struct GnuMention {
  std::string family;   // "GPL", "LGPL", "AGPL", "GFDL"
  std::string version;  // "2", "2.1", "3"; empty when none was given
  bool later = false;
};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// "2", "2.1" at s[i]; empty when there is no version number there.
std::string version_at(std::string_view s, size_t i) {
  std::string v;
  while (i < s.size() && is_digit(s[i])) v += s[i++];
  if (!v.empty() && i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
    v += '.';
    ++i;
    while (i < s.size() && is_digit(s[i])) v += s[i++];
  }
  if (v.ends_with(".0")) v.resize(v.size() - 2);
  return v;
}

// The versions each GNU license has been published in.
bool valid_version(std::string_view family, std::string_view v) {
  if (family == "GPL") return v == "1" || v == "2" || v == "3";
  if (family == "LGPL") return v == "2" || v == "2.1" || v == "3";
  if (family == "AGPL") return v == "1" || v == "3";
  if (family == "GFDL") return v == "1.1" || v == "1.2" || v == "1.3";
  return false;
}

// GNU license notices: "GNU (Lesser|Library|Affero) General Public License ... version N
// ... or (at your option) any later version", "GNU Free Documentation License ... Version 1.2".
void gnu_notices(std::string_view t, std::vector<GnuMention>& out) {
  struct Family {
    std::string_view phrase;
    std::string_view name;
  };
  constexpr std::array<Family, 2> kFamilies = {{{"general public licen", "GPL"},
                                                {"free documentation licen", "GFDL"}}};
  for (const Family& f : kFamilies) {
    for (size_t at = t.find(f.phrase); at != std::string_view::npos; at = t.find(f.phrase, at + 1)) {
      GnuMention m;
      m.family = f.name;
      if (f.name == "GPL") {
        std::string_view before = t.substr(at >= 12 ? at - 12 : 0, at >= 12 ? 12 : at);
        if (before.find("lesser") != std::string_view::npos || before.find("library") != std::string_view::npos)
          m.family = "LGPL";
        else if (before.find("affero") != std::string_view::npos)
          m.family = "AGPL";
      }
      // The version follows within the sentence, before the next license is named.
      std::string_view window = t.substr(at, 200);
      if (size_t next = window.find(" licen", f.phrase.size()); next != std::string_view::npos)
        window = window.substr(0, next);
      if (size_t dot = window.find(". "); dot != std::string_view::npos) window = window.substr(0, dot);
      // The first version this family has ("version 3.1 of the GCC Runtime Library Exception" is not one).
      size_t vpos = std::string_view::npos;
      for (std::string_view key : {"version ", " v", "(v"}) {
        for (size_t k = window.find(key); k != std::string_view::npos; k = window.find(key, k + 1)) {
          size_t d = k + key.size();
          if (d < window.size() && is_digit(window[d]) && valid_version(m.family, version_at(window, d))) {
            if (vpos == std::string_view::npos || d < vpos) vpos = d;
            break;
          }
        }
      }
      if (vpos != std::string_view::npos) {
        m.version = version_at(window, vpos);
        size_t after = at + vpos;
        std::string_view tail = t.substr(after, std::min<size_t>(120, t.size() - after));
        size_t stop = tail.find(". ");
        if (stop != std::string_view::npos) tail = tail.substr(0, stop);
        m.later = tail.find("any later version") != std::string_view::npos ||
                  tail.find("or later") != std::string_view::npos ||
                  tail.find("any later") != std::string_view::npos;
      }
      out.push_back(std::move(m));
    }
  }
}

// The files of /usr/share/common-licenses a text points to.
void common_license_refs(std::string_view t, std::vector<GnuMention>& gnu, std::vector<std::string>& other) {
  constexpr std::string_view kDir = "/usr/share/common-licenses/";
  for (size_t at = t.find(kDir); at != std::string_view::npos; at = t.find(kDir, at + 1)) {
    size_t i = at + kDir.size();
    std::string name;
    while (i < t.size() && name.size() < 32 &&
           ((t[i] >= 'a' && t[i] <= 'z') || is_digit(t[i]) || t[i] == '.' || t[i] == '-' || t[i] == '+'))
      name += t[i++];
    while (!name.empty() && (name.back() == '.' || name.back() == '-')) name.pop_back();
    if (name.empty()) continue;
    auto gnu_ref = [&](std::string_view prefix, std::string_view family) {
      if (!name.starts_with(prefix)) return false;
      std::string_view rest = std::string_view(name).substr(prefix.size());
      if (!rest.empty() && rest.front() != '-') return false;
      GnuMention m;
      m.family = family;
      if (!rest.empty()) m.version = version_at(rest, 1);
      if (!rest.empty() && m.version.empty()) return false;
      gnu.push_back(std::move(m));
      return true;
    };
    if (gnu_ref("lgpl", "LGPL") || gnu_ref("gpl", "GPL") || gnu_ref("gfdl", "GFDL") || gnu_ref("agpl", "AGPL"))
      continue;
    // The other files of Debian's base-files, by their DEP-5 short names.
    static const std::map<std::string, std::string, std::less<>> kOthers = {
        {"apache-2.0", "Apache-2.0"}, {"artistic", "Artistic"},  {"bsd", "BSD-3-clause"},
        {"cc0-1.0", "CC0-1.0"},       {"mpl-1.1", "MPL-1.1"},    {"mpl-2.0", "MPL-2.0"},
    };
    if (auto it = kOthers.find(name); it != kOthers.end()) other.push_back(it->second);
  }
}

// License texts whose opening words name them without doubt.
void known_texts(std::string_view t, std::vector<std::string>& out) {
  if (t.find("permission is hereby granted, free of charge, to any person obtaining a copy") !=
      std::string_view::npos)
    out.push_back("Expat");
  if (t.find("licensed under the apache license, version 2.0") != std::string_view::npos)
    out.push_back("Apache-2.0");
  if (t.find("permission is granted to anyone to use this software for any purpose, including commercial "
             "applications, and to alter it and redistribute it freely") != std::string_view::npos)
    out.push_back("Zlib");
  if (t.find("psf license agreement for python") != std::string_view::npos ||
      t.find("python software foundation license version 2") != std::string_view::npos) {
    // Python's LICENSE stacks the PSF, BeOpen, CNRI and CWI licenses: SPDX's Python-2.0.
    bool stack = t.find("beopen.com license agreement") != std::string_view::npos &&
                 t.find("cnri license agreement") != std::string_view::npos;
    out.push_back(stack ? "Python-2.0" : "PSF-2.0");
  }
}

std::vector<std::string> free_text_names(std::string_view text) {
  const std::string t = flatten(text);
  std::vector<GnuMention> gnu;
  std::vector<std::string> others;
  gnu_notices(t, gnu);
  common_license_refs(t, gnu, others);
  known_texts(t, others);

  // Per GNU family: the versions named; "or later" wins over a bare mention of the same
  // version ("... any later version. The GPL version 2 is in /usr/share/common-licenses").
  std::vector<std::string> names;
  std::map<std::string, std::map<std::string, bool>> versions;  // family -> version -> later
  std::vector<std::string> family_order;
  for (const GnuMention& m : gnu) {
    if (!versions.count(m.family)) family_order.push_back(m.family);
    auto& v = versions[m.family];
    if (m.version.empty()) continue;
    v[m.version] = v[m.version] || m.later;
  }
  for (const std::string& family : family_order) {
    const auto& v = versions[family];
    if (v.empty()) {
      names.push_back(family);  // named without a version: not guessed (a LicenseRef- later)
      continue;
    }
    for (const auto& [version, later] : v) names.push_back(family + "-" + version + (later ? "+" : ""));
  }
  for (std::string& o : others)
    if (std::find(names.begin(), names.end(), o) == names.end()) names.push_back(std::move(o));
  return names;
}

}  // namespace

bool deb_copyright_wants(std::string_view path) {
  constexpr std::string_view kFile = "/copyright";
  if (path.size() <= kDocDir.size() + kFile.size() || !path.starts_with(kDocDir) || !path.ends_with(kFile))
    return false;
  std::string_view pkg = path.substr(kDocDir.size(), path.size() - kDocDir.size() - kFile.size());
  return !pkg.empty() && pkg.find('/') == std::string_view::npos;
}

DebCopyright read_deb_copyright(std::string_view text) {
  DebCopyright out;
  if (text.size() > kMaxCopyrightBytes) text = text.substr(0, kMaxCopyrightBytes);
  if (auto paras = read_dep5(text)) {
    out.machine_readable = true;
    out.names = dep5_names(*paras);
  } else {
    out.names = free_text_names(text);
  }
  out.license = join_and(out.names);
  return out;
}

void attach_deb_copyright(const CatalogContext& ctx, Package& p) {
  auto blob = ctx.fs.read(std::string(kDocDir) + p.name + "/copyright");
  if (!blob.ok()) return;  // no copyright file (documentation excluded, as in slim images)
  p.license = read_deb_copyright((*blob)->data()).license;
}

}  // namespace dagda
