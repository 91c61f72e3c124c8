#include "inventory/purl_parse.hpp"

#include <cctype>

namespace dagda {
namespace {

std::optional<std::string> decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
      return std::nullopt;
    out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<ParsedPurl> parse_purl(std::string_view s) {
  // pkg:type/namespace/name@version?qualifiers#subpath
  if (s.size() < 6 || lower(s.substr(0, 4)) != "pkg:") return std::nullopt;
  s.remove_prefix(4);
  while (s.starts_with('/')) s.remove_prefix(1);
  ParsedPurl p;
  if (size_t hash = s.find('#'); hash != std::string_view::npos) {
    auto sub = decode(s.substr(hash + 1));
    if (!sub) return std::nullopt;
    p.subpath = *sub;
    s = s.substr(0, hash);
  }
  if (size_t q = s.find('?'); q != std::string_view::npos) {
    std::string_view qs = s.substr(q + 1);
    s = s.substr(0, q);
    while (!qs.empty()) {
      size_t amp = qs.find('&');
      std::string_view kv = qs.substr(0, amp);
      qs = amp == std::string_view::npos ? std::string_view() : qs.substr(amp + 1);
      size_t eq = kv.find('=');
      if (eq == std::string_view::npos || eq == 0) continue;
      auto value = decode(kv.substr(eq + 1));
      if (!value) return std::nullopt;
      if (!value->empty()) p.qualifiers[lower(kv.substr(0, eq))] = *value;
    }
  }
  size_t slash = s.find('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  p.type = lower(s.substr(0, slash));
  s.remove_prefix(slash + 1);
  // The version follows the last '@' of the remainder (a scoped npm namespace's '@' is encoded).
  if (size_t at = s.rfind('@'); at != std::string_view::npos) {
    auto v = decode(s.substr(at + 1));
    if (!v) return std::nullopt;
    p.version = *v;
    s = s.substr(0, at);
  }
  while (s.ends_with('/')) s.remove_suffix(1);
  size_t last = s.rfind('/');
  auto name = decode(last == std::string_view::npos ? s : s.substr(last + 1));
  if (!name || name->empty()) return std::nullopt;
  p.name = *name;
  if (last != std::string_view::npos) {
    std::string_view ns = s.substr(0, last);
    std::string out;
    while (!ns.empty()) {
      size_t sl = ns.find('/');
      auto seg = decode(ns.substr(0, sl));
      if (!seg) return std::nullopt;
      if (!seg->empty()) out += (out.empty() ? "" : "/") + *seg;
      ns = sl == std::string_view::npos ? std::string_view() : ns.substr(sl + 1);
    }
    p.ns = out;
  }
  return p;
}

std::string package_name(const ParsedPurl& p) {
  if (p.ns.empty()) return p.name;
  if (p.type == "maven") return p.ns + ":" + p.name;
  if (p.type == "npm" || p.type == "composer" || p.type == "golang") return p.ns + "/" + p.name;
  return p.name;
}

}  // namespace dagda
