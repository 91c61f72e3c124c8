// rules/filter.hpp: a compiled condition. Conditions are compiled once into a
// tree of Nodes; each check holds an Extractor (a field, maybe transformed)
// and a Matcher built from its right-hand side (sets, prefix trees, regexes),
// so evaluating an event parses nothing. Extracted values are cached per event
// in the EvalContext, so a field read by many rules is computed once.
#pragma once

#include <bitset>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/ast.hpp"
#include "rules/event.hpp"
#include "rules/fields.hpp"

namespace re2 {
class RE2;
}

namespace dagda::rules {

// What the scan of a container's image says about the executable of an event's
// process (Dagda's own fields). A provider fills what it knows; unset stays <NA>.
struct DagdaFacts {
  std::optional<std::string> pkg;   // name@version of the package owning proc.exepath
  std::optional<uint64_t> vulns;    // its known vulnerabilities
  std::optional<bool> kev;          // one of them is in CISA's KEV catalog
  std::optional<bool> drift;        // proc.exepath is not in the image
};
using DagdaProvider = std::function<void(const Event&, DagdaFacts&)>;

constexpr size_t kMaxEventTypes = 512;
using EventTypeSet = std::bitset<kMaxEventTypes>;

// One extracted value. Strings point into the event or into the cache slot.
struct Val {
  enum class Kind : uint8_t { str, num, ip };
  Kind kind = Kind::str;
  std::string_view s;
  int64_t i = 0;
  const IpAddr* ip = nullptr;
};

struct Slot {
  uint64_t gen = 0;
  std::vector<Val> vals;
  std::deque<std::string> strs;  // a deque: growing it never moves the strings vals point into
  size_t used = 0;
  std::string& buf() {
    if (used == strs.size()) strs.emplace_back();
    std::string& s = strs[used++];
    s.clear();
    return s;
  }
};

class EvalContext;

// A field or a transformer of operands, with its result type.
class Extractor {
 public:
  virtual ~Extractor() = default;
  FieldType type = FieldType::string;
  bool any = false;  // may yield several values; a check holds when it holds for one
  uint32_t slot = 0;
  std::string text;  // as written, normalised: the output_fields key and the cache key
  // The values for this event (computed once per event).
  const std::vector<Val>& values(const Event& e, EvalContext& ctx) const;

 protected:
  virtual void compute(const Event& e, EvalContext& ctx, Slot& out) const = 0;
};

struct FieldExtractor final : Extractor {
  FieldId id{};
  std::optional<int64_t> index;  // [N]
  std::string key;               // [KEY] or .KEY
  bool has_key = false;

 protected:
  void compute(const Event& e, EvalContext& ctx, Slot& out) const override;
};

struct TransformExtractor final : Extractor {
  enum class Fn : uint8_t { tolower, toupper, b64, basename, len, val };
  Fn fn = Fn::val;
  std::shared_ptr<const Extractor> inner;

 protected:
  void compute(const Event& e, EvalContext& ctx, Slot& out) const override;
};

// Per-thread scratch: the cache slots of every extractor and the facts of the
// current event. One context per thread; the RuleSet it serves is shared.
class EvalContext {
 public:
  explicit EvalContext(size_t slots = 0) : slots_(slots) {}
  void resize(size_t slots) {
    if (slots_.size() < slots) slots_.resize(slots);
  }
  void begin_event() {
    ++gen_;
    facts_done_ = false;
  }
  Slot& slot(uint32_t i) { return slots_[i]; }
  uint64_t gen() const { return gen_; }

  std::string hostname;
  DagdaProvider provider;
  // evt.num of the current event: the event's own number, or else the count of
  // events this context has seen (from 1, as Falco's: its `never_true` macro is
  // `evt.num=0`).
  uint64_t evt_num = 0;
  const DagdaFacts& facts(const Event& e) {
    if (!facts_done_) {
      facts_ = DagdaFacts{};
      if (provider) provider(e, facts_);
      facts_done_ = true;
    }
    return facts_;
  }

 private:
  std::vector<Slot> slots_;
  uint64_t gen_ = 1;
  bool facts_done_ = false;
  DagdaFacts facts_;
};

class Node {
 public:
  virtual ~Node() = default;
  virtual bool eval(const Event& e, EvalContext& ctx) const = 0;
};

using NodePtr = std::unique_ptr<Node>;

struct AndNode final : Node {
  std::vector<NodePtr> kids;
  bool eval(const Event& e, EvalContext& ctx) const override {
    for (const auto& k : kids)
      if (!k->eval(e, ctx)) return false;
    return true;
  }
};

struct OrNode final : Node {
  std::vector<NodePtr> kids;
  bool eval(const Event& e, EvalContext& ctx) const override {
    for (const auto& k : kids)
      if (k->eval(e, ctx)) return true;
    return false;
  }
};

struct NotNode final : Node {
  NodePtr kid;
  bool eval(const Event& e, EvalContext& ctx) const override { return !kid->eval(e, ctx); }
};

// evt.type = / != / in with literal names: a bit test.
struct EventTypeNode final : Node {
  EventTypeSet set;
  bool eval(const Event& e, EvalContext&) const override { return e.type < kMaxEventTypes && set.test(e.type); }
};

// A path-prefix tree for pmatch: components, some of them globs.
class PrefixTree {
 public:
  void add(std::string_view path);
  bool match(std::string_view path) const;

 private:
  struct Dir;
  std::shared_ptr<Dir> root_;
};

// Tests one extracted value against a check's right-hand side.
class Matcher {
 public:
  virtual ~Matcher() = default;
  virtual bool match(const Val& v) const = 0;
};

struct CheckNode final : Node {
  std::shared_ptr<const Extractor> lhs;
  Op op = Op::eq;
  std::unique_ptr<Matcher> matcher;            // literal right-hand side
  std::shared_ptr<const Extractor> rhs_field;  // val(field) / transformer right-hand side
  bool eval(const Event& e, EvalContext& ctx) const override;
};

// Builds the matcher for `op`/`mod` against literal values for a left side of
// type `type`; an error names the offending value.
Result<std::unique_ptr<Matcher>> make_matcher(FieldType type, Op op, OpMod mod,
                                              const std::vector<std::string>& values);
// Whether `op` applies to values of `type` (Falco's rules: no `contains` on numbers, ...).
bool op_allowed(FieldType type, Op op, std::string* why);
// Compares two extracted values (field against field).
bool compare_values(FieldType type, Op op, const Val& a, const Val& b);

// Glob matching as fnmatch(3) without flags: * ? [...] and \ escapes; `*` also
// matches '/'. Linear in practice (no exponential backtracking).
bool glob_match(std::string_view pattern, std::string_view text, bool icase = false);

// Renders a value as Falco prints it in an output.
void render_value(FieldType type, const Val& v, std::string& out);

}  // namespace dagda::rules
