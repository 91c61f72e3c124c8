// importers/bugtraq.cpp: BugTraq (SecurityFocus) entries in the original
// Dagda's bidDB JSON dump format: one JSON object a line with bugtraq_id,
// title, class, cve[], local/remote ("yes"/"no"), vuln_products[].
#include <charconv>

#include "importers/feed_util.hpp"

namespace dagda::importers::feeds {
namespace {

int detect(std::string_view /*path*/, std::string_view head) {
  std::string_view h = skip_space(head);
  if (!h.starts_with("{")) return 0;
  std::string_view first = h.substr(0, h.find('\n'));
  if (contains(first, "\"bugtraq_id\"") &&
      (contains(first, "\"vuln_products\"") || contains(first, "\"class\"")))
    return 3;
  if (contains(first, "\"bugtraq_id\"")) return 2;
  return 0;
}

bool yes(element o, std::string_view key) {
  std::string_view s = jstr(o, key);
  if (!s.empty()) return s == "yes" || s == "Yes" || s == "true";
  bool b = false;
  return !o[key].get_bool().get(b) && b;
}

Status parse(const Entry& e, vulndb::Sink& sink, Diagnostics& diag) {
  simdjson::dom::parser parser;
  std::string_view d = e.data;
  if (d.starts_with("\xEF\xBB\xBF")) d.remove_prefix(3);
  uint64_t line_no = 0;
  size_t pos = 0, entries = 0;
  while (pos < d.size()) {
    size_t nl = d.find('\n', pos);
    std::string_view line =
        trim(d.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
    pos = nl == std::string_view::npos ? d.size() : nl + 1;
    ++line_no;
    if (line.empty()) continue;
    element o;
    auto err = parser.parse(line.data(), line.size(), true).get(o);
    std::string repaired;
    if (err == simdjson::UTF8_ERROR) {
      repaired = repair_utf8(line);
      err = parser.parse(repaired.data(), repaired.size(), true).get(o);
    }
    if (err)
      return entry_error(e, std::string("invalid JSON line: ") + simdjson::error_message(err), line_no);
    if (!o.is_object()) return entry_error(e, "line is not a JSON object", line_no);
    vulndb::BugtraqEntry b;
    int64_t id = 0;
    std::string_view ids;
    if (o["bugtraq_id"].get_int64().get(id)) {
      if (!o["bugtraq_id"].get_string().get(ids)) std::from_chars(ids.data(), ids.data() + ids.size(), id);
    }
    if (id <= 0) {
      diag.warn("bugtraq.no-id", "record without a positive bugtraq_id: skipped", {e.path, {}, line_no, {}});
      continue;
    }
    b.bid = id;
    b.title = std::string(jstr(o, "title"));
    b.vuln_class = std::string(jstr(o, "class"));
    b.published = std::string(jstr(o, "published"));
    b.updated = std::string(jstr(o, "updated"));
    b.credit = std::string(jstr(o, "credit"));
    b.url = std::string(jstr(o, "url"));
    b.local = yes(o, "local");
    b.remote = yes(o, "remote");
    b.cves = jstrings(o, "cve");
    b.vulnerable = jstrings(o, "vuln_products");
    sink.add(std::move(b));
    ++entries;
  }
  if (entries == 0) return entry_error(e, "no BugTraq records in the file");
  return ok_status();
}

}  // namespace

extern const ImporterInfo bugtraq{"bugtraq", "BugTraq entries in the original Dagda's bidDB JSON-lines dump",
                                  detect, parse};

}  // namespace dagda::importers::feeds
