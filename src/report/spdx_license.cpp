#include "report/spdx_license.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/digest.hpp"

namespace dagda::report {
namespace {

#include "report/spdx_ids.inc"

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Lower-cased id -> canonical id.
using IdMap = std::unordered_map<std::string, std::string>;

void add_ids(IdMap& map, std::string_view json_text) {
  auto parsed = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) return;
  for (const auto& v : parsed) {
    if (v.is_string()) map.emplace(lower(v.get<std::string>()), v.get<std::string>());
  }
}

struct Lists {
  IdMap licenses;
  IdMap exceptions;
};

const Lists& lists() {
  static const Lists kLists = [] {
    Lists l;
    add_ids(l.licenses, kLicenseIds);
    add_ids(l.licenses, kDeprecatedIds);
    add_ids(l.exceptions, kExceptionIds);
    return l;
  }();
  return kLists;
}

// Recursive descent over the tokens of an expression:
//   or   := and ("OR" and)*
//   and  := with ("AND" with)*
//   with := atom ["WITH" exception]
//   atom := "(" or ")" | license-id ["+"]
class Parser {
 public:
  explicit Parser(std::vector<std::string> tokens) : toks_(std::move(tokens)) {}

  bool parse(std::string* normalised) {
    if (!parse_or(0)) return false;
    if (pos_ != toks_.size()) return false;
    *normalised = std::move(out_);
    return true;
  }

 private:
  static constexpr int kMaxDepth = 32;

  bool at(std::string_view t) const { return pos_ < toks_.size() && toks_[pos_] == t; }

  void emit(std::string_view t) {
    if (!out_.empty() && out_.back() != '(' && t != ")") out_ += ' ';
    out_ += t;
  }

  bool parse_or(int depth) {
    if (!parse_and(depth)) return false;
    while (at("OR")) {
      ++pos_;
      emit("OR");
      if (!parse_and(depth)) return false;
    }
    return true;
  }

  bool parse_and(int depth) {
    if (!parse_with(depth)) return false;
    while (at("AND")) {
      ++pos_;
      emit("AND");
      if (!parse_with(depth)) return false;
    }
    return true;
  }

  bool parse_with(int depth) {
    if (!parse_atom(depth)) return false;
    if (at("WITH")) {
      ++pos_;
      if (pos_ >= toks_.size()) return false;
      auto it = lists().exceptions.find(lower(toks_[pos_]));
      if (it == lists().exceptions.end()) return false;
      ++pos_;
      emit("WITH");
      emit(it->second);
    }
    return true;
  }

  bool parse_atom(int depth) {
    if (pos_ >= toks_.size()) return false;
    if (at("(")) {
      if (depth >= kMaxDepth) return false;
      ++pos_;
      emit("(");
      if (!parse_or(depth + 1)) return false;
      if (!at(")")) return false;
      ++pos_;
      emit(")");
      return true;
    }
    const std::string& t = toks_[pos_];
    if (t == ")" || t == "AND" || t == "OR" || t == "WITH") return false;
    ++pos_;
    std::string id;
    if (lookup_license(t, &id)) {
      emit(id);
      return true;
    }
    return false;
  }

  // "GPL-2.0+" is itself a (deprecated) listed id; otherwise "ID+" means "or later".
  static bool lookup_license(std::string_view token, std::string* canonical) {
    const auto& map = lists().licenses;
    if (auto it = map.find(lower(token)); it != map.end()) {
      *canonical = it->second;
      return true;
    }
    if (token.size() > 1 && token.back() == '+') {
      if (auto it = map.find(lower(token.substr(0, token.size() - 1))); it != map.end()) {
        *canonical = it->second + "+";
        return true;
      }
    }
    return false;
  }

  std::vector<std::string> toks_;
  size_t pos_ = 0;
  std::string out_;
};

// Splits on whitespace and parentheses; parentheses are tokens of their own.
std::vector<std::string> tokenize(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(std::move(cur));
    cur.clear();
  };
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      flush();
    } else if (c == '(' || c == ')') {
      flush();
      out.emplace_back(1, c);
    } else {
      cur.push_back(c);
    }
  }
  flush();
  return out;
}

// ---- normalize_license: package managers' license strings in SPDX terms ----

constexpr size_t kMaxDeclared = 2048;  // longer: free text, one LicenseRef-
constexpr size_t kMaxTokens = 512;
constexpr size_t kMaxRunWords = 6;  // a "name" of more words is prose, not a license list
constexpr int kMaxNormDepth = 32;

std::string collapse_spaces(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::optional<std::string> listed_license(std::string_view s) {
  auto it = lists().licenses.find(lower(s));
  if (it == lists().licenses.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> listed_exception(std::string_view s) {
  auto it = lists().exceptions.find(lower(s));
  if (it == lists().exceptions.end()) return std::nullopt;
  return it->second;
}

// GNU licenses in every spelling: "GPL-2+", "GPLv2", "GPL-2.0-or-later", "LGPL v2.1 or later",
// "GNU Lesser General Public License v3", "GFDL-NIV-1.3+", Fedora's "GPL+" (any version).
std::optional<std::string> gnu_license(std::string_view name) {
  std::string s;
  for (char c : lower(name))
    if (c != ' ' && c != '_') s += c;
  auto eat = [&](std::string_view p) {
    if (!s.starts_with(p)) return false;
    s.erase(0, p.size());
    return true;
  };
  if (eat("gnu")) eat("-");
  std::string family;
  if (eat("lessergeneralpubliclicense") || eat("librarygeneralpubliclicense") || eat("lgpl")) {
    family = "LGPL";
  } else if (eat("afferogeneralpubliclicense") || eat("agpl")) {
    family = "AGPL";
  } else if (eat("generalpubliclicense") || eat("gpl")) {
    family = "GPL";
  } else if (eat("freedocumentationlicense") || eat("gfdl") || eat("fdl")) {
    family = "GFDL";
  } else {
    return std::nullopt;
  }
  bool niv = false;
  auto skip_separators = [&] {
    for (bool again = true; again;) {
      again = eat("-") || eat(",") || eat("version") || eat("ver.") || eat("v.") || eat("v");
      if (family == "GFDL" && (eat("niv") || eat("no-invariants"))) niv = again = true;
    }
  };
  skip_separators();
  std::string version;
  while (!s.empty() && ((s[0] >= '0' && s[0] <= '9') || (s[0] == '.' && !version.empty() && s.size() > 1 &&
                                                           s[1] >= '0' && s[1] <= '9'))) {
    version += s[0];
    s.erase(0, 1);
  }
  skip_separators();
  bool later = false;
  if (eat("+") || eat("orlater") || eat("or-later") || eat("oranylaterversion") || eat("orany") ||
      eat("ornewer") || eat("or-newer") || eat("andlater")) {
    later = true;
  } else if (eat("only") || eat("-only")) {
    later = false;
  }
  if (!s.empty()) return std::nullopt;
  if (version.empty()) {
    // Fedora: "GPL+" is any version of the GPL; a bare "GPL" names no version and is not guessed.
    if (!later) return std::nullopt;
    version = family == "LGPL" ? "2.0" : "1.0";
  }
  if (version.find('.') == std::string::npos) version += ".0";
  if (family == "LGPL" && version == "2.1.0") return std::nullopt;
  std::string id = family + "-" + version + (niv ? "-no-invariants" : "") + (later ? "-or-later" : "-only");
  if (auto canonical = listed_license(id)) return canonical;
  return std::nullopt;
}

// Spellings of licenses that are not SPDX ids, keyed as `alias_key` writes them.
const std::unordered_map<std::string, std::string>& aliases() {
  static const std::unordered_map<std::string, std::string> kAliases = {
      {"expat", "MIT"},
      {"mit/x11", "MIT"},
      {"mit/expat", "MIT"},
      {"x11/mit", "MIT"},
      {"asl 2.0", "Apache-2.0"},
      {"asl 2", "Apache-2.0"},
      {"asl-2.0", "Apache-2.0"},
      {"apache 2", "Apache-2.0"},
      {"apache-2", "Apache-2.0"},
      {"apache2", "Apache-2.0"},
      {"apache 2.0", "Apache-2.0"},
      {"apache2.0", "Apache-2.0"},
      {"apache software 2.0", "Apache-2.0"},
      {"apache 1.1", "Apache-1.1"},
      {"apache software 1.1", "Apache-1.1"},
      {"bsd 3-clause", "BSD-3-Clause"},
      {"3-clause bsd", "BSD-3-Clause"},
      {"bsd-3", "BSD-3-Clause"},
      {"bsd 3 clause", "BSD-3-Clause"},
      {"new bsd", "BSD-3-Clause"},
      {"modified bsd", "BSD-3-Clause"},
      {"revised bsd", "BSD-3-Clause"},
      {"bsd 2-clause", "BSD-2-Clause"},
      {"2-clause bsd", "BSD-2-Clause"},
      {"bsd-2", "BSD-2-Clause"},
      {"bsd 2 clause", "BSD-2-Clause"},
      {"simplified bsd", "BSD-2-Clause"},
      {"freebsd", "BSD-2-Clause"},
      {"iscl", "ISC"},
      {"boost", "BSL-1.0"},
      {"boost software 1.0", "BSL-1.0"},
      {"cc0", "CC0-1.0"},
      {"artistic", "Artistic-1.0-Perl"},  // Debian's /usr/share/common-licenses/Artistic is Perl's
      {"artistic-2", "Artistic-2.0"},
      {"artistic 2", "Artistic-2.0"},
      {"artistic 2.0", "Artistic-2.0"},
      {"artistic-1", "Artistic-1.0"},
      {"perl", "Artistic-1.0-Perl OR GPL-1.0-or-later"},  // DEP-5: "Perl" is "GPL-1+ or Artistic"
      {"openldap-2.8", "OLDAP-2.8"},
      {"mpl-2", "MPL-2.0"},
      {"mpl 2", "MPL-2.0"},
      {"mplv2", "MPL-2.0"},
      {"mplv2.0", "MPL-2.0"},
      {"mozilla public 2.0", "MPL-2.0"},
      {"mplv1.1", "MPL-1.1"},
      {"mozilla public 1.1", "MPL-1.1"},
      {"mplv1.0", "MPL-1.0"},
      {"psf", "PSF-2.0"},
      {"psfl", "PSF-2.0"},
      {"psf-2", "PSF-2.0"},
      {"python software foundation", "PSF-2.0"},
      {"python software foundation 2", "PSF-2.0"},
      {"eclipse public 1.0", "EPL-1.0"},
      {"epl-1", "EPL-1.0"},
      {"eclipse public 2.0", "EPL-2.0"},
      {"epl-2", "EPL-2.0"},
      {"cddl-1", "CDDL-1.0"},
      {"sil-1.1", "OFL-1.1"},
      {"sil ofl 1.1", "OFL-1.1"},
      {"sil open font 1.1", "OFL-1.1"},
      {"zlib/libpng", "Zlib"},
      {"microsoft public", "MS-PL"},
      {"public domain", "LicenseRef-public-domain"},
      {"public-domain", "LicenseRef-public-domain"},
      {"publicdomain", "LicenseRef-public-domain"},
      {"pd", "LicenseRef-public-domain"},
  };
  return kAliases;
}

// Lower case, commas as spaces, without "the", "license", "licence", "version", "v".
std::string alias_key(std::string_view name) {
  std::string s = lower(name);
  std::replace(s.begin(), s.end(), ',', ' ');
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t start = i;
    while (i < s.size() && s[i] != ' ') ++i;
    std::string_view w = std::string_view(s).substr(start, i - start);
    if (w.empty() || w == "the" || w == "license" || w == "licence" || w == "version" || w == "v") continue;
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

// Maps one license name to an SPDX id or (for a few aliases) expression, or nothing.
std::optional<std::string> map_name(std::string_view name, int depth = 0) {
  if (name.empty() || depth > 3) return std::nullopt;
  if (auto id = listed_license(name)) {
    // Deprecated GNU ids ("GPL-2.0", "LGPL-2.1+") have "-only" and "-or-later" forms.
    if (auto gnu = gnu_license(*id)) return gnu;
    if (lower(*id).find("-with-") != std::string::npos) return std::nullopt;  // "GPL-2.0-with-GCC-exception"
    return id;
  }
  if (auto gnu = gnu_license(name)) return gnu;
  std::string key = alias_key(name);
  if (auto it = aliases().find(key); it != aliases().end()) return it->second;
  if (auto id = listed_license(key)) return map_name(*id, depth + 1);
  // "MPL 2.0", "Apache 2.0", "CC0 1.0" -> "MPL-2.0"...
  std::string dashed = key;
  std::replace(dashed.begin(), dashed.end(), ' ', '-');
  if (dashed != key) {
    if (auto id = listed_license(dashed)) return map_name(*id, depth + 1);
    if (auto it = aliases().find(dashed); it != aliases().end()) return it->second;
  }
  // Debian's "BSD-3-clause~Google": the same license text with another copyright holder.
  if (size_t tilde = name.find('~'); tilde != std::string_view::npos && tilde > 0)
    return map_name(name.substr(0, tilde), depth + 1);
  // Python classifiers: "License :: OSI Approved :: MIT License".
  if (size_t colons = name.rfind("::"); colons != std::string_view::npos)
    return map_name(collapse_spaces(name.substr(colons + 2)), depth + 1);
  // "GNU General Public License v3 (GPLv3)", "ISC License (ISCL)": the abbreviation.
  if (name.back() == ')') {
    size_t open = name.rfind('(');
    if (open != std::string_view::npos && open > 0) {
      if (auto r = map_name(name.substr(open + 1, name.size() - open - 2), depth + 1)) return r;
      std::string before = collapse_spaces(name.substr(0, open));
      if (auto r = map_name(before, depth + 1)) return r;
    }
  }
  // "X+" for a listed id: "or later" in SPDX syntax.
  if (name.size() > 1 && name.back() == '+' && name.find(' ') == std::string_view::npos) {
    if (auto id = listed_license(name.substr(0, name.size() - 1))) return *id + "+";
  }
  return std::nullopt;
}

// The exception of "LICENSE with EXCEPTION" for a listed license id.
std::optional<std::string> map_exception(std::string_view license_id, std::string_view exception) {
  if (auto id = listed_exception(exception)) return id;
  std::string key;
  for (const std::string& w : [&] {
         std::vector<std::string> words;
         std::string cur;
         for (char c : lower(exception) + " ") {
           if (c == ' ' || c == '-' || c == '_') {
             if (!cur.empty()) words.push_back(cur);
             cur.clear();
           } else {
             cur += c;
           }
         }
         return words;
       }()) {
    if (w == "exception" || w == "exceptions" || w == "the" || w == "library" || w == "runtime") continue;
    key += (key.empty() ? "" : " ") + w;
  }
  const bool v3 = license_id.starts_with("GPL-3") || license_id.starts_with("LGPL-3");
  std::string_view id;
  if (key == "autoconf") id = v3 ? "Autoconf-exception-3.0" : "Autoconf-exception-2.0";
  else if (key == "bison" || key == "bison 2.2") id = "Bison-exception-2.2";
  else if (key == "libtool") id = "Libtool-exception";
  else if (key == "gcc") id = v3 ? "GCC-exception-3.1" : "GCC-exception-2.0";
  else if (key == "classpath") id = "Classpath-exception-2.0";
  else if (key == "font") id = "Font-exception-2.0";
  if (id.empty()) return std::nullopt;
  return listed_exception(id);
}

struct Node {
  enum class Type { leaf, all, any } type = Type::leaf;
  // leaf: `spdx` is an id or expression of listed ids; empty `spdx` means a LicenseRef- named `name`.
  std::string spdx;
  std::string name;
  std::string ref;             // a fixed LicenseRef- for `name` ("LicenseRef-public-domain"), else derived
  bool spdx_compound = false;  // `spdx` holds an operator
  std::vector<Node> kids;
};

std::string ref_id(std::string_view name) {
  std::string s;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.';
    if (ok) {
      s += c;
    } else if (!s.empty() && s.back() != '-') {
      s += '-';
    }
  }
  while (!s.empty() && s.back() == '-') s.pop_back();
  // A lossy name (spaces, '+', '/', non-ASCII, long) keeps its identity in a short hash.
  if (s != name || s.size() > 40 || s.empty()) {
    if (s.size() > 40) s.resize(40);
    while (!s.empty() && s.back() == '-') s.pop_back();
    s += (s.empty() ? "" : "-") + sha256_hex(name).substr(0, 8);
  }
  return "LicenseRef-" + s;
}

Node leaf_for(std::string_view name) {
  Node n;
  n.name = std::string(name);
  if (name.starts_with("LicenseRef-") || name.starts_with("DocumentRef-")) {  // already a reference
    n.ref = n.name;
    return n;
  }
  if (auto id = map_name(name)) {
    if (id->starts_with("LicenseRef-")) {
      n.ref = *id;
      return n;
    }
    n.spdx = *id;
    n.spdx_compound = id->find(' ') != std::string::npos;
  }
  return n;
}

Node free_text(std::string_view text) {
  Node n;
  n.name = std::string(text.substr(0, kMaxDeclared));
  return n;
}

bool is_op(std::string_view t, std::string_view op) {
  return t.size() == op.size() && lower(t) == op;
}

// Tokens: words, and "(", ")", "," on their own.
std::vector<std::string> split_tokens(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(std::move(cur));
    cur.clear();
  };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      flush();
    } else if (c == '(' || c == ')' || c == ',') {
      // Keep parentheses inside a word ("GPL-2.0(only)" is not a thing, but "(GPLv3)" after a name is
      // an abbreviation): only split them off at word edges.
      bool inside_word = c != ',' && !cur.empty() && i + 1 < s.size() &&
                         !std::isspace(static_cast<unsigned char>(s[i + 1])) && s[i + 1] != ')' && s[i + 1] != ',';
      if (inside_word) {
        cur += c;
        continue;
      }
      flush();
      out.emplace_back(1, c);
    } else {
      cur += c;
    }
  }
  flush();
  return out;
}

class NormParser {
 public:
  explicit NormParser(std::vector<std::string> toks) : t_(std::move(toks)) {}

  std::optional<Node> parse() {
    auto n = list(0);
    if (!n || pos_ != t_.size()) return std::nullopt;
    return n;
  }

 private:
  bool at_end() const { return pos_ >= t_.size(); }
  const std::string& peek() const { return t_[pos_]; }
  bool at_op(std::string_view op) const { return !at_end() && is_op(peek(), op); }
  bool at_word() const {
    if (at_end()) return false;
    const std::string& w = peek();
    return w != "(" && w != ")" && w != "," && !is_op(w, "and") && !is_op(w, "or") && !is_op(w, "with") &&
           w != "&" && w != "|";
  }

  static Node combine(Node::Type type, Node a, Node b) {
    Node n;
    n.type = type;
    for (Node* x : {&a, &b}) {
      if (x->type == type) {
        for (Node& k : x->kids) n.kids.push_back(std::move(k));
      } else {
        n.kids.push_back(std::move(*x));
      }
    }
    return n;
  }

  // DEP-5: ", and" / ", or" join what is on either side at the lowest precedence; a bare comma is "and".
  std::optional<Node> list(int depth) {
    auto left = disj(depth);
    if (!left) return std::nullopt;
    while (!at_end() && peek() == ",") {
      ++pos_;
      Node::Type type = Node::Type::all;
      if (at_op("or")) {
        type = Node::Type::any;
        ++pos_;
      } else if (at_op("and")) {
        ++pos_;
      }
      auto right = disj(depth);
      if (!right) return std::nullopt;
      left = combine(type, std::move(*left), std::move(*right));
    }
    return left;
  }

  std::optional<Node> disj(int depth) {
    auto left = conj(depth);
    if (!left) return std::nullopt;
    while (at_op("or") || (!at_end() && peek() == "|")) {
      ++pos_;
      auto right = conj(depth);
      if (!right) return std::nullopt;
      left = combine(Node::Type::any, std::move(*left), std::move(*right));
    }
    return left;
  }

  std::optional<Node> conj(int depth) {
    auto left = with(depth);
    if (!left) return std::nullopt;
    while (at_op("and") || (!at_end() && peek() == "&")) {
      ++pos_;
      auto right = with(depth);
      if (!right) return std::nullopt;
      left = combine(Node::Type::all, std::move(*left), std::move(*right));
    }
    return left;
  }

  std::optional<std::string> run() {
    std::string out;
    size_t words = 0;
    while (at_word()) {
      out += (out.empty() ? "" : " ") + peek();
      ++pos_;
      if (++words > kMaxRunWords) return std::nullopt;
    }
    if (out.empty()) return std::nullopt;
    return out;
  }

  std::optional<Node> with(int depth) {
    auto base = atom(depth);
    if (!base || !at_op("with")) return base;
    ++pos_;
    auto exception = run();
    if (!exception) return std::nullopt;
    std::string declared = (base->type == Node::Type::leaf ? base->name : "") + " with " + *exception;
    if (base->type == Node::Type::leaf && !base->spdx.empty() && !base->spdx_compound) {
      if (auto e = map_exception(base->spdx, *exception)) {
        Node n;
        n.name = declared;
        n.spdx = base->spdx + " WITH " + *e;
        n.spdx_compound = true;
        return n;
      }
    }
    // An exception SPDX does not list: the combination is a license of its own.
    Node n;
    n.name = declared;
    return n;
  }

  std::optional<Node> atom(int depth) {
    if (at_end()) return std::nullopt;
    if (peek() == "(") {
      if (depth >= kMaxNormDepth) return std::nullopt;
      ++pos_;
      auto inner = list(depth + 1);
      if (!inner || at_end() || peek() != ")") return std::nullopt;
      ++pos_;
      return inner;
    }
    auto name = run();
    if (!name) return std::nullopt;
    // Debian's one-word "GPL-3+-WITH-BISON-EXCEPTION": read as "GPL-3+ with BISON-EXCEPTION".
    if (name->find(' ') == std::string::npos) {
      std::string l = lower(*name);
      if (size_t w = l.find("-with-"); w != std::string::npos && w > 0 && w + 6 < l.size()) {
        Node base = leaf_for(std::string_view(*name).substr(0, w));
        std::string exception = name->substr(w + 6);
        Node n;
        n.name = *name;
        if (!base.spdx.empty() && !base.spdx_compound) {
          if (auto e = map_exception(base.spdx, exception)) {
            n.spdx = base.spdx + " WITH " + *e;
            n.spdx_compound = true;
          }
        }
        return n;
      }
    }
    Node n = leaf_for(*name);
    if (n.spdx.empty() && name->find(' ') != std::string::npos) {
      // Alpine's and others' space-separated lists ("MIT BSD-3-Clause"): every word a license.
      std::vector<Node> words;
      size_t start = 0;
      for (;;) {
        size_t sp = name->find(' ', start);
        Node w = leaf_for(std::string_view(*name).substr(start, sp - start));
        if (w.spdx.empty()) {
          words.clear();
          break;
        }
        words.push_back(std::move(w));
        if (sp == std::string::npos) break;
        start = sp + 1;
      }
      if (words.size() > 1) {
        Node all;
        all.type = Node::Type::all;
        all.kids = std::move(words);
        return all;
      }
    }
    return n;
  }

  std::vector<std::string> t_;
  size_t pos_ = 0;
};

struct Rendered {
  std::string text;
  bool listed = true;
};

class Renderer {
 public:
  explicit Renderer(NormalizedLicense& out) : out_(out) {}

  Rendered render(const Node& n, Node::Type parent, bool top = false) {
    if (n.type == Node::Type::leaf) {
      if (!n.spdx.empty()) {
        bool paren = n.spdx_compound && n.spdx.find(" WITH ") == std::string::npos && !top;
        return {paren ? "(" + n.spdx + ")" : n.spdx, true};
      }
      std::string id = n.ref.empty() ? ref_id(n.name) : n.ref;
      if (seen_refs_.insert(id).second) out_.refs.push_back({id, n.name});
      return {id, false};
    }
    const char* op = n.type == Node::Type::all ? " AND " : " OR ";
    std::string text;
    std::set<std::string> kids_seen;
    size_t count = 0;
    bool listed = true;
    for (const Node& k : n.kids) {
      Rendered r = render(k, n.type);
      if (!kids_seen.insert(r.text).second) continue;
      text += (count++ ? op : "") + r.text;
      listed = listed && r.listed;
    }
    bool paren = count > 1 && !top && parent != n.type;
    return {paren ? "(" + text + ")" : text, listed};
  }

 private:
  NormalizedLicense& out_;
  std::set<std::string> seen_refs_;
};

// Drops repeated kids (after mapping "BSD-3-clause" and "BSD-3-Clause" are one) and one-kid nodes.
Node simplify(Node n) {
  if (n.type == Node::Type::leaf) return n;
  std::vector<Node> kids;
  for (Node& k : n.kids) {
    Node s = simplify(std::move(k));
    if (s.type == n.type) {
      for (Node& g : s.kids) kids.push_back(std::move(g));
    } else {
      kids.push_back(std::move(s));
    }
  }
  n.kids = std::move(kids);
  if (n.kids.size() == 1) return std::move(n.kids.front());
  return n;
}

NormalizedLicense finish(const Node& root) {
  NormalizedLicense out;
  Renderer r(out);
  Rendered all = r.render(root, Node::Type::leaf, /*top=*/true);
  out.expression = all.text;
  out.listed_only = all.listed;
  std::vector<const Node*> terms;
  if (root.type == Node::Type::all) {
    for (const Node& k : root.kids) terms.push_back(&k);
  } else {
    terms.push_back(&root);
  }
  std::set<std::string> seen;
  for (const Node* t : terms) {
    NormalizedLicense scratch;
    Renderer tr(scratch);
    Rendered rt = tr.render(*t, Node::Type::leaf, /*top=*/true);
    if (!seen.insert(rt.text).second) continue;
    NormalizedLicense::Term term;
    term.listed = rt.listed;
    term.compound = t->type != Node::Type::leaf || t->spdx_compound;
    term.text = rt.listed || t->type != Node::Type::leaf ? rt.text : t->name;
    out.terms.push_back(std::move(term));
  }
  return out;
}

}  // namespace

SpdxLicense classify_license(std::string_view declared) {
  SpdxLicense r;
  auto tokens = tokenize(declared);
  if (tokens.empty()) return r;
  r.text = std::string(declared);
  r.kind = SpdxLicense::Kind::other;
  // Package databases hold short strings; a huge one is not an expression worth parsing.
  if (declared.size() > 4096) return r;

  if (tokens.size() == 1) {
    auto it = lists().licenses.find(lower(tokens[0]));
    if (it != lists().licenses.end()) {
      r.kind = SpdxLicense::Kind::id;
      r.text = it->second;
      return r;
    }
  }
  std::string normalised;
  if (Parser(std::move(tokens)).parse(&normalised)) {
    r.kind = SpdxLicense::Kind::expression;
    r.text = std::move(normalised);
  }
  return r;
}

NormalizedLicense normalize_license(std::string_view declared) {
  std::string_view s = declared;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (s.empty()) return {};
  std::optional<Node> root;
  // The whole string as one name first: "Apache License, Version 2.0", "License :: OSI Approved
  // :: MIT License" and "GNU General Public License v2 or later (GPLv2+)" hold commas, "::",
  // "or" and parentheses that are not operators.
  if (s.size() <= kMaxDeclared) {
    std::string whole = collapse_spaces(s);
    if (map_name(whole)) root = leaf_for(whole);
  }
  if (!root && s.size() <= kMaxDeclared && s.find('\n') == std::string_view::npos &&
      s.find('\0') == std::string_view::npos) {
    auto tokens = split_tokens(s);
    if (!tokens.empty() && tokens.size() <= kMaxTokens) root = NormParser(std::move(tokens)).parse();
  }
  if (!root) {
    // Not a list of license names: the text itself (as some METADATA License fields hold), of
    // which the name keeps the start.
    root = free_text(collapse_spaces(s.substr(0, 8 * kMaxDeclared)));
  }
  return finish(simplify(std::move(*root)));
}

size_t spdx_known_identifiers() {
  return lists().licenses.size() + lists().exceptions.size();
}

}  // namespace dagda::report
