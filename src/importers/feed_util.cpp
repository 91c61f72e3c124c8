#include "importers/feed_util.hpp"

#include <algorithm>

#include "common/yaml.hpp"

namespace dagda::importers::feeds {

Error entry_error(const Entry& e, std::string what, std::optional<uint64_t> line, ErrorCode code) {
  return Error(code, std::move(what), where(e, line));
}

Location where(const Entry& e, std::optional<uint64_t> line) {
  Location w;
  w.file = e.path;
  w.line = line;
  return w;
}

uint64_t line_of(std::string_view data, size_t pos) {
  pos = std::min(pos, data.size());
  return 1 + uint64_t(std::count(data.begin(), data.begin() + std::ptrdiff_t(pos), '\n'));
}

std::string_view skip_space(std::string_view head) {
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  return trim_left(head);
}

std::string_view base_name(std::string_view path) {
  auto p = path.find_last_of("/!");
  return p == std::string_view::npos ? path : path.substr(p + 1);
}

bool name_ends_with(std::string_view path, std::initializer_list<std::string_view> suffixes) {
  std::string_view name = base_name(path);
  for (auto s : suffixes)
    if (iends_with(name, s)) return true;
  return false;
}

// ---- documents ----

Result<Document> parse_json_text(const Entry& e, std::string_view text) {
  Document d;
  if (text.size() > d.parser_->max_capacity())
    return entry_error(e, "JSON document of " + std::to_string(text.size()) + " bytes is larger than the parser allows");
  // realloc_if_needed: the text has no SIMDJSON_PADDING; simdjson copies it.
  auto err = d.parser_->parse(text.data(), text.size(), true).get(d.root_);
  if (err == simdjson::UTF8_ERROR) {
    std::string repaired = repair_utf8(text);
    err = d.parser_->parse(repaired.data(), repaired.size(), true).get(d.root_);
  }
  if (err == simdjson::INCOMPLETE_ARRAY_OR_OBJECT || err == simdjson::UNCLOSED_STRING)
    return entry_error(e, std::string("invalid JSON: ") + simdjson::error_message(err) + " (truncated?)",
                       line_of(text, text.size()));
  if (err) return entry_error(e, std::string("invalid JSON: ") + simdjson::error_message(err));
  return d;
}

Result<Document> parse_json(const Entry& e) { return parse_json_text(e, e.data); }

Result<Document> parse_yaml(const Entry& e) {
  std::string_view text = e.data;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  DAGDA_ASSIGN_OR_RETURN(std::string json, yaml::to_json(text, e.path));
  return parse_json_text(e, json);
}

Result<Document> parse_json_or_yaml(const Entry& e) {
  std::string_view h = skip_space(e.data.substr(0, 4096));
  if (h.starts_with("{") || h.starts_with("[")) return parse_json(e);
  return parse_yaml(e);
}

// ---- fields ----

std::optional<element> jfield(element el, std::string_view key) {
  element v;
  if (!el.is_object() || el.at_key(key).get(v)) return std::nullopt;
  return v;
}

std::string_view jstr(element el, std::string_view key) {
  std::string_view s;
  if (auto v = jfield(el, key); v && v->get_string().get(s) == simdjson::SUCCESS) return s;
  return {};
}

std::string jtext(element el, std::string_view key) { return std::string(jstr(el, key)); }

std::string_view as_str(element el) {
  std::string_view s;
  if (el.get_string().get(s) == simdjson::SUCCESS) return s;
  return {};
}

std::optional<double> jnum(element el, std::string_view key) {
  auto v = jfield(el, key);
  if (!v) return std::nullopt;
  double d;
  if (v->get_double().get(d) == simdjson::SUCCESS) return d;
  int64_t i;
  if (v->get_int64().get(i) == simdjson::SUCCESS) return double(i);
  uint64_t u;
  if (v->get_uint64().get(u) == simdjson::SUCCESS) return double(u);
  return std::nullopt;
}

std::optional<bool> jbool(element el, std::string_view key) {
  auto v = jfield(el, key);
  bool b;
  if (v && v->get_bool().get(b) == simdjson::SUCCESS) return b;
  return std::nullopt;
}

std::vector<std::string> jstrings(element el, std::string_view key) {
  std::vector<std::string> out;
  auto v = jfield(el, key);
  if (!v) return out;
  std::string_view s;
  if (v->get_string().get(s) == simdjson::SUCCESS) {
    out.emplace_back(s);
    return out;
  }
  simdjson::dom::array a;
  if (v->get_array().get(a)) return out;
  for (auto item : a)
    if (item.get_string().get(s) == simdjson::SUCCESS) out.emplace_back(s);
  return out;
}

std::optional<simdjson::dom::array> jarray(element el, std::string_view key) {
  simdjson::dom::array a;
  auto v = jfield(el, key);
  if (!v || v->get_array().get(a)) return std::nullopt;
  return a;
}

std::optional<simdjson::dom::object> jobject(element el, std::string_view key) {
  simdjson::dom::object o;
  auto v = jfield(el, key);
  if (!v || v->get_object().get(o)) return std::nullopt;
  return o;
}

bool jnull_or_missing(element el, std::string_view key) {
  auto v = jfield(el, key);
  return !v || v->is_null();
}

// ---- CSV ----

Result<bool> CsvReader::next(std::vector<std::string>& fields) {
  fields.clear();
  if (pos_ >= d_.size()) return false;
  record_line_ = line_;
  std::string field;
  bool quoted = false;
  while (pos_ <= d_.size()) {
    if (pos_ == d_.size()) {  // end of data ends the record
      if (quoted)
        return Error(ErrorCode::corrupt, "quoted field never closed (truncated file?)",
                     {{}, {}, record_line_, {}});
      fields.push_back(std::move(field));
      return true;
    }
    char c = d_[pos_];
    if (quoted) {
      if (c == '"') {
        if (pos_ + 1 < d_.size() && d_[pos_ + 1] == '"') {
          field += '"';
          pos_ += 2;
          continue;
        }
        quoted = false;
        ++pos_;
        continue;
      }
      if (c == '\n') ++line_;
      field += c;
      ++pos_;
      continue;
    }
    if (c == '"' && field.empty()) {
      quoted = true;
      ++pos_;
      continue;
    }
    if (c == sep_) {
      fields.push_back(std::move(field));
      field.clear();
      ++pos_;
      continue;
    }
    if (c == '\r' && pos_ + 1 < d_.size() && d_[pos_ + 1] == '\n') {
      ++pos_;
      continue;
    }
    if (c == '\n') {
      ++pos_;
      ++line_;
      fields.push_back(std::move(field));
      return true;
    }
    field += c;
    ++pos_;
  }
  return true;
}

// ---- records ----

std::optional<vulndb::Cvss> cvss_entry(std::string_view vector, std::string_view source,
                                       std::optional<double> stated_score, std::string_view stated_severity) {
  vulndb::Cvss c;
  if (auto computed = vulndb::cvss_from_vector(vector, source))
    c = std::move(*computed);
  else if (!stated_score)
    return std::nullopt;
  c.vector = std::string(vector);
  c.source = std::string(source);
  if (c.version.empty()) c.version = std::string(vulndb::cvss::version_of(vector));
  if (stated_score) {
    c.score = *stated_score;
    c.computed = false;
    c.severity = vulndb::severity_from_score(c.score, c.version);
  }
  if (!stated_severity.empty()) c.severity = vulndb::normalize_severity(stated_severity);
  return c;
}

std::string severity_from_cvss(const std::vector<vulndb::Cvss>& cvss) {
  auto rank = [](const vulndb::Cvss& c) {
    if (c.severity.empty() || c.computed) return 0;
    if (c.version == "3.1") return 4;
    if (c.version == "3.0") return 3;
    if (c.version == "4.0") return 2;
    return 1;
  };
  const vulndb::Cvss* best = nullptr;
  for (auto& c : cvss)
    if (rank(c) > 0 && (!best || rank(c) > rank(*best))) best = &c;
  return best ? vulndb::normalize_severity(best->severity) : "";
}

void add_id(std::vector<std::string>& list, std::string_view id, std::string_view self) {
  if (id.empty() || iequals(id, self)) return;
  for (auto& x : list)
    if (iequals(x, id)) return;
  list.emplace_back(id);
}

}  // namespace dagda::importers::feeds
