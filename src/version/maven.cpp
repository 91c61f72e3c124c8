// Maven versions, as Maven's ComparableVersion orders them: items split at '.',
// '-' and digit/letter changes into nested lists; qualifiers alpha < beta <
// milestone < rc < snapshot < "" (ga, final, release) < sp < anything else
// (alphabetically); a, b, m before a digit mean alpha, beta, milestone; trailing
// zeros and empty qualifiers do not count. Ranges: Maven's "[1.0,2.0)",
// "(,1.0],[1.2,)", "[1.0]"; a bare version means exactly that version, and
// operator lists (">=1.0, <2.0") are accepted too.
#include "version/detail.hpp"
#include "version/ecosystems.hpp"

namespace dagda::version::maven {
namespace {

using namespace detail;
constexpr std::string_view kEco = "maven";

enum Kind : uint8_t { kInt, kStr, kList };

struct Node {
  Kind kind = kList;
  std::string_view text;  // kInt: digits without leading zeros; kStr: the qualifier
  int first = -1, last = -1, next = -1, prev = -1;
};

struct Tree {
  SmallVec<Node, 48> nodes;
  int add(int list, Node n) {
    int id = static_cast<int>(nodes.size());
    n.prev = nodes[list].last;
    nodes.push_back(n);
    if (nodes[list].last >= 0) nodes[nodes[list].last].next = id;
    else nodes[list].first = id;
    nodes[list].last = id;
    return id;
  }
  void remove(int list, int id) {
    Node& n = nodes[id];
    if (n.prev >= 0) nodes[n.prev].next = n.next;
    else nodes[list].first = n.next;
    if (n.next >= 0) nodes[n.next].prev = n.prev;
    else nodes[list].last = n.prev;
  }
};

constexpr std::string_view kQualifiers[] = {"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};
constexpr int kRelease = 5;
constexpr int kUnknown = 7;

int rank(std::string_view q) {
  for (int i = 0; i < 7; ++i)
    if (iequals(q, kQualifiers[i])) return i;
  return kUnknown;
}

Node string_item(std::string_view s, bool followed_by_digit) {
  if (followed_by_digit && s.size() == 1) {
    char c = to_lower(s[0]);
    if (c == 'a') s = "alpha";
    else if (c == 'b') s = "beta";
    else if (c == 'm') s = "milestone";
  }
  if (iequals(s, "ga") || iequals(s, "final") || iequals(s, "release")) s = "";
  else if (iequals(s, "cr")) s = "rc";
  return Node{kStr, s};
}

Node parse_item(bool digit, std::string_view s) {
  if (!digit) return string_item(s, false);
  while (!s.empty() && s[0] == '0') s.remove_prefix(1);
  return Node{kInt, s};
}

bool is_null(const Node& n) {
  switch (n.kind) {
    case kInt: return n.text.empty();
    case kStr: return rank(n.text) == kRelease;
    case kList: return n.first < 0;
  }
  return false;
}

void normalize(Tree& t, int list) {
  for (int id = t.nodes[list].last; id >= 0;) {
    int prev = t.nodes[id].prev;
    if (is_null(t.nodes[id])) t.remove(list, id);
    else if (t.nodes[id].kind != kList) break;
    id = prev;
  }
}

void parse(std::string_view v, Tree& t) {
  t.nodes.push_back(Node{});
  int list = 0;
  SmallVec<int, 16> stack;
  stack.push_back(0);
  bool digit = false;
  size_t start = 0;
  auto nest = [&] {
    list = t.add(list, Node{});
    stack.push_back(list);
  };
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (c == '.' || c == '-') {
      if (i == start) t.add(list, Node{kInt, {}});
      else t.add(list, parse_item(digit, v.substr(start, i - start)));
      start = i + 1;
      if (c == '-') nest();
    } else if (is_digit(c)) {
      if (!digit && i > start) {
        // 1.0.0.X1 < 1.0.0-X2: treat .X as -X for any string qualifier X.
        if (t.nodes[list].first >= 0) nest();
        t.add(list, string_item(v.substr(start, i - start), true));
        start = i;
        nest();
      }
      digit = true;
    } else {
      if (digit && i > start) {
        t.add(list, parse_item(true, v.substr(start, i - start)));
        start = i;
        nest();
      }
      digit = false;
    }
  }
  if (v.size() > start) {
    if (!digit && t.nodes[list].first >= 0) nest();
    t.add(list, parse_item(digit, v.substr(start)));
  }
  while (!stack.empty()) {
    normalize(t, stack.back());
    stack.pop_back();
  }
}

int compare_items(const Tree& ta, int a, const Tree& tb, int b);

// An item against nothing (the other list ended).
int compare_null(const Tree& t, int a) {
  const Node& n = t.nodes[a];
  switch (n.kind) {
    case kInt: return n.text.empty() ? 0 : 1;
    case kStr: return sign(rank(n.text) - kRelease);
    case kList:
      for (int c = n.first; c >= 0; c = t.nodes[c].next) {
        int r = compare_null(t, c);
        if (r) return r;
      }
      return 0;
  }
  return 0;
}

int compare_items(const Tree& ta, int a, const Tree& tb, int b) {
  const Node& x = ta.nodes[a];
  const Node& y = tb.nodes[b];
  switch (x.kind) {
    case kInt:
      if (y.kind == kInt) return compare_digits(x.text, y.text);
      return 1;  // 1.1 > 1-sp, 1.1 > 1-1
    case kStr:
      if (y.kind != kStr) return -1;  // 1.any < 1.1, 1.any < 1-1
      {
        int rx = rank(x.text), ry = rank(y.text);
        if (rx != ry) return rx < ry ? -1 : 1;
        return rx == kUnknown ? sign(icompare(x.text, y.text)) : 0;
      }
    case kList:
      if (y.kind == kInt) return -1;  // 1-1 < 1.0.x
      if (y.kind == kStr) return 1;   // 1-1 > 1-sp
      {
        int l = x.first, r = y.first;
        while (l >= 0 || r >= 0) {
          int c;
          if (l < 0) c = -compare_null(tb, r);
          else if (r < 0) c = compare_null(ta, l);
          else c = compare_items(ta, l, tb, r);
          if (c) return c;
          if (l >= 0) l = ta.nodes[l].next;
          if (r >= 0) r = tb.nodes[r].next;
        }
        return 0;
      }
  }
  return 0;
}

const char* why_invalid(std::string_view v) {
  if (v.empty()) return "empty version";
  for (char c : v) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return "whitespace or a control character in version";
    if (c == '[' || c == ']' || c == '(' || c == ')' || c == ',') return "range delimiter in version";
  }
  return nullptr;
}

int compare_valid(std::string_view a, std::string_view b) {
  Tree x, y;
  parse(a, x);
  parse(b, y);
  return compare_items(x, 0, y, 0);
}

}  // namespace

bool valid(std::string_view v) { return why_invalid(v) == nullptr; }

Result<int> compare(std::string_view a, std::string_view b) {
  if (const char* why = why_invalid(a)) return invalid_version(kEco, a, why);
  if (const char* why = why_invalid(b)) return invalid_version(kEco, b, why);
  return compare_valid(a, b);
}

Result<bool> satisfies(std::string_view version, std::string_view range) {
  if (const char* why = why_invalid(version)) return invalid_version(kEco, version, why);
  auto ops = [&](std::string_view text) -> Result<bool> {
    return eval_terms(kEco, text, [&](const Term& t) -> Result<bool> {
      Op op;
      if (!parse_op(t.op, &op)) return invalid_range(kEco, range, "unknown operator");
      DAGDA_ASSIGN_OR_RETURN(int c, compare(version, t.version));
      return op_holds(op, c);
    });
  };
  Result<bool> any = false;
  // "||" joins alternatives in every ecosystem; each is an interval list or an operator list.
  split_alternatives(range, [&](std::string_view alt) {
    if (!any.ok()) return;
    Result<bool> r = eval_intervals(kEco, version, alt, compare, ops);
    if (!r.ok()) {
      any = std::move(r).error();
      return;
    }
    if (*r) any = true;
  });
  return any;
}

}  // namespace dagda::version::maven
