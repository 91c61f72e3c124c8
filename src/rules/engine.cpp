#include "rules/engine.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "rules/collector.hpp"
#include "rules/default_rules.hpp"

namespace dagda::rules {

namespace {
constexpr uint64_t kMaxRuleFile = 16u << 20;
}

std::string Problem::render() const {
  std::string out = file;
  if (line) out += fmt::format(":{}", line);
  out += severity == Severity::error ? ": error: " : ": warning: ";
  if (!item.empty()) out += item + ": ";
  out += message;
  out += fmt::format(" [{}]", code);
  return out;
}

bool LoadResult::ok() const { return errors() == 0; }

size_t LoadResult::errors() const {
  size_t n = 0;
  for (const auto& p : problems) n += p.severity == Severity::error;
  return n;
}

size_t LoadResult::warnings() const { return problems.size() - errors(); }

Result<RuleFile> read_rule_file(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f)
    return Error(errno == ENOENT ? ErrorCode::not_found : ErrorCode::io,
                 fmt::format("cannot open rules file: {}", std::strerror(errno)), Location{.file = path});
  struct stat st {};
  if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    std::fclose(f);
    return Error(ErrorCode::invalid_input, "is a directory, not a rules file", Location{.file = path});
  }
  RuleFile rf;
  rf.name = path;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    rf.content.append(buf, n);
    if (rf.content.size() > kMaxRuleFile) {
      std::fclose(f);
      return Error(ErrorCode::corrupt, fmt::format("rules file larger than {} MiB; refusing it", kMaxRuleFile >> 20),
                   Location{.file = path});
    }
  }
  bool failed = std::ferror(f);
  std::fclose(f);
  if (failed) return Error(ErrorCode::io, "cannot read rules file", Location{.file = path});
  return rf;
}

RuleFile default_rules() { return RuleFile{"<dagda default rules>", std::string(kDefaultRulesYaml)}; }

LoadResult load_rules(const std::vector<RuleFile>& files, const LoadLimits& limits) {
  LoadResult res;
  Collector col;
  for (const auto& f : files) {
    if (f.content.size() > kMaxRuleFile) {
      col.error(Ctx{f.name, 0, ""}, "rules.yaml-error",
                fmt::format("rules file larger than {} MiB; refusing it", kMaxRuleFile >> 20));
      continue;
    }
    read_rules_file(f, col);
  }
  compile_collected(col, limits, res);
  res.problems = std::move(col.problems);
  return res;
}

const std::vector<const CompiledRule*>& RuleSet::candidates(EventTypeId type) const {
  return type < by_type_.size() ? by_type_[type] : none_;
}

Engine::Engine(std::shared_ptr<const RuleSet> rules, EngineOptions opts)
    : rules_(std::move(rules)), opts_(std::move(opts)), ctx_(rules_ ? rules_->slots() : 0) {
  ctx_.hostname = opts_.hostname;
  ctx_.provider = opts_.provider;
}

size_t Engine::match(const Event& e, std::vector<const CompiledRule*>& out) {
  if (!rules_) return 0;
  ctx_.begin_event();
  ctx_.evt_num = e.num ? e.num : ctx_.evt_num + 1;
  size_t n = 0;
  for (const CompiledRule* r : rules_->candidates(e.type)) {
    if (r->filter->eval(e, ctx_)) {
      out.push_back(r);
      ++n;
      if (!opts_.all_matches) break;
    }
  }
  return n;
}

Alert Engine::make_alert(const CompiledRule& r, const Event& e) {
  Alert a;
  a.time_ns = e.time_ns;
  a.rule = r.name;
  a.priority = r.priority;
  a.source = r.source;
  a.hostname = opts_.hostname;
  a.tags = r.tags;
  std::string message = r.output.format(e, ctx_);
  a.output = fmt::format("{}: {} {}", rules_->prefix().format(e, ctx_), priority_name(r.priority), message);
  rules_->prefix().fields(e, ctx_, a.output_fields);
  r.output.fields(e, ctx_, a.output_fields);
  rules_->extra_fields().fields(e, ctx_, a.output_fields);
  return a;
}

size_t Engine::process(const Event& e, std::vector<Alert>& out) {
  std::vector<const CompiledRule*> matched;
  size_t n = match(e, matched);
  for (const CompiledRule* r : matched) out.push_back(make_alert(*r, e));
  return n;
}

}  // namespace dagda::rules
