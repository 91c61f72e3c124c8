// A table for people: the findings grouped by package (worst first), one line
// each (id, severity, status, fixed version, markers, title), then a summary
// by severity and a line per kind of suppression. Fits in opts.width columns;
// ANSI colour only when opts.color. Every string from the image or a feed is
// made printable and cut to its column.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "report/common.hpp"
#include "report/scan_common.hpp"
#include "report/scan_writer.hpp"
#include "report/text.hpp"

namespace dagda {
namespace report {
namespace {

const char* severity_colour(std::string_view s) {
  if (s == "critical") return kBoldRed;
  if (s == "high") return kRed;
  if (s == "medium") return kYellow;
  if (s == "low") return kCyan;
  return kDim;
}

// KEV: in CISA's Known Exploited Vulnerabilities; XDB: an Exploit-DB entry;
// EPSS n%: the probability of exploitation in the next 30 days.
std::string markers(const Finding& f) {
  std::vector<std::string> m;
  if (f.kev) m.emplace_back("KEV");
  if (!f.exploits.empty()) m.emplace_back("XDB");
  if (f.epss) {
    const double pct = std::clamp(f.epss->score, 0.0, 1.0) * 100;
    m.push_back(pct >= 10 || pct == 0 ? fmt::format("E{:.0f}%", pct) : fmt::format("E{:.1f}%", pct));
  }
  return fmt::format("{}", fmt::join(m, " "));
}

// `best_effort`: why the package's findings are a best effort ("" = they are not).
std::string package_line(const Package& p, std::string_view best_effort) {
  std::vector<std::string> facts{p.ecosystem};
  if (!p.layer.empty()) {
    facts.push_back("layer " + short_digest(p.layer));
  } else if (p.layer_index >= 0) {
    facts.push_back(fmt::format("layer {}", p.layer_index));
  }
  if (!p.path.empty() && !is_os_ecosystem(p.ecosystem)) facts.push_back(p.path);
  std::string line = fmt::format("{} {} ({})", p.name, p.version, fmt::join(facts, ", "));
  if (!best_effort.empty()) line += fmt::format(" [best effort: {}]", best_effort);
  return printable(line);
}

struct Columns {
  size_t id = 2, severity = 8, status = 6, fixed = 5, markers = 0, title = 0;
};

std::string suppression_text(const Suppression& s) {
  std::string t = "suppressed by " + s.kind;
  if (!s.reason.empty()) t += ": " + s.reason;
  if (!s.where.empty()) t += " (" + s.where + ")";
  return printable(t);
}

Result<std::string> write_scan_table(const ScanResult& r, const ScanReportOptions& opts) {
  return guarded("table", [&]() -> Result<std::string> {
    const size_t width = static_cast<size_t>(std::max(opts.width, 60));
    const ScanView view = scan_view(r);
    std::vector<const Finding*> shown = view.reported;
    if (opts.show_suppressed) shown.insert(shown.end(), view.suppressed.begin(), view.suppressed.end());

    // Groups: one per package (vulnerabilities) or per place (the other kinds: a file in a
    // layer, the image config), in the order of their worst finding.
    struct Group {
      const Package* package = nullptr;
      std::string heading;  // for the other kinds
      std::vector<const Finding*> findings;
    };
    std::vector<std::string> order;
    std::map<std::string, Group> groups;
    for (const Finding* f : shown) {
      std::string key;
      Group fresh;
      if (is_vuln(*f)) {
        fresh.package = &package_of(r, *f);
        key = fmt::format("p{}", f->package);
      } else {
        fresh.heading = fmt::format("{}: {}{}", f->kind, f->target.empty() ? "(image)" : f->target,
                                    f->layer.empty() ? "" : " (layer " + short_digest(f->layer) + ")");
        key = "o" + fresh.heading;
      }
      auto [it, added] = groups.emplace(key, std::move(fresh));
      if (added) order.push_back(key);
      it->second.findings.push_back(f);
    }
    // Suppressed findings were appended after the reported ones: re-sort each group.
    for (auto& [k, grp] : groups) {
      std::stable_sort(grp.findings.begin(), grp.findings.end(), [](const Finding* a, const Finding* b) {
        return std::make_tuple(a->suppressed.has_value(), -severity_rank(severity_word(*a)), a->line,
                               std::cref(a->id)) < std::make_tuple(b->suppressed.has_value(),
                                                                   -severity_rank(severity_word(*b)), b->line,
                                                                   std::cref(b->id));
      });
    }

    Columns c;
    for (const Finding* f : shown) {
      c.id = std::max(c.id, width_of(printable(f->id)));
      c.status = std::max(c.status, vulndb::to_string(f->status).size());
      c.fixed = std::max(c.fixed, width_of(printable(f->fixed_version.empty() ? "-" : f->fixed_version)));
      c.markers = std::max(c.markers, markers(*f).size());
    }
    size_t longest_title = 0;
    for (const Finding* f : shown) longest_title = std::max(longest_title, width_of(printable(f->title)));
    c.severity = 10;  // "negligible"
    c.id = std::min<size_t>(c.id, 20);
    c.status = std::min<size_t>(c.status, 19);
    c.fixed = std::min<size_t>(c.fixed, 18);
    const size_t indent = 2, gaps = 2 * (c.markers ? 5 : 4);
    auto used = [&] { return indent + gaps + c.id + c.severity + c.status + c.fixed + c.markers; };
    // The title is what people read: give it room (up to 40 columns) by cutting long fixed
    // versions, then long statuses, then long ids, before the title itself.
    const size_t want_title = std::min<size_t>(longest_title, 40);
    for (auto [col, floor] : {std::pair{&c.fixed, size_t{10}}, {&c.status, size_t{8}}, {&c.id, size_t{16}}}) {
      if (used() + want_title <= width) break;
      size_t over = used() + want_title - width;
      *col -= std::min(over, *col > floor ? *col - floor : 0);
    }
    c.title = width > used() ? width - used() : 0;
    // Too narrow for a readable title beside the other columns: it goes on a line of its own.
    const bool title_below = c.title < std::min<size_t>(want_title, 24);
    if (title_below) c.title = 0;

    auto row = [&](const std::string& id, const std::string& sev_text, const char* sev_colour,
                   const std::string& status, const std::string& fixed, const std::string& mk,
                   const std::string& title) {
      std::string line(indent, ' ');
      line += pad(fit(id, c.id), c.id) + "  ";
      std::string sev = pad(fit(sev_text, c.severity), c.severity);
      line += (sev_colour ? paint(opts, sev_colour, sev) : sev) + "  ";
      line += pad(fit(status, c.status), c.status) + "  ";
      line += pad(fit(fixed, c.fixed), c.fixed);
      if (c.markers) line += "  " + pad(mk, c.markers);
      if (c.title) line += "  " + fit(title, c.title);
      while (!line.empty() && line.back() == ' ') line.pop_back();
      return line + "\n";
    };

    std::string out;
    out += paint(opts, kBold, header_line(r.inventory, width)) + "\n";
    if (!shown.empty()) {
      out += "\n" + paint(opts, kBold,
                          row("ID", "SEVERITY", nullptr, "STATUS", "FIXED", c.markers ? "MARKS" : "",
                              c.title ? "TITLE" : ""));
      if (title_below) out += paint(opts, kBold, std::string(indent + 2, ' ') + "TITLE") + "\n";
    }
    for (const std::string& key : order) {
      const Group& grp = groups.at(key);
      const auto& g = grp.findings;
      // A distro release's rows stand in for another's (match.release-fallback); an application
      // namespace's best-effort rows are NVD's CPE ranges (runtimes installed by hand).
      std::string_view best_effort;
      for (const Finding* f : g)
        if (!f->matches.empty() && f->matches.front().best_effort)
          best_effort = f->matches.front().ns.find(':') != std::string::npos ? "another release's data"
                                                                             : "NVD CPE ranges";
      const std::string heading = grp.package ? package_line(*grp.package, best_effort) : printable(grp.heading);
      out += "\n" + paint(opts, kBold, fit(heading, width)) + "\n";
      for (const Finding* f : g) {
        if (!is_vuln(*f)) {
          const std::string_view sev = severity_word(*f);
          out += row(printable(f->id), std::string(sev), severity_colour(sev), f->kind, "-", "",
                     printable(f->title));
          if (title_below && !f->title.empty())
            out += fit(std::string(indent + 2, ' ') + printable(f->title), width) + "\n";
          if (!f->evidence.empty())
            out += fit(std::string(indent + 2, ' ') +
                           printable((f->line ? fmt::format("line {}: ", f->line) : std::string()) + f->evidence),
                       width) +
                   "\n";
          if (f->suppressed)
            out += paint(opts, kDim,
                         fit(std::string(indent + 2, ' ') + suppression_text(*f->suppressed), width)) +
                   "\n";
          continue;
        }
        const std::string_view sev = severity_word(*f);
        out += row(printable(f->id), std::string(sev), severity_colour(sev),
                   std::string(vulndb::to_string(f->status)),
                   f->fixed_version.empty() ? "-" : printable(f->fixed_version), markers(*f),
                   printable(f->title));
        if (title_below && !f->title.empty())
          out += fit(std::string(indent + 2, ' ') + printable(f->title), width) + "\n";
        if (f->suppressed) {
          out +=
              paint(opts, kDim, fit(std::string(indent + 2, ' ') + suppression_text(*f->suppressed), width)) +
              "\n";
        }
      }
    }

    out += "\n";
    const size_t n = view.reported.size();
    if (n == 0) {
      std::string what = fmt::format("{} package{}", r.inventory.packages.size(),
                                     r.inventory.packages.size() == 1 ? "" : "s");
      if (r.namespaces.empty()) {
        out += fit(fmt::format("No findings: no advisory data applies to the {} (no namespace was checked).",
                               what),
                   width) +
               "\n";
      } else {
        out += fit(printable(fmt::format("No findings in {}, checked against {}.", what,
                                         fmt::join(r.namespaces, ", "))),
                   width) +
               "\n";
      }
    } else {
      std::map<std::string_view, size_t> by_severity;
      for (const Finding* f : view.reported) ++by_severity[severity_word(*f)];
      std::vector<std::string> parts;
      for (auto s : kSeverities) {
        if (by_severity[s]) {
          std::string part = fmt::format("{} {}", by_severity[s], s);
          parts.push_back(paint(opts, severity_colour(s), part));
        }
      }
      out += fmt::format("{} finding{}: {}", n, n == 1 ? "" : "s", fmt::join(parts, ", ")) + "\n";
    }
    std::map<std::string, size_t> by_kind;
    for (const Finding* f : view.suppressed) ++by_kind[f->suppressed->kind];
    for (const auto& [kind, count] : by_kind) {
      out += paint(opts, kDim,
                   fit(printable(fmt::format("{} suppressed by {}{}", count, kind,
                                             opts.show_suppressed ? "" : " (--show-suppressed lists them)")),
                       width)) +
             "\n";
    }
    std::vector<std::string> legend;
    for (const Finding* f : shown) {
      if (f->kev) legend.emplace_back("KEV known exploited (CISA)");
      if (!f->exploits.empty()) legend.emplace_back("XDB Exploit-DB entry");
      if (f->epss) legend.emplace_back("E% EPSS probability");
    }
    std::sort(legend.begin(), legend.end());
    legend.erase(std::unique(legend.begin(), legend.end()), legend.end());
    if (!legend.empty())
      out += paint(opts, kDim, fit(fmt::format("{}", fmt::join(legend, "; ")), width)) + "\n";
    const size_t warnings = r.inventory.warnings.size() + r.warnings.size();
    if (warnings) {
      out += paint(opts, kYellow,
                   fit(fmt::format("{} warning{} (see {}the JSON report)", warnings, warnings == 1 ? "" : "s",
                                   opts.warnings_on_stderr ? "stderr or " : ""),
                       width)) +
             "\n";
    }
    if (r.inventory.partial) {
      out += paint(opts, kYellow,
                   fit("PARTIAL: part of the input could not be read; packages may be missing", width)) +
             "\n";
    }
    return out;
  });
}

}  // namespace
}  // namespace report

namespace scan_reports {
extern const ScanFormat table;
const ScanFormat table = {"table", "A table for people, grouped by package", report::write_scan_table};
}  // namespace scan_reports

}  // namespace dagda
