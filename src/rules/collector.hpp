// rules/collector.hpp (internal): what the rule files define, after appends
// and overrides, before anything is compiled. Follows the semantics of Falco's
// rule loader: a later definition replaces an earlier one in place, `append`
// and `override` modify it, and "visibility" (the position of the latest
// definition) decides which lists and macros a list or macro may refer to.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "rules/engine.hpp"

namespace dagda::rules {

struct Ctx {
  std::string file;
  uint32_t line = 0;
  std::string item;  // "rule 'X'", "macro 'y'", ...
};

struct ListInfo {
  std::string name;
  std::vector<std::string> items;
  Ctx ctx;
  uint32_t index = 0, visibility = 0;
};

struct MacroInfo {
  std::string name;
  std::string cond;
  Ctx ctx, cond_ctx;
  uint32_t index = 0, visibility = 0;
};

// A `fields`, `comps` or value entry of an exception: one string or a list.
struct ExEntry {
  bool valid = false, is_list = false;
  std::string item;
  std::vector<ExEntry> items;
};

struct ExceptionInfo {
  std::string name;
  ExEntry fields, comps;
  std::vector<ExEntry> values;
  Ctx ctx;
};

struct RuleInfo {
  std::string name, cond, output, desc, source;
  Priority priority = Priority::debug;
  std::set<std::string> tags;
  std::vector<ExceptionInfo> exceptions;
  bool enabled = true, warn_evttypes = true, skip_if_unknown_filter = false, unknown_source = false;
  Ctx ctx, cond_ctx, output_ctx;
  uint32_t index = 0, visibility = 0;
};

template <typename T>
struct Indexed {
  std::vector<T> items;
  std::unordered_map<std::string, size_t> by_name;
  T* find(const std::string& n) {
    auto it = by_name.find(n);
    return it == by_name.end() ? nullptr : &items[it->second];
  }
  const T* find(const std::string& n) const {
    auto it = by_name.find(n);
    return it == by_name.end() ? nullptr : &items[it->second];
  }
  // Falco's define: a redefinition replaces the old one in place (its index kept,
  // its visibility moved to now).
  void define(T info, uint32_t now) {
    if (T* prev = find(info.name)) {
      info.index = prev->index;
      info.visibility = now;
      *prev = std::move(info);
    } else {
      info.index = info.visibility = now;
      by_name[info.name] = items.size();
      items.push_back(std::move(info));
    }
  }
};

struct Collector {
  Indexed<ListInfo> lists;
  Indexed<MacroInfo> macros;
  Indexed<RuleInfo> rules;
  uint32_t now = 0;
  std::vector<Problem> problems;
  std::set<std::string> plugins_required;  // names of plugins required by the files

  void error(const Ctx& c, std::string code, std::string msg) {
    problems.push_back(Problem{Severity::error, std::move(code), std::move(msg), c.file, c.line, c.item});
  }
  void warn(const Ctx& c, std::string code, std::string msg) {
    problems.push_back(Problem{Severity::warning, std::move(code), std::move(msg), c.file, c.line, c.item});
  }
};

// Reads one file's items into the collector (loader.cpp).
void read_rules_file(const RuleFile& file, Collector& col);
// Compiles everything collected into res.ruleset and res.rules (compiler.cpp).
void compile_collected(Collector& col, const LoadLimits& lim, LoadResult& res);

}  // namespace dagda::rules
