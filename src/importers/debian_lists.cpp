// The Debian security tracker's advisory lists, data/DSA/list and
// data/DLA/list:
//   [29 Mar 2023] DSA-5380-1 xorg-server - security update
//   	{CVE-2023-1393}
//   	[bullseye] - xorg-server 2:1.20.11-1+deb11u6
//   	[buster] - foo <not-affected> (reason)
//   	NOTE: ...
// One Vulnerability per advisory, its CVEs as related ids (an advisory fixing
// five CVEs is not a name of any of them), and per release line one Affected
// per CVE (vuln_id the CVE, advisory_id the DSA/DLA); an advisory without CVEs
// gives one row about itself.
#include <array>
#include <cctype>
#include <set>

#include "importers/feed_util.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool is_blank(std::string_view s) { return trim(s).empty(); }

bool digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// "[29 Mar 2023]" -> "2023-03-29"; "" when it is not such a date.
std::string read_date(std::string_view d) {
  if (d.size() != 13 || d[0] != '[' || d[12] != ']' || d[3] != ' ' || d[7] != ' ') return "";
  std::string_view day = d.substr(1, 2), mon = d.substr(4, 3), year = d.substr(8, 4);
  if (!digits(day) || !digits(year)) return "";
  for (size_t i = 0; i < kMonths.size(); ++i)
    if (kMonths[i] == mon) {
      char buf[3];
      buf[0] = char('0' + (i + 1) / 10);
      buf[1] = char('0' + (i + 1) % 10);
      buf[2] = 0;
      return std::string(year) + "-" + buf + "-" + std::string(day);
    }
  return "";
}

int detect(std::string_view path, std::string_view head) {
  (void)path;
  std::string_view h = skip_space(head);
  if (h.size() < 20 || !read_date(h.substr(0, 13)).size()) return 0;
  std::string_view id = h.substr(14, 4);
  if (id == "DSA-" || id == "DLA-" || h.substr(14, 5) == "DTSA-") return 3;
  return 2;
}

struct Advisory {
  vulndb::Vulnerability vuln;
  std::vector<vulndb::Affected> rows;
  std::string package;
};

std::string_view source_for(std::string_view id) {
  if (id.starts_with("DSA-")) return "debian-dsa";
  if (id.starts_with("DLA-")) return "debian-dla";
  return "debian-lists";
}

Status parse(const Entry& entry, vulndb::Sink& sink, Diagnostics& diag) {
  std::string_view data = entry.data;
  std::optional<Advisory> cur;
  std::set<std::string> warned;
  auto flush = [&] {
    if (!cur) return;
    sink.source(source_for(cur->vuln.id));
    std::vector<std::string> cves;
    for (auto& id : cur->vuln.related)
      if (is_cve(id)) cves.push_back(id);
    cur->vuln.scope = {"debian"};
    sink.add(std::move(cur->vuln));
    for (auto& r : cur->rows) {
      if (cves.empty()) {
        sink.add(std::move(r));
        continue;
      }
      for (auto& cve : cves) {
        vulndb::Affected one = r;
        one.vuln_id = cve;
        sink.add(std::move(one));
      }
    }
    cur.reset();
  };
  uint64_t lineno = 0;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t nl = data.find('\n', pos);
    std::string_view line =
        data.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? data.size() : nl + 1;
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (is_blank(line)) continue;
    Location where;
    where.file = entry.path;
    where.line = lineno;
    if (line.front() == '[') {
      // [dd Mon yyyy] ID package [- title]
      std::string date = read_date(line.substr(0, 13));
      if (date.empty() || line.size() < 15 || line[13] != ' ')
        return entry_error(entry, "advisory line does not start with a [dd Mon yyyy] date", lineno);
      std::string_view rest = line.substr(14);
      size_t sp = rest.find(' ');
      std::string_view id = rest.substr(0, sp);
      if (id.find('-') == std::string_view::npos || sp == std::string_view::npos)
        return entry_error(entry, "advisory line without an advisory id and a package", lineno);
      rest = trim(rest.substr(sp + 1));
      size_t sp2 = rest.find(' ');
      std::string_view pkg = rest.substr(0, sp2);
      std::string_view title = sp2 == std::string_view::npos ? "" : trim(rest.substr(sp2));
      if (title.starts_with("-")) title = trim(title.substr(1));
      flush();
      cur.emplace();
      cur->vuln.id = std::string(id);
      cur->vuln.published = date;
      cur->package = std::string(pkg);
      cur->vuln.summary = title.empty() ? std::string(pkg) : std::string(pkg) + ": " + std::string(title);
      continue;
    }
    if (!std::isspace(static_cast<unsigned char>(line.front())))
      return entry_error(entry, "line is neither an advisory nor an indented detail", lineno);
    if (!cur) return entry_error(entry, "detail line before the first advisory", lineno);
    std::string_view t = trim(line);
    if (t.starts_with("{")) {
      if (!t.ends_with("}")) return entry_error(entry, "unterminated {ids} list", lineno);
      std::string_view ids = t.substr(1, t.size() - 2);
      size_t p = 0;
      while (p < ids.size()) {
        size_t e = ids.find(' ', p);
        if (e == std::string_view::npos) e = ids.size();
        if (e > p) add_id(cur->vuln.related, ids.substr(p, e - p), cur->vuln.id);
        p = e + 1;
      }
      continue;
    }
    if (t.starts_with("NOTE:") || t.starts_with("TODO:")) continue;
    if (t.starts_with("[")) {
      // [release] - package version|<tag> [(note)]
      size_t close = t.find(']');
      if (close == std::string_view::npos) return entry_error(entry, "release line without ']'", lineno);
      std::string_view release = t.substr(1, close - 1);
      std::string_view rest = trim(t.substr(close + 1));
      if (!rest.starts_with("- ")) return entry_error(entry, "release line without \"- package\"", lineno);
      rest = trim(rest.substr(2));
      size_t sp = rest.find(' ');
      if (sp == std::string_view::npos) return entry_error(entry, "release line without a version", lineno);
      std::string_view pkg = rest.substr(0, sp);
      rest = trim(rest.substr(sp + 1));
      size_t sp2 = rest.find(' ');
      std::string_view ver = rest.substr(0, sp2);
      std::string_view note = sp2 == std::string_view::npos ? "" : trim(rest.substr(sp2));
      if (note.starts_with("(") && note.ends_with(")")) note = note.substr(1, note.size() - 2);
      std::string_view rel = release;
      if (rel.ends_with("-lts")) rel.remove_suffix(4);
      if (rel.ends_with("-security")) rel.remove_suffix(9);
      std::string ns = vulndb::distro_namespace("debian", rel);
      if (ns.empty()) {
        if (warned.insert(std::string(release)).second)
          diag.warn("debian-lists.unknown-release",
                    "release \"" + std::string(release) + "\" is unknown; skipped", where);
        continue;
      }
      vulndb::Affected a;
      a.advisory_id = cur->vuln.id;
      a.vuln_id = cur->vuln.id;
      a.ns = ns;
      a.package = vulndb::normalize_package(ns, pkg);
      a.published = cur->vuln.published;
      a.note = std::string(note);
      if (ver.starts_with("<")) {
        if (ver == "<not-affected>") {
          a.status = vulndb::AffectedStatus::not_affected;
        } else if (ver == "<unfixed>") {
          a.status = vulndb::AffectedStatus::unfixed;
        } else if (ver == "<end-of-life>") {
          a.status = vulndb::AffectedStatus::end_of_life;
        } else if (ver == "<no-dsa>" || ver == "<ignored>") {
          a.status = vulndb::AffectedStatus::will_not_fix;
        } else if (ver == "<postponed>") {
          a.status = vulndb::AffectedStatus::postponed;
        } else {
          diag.warn("debian-lists.unknown-tag",
                    "release line tag " + std::string(ver) + " is unknown; skipped", where);
          continue;
        }
      } else {
        a.status = vulndb::AffectedStatus::fixed;
        a.fixed_version = std::string(ver);
      }
      cur->rows.push_back(std::move(a));
      continue;
    }
    return entry_error(entry, "unrecognised detail line \"" + std::string(t.substr(0, 60)) + "\"", lineno);
  }
  flush();
  return ok_status();
}

}  // namespace

extern const ImporterInfo debian_lists;
const ImporterInfo debian_lists{"debian-lists", "Debian DSA/DLA lists (data/DSA/list, data/DLA/list)", detect,
                                parse};

}  // namespace dagda::importers::feeds
