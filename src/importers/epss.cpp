// importers/epss.cpp: EPSS scores. FIRST's CSV (an optional
// "#model_version:...,score_date:..." comment line, a "cve,epss,percentile"
// header, then one line per CVE) and the header-less "CVE;epss;percentile"
// variant (EMBA's per-year files). Read line by line without copies: the
// full set is ~300,000 lines.
#include <charconv>

#include "importers/feed_util.hpp"

namespace dagda::importers::feeds {
namespace {

// "CVE-1999-0001;0.1;0.2" or with ','.
bool score_line(std::string_view line, char& sep) {
  if (!line.starts_with("CVE-")) return false;
  auto p = line.find_first_of(",;");
  if (p == std::string_view::npos || !is_cve(line.substr(0, p))) return false;
  sep = line[p];
  return true;
}

int detect(std::string_view path, std::string_view head) {
  std::string_view h = skip_space(head);
  if (h.starts_with("#model_version") || h.starts_with("cve,epss,percentile")) return 3;
  std::string_view first = h.substr(0, h.find('\n'));
  char sep = 0;
  if (score_line(first, sep)) {
    // Three fields, the last two numbers: certain; with "epss" in the name anyway.
    auto a = first.find(sep), b = first.find(sep, a + 1);
    if (b != std::string_view::npos && first.find(sep, b + 1) == std::string_view::npos) {
      double d;
      auto rest = first.substr(a + 1, b - a - 1);
      if (std::from_chars(rest.data(), rest.data() + rest.size(), d).ec == std::errc())
        return sep == ';' ? 3 : 2;
    }
    if (contains(lower(base_name(path)), "epss")) return 2;
  }
  return 0;
}

bool number(std::string_view s, double& out) {
  s = trim(s);
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

Status parse(const Entry& e, vulndb::Sink& sink, Diagnostics& /*diag*/) {
  std::string_view d = e.data;
  if (d.starts_with("\xEF\xBB\xBF")) d.remove_prefix(3);
  std::string date;
  uint64_t line_no = 0;
  size_t pos = 0, scores = 0;
  while (pos < d.size()) {
    size_t nl = d.find('\n', pos);
    std::string_view line = d.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? d.size() : nl + 1;
    ++line_no;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.front() == '#') {
      // "#model_version:v2023.03.01,score_date:2023-03-07T00:00:00+0000"
      auto p = line.find("score_date:");
      if (p != std::string_view::npos)
        date = std::string(trim(line.substr(p + 11, line.find(',', p) - p - 11)));
      continue;
    }
    if (line.starts_with("cve,") || line.starts_with("cve;")) continue;  // header
    char sep = 0;
    if (!score_line(line, sep))
      return entry_error(
          e,
          "not an EPSS score line (want CVE-ID,epss,percentile): \"" + std::string(line.substr(0, 80)) + "\"",
          line_no);
    auto a = line.find(sep), b = line.find(sep, a + 1);
    vulndb::EpssScore s;
    if (b == std::string_view::npos || !number(line.substr(a + 1, b - a - 1), s.score) ||
        !number(line.substr(b + 1), s.percentile))
      return entry_error(e, "EPSS line without two numbers after the CVE id (truncated?)", line_no);
    if (s.score < 0 || s.score > 1 || s.percentile < 0 || s.percentile > 1)
      return entry_error(e, "EPSS score or percentile outside [0, 1]", line_no);
    s.cve = std::string(line.substr(0, a));
    s.date = date;
    sink.add(std::move(s));
    ++scores;
  }
  if (scores == 0 && date.empty()) return entry_error(e, "no EPSS scores in the file");
  return ok_status();
}

}  // namespace

extern const ImporterInfo epss{"epss", "FIRST EPSS scores (CSV, with or without header; ',' or ';')", detect,
                               parse};

}  // namespace dagda::importers::feeds
