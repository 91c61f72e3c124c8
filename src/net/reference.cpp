#include "net/reference.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "common/digest.hpp"

namespace dagda::net {
namespace {

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// One path component: [a-z0-9]+ joined by '.', '_', '__' or runs of '-'.
bool valid_component(std::string_view c) {
  if (c.empty() || !lower_alnum(c.front()) || !lower_alnum(c.back())) return false;
  for (size_t i = 0; i < c.size();) {
    if (lower_alnum(c[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < c.size() && !lower_alnum(c[j])) ++j;
    std::string_view sep = c.substr(i, j - i);
    bool dashes = std::all_of(sep.begin(), sep.end(), [](char x) { return x == '-'; });
    if (!(sep == "." || sep == "_" || sep == "__" || dashes)) return false;
    i = j;
  }
  return true;
}

// host[:port], host being DNS labels or an IPv4 address or a bracketed IPv6 address.
bool valid_domain(std::string_view d) {
  if (d.empty() || d.size() > 255) return false;
  std::string_view host = d, port;
  if (d.front() == '[') {
    size_t close = d.find(']');
    if (close == std::string_view::npos) return false;
    host = d.substr(1, close - 1);
    if (host.empty() || !std::all_of(host.begin(), host.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == ':'; }))
      return false;
    if (close + 1 < d.size()) {
      if (d[close + 1] != ':') return false;
      port = d.substr(close + 2);
    }
  } else {
    size_t colon = d.find(':');
    if (colon != std::string_view::npos) {
      host = d.substr(0, colon);
      port = d.substr(colon + 1);
    }
    if (host.empty()) return false;
    for (size_t i = 0; i < host.size();) {
      size_t dot = host.find('.', i);
      std::string_view label = host.substr(i, dot == std::string_view::npos ? std::string_view::npos : dot - i);
      if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
      for (char c : label)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
      if (dot == std::string_view::npos) break;
      i = dot + 1;
    }
  }
  if (d.find(':') != std::string_view::npos && d.front() != '[' && port.empty()) return false;
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return false;
    int p = std::atoi(std::string(port).c_str());
    if (p <= 0 || p > 65535) return false;
  }
  return true;
}

bool valid_tag(std::string_view t) {
  if (t.empty() || t.size() > 128) return false;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  if (!word(t.front())) return false;
  return std::all_of(t.begin(), t.end(), [&](char c) { return word(c) || c == '.' || c == '-'; });
}

}  // namespace

std::string ImageRef::full() const {
  std::string s = domain + "/" + path;
  if (!tag.empty()) s += ":" + tag;
  if (!digest.empty()) s += "@" + digest;
  return s;
}

std::string ImageRef::api_host() const { return domain == "docker.io" ? "registry-1.docker.io" : domain; }

Result<ImageRef> parse_reference(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Error(ErrorCode::invalid_input,
                 fmt::format("'{}' is not a valid image reference: {}", text.substr(0, 200), why));
  };
  if (text.empty()) return bad("it is empty");
  if (text.size() > 512) return bad("it is longer than 512 characters");
  ImageRef ref;
  std::string_view rest = text;
  if (size_t at = rest.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
    if (!parse_sha256_digest(ref.digest, nullptr)) return bad("the digest is not sha256:<64 hex digits>");
  }
  // A tag follows the last ':' that comes after the last '/'.
  size_t slash = rest.rfind('/');
  size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    ref.tag = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
    if (!valid_tag(ref.tag)) return bad("the tag may hold letters, digits, '_', '.' and '-' (128 at most)");
  }
  std::string_view name = rest;
  size_t first = name.find('/');
  std::string_view head = name.substr(0, first);
  bool has_domain = first != std::string_view::npos &&
                    (head.find_first_of(".:") != std::string_view::npos || head == "localhost" ||
                     std::any_of(head.begin(), head.end(), [](char c) { return c >= 'A' && c <= 'Z'; }) ||
                     head.starts_with('['));
  if (has_domain) {
    ref.domain = std::string(head);
    name = name.substr(first + 1);
    if (!valid_domain(ref.domain)) return bad(fmt::format("'{}' is not a valid registry host", ref.domain));
    std::string lowered = ref.domain;
    for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // A host told apart by its capitals alone ("Registry/app") stays as written: lowered, it would
    // read as the first component of a repository path, and the reference would name another image.
    bool still_host = lowered.find_first_of(".:") != std::string::npos || lowered == "localhost" ||
                      lowered.starts_with('[');
    if (still_host) ref.domain = lowered;
    if (ref.domain == "index.docker.io") ref.domain = "docker.io";
  } else {
    ref.domain = "docker.io";
  }
  if (name.empty()) return bad("it names no repository");
  for (size_t i = 0; i <= name.size();) {
    size_t j = name.find('/', i);
    if (j == std::string_view::npos) j = name.size();
    if (!valid_component(name.substr(i, j - i)))
      return bad("repository names use lower-case letters, digits and single separators ('.', '_', '__', '-')");
    i = j + 1;
  }
  ref.path = std::string(name);
  if (ref.domain == "docker.io" && ref.path.find('/') == std::string::npos) ref.path = "library/" + ref.path;
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

bool is_loopback_host(std::string_view host) {
  // Strip a port.
  if (host.starts_with('[')) {
    size_t close = host.find(']');
    host = host.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
    return host == "::1";
  }
  if (size_t colon = host.rfind(':'); colon != std::string_view::npos && host.find(':') == colon)
    host = host.substr(0, colon);
  if (host == "localhost" || host == "::1") return true;
  if (!host.starts_with("127.")) return false;
  int dots = 0;
  for (char c : host) {
    if (c == '.')
      ++dots;
    else if (c < '0' || c > '9')
      return false;
  }
  return dots == 3;
}

}  // namespace dagda::net
