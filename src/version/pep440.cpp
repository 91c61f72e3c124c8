// Python versions (PEP 440): [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local], with
// the spelling variants PEP 440 normalises (alpha, c, pre, preview, rev, r, -N,
// '_' and '-' separators, a leading 'v', upper case). Ranges are PEP 440
// specifier sets: "~=1.4.2", "==1.2.*", "!=1.3", ">=1.0,<2.0", "===x"; "||"
// separates alternatives (as GitLab's advisories write them). Pre-releases are
// matched like any version (packaging's prereleases=True).
#include "version/detail.hpp"
#include "version/ecosystems.hpp"

namespace dagda::version::pypi {
namespace {

using namespace detail;
constexpr std::string_view kEco = "pypi";

struct Pep {
  std::string_view epoch;
  std::string_view release;  // "1.2.3"
  int pre_kind = -1;         // 0 a, 1 b, 2 rc; -1 none
  std::string_view pre_n;
  bool post = false;
  std::string_view post_n;
  bool dev = false;
  std::string_view dev_n;
  std::string_view local;  // without '+'
  bool is_prerelease() const { return pre_kind >= 0 || dev; }
};

bool sep(char c) { return c == '.' || c == '-' || c == '_'; }

// Matches one of `words` (case-insensitive) at s[i]; longest first in the list.
int match_word(std::string_view s, size_t i, std::initializer_list<std::string_view> words, size_t* len) {
  int k = 0;
  for (std::string_view w : words) {
    if (istarts_with(s.substr(i), w)) {
      *len = w.size();
      return k;
    }
    ++k;
  }
  return -1;
}

size_t digits_at(std::string_view s, size_t i) {
  size_t j = i;
  while (j < s.size() && is_digit(s[j])) ++j;
  return j - i;
}

const char* parse(std::string_view s, Pep* out) {
  *out = Pep{};
  s = trim(s);
  if (s.empty()) return "empty version";
  size_t i = 0;
  if (s[0] == 'v' || s[0] == 'V') ++i;
  size_t n = digits_at(s, i);
  if (n == 0) return "does not start with a number";
  if (i + n < s.size() && s[i + n] == '!') {
    out->epoch = s.substr(i, n);
    i += n + 1;
    if (digits_at(s, i) == 0) return "no release number after the epoch";
  }
  size_t rel = i;
  while (true) {
    n = digits_at(s, i);
    if (n == 0) return "empty release component";
    i += n;
    if (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
      ++i;
      continue;
    }
    break;
  }
  out->release = s.substr(rel, i - rel);
  // Pre-release.
  {
    size_t j = i;
    if (j < s.size() && sep(s[j])) ++j;
    size_t len = 0;
    int w = match_word(s, j, {"alpha", "beta", "preview", "pre", "rc", "a", "b", "c"}, &len);
    if (w >= 0) {
      static constexpr int kind[] = {0, 1, 2, 2, 2, 0, 1, 2};
      out->pre_kind = kind[w];
      j += len;
      size_t k = j;
      if (k < s.size() && sep(s[k])) ++k;
      size_t d = digits_at(s, k);
      if (d) {
        out->pre_n = s.substr(k, d);
        j = k + d;
      }
      i = j;
    }
  }
  // Post-release: "-N" or [sep](post|rev|r)[sep][N].
  {
    size_t j = i;
    if (j < s.size() && s[j] == '-' && digits_at(s, j + 1)) {
      size_t d = digits_at(s, j + 1);
      out->post = true;
      out->post_n = s.substr(j + 1, d);
      i = j + 1 + d;
    } else {
      if (j < s.size() && sep(s[j])) ++j;
      size_t len = 0;
      if (match_word(s, j, {"post", "rev", "r"}, &len) >= 0) {
        j += len;
        size_t k = j;
        if (k < s.size() && sep(s[k])) ++k;
        size_t d = digits_at(s, k);
        if (d) {
          out->post_n = s.substr(k, d);
          j = k + d;
        }
        out->post = true;
        i = j;
      }
    }
  }
  // Development release.
  {
    size_t j = i;
    if (j < s.size() && sep(s[j])) ++j;
    size_t len = 0;
    if (match_word(s, j, {"dev"}, &len) >= 0) {
      j += len;
      size_t k = j;
      if (k < s.size() && sep(s[k])) ++k;
      size_t d = digits_at(s, k);
      if (d) {
        out->dev_n = s.substr(k, d);
        j = k + d;
      }
      out->dev = true;
      i = j;
    }
  }
  if (i < s.size() && s[i] == '+') {
    out->local = s.substr(i + 1);
    if (out->local.empty()) return "empty local version";
    bool last_sep = true;
    for (char c : out->local) {
      if (sep(c)) {
        if (last_sep) return "empty local version segment";
        last_sep = true;
      } else if (is_alnum(c)) {
        last_sep = false;
      } else {
        return "invalid character in local version";
      }
    }
    if (last_sep) return "empty local version segment";
    i = s.size();
  }
  if (i != s.size()) return "not a PEP 440 version";
  return nullptr;
}

// Walks dot-separated digit runs; missing components are 0.
int compare_release(std::string_view a, std::string_view b) {
  while (!a.empty() || !b.empty()) {
    size_t da = a.find('.'), db = b.find('.');
    int c = compare_digits(a.substr(0, da), b.substr(0, db));
    if (c) return c;
    a = da == std::string_view::npos ? std::string_view{} : a.substr(da + 1);
    b = db == std::string_view::npos ? std::string_view{} : b.substr(db + 1);
  }
  return 0;
}

int compare_local(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return a.empty() == b.empty() ? 0 : (a.empty() ? -1 : 1);
  auto next = [](std::string_view& s) {
    size_t k = 0;
    while (k < s.size() && !sep(s[k])) ++k;
    std::string_view seg = s.substr(0, k);
    s = k < s.size() ? s.substr(k + 1) : std::string_view{};
    return seg;
  };
  while (!a.empty() && !b.empty()) {
    std::string_view x = next(a), y = next(b);
    bool nx = all_digits(x), ny = all_digits(y);
    int c;
    if (nx && ny) c = compare_digits(x, y);
    else if (nx != ny) c = nx ? 1 : -1;
    else c = icompare(x, y);
    if (c) return c;
  }
  return a.empty() == b.empty() ? 0 : (a.empty() ? -1 : 1);
}

// Compares everything but the local part.
int compare_public(const Pep& a, const Pep& b) {
  int c = compare_digits(a.epoch, b.epoch);
  if (c) return c;
  c = compare_release(a.release, b.release);
  if (c) return c;
  // Pre-release key: a dev release of a final release sorts before its pre-releases.
  auto pre_rank = [](const Pep& p) {
    if (p.pre_kind < 0 && !p.post && p.dev) return -1;
    if (p.pre_kind < 0) return 3;
    return p.pre_kind;
  };
  int ra = pre_rank(a), rb = pre_rank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  if (a.pre_kind >= 0) {
    c = compare_digits(a.pre_n, b.pre_n);
    if (c) return c;
  }
  if (a.post != b.post) return a.post ? 1 : -1;
  if (a.post) {
    c = compare_digits(a.post_n, b.post_n);
    if (c) return c;
  }
  if (a.dev != b.dev) return a.dev ? -1 : 1;
  if (a.dev) return compare_digits(a.dev_n, b.dev_n);
  return 0;
}

int compare_full(const Pep& a, const Pep& b) {
  int c = compare_public(a, b);
  return c ? c : compare_local(a.local, b.local);
}

int compare_base(const Pep& a, const Pep& b) {
  int c = compare_digits(a.epoch, b.epoch);
  return c ? c : compare_release(a.release, b.release);
}

size_t count_components(std::string_view release) {
  size_t n = 1;
  for (char c : release) n += c == '.';
  return n;
}

// ==V.* : the epoch matches and the release, padded with zeros, starts with V's release.
bool prefix_match(const Pep& v, const Pep& spec) {
  if (compare_digits(v.epoch, spec.epoch)) return false;
  std::string_view a = v.release, b = spec.release;
  while (!b.empty()) {
    size_t da = a.find('.'), db = b.find('.');
    if (compare_digits(a.substr(0, da), b.substr(0, db))) return false;
    a = da == std::string_view::npos ? std::string_view{} : a.substr(da + 1);
    b = db == std::string_view::npos ? std::string_view{} : b.substr(db + 1);
  }
  return true;
}

Result<bool> specifier(const Pep& v, std::string_view version, std::string_view op, std::string_view text,
                       std::string_view range) {
  if (op == "===") return iequals(trim(version), text);
  bool wildcard = text.size() >= 2 && text.substr(text.size() - 2) == ".*";
  std::string_view body = wildcard ? text.substr(0, text.size() - 2) : text;
  Pep s;
  if (const char* why = parse(body, &s)) return invalid_range(kEco, range, why);
  if (wildcard) {
    if (op != "==" && op != "!=") return invalid_range(kEco, range, "a wildcard with an operator other than == or !=");
    if (s.pre_kind >= 0 || s.post || s.dev || !s.local.empty())
      return invalid_range(kEco, range, "a wildcard after a pre, post, dev or local part");
    bool m = prefix_match(v, s);
    return op == "==" ? m : !m;
  }
  if (!s.local.empty() && op != "==" && op != "!=") return invalid_range(kEco, range, "a local version with an ordered comparison");
  if (op == "==" || op == "!=") {
    int c = s.local.empty() ? compare_public(v, s) : compare_full(v, s);
    return op == "==" ? c == 0 : c != 0;
  }
  if (op == "~=") {
    if (count_components(s.release) < 2) return invalid_range(kEco, range, "~= needs at least two release numbers");
    if (compare_public(v, s) < 0) return false;
    Pep prefix = s;
    prefix.release = s.release.substr(0, s.release.rfind('.'));
    return prefix_match(v, prefix);
  }
  if (op == "<=") return compare_public(v, s) <= 0;
  if (op == ">=") return compare_public(v, s) >= 0;
  if (op == "<") {
    if (compare_full(v, s) >= 0) return false;
    if (!s.is_prerelease() && v.is_prerelease() && compare_base(v, s) == 0) return false;
    return true;
  }
  if (op == ">") {
    if (compare_full(v, s) <= 0) return false;
    if (!s.post && v.post && compare_base(v, s) == 0) return false;
    if (!v.local.empty() && compare_base(v, s) == 0) return false;
    return true;
  }
  return invalid_range(kEco, range, op.empty() ? "a version without an operator" : "unknown operator");
}


// ---- Legacy (pre-PEP 440) versions, as packaging's LegacyVersion ordered them ----
// Parts: digit runs (compared as if zero-filled to 8), letter runs and other
// characters (compared as "*text"), with pre -> c, preview -> c, rc -> c,
// dev -> @, '-' -> final-; a "*final" closes the list. Legacy versions sort
// before every PEP 440 version.

struct LegacyPart {
  std::string_view text;
  bool numeric = false;
};
using LegacyParts = SmallVec<LegacyPart, 24>;

bool legacy_zero(const LegacyPart& p) {
  return p.numeric && p.text.size() <= 8 && p.text.find_first_not_of('0') == std::string_view::npos;
}

// Compares two parts as the strings "0000NNNN" / "*text" would compare.
int compare_legacy_part(const LegacyPart& a, const LegacyPart& b) {
  if (a.numeric != b.numeric) return a.numeric ? 1 : -1;  // '*' sorts before digits
  if (!a.numeric) return sign(icompare(a.text, b.text));
  size_t la = a.text.size() < 8 ? 8 : a.text.size(), lb = b.text.size() < 8 ? 8 : b.text.size();
  size_t pa = la - a.text.size(), pb = lb - b.text.size();
  for (size_t i = 0; i < la && i < lb; ++i) {
    char x = i < pa ? '0' : a.text[i - pa], y = i < pb ? '0' : b.text[i - pb];
    if (x != y) return x < y ? -1 : 1;
  }
  return la == lb ? 0 : (la < lb ? -1 : 1);
}

void legacy_push(LegacyParts& parts, LegacyPart p) {
  if (!p.numeric) {
    // Before a pre-release tag, drop "-" markers; before any tag, drop trailing zeros.
    if (icompare(p.text, "final") < 0)
      while (!parts.empty() && !parts.back().numeric && parts.back().text == "final-") parts.pop_back();
    while (!parts.empty() && legacy_zero(parts.back())) parts.pop_back();
  }
  parts.push_back(p);
}

void legacy_parts(std::string_view s, LegacyParts& parts) {
  size_t i = 0;
  size_t other = 0;  // start of a run of characters that are not parts of their own
  auto flush_other = [&](size_t end) {
    if (end > other) legacy_push(parts, LegacyPart{s.substr(other, end - other), false});
  };
  while (i < s.size()) {
    char c = s[i];
    if (is_digit(c) || is_alpha(c) || c == '.' || c == '-') {
      flush_other(i);
      size_t start = i;
      if (is_digit(c)) {
        while (i < s.size() && is_digit(s[i])) ++i;
        legacy_push(parts, LegacyPart{s.substr(start, i - start), true});
      } else if (is_alpha(c)) {
        while (i < s.size() && is_alpha(s[i])) ++i;
        std::string_view w = s.substr(start, i - start);
        if (iequals(w, "pre") || iequals(w, "preview") || iequals(w, "rc")) w = "c";
        else if (iequals(w, "dev")) w = "@";
        legacy_push(parts, LegacyPart{w, false});
      } else if (c == '-') {
        ++i;
        legacy_push(parts, LegacyPart{"final-", false});
      } else {
        ++i;  // '.' only separates
      }
      other = i;
    } else {
      ++i;
    }
  }
  flush_other(s.size());
  legacy_push(parts, LegacyPart{"final", false});
}

int compare_legacy(std::string_view a, std::string_view b) {
  LegacyParts x, y;
  legacy_parts(a, x);
  legacy_parts(b, y);
  for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
    int c = compare_legacy_part(x[i], y[i]);
    if (c) return c;
  }
  return x.size() == y.size() ? 0 : (x.size() < y.size() ? -1 : 1);
}

const char* legacy_invalid(std::string_view s) {
  s = trim(s);
  if (s.empty()) return "empty version";
  bool alnum = false;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == ' ') return "whitespace or a control character in version";
    alnum |= is_alnum(c);
  }
  return alnum ? nullptr : "no letters or digits";
}

// Either side may be a legacy version (when `a_pep`/`b_pep` is false).
int compare_mixed(std::string_view a, bool a_pep, const Pep& x, std::string_view b, bool b_pep, const Pep& y) {
  if (a_pep && b_pep) return compare_full(x, y);
  if (a_pep != b_pep) return a_pep ? 1 : -1;
  return compare_legacy(trim(a), trim(b));
}

}  // namespace

bool valid_pep440(std::string_view v) {
  Pep p;
  return parse(v, &p) == nullptr;
}

bool valid(std::string_view v) { return valid_pep440(v) || legacy_invalid(v) == nullptr; }

Result<int> compare(std::string_view a, std::string_view b) {
  Pep x, y;
  bool xa = parse(a, &x) == nullptr, yb = parse(b, &y) == nullptr;
  if (!xa)
    if (const char* why = legacy_invalid(a)) return invalid_version(kEco, a, why);
  if (!yb)
    if (const char* why = legacy_invalid(b)) return invalid_version(kEco, b, why);
  return compare_mixed(a, xa, x, b, yb, y);
}

Result<bool> satisfies(std::string_view version, std::string_view range) {
  Pep v;
  if (parse(version, &v) == nullptr)
    return eval_terms(kEco, range, [&](const Term& t) -> Result<bool> {
      return specifier(v, version, t.op, t.version, range);
    });
  if (const char* why = legacy_invalid(version)) return invalid_version(kEco, version, why);
  // A legacy version has no release segments: ordered comparisons only.
  return eval_terms(kEco, range, [&](const Term& t) -> Result<bool> {
    if (t.op == "===") return iequals(trim(version), t.version);
    Op op;
    if (t.op == "~=" || (t.version.size() >= 2 && t.version.substr(t.version.size() - 2) == ".*")) return false;
    if (!parse_op(t.op, &op) || t.op.empty() || t.op == "<<" || t.op == ">>")
      return invalid_range(kEco, range, "unknown operator");
    DAGDA_ASSIGN_OR_RETURN(int c, compare(version, t.version));
    return op_holds(op, c);
  });
}

}  // namespace dagda::version::pypi
