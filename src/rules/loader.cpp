// Reading rule files: YAML items into the Collector, with Falco's rules for
// required keys, appends, overrides, exceptions and versions. A problem in one
// item is recorded and the next item is read, so that one run of `dagda rules
// validate` names every problem of a file.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "rules/ast.hpp"
#include "rules/collector.hpp"
#include "rules/fields.hpp"
#include "rules/yaml_tree.hpp"

namespace dagda::rules {
namespace {

// An item-level failure: recorded, then reading goes on with the next item.
struct ItemError {
  std::string code, message;
  uint32_t line;
};

[[noreturn]] void fail(const YNode* at, std::string msg, const Ctx& c, std::string code = "rules.invalid-item") {
  throw ItemError{std::move(code), std::move(msg), at && at->line ? at->line : c.line};
}

std::optional<bool> yaml_bool(const std::string& s) {
  static const char* yes[] = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
  static const char* no[] = {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
  for (auto* y : yes)
    if (s == y) return true;
  for (auto* n : no)
    if (s == n) return false;
  return std::nullopt;
}

// decode_val: a scalar under `key`; required unless `optional`.
std::optional<std::string> get_str(const YNode& item, const char* key, const Ctx& c, bool optional,
                                   bool can_be_empty = false) {
  const YNode* v = item.get(key);
  if (!v) {
    if (optional) return std::nullopt;
    fail(&item, fmt::format("the item has no '{}' key", key), c);
  }
  if (v->is_null()) {
    if (can_be_empty) return std::string();
    fail(v, fmt::format("the value of '{}' is empty", key), c);
  }
  if (!v->is_scalar()) fail(v, fmt::format("the value of '{}' is not a scalar", key), c);
  if (v->scalar.empty() && !can_be_empty) fail(v, fmt::format("the value of '{}' must not be empty", key), c);
  return v->scalar;
}

std::optional<bool> get_bool(const YNode& item, const char* key, const Ctx& c) {
  auto s = get_str(item, key, c, true);
  if (!s) return std::nullopt;
  auto b = yaml_bool(*s);
  if (!b) fail(item.get(key), fmt::format("the value of '{}' is not a boolean: '{}'", key, *s), c);
  return b;
}

std::vector<std::string> get_seq(const YNode& item, const char* key, const Ctx& c) {
  const YNode* v = item.get(key);
  if (!v) fail(&item, fmt::format("the item has no '{}' key", key), c);
  if (!v->is_seq()) fail(v, fmt::format("the value of '{}' is not a sequence", key), c);
  std::vector<std::string> out;
  out.reserve(v->items.size());
  for (const auto& i : v->items) {
    if (!i.is_scalar()) fail(&i, fmt::format("an item of '{}' is not a scalar", key), c);
    out.push_back(i.scalar);
  }
  return out;
}

std::optional<std::set<std::string>> get_tags(const YNode& item, const Ctx& c) {
  if (!item.get("tags")) return std::nullopt;
  auto v = get_seq(item, "tags", c);
  return std::set<std::string>(v.begin(), v.end());
}

void warn_unknown_keys(const YNode& item, std::initializer_list<std::string_view> known, Collector& col,
                       const Ctx& c) {
  for (const auto& [k, v] : item.entries) {
    (void)v;
    if (!k.is_scalar() || std::find(known.begin(), known.end(), k.scalar) == known.end())
      col.warn(Ctx{c.file, k.line ? k.line : c.line, c.item}, "rules.unknown-key",
               fmt::format("unknown key '{}' (ignored)", k.is_scalar() ? k.scalar : std::string("?")));
  }
}

bool valid_list_name(const std::string& n) {
  if (n.empty()) return false;
  for (char ch : n)
    if (ch == '(' || ch == ')' || ch == '"' || ch == '\'' || ch == '=' || ch == ',' || std::isspace(static_cast<unsigned char>(ch)))
      return false;
  return true;
}

bool valid_identifier(const std::string& n) {
  if (n.empty() || !std::isalpha(static_cast<unsigned char>(n[0]))) return false;
  for (char ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_') return false;
  return true;
}

// override: {key: append|replace}
void get_overrides(const YNode& item, const std::set<std::string>& can_append, const std::set<std::string>& can_replace,
                   std::set<std::string>& app, std::set<std::string>& rep, const Ctx& c) {
  const YNode* o = item.get("override");
  if (!o) return;
  if (!o->is_map()) fail(o, "'override' must be a mapping of keys to append or replace", c);
  for (const auto& [k, v] : o->entries) {
    if (!k.is_scalar() || !v.is_scalar()) fail(&k, "'override' must map keys to 'append' or 'replace'", c);
    if (v.scalar == "append") {
      if (!can_append.count(k.scalar)) fail(&k, fmt::format("key '{}' cannot be appended to, use 'replace' instead", k.scalar), c);
      app.insert(k.scalar);
    } else if (v.scalar == "replace") {
      if (!can_replace.count(k.scalar)) fail(&k, fmt::format("key '{}' cannot be replaced", k.scalar), c);
      rep.insert(k.scalar);
    } else {
      fail(&v, fmt::format("invalid override operation for key '{}': '{}' (append or replace)", k.scalar, v.scalar), c);
    }
  }
  for (const auto& k : app)
    if (rep.count(k)) fail(o, fmt::format("key '{}' cannot be both appended and replaced", k), c);
}

// Operators an exception's comps may name: Falco's, with the modifier forms.
bool valid_comp(const std::string& s) {
  static const char* ops[] = {"=",        "==",        "!=",        "<",          "<=",          ">",
                              ">=",       "contains",  "icontains", "bcontains",  "startswith", "bstartswith",
                              "endswith", "glob",      "iglob",     "regex",      "in",         "intersects",
                              "pmatch",   "exists"};
  for (auto* o : ops)
    if (s == o) return true;
  size_t sp = s.find(' ');
  if (sp == std::string::npos) return false;
  std::string base = s.substr(0, sp), mod = s.substr(s.find_first_not_of(' ', sp));
  if (mod != "oneof" && mod != "anyof" && mod != "allof") return false;
  for (auto* o : ops)
    if (base == o && base != "in" && base != "intersects" && base != "pmatch" && base != "exists" && base[0] != '<' &&
        base[0] != '>')
      return true;
  return false;
}

std::string trim(std::string s) {
  size_t a = s.find_first_not_of(" \t\r\n"), b = s.find_last_not_of(" \t\r\n");
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

ExEntry get_ex_entry(const YNode& v, const Ctx& c) {
  ExEntry e;
  e.valid = true;
  if (v.is_scalar()) {
    if (v.scalar.empty()) fail(&v, "an exception value must not be empty", c);
    e.item = v.scalar;
  } else if (v.is_seq()) {
    e.is_list = true;
    for (const auto& i : v.items) e.items.push_back(get_ex_entry(i, c));
  } else {
    fail(&v, "an exception entry must be a string or a list", c);
  }
  return e;
}

void validate_exception(ExceptionInfo& ex, const Ctx& c) {
  if (ex.fields.is_list) {
    if (!ex.comps.valid) {
      ex.comps.valid = ex.comps.is_list = true;
      for (size_t i = 0; i < ex.fields.items.size(); ++i) ex.comps.items.push_back(ExEntry{true, false, "=", {}});
    }
    if (!ex.comps.is_list || ex.fields.items.size() != ex.comps.items.size())
      fail(nullptr, fmt::format("exception '{}': fields and comps lists must have equal length", ex.name), c);
    for (auto& cmp : ex.comps.items) {
      cmp.item = trim(cmp.item);
      if (!valid_comp(cmp.item))
        fail(nullptr, fmt::format("exception '{}': '{}' is not a supported comparison operator", ex.name, cmp.item), c);
    }
  } else {
    if (!ex.comps.valid) ex.comps = ExEntry{true, false, "in", {}};
    if (ex.comps.is_list) fail(nullptr, fmt::format("exception '{}': fields and comps must both be strings", ex.name), c);
    ex.comps.item = trim(ex.comps.item);
    bool mod = valid_comp(ex.comps.item) && ex.comps.item.find(' ') != std::string::npos;
    if (ex.comps.item != "in" && ex.comps.item != "pmatch" && ex.comps.item != "intersects" && !mod)
      fail(nullptr,
           fmt::format("exception '{}': when fields is a single field, comps must be in, pmatch, intersects or a "
                       "modifier operator",
                       ex.name),
           c);
  }
}

std::vector<ExceptionInfo> get_exceptions(const YNode& item, const Ctx& c, bool append, Collector& col) {
  std::vector<ExceptionInfo> out;
  const YNode* exs = item.get("exceptions");
  if (!exs || exs->is_null()) return out;
  if (!exs->is_seq()) fail(exs, "'exceptions' must be a sequence", c);
  for (const auto& ex : exs->items) {
    if (!ex.is_map()) fail(&ex, "an exception must be a mapping", c);
    Ctx ec{c.file, ex.line ? ex.line : c.line, c.item};
    ExceptionInfo info;
    info.ctx = ec;
    info.name = *get_str(ex, "name", ec, false);
    for (const auto& prev : out)
      if (prev.name == info.name)
        col.warn(ec, "rules.exception-name-not-unique",
                 fmt::format("exception '{}' is defined more than once in the rule", info.name));
    if (const YNode* f = ex.get("fields")) info.fields = get_ex_entry(*f, ec);
    else if (!append) fail(&ex, fmt::format("exception '{}' has no 'fields'", info.name), ec);
    if (const YNode* cp = ex.get("comps")) info.comps = get_ex_entry(*cp, ec);
    if (const YNode* vals = ex.get("values")) {
      if (!vals->is_seq()) fail(vals, fmt::format("exception '{}': 'values' must be a sequence", info.name), ec);
      for (const auto& v : vals->items) info.values.push_back(get_ex_entry(v, ec));
    } else if (append) {
      col.warn(ec, "rules.deprecated", fmt::format("exception '{}' is appended with no values", info.name));
    }
    if (info.fields.valid) validate_exception(info, ec);
    out.push_back(std::move(info));
  }
  return out;
}

// "0.57.0" or a bare number N, which Falco reads as 0.N.0.
std::optional<std::array<uint64_t, 3>> parse_version(const std::string& s) {
  std::array<uint64_t, 3> v{};
  if (!s.empty() && s.find('.') == std::string::npos) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v[1]);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
  }
  size_t start = 0;
  for (int i = 0; i < 3; ++i) {
    size_t dot = s.find('.', start);
    std::string part = s.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (i < 2 && dot == std::string::npos) return std::nullopt;
    if (i == 2) part = part.substr(0, part.find_first_of("-+"));
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v[i]);
    if (part.empty() || ec != std::errc() || p != part.data() + part.size()) return std::nullopt;
    start = dot + 1;
  }
  return v;
}

void read_item(const YNode& item, Collector& col, const std::string& file) {
  Ctx c{file, item.line, ""};
  if (!item.is_map()) fail(&item, "each item of a rules file must be a mapping", c);

  if (item.get("required_engine_version")) {
    c.item = "required_engine_version";
    std::string v = *get_str(item, "required_engine_version", c, false);
    auto need = parse_version(v);
    if (!need) fail(item.get("required_engine_version"), fmt::format("cannot read engine version '{}'", v), c);
    auto ours = *parse_version(kFalcoEngineVersion);
    if ((*need)[0] != ours[0] || *need > ours)
      fail(item.get("required_engine_version"),
           fmt::format("the rules require Falco engine version {}.{}.{}; Dagda reads rules of engine version {}",
                       (*need)[0], (*need)[1], (*need)[2], kFalcoEngineVersion),
           c, "rules.engine-version");
    warn_unknown_keys(item, {"required_engine_version"}, col, c);
  } else if (const YNode* req = item.get("required_plugin_versions")) {
    c.item = "required_plugin_versions";
    if (!req->is_seq()) fail(req, "the value of required_plugin_versions must be a sequence", c);
    for (const auto& p : req->items) {
      Ctx pc{file, p.line ? p.line : c.line, c.item};
      if (!p.is_map()) fail(&p, "a plugin version must be a mapping", pc);
      std::vector<std::pair<std::string, std::string>> alts;
      alts.emplace_back(*get_str(p, "name", pc, false), *get_str(p, "version", pc, false));
      if (const YNode* a = p.get("alternatives")) {
        if (!a->is_seq()) fail(a, "plugin version alternatives must be a sequence", pc);
        for (const auto& alt : a->items) {
          if (!alt.is_map()) fail(&alt, "a plugin version alternative must be a mapping", pc);
          alts.emplace_back(*get_str(alt, "name", pc, false), *get_str(alt, "version", pc, false));
        }
      }
      std::set<std::string> seen;
      bool provided = false;
      for (const auto& [name, version] : alts) {
        if (!parse_version(version) || version.find('.') == std::string::npos)
          fail(&p, fmt::format("invalid required version '{}' for plugin '{}'", version, name), pc);
        if (!seen.insert(name).second)
          fail(&p, fmt::format("plugin '{}' is named twice among the alternatives", name), pc);
        // Dagda extracts the container plugin's fields itself.
        if (name == "container") provided = true;
        col.plugins_required.insert(name);
      }
      if (!provided)
        col.warn(pc, "rules.plugin-not-provided",
                 fmt::format("the file requires Falco plugin '{}' {}; Dagda does not run Falco plugins, so rules "
                             "for its event source are checked but never evaluated",
                             alts[0].first, alts[0].second));
    }
    warn_unknown_keys(item, {"required_plugin_versions"}, col, c);
  } else if (item.get("list")) {
    c.item = "list";
    std::string name = *get_str(item, "list", c, false);
    c.item = fmt::format("list '{}'", name);
    if (!valid_list_name(name))
      col.warn(c, "rules.invalid-name", "the list name should not contain spaces, quotes, '(', ')', '=' or ','");
    ListInfo l;
    l.name = name;
    l.ctx = c;
    l.items = get_seq(item, "items", c);
    bool append = get_bool(item, "append", c).value_or(false);
    if (append) col.warn(c, "rules.deprecated", "'append: true' is deprecated; use 'override: {items: append}'");
    std::set<std::string> app, rep;
    get_overrides(item, {"items"}, {"items"}, app, rep, c);
    if (append && (!app.empty() || !rep.empty())) fail(&item, "'append' and 'override' cannot be used together", c);
    append = append || app.count("items");
    if (append) {
      ListInfo* prev = col.lists.find(name);
      if (!prev) fail(&item, "there is no earlier list of this name to append to", c, "rules.no-previous");
      prev->items.insert(prev->items.end(), l.items.begin(), l.items.end());
      prev->visibility = col.now++;
    } else {
      col.lists.define(std::move(l), col.now++);
    }
    warn_unknown_keys(item, {"list", "items", "append", "override"}, col, c);
  } else if (item.get("macro")) {
    c.item = "macro";
    std::string name = *get_str(item, "macro", c, false);
    c.item = fmt::format("macro '{}'", name);
    if (!valid_identifier(name))
      col.warn(c, "rules.invalid-name", "a macro name should be letters, digits and '_', starting with a letter");
    MacroInfo m;
    m.name = name;
    m.ctx = c;
    m.cond = *get_str(item, "condition", c, false);
    m.cond_ctx = Ctx{file, item.get("condition")->line, c.item};
    bool append = get_bool(item, "append", c).value_or(false);
    if (append) col.warn(c, "rules.deprecated", "'append: true' is deprecated; use 'override: {condition: append}'");
    std::set<std::string> app, rep;
    get_overrides(item, {"condition"}, {"condition"}, app, rep, c);
    if (append && (!app.empty() || !rep.empty())) fail(&item, "'append' and 'override' cannot be used together", c);
    append = append || app.count("condition");
    if (append) {
      MacroInfo* prev = col.macros.find(name);
      if (!prev) fail(&item, "there is no earlier macro of this name to append to", c, "rules.no-previous");
      prev->cond += " " + m.cond;
      prev->visibility = col.now++;
    } else {
      col.macros.define(std::move(m), col.now++);
    }
    warn_unknown_keys(item, {"macro", "condition", "append", "override"}, col, c);
  } else if (item.get("rule")) {
    c.item = "rule";
    std::string name = *get_str(item, "rule", c, false);
    c.item = fmt::format("rule '{}'", name);
    std::string source = get_str(item, "source", c, true, true).value_or("");
    bool append_flag = get_bool(item, "append", c).value_or(false);
    if (append_flag) col.warn(c, "rules.deprecated", "'append: true' is deprecated; use 'override'");
    std::set<std::string> app, rep;
    static const std::set<std::string> can_append{"condition", "output", "desc", "tags", "exceptions"};
    static const std::set<std::string> can_replace{"condition", "output",   "desc",          "priority",
                                                   "capture",   "capture_duration", "tags", "exceptions",
                                                   "enabled",   "warn_evttypes",    "skip-if-unknown-filter"};
    get_overrides(item, can_append, can_replace, app, rep, c);
    if (append_flag && (!app.empty() || !rep.empty())) fail(&item, "'append' and 'override' cannot be used together", c);

    auto prev_rule = [&]() -> RuleInfo* {
      RuleInfo* prev = col.rules.find(name);
      if (prev && !prev->source.empty() && !source.empty() && prev->source != source)
        fail(&item, "the rule is redefined with a different source", c);
      return prev;
    };

    if (!app.empty() || !rep.empty()) {
      std::set<std::string> expected;
      for (const auto& k : can_append)
        if (item.get(k)) expected.insert(k);
      for (const auto& k : can_replace)
        if (item.get(k)) expected.insert(k);
      auto take = [&](const std::set<std::string>& ops, const char* kind, const std::string& key) {
        if (!ops.count(key)) return false;
        if (!expected.count(key))
          fail(&item, fmt::format("an {} override for '{}' was given but '{}' is not defined", kind, key, key), c);
        expected.erase(key);
        return true;
      };
      RuleInfo* prev = prev_rule();
      if (!prev)
        fail(&item, fmt::format("there is no earlier rule of this name to {}", app.empty() ? "replace" : "append to"), c,
             "rules.no-previous");
      if (!app.empty()) {
        if (take(app, "append", "condition")) prev->cond += " " + *get_str(item, "condition", c, false);
        if (take(app, "append", "exceptions")) {
          for (auto& ex : get_exceptions(item, c, true, col)) {
            auto it = std::find_if(prev->exceptions.begin(), prev->exceptions.end(),
                                   [&](const ExceptionInfo& e) { return e.name == ex.name; });
            if (it == prev->exceptions.end()) {
              if (!ex.fields.valid) fail(&item, fmt::format("exception '{}' has no 'fields'", ex.name), c);
              if (ex.values.empty()) fail(&item, fmt::format("exception '{}' has no 'values'", ex.name), c);
              prev->exceptions.push_back(std::move(ex));
            } else {
              if (ex.fields.valid) fail(&item, "an appended exception may add values only, not fields", c);
              if (ex.comps.valid) fail(&item, "an appended exception may add values only, not comps", c);
              it->values.insert(it->values.end(), ex.values.begin(), ex.values.end());
            }
          }
        }
        if (take(app, "append", "output")) prev->output += " " + *get_str(item, "output", c, false);
        if (take(app, "append", "desc")) prev->desc += " " + *get_str(item, "desc", c, false);
        if (take(app, "append", "tags")) {
          auto tags = get_tags(item, c);
          prev->tags.insert(tags->begin(), tags->end());
        }
      }
      if (!rep.empty()) {
        if (take(rep, "replace", "condition")) {
          prev->cond = *get_str(item, "condition", c, false);
          prev->cond_ctx = Ctx{file, item.get("condition")->line, c.item};
        }
        if (take(rep, "replace", "exceptions")) prev->exceptions = get_exceptions(item, c, false, col);
        if (take(rep, "replace", "output")) {
          prev->output = trim(*get_str(item, "output", c, false));
          prev->output_ctx = Ctx{file, item.get("output")->line, c.item};
        }
        if (take(rep, "replace", "desc")) prev->desc = *get_str(item, "desc", c, false);
        if (take(rep, "replace", "tags")) prev->tags = *get_tags(item, c);
        if (take(rep, "replace", "priority")) {
          auto p = parse_priority(*get_str(item, "priority", c, false));
          if (!p) fail(item.get("priority"), "invalid priority", c);
          prev->priority = *p;
        }
        if (take(rep, "replace", "enabled")) prev->enabled = *get_bool(item, "enabled", c);
        if (take(rep, "replace", "warn_evttypes")) prev->warn_evttypes = *get_bool(item, "warn_evttypes", c);
        if (take(rep, "replace", "skip-if-unknown-filter"))
          prev->skip_if_unknown_filter = *get_bool(item, "skip-if-unknown-filter", c);
        take(rep, "replace", "capture");
        take(rep, "replace", "capture_duration");
      }
      prev->visibility = col.now++;
      for (const auto& k : expected)
        fail(item.get(k), fmt::format("unexpected key '{}': 'override' has no entry for it", k), c);
    } else if (append_flag) {
      RuleInfo* prev = prev_rule();
      if (!prev) fail(&item, "there is no earlier rule of this name to append to", c, "rules.no-previous");
      if (item.get("condition")) prev->cond += " " + *get_str(item, "condition", c, false);
      for (auto& ex : get_exceptions(item, c, true, col)) {
        auto it = std::find_if(prev->exceptions.begin(), prev->exceptions.end(),
                               [&](const ExceptionInfo& e) { return e.name == ex.name; });
        if (it == prev->exceptions.end()) {
          if (!ex.fields.valid) fail(&item, fmt::format("exception '{}' has no 'fields'", ex.name), c);
          prev->exceptions.push_back(std::move(ex));
        } else {
          it->values.insert(it->values.end(), ex.values.begin(), ex.values.end());
        }
      }
      prev->visibility = col.now++;
    } else if (!item.get("condition") && !item.get("output") && !item.get("desc") && !item.get("priority")) {
      // Only `enabled`: switches an earlier rule on or off.
      auto en = get_bool(item, "enabled", c);
      if (!en) fail(&item, "the item has no 'enabled' key (a rule without condition, output, desc or priority)", c);
      col.warn(c, "rules.deprecated", "changing 'enabled' alone is deprecated; use 'override: {enabled: replace}'");
      RuleInfo* prev = col.rules.find(name);
      if (!prev) fail(&item, "the item sets 'enabled' but there is no earlier rule of this name", c, "rules.no-previous");
      prev->enabled = *en;
    } else {
      RuleInfo r;
      r.name = name;
      r.ctx = c;
      r.cond = *get_str(item, "condition", c, false);
      r.cond_ctx = Ctx{file, item.get("condition")->line, c.item};
      r.output = trim(*get_str(item, "output", c, false));
      r.output_ctx = Ctx{file, item.get("output")->line, c.item};
      r.desc = *get_str(item, "desc", c, false);
      std::string pr = *get_str(item, "priority", c, false);
      auto p = parse_priority(pr);
      if (!p) fail(item.get("priority"), fmt::format("invalid priority '{}'", pr), c);
      r.priority = *p;
      r.source = get_str(item, "source", c, true).value_or("syscall");
      r.enabled = get_bool(item, "enabled", c).value_or(true);
      r.warn_evttypes = get_bool(item, "warn_evttypes", c).value_or(true);
      r.skip_if_unknown_filter = get_bool(item, "skip-if-unknown-filter", c).value_or(false);
      get_bool(item, "capture", c);
      get_str(item, "capture_duration", c, true);
      if (auto t = get_tags(item, c)) r.tags = *t;
      r.exceptions = get_exceptions(item, c, false, col);
      bool known = false;
      (void)falco_field(r.source, "", &known);
      if (!known) {
        r.unknown_source = true;
        col.warn(c, "rules.unknown-source", fmt::format("unknown event source '{}'; the rule is skipped", r.source));
      }
      prev_rule();
      col.rules.define(std::move(r), col.now++);
    }
    warn_unknown_keys(item,
                      {"rule", "condition", "output", "desc", "priority", "source", "enabled", "capture",
                       "capture_duration", "warn_evttypes", "skip-if-unknown-filter", "tags", "exceptions", "override",
                       "append"},
                      col, c);
  } else {
    col.warn(c, "rules.unknown-item", "unknown top-level item (not a rule, macro, list or version requirement)");
  }
}

}  // namespace

void read_rules_file(const RuleFile& file, Collector& col) {
  auto doc = load_yaml(file.content, file.name);
  if (!doc.ok()) {
    const Error& e = doc.error();
    col.error(Ctx{file.name, static_cast<uint32_t>(e.where().line.value_or(0)), ""}, "rules.yaml-error", e.message());
    return;
  }
  const YNode& root = *doc;
  if (root.is_null()) return;
  if (!root.is_seq()) {
    col.error(Ctx{file.name, root.line, ""}, "rules.yaml-error", "the rules file is not a YAML sequence of items");
    return;
  }
  for (const auto& item : root.items) {
    if (item.is_null()) continue;
    try {
      read_item(item, col, file.name);
    } catch (const ItemError& e) {
      std::string what;
      if (item.is_map()) {
        for (const char* k : {"rule", "macro", "list"})
          if (const YNode* n = item.get(k); n && n->is_scalar()) what = fmt::format("{} '{}'", k, n->scalar);
      }
      col.error(Ctx{file.name, e.line, what}, e.code, e.message);
    }
  }
}

}  // namespace dagda::rules
