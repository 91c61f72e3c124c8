#include "report/spdx_license.hpp"

#include <cctype>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_map>
#include <vector>

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

size_t spdx_known_identifiers() {
  return lists().licenses.size() + lists().exceptions.size();
}

}  // namespace dagda::report
