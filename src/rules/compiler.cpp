// Compiling what the Collector holds: lists expanded (nested lists included),
// macros resolved (a reference loop is an error naming the macro), exceptions
// turned into conditions, every field checked against what Dagda supports and
// what Falco knows, and each active rule compiled into a filter and an output
// format, indexed by the event types its condition allows.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <unordered_set>

#include "rules/collector.hpp"
#include "rules/event_types.hpp"
#include "rules/fields.hpp"

namespace dagda::rules {

namespace {

std::string snippet_at(std::string_view text, uint32_t pos) {
  std::string s(text.substr(std::min<size_t>(pos, text.size()), 30));
  for (auto& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return s;
}

EventTypeSet all_types() {
  EventTypeSet s;
  for (size_t i = 0; i < event_type_count() && i < kMaxEventTypes; ++i) s.set(i);
  return s;
}

}  // namespace

// Everything one rule's compilation found.
struct RuleCheck {
  std::vector<std::string> unsupported;  // fields / transformers Falco knows and Dagda does not
  bool error = false;
};

class Compiler {
 public:
  Compiler(Collector& col, const LoadLimits& lim, LoadResult& res) : col_(col), lim_(lim), res_(res) {}

  void run() {
    auto rs = std::make_shared<RuleSet>();
    set_ = rs.get();
    expand_lists();
    resolve_macros();
    compile_extras();
    std::vector<RuleInfo*> order;
    for (auto& r : col_.rules.items) order.push_back(&r);
    std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->index < b->index; });
    for (RuleInfo* r : order) compile_rule(*r);
    build_index();
    set_->slots_ = extractors_.size();
    res_.lists = col_.lists.items.size();
    res_.macros = col_.macros.items.size();
    res_.ruleset = std::move(rs);
  }

 private:
  // ---------- problems ----------

  void problem(Severity sev, const Ctx& c, const std::string& code, const std::string& msg) {
    std::string key = fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}", c.file, c.line, c.item, code, msg);
    if (!seen_.insert(key).second) return;
    col_.problems.push_back(Problem{sev, code, msg, c.file, c.line, c.item});
  }

  // Where a node of a rule's condition was written: the rule, or the macro it came from.
  Ctx where(const Expr& e, const Ctx& rule_cond) const {
    if (e.origin >= 0) return macro_by_index_.at(e.origin)->cond_ctx;
    return rule_cond;
  }
  std::string origin_note(const Expr& e) const {
    if (e.origin < 0) return "";
    return fmt::format(" (in macro '{}')", macro_by_index_.at(e.origin)->name);
  }

  // ---------- lists ----------

  void expand_lists() {
    for (auto& l : col_.lists.items) {
      std::vector<std::string> path;
      expand_list(l, path);
    }
  }

  // The items of `l` with the lists it names (defined before it) expanded, recursively.
  const std::vector<std::string>* expand_list(const ListInfo& l, std::vector<std::string>& path) {
    if (auto it = lists_.find(l.name); it != lists_.end()) return &it->second;
    if (std::find(path.begin(), path.end(), l.name) != path.end()) {
      std::string chain;
      for (const auto& p : path) chain += p + " -> ";
      problem(Severity::error, l.ctx, "rules.list-loop",
              fmt::format("lists refer to each other in a loop: {}{}", chain, l.name));
      broken_lists_.insert(l.name);
      return nullptr;
    }
    path.push_back(l.name);
    std::vector<std::string> out;
    bool ok = true;
    for (const auto& item : l.items) {
      const ListInfo* ref = col_.lists.find(item);
      if (ref && ref != &l && ref->index < l.visibility) {
        const auto* sub = expand_list(*ref, path);
        if (!sub) {
          ok = false;
          break;
        }
        out.insert(out.end(), sub->begin(), sub->end());
      } else {
        out.push_back(item);
      }
      if (out.size() > lim_.max_list_items) {
        problem(Severity::error, l.ctx, "rules.too-large",
                fmt::format("the list expands to more than {} items", lim_.max_list_items));
        ok = false;
        break;
      }
    }
    path.pop_back();
    if (!ok) {
      broken_lists_.insert(l.name);
      return nullptr;
    }
    return &(lists_[l.name] = std::move(out));
  }

  // ---------- macros ----------

  void resolve_macros() {
    std::vector<MacroInfo*> order;
    for (auto& m : col_.macros.items) {
      order.push_back(&m);
      macro_by_index_[static_cast<int32_t>(m.index)] = &m;
    }
    std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->index < b->index; });
    for (MacroInfo* m : order) {
      ParseError pe;
      auto ast = parse_condition(m->cond, pe, lim_.max_depth);
      if (!ast) {
        problem(Severity::error, m->cond_ctx, "rules.syntax-error",
                fmt::format("condition: {} at offset {} ('{}')", pe.message, pe.pos, snippet_at(m->cond, pe.pos)));
        broken_macros_.insert(m->name);
        continue;
      }
      set_origin(*ast, static_cast<int32_t>(m->index));
      std::vector<std::string>& refs = macro_refs_[m->name];
      collect_refs(*ast, refs);
      raw_macros_[m->name] = std::move(ast);
    }
    // Every macro's references must name macros defined before it, without loops
    // (checked on the reference graph, so a long chain costs no expansion).
    for (MacroInfo* m : order) check_macro(*m);
  }

  static void collect_refs(const Expr& e, std::vector<std::string>& out) {
    if (e.kind == Expr::Kind::macro_ref && std::find(out.begin(), out.end(), e.name) == out.end())
      out.push_back(e.name);
    for (const auto& c : e.children) collect_refs(*c, out);
  }

  // Depth-first over the reference graph, with an explicit stack.
  void check_macro(const MacroInfo& root) {
    enum : uint8_t { kNew, kOpen, kDone };
    struct Frame {
      const MacroInfo* m;
      size_t next = 0;
    };
    if (macro_state_[root.name] == kDone) return;
    std::vector<Frame> stack{{&root}};
    macro_state_[root.name] = kOpen;
    while (!stack.empty()) {
      Frame& f = stack.back();
      const auto& refs = macro_refs_[f.m->name];
      if (broken_macros_.count(f.m->name) || f.next >= refs.size()) {
        macro_state_[f.m->name] = kDone;
        std::string name = f.m->name;
        bool broken = broken_macros_.count(name) != 0;
        stack.pop_back();
        if (broken && !stack.empty()) broken_macros_.insert(stack.back().m->name);
        continue;
      }
      const std::string& ref = refs[f.next++];
      const MacroInfo* x = col_.macros.find(ref);
      if (!x || x->index >= f.m->visibility) {
        problem(Severity::error, f.m->cond_ctx, "rules.undefined-macro",
                x ? fmt::format("macro '{}' is defined after this macro and cannot be used here", ref)
                  : fmt::format("undefined macro '{}'", ref));
        broken_macros_.insert(f.m->name);
        continue;
      }
      uint8_t st = macro_state_[ref];
      if (st == kOpen) {
        std::string chain;
        bool on = false;
        for (const auto& fr : stack) {
          if (fr.m->name == ref) on = true;
          if (on) chain += fr.m->name + " -> ";
        }
        problem(Severity::error, x->cond_ctx, "rules.macro-loop",
                fmt::format("macros refer to each other in a loop: {}{}", chain, ref));
        for (const auto& fr : stack) broken_macros_.insert(fr.m->name);
        continue;
      }
      if (st == kDone) {
        if (broken_macros_.count(ref)) broken_macros_.insert(f.m->name);
        continue;
      }
      macro_state_[ref] = kOpen;
      stack.push_back(Frame{x});
    }
  }

  static void set_origin(Expr& e, int32_t origin) {
    if (e.origin < 0) e.origin = origin;
    for (auto& c : e.children) set_origin(*c, origin);
  }

  // Replaces macro references in `e` by the macros' conditions, each macro's own
  // references resolved against the macros visible to it. Bounded in nodes and depth.
  bool substitute(std::unique_ptr<Expr>& e, uint32_t visibility, std::vector<std::string>& path, uint64_t& budget,
                  std::string& err, std::string& code, Ctx& at, uint32_t depth = 0) {
    if (depth > lim_.max_expanded_depth) {
      err = fmt::format("the condition nests more than {} levels deep once its macros are expanded",
                        lim_.max_expanded_depth);
      code = "rules.too-large";
      return false;
    }
    if (budget == 0) {
      err = fmt::format("the condition is larger than {} nodes once its macros are expanded", lim_.max_nodes);
      code = "rules.too-large";
      return false;
    }
    --budget;
    if (e->kind == Expr::Kind::macro_ref) {
      const std::string name = e->name;
      const MacroInfo* m = col_.macros.find(name);
      if (!m || m->index >= visibility) {
        err = fmt::format("undefined macro '{}'{}", name, origin_note(*e));
        code = "rules.undefined-macro";
        if (e->origin >= 0) at = macro_by_index_.at(e->origin)->cond_ctx;
        return false;
      }
      if (broken_macros_.count(name)) {
        err = fmt::format("uses macro '{}', which has errors", name);
        code = "rules.undefined-macro";
        return false;
      }
      if (std::find(path.begin(), path.end(), name) != path.end()) {
        std::string chain;
        for (const auto& p : path) chain += p + " -> ";
        err = fmt::format("macros refer to each other in a loop: {}{}", chain, name);
        code = "rules.macro-loop";
        at = m->cond_ctx;
        return false;
      }
      e = raw_macros_.at(name)->clone();
      path.push_back(name);
      bool ok = substitute(e, m->visibility, path, budget, err, code, at, depth + 1);
      path.pop_back();
      return ok;
    }
    for (auto& c : e->children)
      if (!substitute(c, visibility, path, budget, err, code, at, depth + 1)) return false;
    return true;
  }

  // ---------- fields ----------

  // Resolves an operand for `source`; for the syscall source also builds its extractor.
  // `unsupported` collects names Falco knows that Dagda does not; errors go to `err`.
  std::shared_ptr<const Extractor> operand(const Operand& o, const std::string& source, RuleCheck& rc,
                                           std::string& err) {
    if (o.kind == Operand::Kind::transformer) {
      static const std::set<std::string> ours{"tolower", "toupper", "b64", "basename", "len", "val"};
      if (!ours.count(o.name)) {
        rc.unsupported.push_back(o.name + "()");
        for (const auto& a : o.args)
          if (a.kind == Operand::Kind::field || a.kind == Operand::Kind::transformer) operand(a, source, rc, err);
        return nullptr;
      }
      if (o.args.size() != 1 || (o.args[0].kind != Operand::Kind::field && o.args[0].kind != Operand::Kind::transformer)) {
        err = fmt::format("{}() takes one field", o.name);
        return nullptr;
      }
      if (o.arg) {
        err = fmt::format("{}() takes no [argument]", o.name);
        return nullptr;
      }
      auto inner = operand(o.args[0], source, rc, err);
      if (!inner) return nullptr;
      if (auto* fi = dynamic_cast<const FieldExtractor*>(inner.get()); fi && field_info(fi->id).no_transformer) {
        err = fmt::format("field '{}' cannot be used inside {}()", field_info(fi->id).name, o.name);
        return nullptr;
      }
      auto t = std::make_shared<TransformExtractor>();
      static const std::map<std::string, TransformExtractor::Fn> fns{
          {"tolower", TransformExtractor::Fn::tolower}, {"toupper", TransformExtractor::Fn::toupper},
          {"b64", TransformExtractor::Fn::b64},         {"basename", TransformExtractor::Fn::basename},
          {"len", TransformExtractor::Fn::len},         {"val", TransformExtractor::Fn::val}};
      t->fn = fns.at(o.name);
      if (t->fn != TransformExtractor::Fn::val && inner->type != FieldType::string) {
        err = fmt::format("{}() applies to string fields, not to '{}' ({})", o.name, inner->text,
                          field_type_name(inner->type));
        return nullptr;
      }
      t->type = t->fn == TransformExtractor::Fn::len ? FieldType::uint64 : inner->type;
      t->any = inner->any;
      t->inner = std::move(inner);
      t->text = o.str();
      return intern(std::move(t));
    }
    if (o.kind != Operand::Kind::field) {
      err = "expected a field";
      return nullptr;
    }
    // evt.arg.NAME / evt.rawarg.NAME: the field with a key.
    std::string name = o.name;
    std::optional<std::string> arg = o.arg;
    bool dotted_arg = false;
    for (std::string_view base : {"evt.arg.", "evt.rawarg."}) {
      if (name.size() > base.size() && name.compare(0, base.size(), base) == 0) {
        if (arg) {
          err = fmt::format("field '{}' has both a .name and an [argument]", name);
          return nullptr;
        }
        arg = name.substr(base.size());
        name = std::string(base.substr(0, base.size() - 1));
        dotted_arg = true;
      }
    }
    if (source != "syscall") {
      bool known_source = false;
      const FalcoField* ff = falco_field(source, name, &known_source);
      if (!ff && known_source) {
        err = fmt::format("unknown field '{}' for event source '{}'", o.name, source);
      } else if (ff) {
        if (ff->arg == 2 && !arg) err = fmt::format("field '{}' needs an [argument]", name);
        if (ff->arg == 0 && arg && !dotted_arg) err = fmt::format("field '{}' takes no [argument]", name);
      }
      return nullptr;
    }
    const FieldInfo* fi = find_supported_field(name);
    if (!fi) {
      const FalcoField* ff = falco_field("syscall", name);
      if (ff) {
        if (ff->arg == 2 && !arg) {
          err = fmt::format("field '{}' needs an [argument]", name);
          return nullptr;
        }
        if (ff->arg == 0 && arg) {
          err = fmt::format("field '{}' takes no [argument]", name);
          return nullptr;
        }
        rc.unsupported.push_back(std::string(ff->name));
        unsupported_reasons_[std::string(ff->name)] = unsupported_reason(*ff);
        return nullptr;
      }
      err = fmt::format("unknown field '{}'", o.name);
      return nullptr;
    }
    if (fi->arg_required && !arg) {
      err = fmt::format("field '{}' needs an [argument]", name);
      return nullptr;
    }
    if (arg && fi->arg == ArgKind::none) {
      // Falco allows an argument on some fields Dagda reads without one.
      const FalcoField* ff = falco_field("syscall", name);
      if (ff && ff->arg != 0) {
        rc.unsupported.push_back(fmt::format("{}[...]", name));
        unsupported_reasons_[fmt::format("{}[...]", name)] = "this field's argument form is not implemented in Dagda yet";
      } else {
        err = fmt::format("field '{}' takes no [argument]", name);
      }
      return nullptr;
    }
    auto f = std::make_shared<FieldExtractor>();
    f->id = fi->id;
    f->type = fi->type;
    f->any = fi->any;
    if (arg) {
      bool digits = !arg->empty() && std::all_of(arg->begin(), arg->end(), [](char c) { return c >= '0' && c <= '9'; });
      if (fi->arg == ArgKind::index || (fi->arg == ArgKind::index_or_key && digits && !dotted_arg)) {
        if (!digits || arg->size() > 9) {
          err = fmt::format("field '{}' needs a number as its argument, not '{}'", name, *arg);
          return nullptr;
        }
        f->index = std::stoll(*arg);
        f->any = false;
      } else {
        f->key = *arg;
        f->has_key = true;
        if ((fi->id == FieldId::evt_arg || fi->id == FieldId::evt_rawarg) && !is_event_arg_name(*arg)) {
          err = fmt::format("unknown event argument '{}' (no Falco event has an argument of that name)", *arg);
          return nullptr;
        }
      }
    }
    f->text = fi->name;
    if (arg) f->text = dotted_arg ? fmt::format("{}.{}", fi->name, *arg) : fmt::format("{}[{}]", fi->name, *arg);
    return intern(std::move(f));
  }

  std::shared_ptr<const Extractor> intern(std::shared_ptr<Extractor> e) {
    auto [it, added] = extractors_.try_emplace(e->text, e);
    if (added) it->second->slot = static_cast<uint32_t>(extractors_.size() - 1);
    return it->second;
  }

  // ---------- conditions ----------

  // List names in list positions become their items (all lists are visible to conditions).
  bool expand_values(Expr& e, const Ctx& cond_ctx, uint64_t& items) {
    if (e.kind == Expr::Kind::check && (e.rhs == Expr::Rhs::list || e.rhs == Expr::Rhs::value)) {
      std::vector<Value> out;
      bool list_pos = e.rhs == Expr::Rhs::list;
      for (auto& v : e.values) {
        auto it = v.quoted ? lists_.end() : lists_.find(v.text);
        if (!v.quoted && broken_lists_.count(v.text)) {
          problem(Severity::error, where(e, cond_ctx), "rules.list-loop",
                  fmt::format("uses list '{}', which has errors{}", v.text, origin_note(e)));
          return false;
        }
        if (it == lists_.end()) {
          out.push_back(std::move(v));
          continue;
        }
        if (!list_pos && it->second.size() != 1) {
          problem(Severity::error, where(e, cond_ctx), "rules.syntax-error",
                  fmt::format("list '{}' ({} items) is used where one value is expected, after '{}'{}", v.text,
                              it->second.size(), op_name(e.op), origin_note(e)));
          return false;
        }
        for (const auto& item : it->second) {
          Value iv = list_item_value(item);
          iv.pos = v.pos;
          out.push_back(std::move(iv));
        }
        items += it->second.size();
        if (items > lim_.max_list_items) {
          problem(Severity::error, where(e, cond_ctx), "rules.too-large",
                  fmt::format("the condition's lists hold more than {} items", lim_.max_list_items));
          return false;
        }
      }
      e.values = std::move(out);
    }
    for (auto& c : e.children)
      if (!expand_values(*c, cond_ctx, items)) return false;
    return true;
  }

  // The event types a condition can match (Falco's evttype analysis): evt.type checks
  // restrict, `and` intersects, `or` unites, `not` complements through De Morgan.
  EventTypeSet evttypes(const Expr& e, bool inverted) {
    switch (e.kind) {
      case Expr::Kind::and_:
      case Expr::Kind::or_: {
        bool inter = (e.kind == Expr::Kind::and_) != inverted;
        EventTypeSet acc = inter ? all_ : EventTypeSet{};
        for (const auto& c : e.children) {
          EventTypeSet s = evttypes(*c, inverted);
          acc = inter ? (acc & s) : (acc | s);
        }
        return acc;
      }
      case Expr::Kind::not_: return evttypes(*e.children[0], !inverted);
      case Expr::Kind::macro_ref: return all_;
      case Expr::Kind::check: break;
    }
    if (e.lhs.kind != Operand::Kind::field || e.lhs.name != "evt.type" || e.lhs.arg || e.rhs_operand.kind ==
        Operand::Kind::transformer || e.rhs == Expr::Rhs::operand || e.mod != OpMod::none)
      return all_;
    EventTypeSet s;
    if (e.op == Op::eq || e.op == Op::in || e.op == Op::intersects) {
      for (const auto& v : e.values)
        if (auto id = event_type_id(v.text); id && *id < kMaxEventTypes) s.set(*id);
    } else if (e.op == Op::ne) {
      s = all_;
      for (const auto& v : e.values)
        if (auto id = event_type_id(v.text); id && *id < kMaxEventTypes) s.reset(*id);
    } else {
      return all_;
    }
    return inverted ? (all_ & ~s) : s;
  }

  NodePtr compile(const Expr& e, const std::string& source, const Ctx& cond_ctx, RuleCheck& rc) {
    switch (e.kind) {
      case Expr::Kind::and_:
      case Expr::Kind::or_: {
        // Every child is compiled even after one fails, so that every problem is reported.
        std::vector<NodePtr> kids;
        bool failed = false;
        for (const auto& c : e.children) {
          auto n = compile(*c, source, cond_ctx, rc);
          if (!n) failed = true;
          else kids.push_back(std::move(n));
        }
        if (failed) return nullptr;
        if (e.kind == Expr::Kind::and_) {
          auto a = std::make_unique<AndNode>();
          a->kids = std::move(kids);
          return a;
        }
        auto o = std::make_unique<OrNode>();
        o->kids = std::move(kids);
        return o;
      }
      case Expr::Kind::not_: {
        auto k = compile(*e.children[0], source, cond_ctx, rc);
        if (!k) return nullptr;
        auto n = std::make_unique<NotNode>();
        n->kid = std::move(k);
        return n;
      }
      case Expr::Kind::macro_ref:
        rc.error = true;  // cannot happen after substitution
        return nullptr;
      case Expr::Kind::check: break;
    }
    auto bad = [&](const std::string& code, const std::string& msg) -> NodePtr {
      problem(Severity::error, where(e, cond_ctx), code, msg + origin_note(e));
      rc.error = true;
      return nullptr;
    };
    std::string err;
    size_t unsupported_before = rc.unsupported.size();
    auto lhs = operand(e.lhs, source, rc, err);
    if (!err.empty()) return bad(err.rfind("unknown", 0) == 0 ? "rules.unknown-field" : "rules.syntax-error", err);
    std::shared_ptr<const Extractor> rhs;
    if (e.rhs == Expr::Rhs::operand) {
      rhs = operand(e.rhs_operand, source, rc, err);
      if (!err.empty()) return bad(err.rfind("unknown", 0) == 0 ? "rules.unknown-field" : "rules.syntax-error", err);
    }
    if (!lhs || (e.rhs == Expr::Rhs::operand && !rhs)) {
      // Another source, or something unsupported: checked, not compiled.
      if (source == "syscall" && rc.unsupported.size() == unsupported_before) rc.error = true;
      return nullptr;
    }
    std::string why;
    if (!op_allowed(lhs->type, e.op, &why)) return bad("rules.bad-operator", fmt::format("'{}': {}", lhs->text, why));
    if (e.op == Op::exists) {
      auto c = std::make_unique<CheckNode>();
      c->lhs = lhs;
      c->op = e.op;
      return c;
    }
    if (rhs) {
      auto kind = [](FieldType t) {
        switch (t) {
          case FieldType::string: return 0;
          case FieldType::ipaddr:
          case FieldType::ipnet: return 2;
          case FieldType::dyn: return 3;
          default: return 1;
        }
      };
      if (kind(lhs->type) != kind(rhs->type) && kind(lhs->type) != 3 && kind(rhs->type) != 3)
        return bad("rules.bad-operator", fmt::format("'{}' ({}) cannot be compared with '{}' ({})", lhs->text,
                                                    field_type_name(lhs->type), rhs->text, field_type_name(rhs->type)));
      auto c = std::make_unique<CheckNode>();
      c->lhs = lhs;
      c->op = e.op;
      c->rhs_field = rhs;
      return c;
    }
    std::vector<std::string> values;
    values.reserve(e.values.size());
    for (const auto& v : e.values) values.push_back(v.text);
    // evt.type against names: a bit test.
    auto* fe = dynamic_cast<const FieldExtractor*>(lhs.get());
    if (fe && fe->id == FieldId::evt_type) {
      EventTypeSet s;
      for (const auto& v : values) {
        auto id = event_type_id(v);
        if (!id) return bad("rules.unknown-event-type", fmt::format("unknown event type '{}'", v));
        if (*id < kMaxEventTypes) s.set(*id);
      }
      bool set_op = e.mod == OpMod::none && (e.op == Op::eq || e.op == Op::in || e.op == Op::intersects);
      if (set_op || (e.op == Op::ne && e.mod == OpMod::none)) {
        auto n = std::make_unique<EventTypeNode>();
        n->set = e.op == Op::ne ? (all_ & ~s) : s;
        return n;
      }
    }
    auto m = make_matcher(lhs->type, e.op, e.mod, values);
    if (!m.ok()) return bad("rules.bad-value", fmt::format("'{}' {}: {}", lhs->text, op_name(e.op), m.error().message()));
    auto c = std::make_unique<CheckNode>();
    c->lhs = lhs;
    c->op = e.op;
    c->matcher = std::move(*m);
    return c;
  }

  // ---------- exceptions ----------

  // Falco's exceptions as conditions: "(cond) and not (ex1) and not (ex2)".
  std::unique_ptr<Expr> exception_expr(const ExceptionInfo& ex, const RuleInfo& r, bool& ok) {
    auto field = [&](const std::string& text) -> std::optional<Operand> {
      auto p = parse_output_operand(text);
      if (!p || p->second != text.size()) {
        problem(Severity::error, ex.ctx, "rules.syntax-error",
                fmt::format("exception '{}': '{}' is not a field", ex.name, text));
        ok = false;
        return std::nullopt;
      }
      return p->first;
    };
    auto parse_op = [](const std::string& s, Op& op, OpMod& mod) {
      static const std::map<std::string, Op> ops{
          {"=", Op::eq},           {"==", Op::eq},         {"!=", Op::ne},         {"<", Op::lt},
          {"<=", Op::le},          {">", Op::gt},          {">=", Op::ge},         {"contains", Op::contains},
          {"icontains", Op::icontains}, {"bcontains", Op::bcontains}, {"startswith", Op::startswith},
          {"bstartswith", Op::bstartswith}, {"endswith", Op::endswith}, {"glob", Op::glob},
          {"iglob", Op::iglob},    {"regex", Op::regex},   {"in", Op::in},         {"intersects", Op::intersects},
          {"pmatch", Op::pmatch},  {"exists", Op::exists}};
      size_t sp = s.find(' ');
      std::string base = s.substr(0, sp);
      mod = OpMod::none;
      if (sp != std::string::npos) {
        std::string m = s.substr(s.find_first_not_of(' ', sp));
        mod = m == "oneof" ? OpMod::oneof : m == "anyof" ? OpMod::anyof : OpMod::allof;
      }
      op = ops.at(base);
    };
    auto check = [&](const Operand& f, const std::string& comp, std::vector<Value> vals, bool list) {
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::check;
      e->lhs = f;
      parse_op(comp, e->op, e->mod);
      e->rhs = list ? Expr::Rhs::list : Expr::Rhs::value;
      e->values = std::move(vals);
      return e;
    };
    auto item_values = [](const ExEntry& en) {
      std::vector<Value> vs;
      if (en.is_list)
        for (const auto& i : en.items) vs.push_back(list_item_value(i.item));
      else
        vs.push_back(list_item_value(en.item));
      return vs;
    };
    (void)r;
    if (!ex.fields.is_list) {
      auto f = field(ex.fields.item);
      if (!f) return nullptr;
      std::vector<Value> vals;
      for (const auto& v : ex.values) {
        if (v.is_list) {
          problem(Severity::error, ex.ctx, "rules.invalid-item",
                  fmt::format("exception '{}': with a single field, each value must be a string", ex.name));
          ok = false;
          return nullptr;
        }
        vals.push_back(list_item_value(v.item));
      }
      if (vals.empty()) return nullptr;
      return check(*f, ex.comps.item, std::move(vals), true);
    }
    std::vector<Operand> fields;
    for (const auto& fi : ex.fields.items) {
      auto f = field(fi.item);
      if (!f) return nullptr;
      fields.push_back(*f);
    }
    auto any = std::make_unique<Expr>();
    any->kind = Expr::Kind::or_;
    for (const auto& tuple : ex.values) {
      if (!tuple.is_list || tuple.items.size() != fields.size()) {
        problem(Severity::error, ex.ctx, "rules.invalid-item",
                fmt::format("exception '{}': each value must be a list of {} items, one per field", ex.name,
                            fields.size()));
        ok = false;
        return nullptr;
      }
      auto all = std::make_unique<Expr>();
      all->kind = Expr::Kind::and_;
      for (size_t k = 0; k < fields.size(); ++k) {
        const std::string& comp = ex.comps.items[k].item;
        Op op;
        OpMod mod;
        parse_op(comp, op, mod);
        bool list = is_list_op(op) || mod != OpMod::none;
        all->children.push_back(check(fields[k], comp, item_values(tuple.items[k]), list || tuple.items[k].is_list));
      }
      if (all->children.size() == 1) any->children.push_back(std::move(all->children[0]));
      else any->children.push_back(std::move(all));
    }
    if (any->children.empty()) return nullptr;
    if (any->children.size() == 1) return std::move(any->children[0]);
    return any;
  }

  // ---------- outputs ----------

  bool compile_output(const std::string& fmt_in, const std::string& source, const Ctx& ctx, RuleCheck& rc,
                      OutputFormat& out, bool quiet_unsupported = false) {
    std::string fmt = fmt_in;
    if (size_t p = fmt.find("%container.info"); p != std::string::npos) {
      problem(Severity::warning, ctx, "rules.deprecated",
              "%container.info is deprecated; Dagda adds container_id and container_name to every alert");
      while ((p = fmt.find("%container.info")) != std::string::npos) fmt.erase(p, 15);
    }
    if (!fmt.empty() && fmt[0] == '*') fmt.erase(0, 1);
    std::string lit;
    size_t i = 0;
    while (i < fmt.size()) {
      if (fmt[i] != '%') {
        lit += fmt[i++];
        continue;
      }
      if (i + 1 >= fmt.size()) {
        problem(Severity::error, ctx, "rules.output-error", "the output ends with a '%'");
        rc.error = true;
        return false;
      }
      ++i;
      uint32_t width = 0;
      while (i < fmt.size() && fmt[i] >= '0' && fmt[i] <= '9' && width < 100000) width = width * 10 + static_cast<uint32_t>(fmt[i++] - '0');
      auto op = parse_output_operand(std::string_view(fmt).substr(i));
      if (!op) {
        problem(Severity::error, ctx, "rules.output-error",
                fmt::format("'%{}' in the output is not a field", snippet_at(fmt, static_cast<uint32_t>(i))));
        rc.error = true;
        return false;
      }
      if (!lit.empty()) {
        out.tokens.push_back(OutputToken{lit});
        lit.clear();
      }
      OutputToken t;
      t.width = width;
      t.key = op->first.str();
      t.transformed = op->first.kind == Operand::Kind::transformer;
      std::string err;
      RuleCheck local;
      auto ex = operand(op->first, source, local, err);
      if (!err.empty()) {
        problem(Severity::error, ctx, err.rfind("unknown", 0) == 0 ? "rules.unknown-field" : "rules.output-error",
                "output: " + err);
        rc.error = true;
        return false;
      }
      if (ex && dynamic_cast<const FieldExtractor*>(ex.get()) &&
          field_info(static_cast<const FieldExtractor*>(ex.get())->id).filter_only) {
        problem(Severity::error, ctx, "rules.output-error",
                fmt::format("output: field '{}' can be used in conditions only", ex->text));
        rc.error = true;
        return false;
      }
      if (!ex) {
        t.unsupported = true;
        if (source == "syscall" && !quiet_unsupported)
          for (const auto& u : local.unsupported)
            problem(Severity::warning, ctx, "rules.unsupported-output-field",
                    fmt::format("output field '{}' is known to Falco but not supported by Dagda ({}); it prints <NA>",
                                u, unsupported_reasons_.count(u) ? unsupported_reasons_[u] : "not implemented"));
      }
      t.field = std::move(ex);
      out.tokens.push_back(std::move(t));
      i += op->second;
    }
    if (!lit.empty()) out.tokens.push_back(OutputToken{lit});
    return true;
  }

  void compile_extras() {
    all_ = all_types();
    RuleCheck rc;
    Ctx ctx{"<dagda>", 0, ""};
    compile_output(
        "%container.id %container.name %container.image.repository %dagda.pkg %dagda.pkg.vulns %dagda.pkg.kev "
        "%dagda.drift",
        "syscall", ctx, rc, set_->extra_);
    compile_output("%evt.time.iso8601", "syscall", ctx, rc, set_->prefix_);
    RuleCheck rc2;
    compile_output(" container_id=%container.id container_name=%container.name", "syscall", ctx, rc2, suffix_);
  }

  // ---------- rules ----------

  void compile_rule(RuleInfo& r) {
    RuleStatus st;
    st.name = r.name;
    st.file = r.ctx.file;
    st.line = r.ctx.line;
    st.source = r.source;
    st.priority = r.priority;
    st.tags.assign(r.tags.begin(), r.tags.end());
    st.enabled = r.enabled;
    auto finish = [&](std::string reason) {
      st.reason = std::move(reason);
      res_.rules.push_back(std::move(st));
    };
    if (r.unknown_source) return finish(fmt::format("unknown event source '{}'", r.source));

    ParseError pe;
    auto ast = parse_condition(r.cond, pe, lim_.max_depth);
    if (!ast) {
      problem(Severity::error, r.cond_ctx, "rules.syntax-error",
              fmt::format("condition: {} at offset {} ('{}')", pe.message, pe.pos, snippet_at(r.cond, pe.pos)));
      return finish("its condition does not parse");
    }
    bool ex_ok = true;
    if (!r.exceptions.empty()) {
      auto top = std::make_unique<Expr>();
      top->kind = Expr::Kind::and_;
      top->children.push_back(std::move(ast));
      for (const auto& ex : r.exceptions) {
        auto e = exception_expr(ex, r, ex_ok);
        if (!e) continue;
        auto n = std::make_unique<Expr>();
        n->kind = Expr::Kind::not_;
        n->children.push_back(std::move(e));
        top->children.push_back(std::move(n));
      }
      ast = std::move(top);
    }
    if (!ex_ok) return finish("an exception does not compile");
    std::vector<std::string> path;
    uint64_t budget = lim_.max_nodes;
    std::string err, code;
    Ctx at = r.cond_ctx;
    if (!substitute(ast, UINT32_MAX, path, budget, err, code, at)) {
      problem(Severity::error, at.item.empty() || at.item == r.cond_ctx.item ? r.cond_ctx : at, code,
              at.item == r.cond_ctx.item ? err : fmt::format("{} (used by rule '{}')", err, r.name));
      return finish("its macros do not resolve");
    }
    total_nodes_ += lim_.max_nodes - budget;
    if (total_nodes_ > lim_.max_total_nodes) {
      if (total_exceeded_) return finish("the load is too large");
      total_exceeded_ = true;
      problem(Severity::error, r.cond_ctx, "rules.too-large",
              fmt::format("the rules' conditions hold more than {} nodes in all once macros are expanded; the rest "
                          "are not compiled",
                          lim_.max_total_nodes));
      return finish("the load is too large");
    }
    uint64_t items = 0;
    if (!expand_values(*ast, r.cond_ctx, items)) return finish("a list it uses has errors");

    RuleCheck rc;
    NodePtr filter = compile(*ast, r.source, r.cond_ctx, rc);
    OutputFormat output;
    compile_output(r.output, r.source, r.output_ctx, rc, output);
    if (rc.error) return finish("it has errors");

    std::sort(rc.unsupported.begin(), rc.unsupported.end());
    rc.unsupported.erase(std::unique(rc.unsupported.begin(), rc.unsupported.end()), rc.unsupported.end());
    st.unsupported = rc.unsupported;
    if (r.source != "syscall") {
      std::string plugin(source_plugin(r.source));
      st.unsupported.push_back("source " + r.source);
      problem(Severity::warning, r.ctx, "rules.unsupported-source",
              fmt::format("disabled: its events come from Falco's {} plugin (source '{}'), which Dagda does not run",
                          plugin, r.source));
      return finish(fmt::format("source '{}' (Falco plugin {}) is not supported", r.source, plugin));
    }
    if (!rc.unsupported.empty()) {
      std::string list;
      for (const auto& u : rc.unsupported) {
        if (!list.empty()) list += "; ";
        list += fmt::format("{}: {}", u, unsupported_reasons_.count(u) ? unsupported_reasons_[u]
                                                                        : std::string("not implemented in Dagda yet"));
      }
      bool is_transformer = std::all_of(rc.unsupported.begin(), rc.unsupported.end(),
                                        [](const std::string& u) { return u.size() > 2 && u.substr(u.size() - 2) == "()"; });
      problem(Severity::warning, r.cond_ctx, is_transformer ? "rules.unsupported-transformer" : "rules.unsupported-field",
              fmt::format("disabled: uses what Falco knows but Dagda does not support yet: {}", list));
      return finish("uses fields Dagda does not support yet");
    }
    EventTypeSet types = evttypes(*ast, false);
    st.event_types = types.count();
    if (types.count() > 100 && r.warn_evttypes)
      problem(Severity::warning, r.ctx, "rules.too-many-event-types",
              fmt::format("the condition does not restrict evt.type ({} event types): it is evaluated on every event",
                          types.count()));
    if (!r.enabled) return finish("disabled in the rules file");

    bool has_container_id = r.output.find("%container.id") != std::string::npos;
    auto rule = std::make_unique<CompiledRule>();
    rule->name = r.name;
    rule->priority = r.priority;
    rule->tags = st.tags;
    rule->source = r.source;
    rule->filter = std::move(filter);
    rule->output = std::move(output);
    if (!has_container_id)
      for (const auto& t : suffix_.tokens) rule->output.tokens.push_back(t);
    rule->order = r.index;
    types_.push_back(types);
    set_->rules_.push_back(std::move(rule));
    st.active = true;
    finish("");
  }

  void build_index() {
    size_t n = std::min(event_type_count(), kMaxEventTypes);
    set_->by_type_.assign(n, {});
    for (size_t i = 0; i < set_->rules_.size(); ++i)
      for (size_t t = 0; t < n; ++t)
        if (types_[i].test(t)) set_->by_type_[t].push_back(set_->rules_[i].get());
  }

  Collector& col_;
  const LoadLimits& lim_;
  LoadResult& res_;
  RuleSet* set_ = nullptr;
  EventTypeSet all_;
  std::unordered_set<std::string> seen_;
  std::unordered_map<std::string, std::vector<std::string>> lists_;
  std::unordered_set<std::string> broken_lists_, broken_macros_;
  std::unordered_map<std::string, std::unique_ptr<Expr>> raw_macros_;
  std::unordered_map<std::string, std::vector<std::string>> macro_refs_;
  std::unordered_map<std::string, uint8_t> macro_state_;
  std::unordered_map<int32_t, const MacroInfo*> macro_by_index_;
  uint64_t total_nodes_ = 0;
  bool total_exceeded_ = false;
  std::unordered_map<std::string, std::shared_ptr<Extractor>> extractors_;
  std::map<std::string, std::string> unsupported_reasons_;
  std::vector<EventTypeSet> types_;
  OutputFormat suffix_;
};

void compile_collected(Collector& col, const LoadLimits& lim, LoadResult& res) {
  Compiler c(col, lim, res);
  c.run();
}

}  // namespace dagda::rules
