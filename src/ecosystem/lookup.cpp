// Lookups over the table: by name or alias, namespaces, comparators.
#include <algorithm>

#include "ecosystem/ecosystem.hpp"

namespace dagda::eco {
namespace {

char lower_char(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return lower_char(x) == lower_char(y);
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "Debian:12" -> "Debian"
std::string_view base_of(std::string_view name) { return trim(trim(name).substr(0, trim(name).find(':'))); }

const Distro* distro_of_namespace(std::string_view ns) {
  auto colon = ns.find(':');
  if (colon == std::string_view::npos) return nullptr;
  for (const Distro& d : distros())
    if (d.id == ns.substr(0, colon)) return &d;
  return nullptr;
}

const Ecosystem* ecosystem_of_namespace(std::string_view ns) {
  for (const Ecosystem& e : ecosystems())
    if (!e.ns.empty() && e.ns == ns) return &e;
  return nullptr;
}

}  // namespace

const Ecosystem* find(std::string_view name) {
  std::string_view b = base_of(name);
  if (b.empty()) return nullptr;
  for (const Ecosystem& e : ecosystems()) {
    if (iequals(e.name, b)) return &e;
    for (auto a : e.aliases)
      if (iequals(a, b)) return &e;
  }
  // A distro's name leads to its package manager ("Debian" -> deb, "Red Hat" -> rpm).
  if (const Distro* d = find_distro(b)) return find(d->package_type);
  return nullptr;
}

const Ecosystem* from_purl_type(std::string_view type) {
  for (const Ecosystem& e : ecosystems())
    if (!e.purl_type.empty() && iequals(e.purl_type, type)) return &e;
  return nullptr;
}

const Distro* find_distro(std::string_view id) {
  std::string_view b = trim(id);
  if (b.empty()) return nullptr;
  for (const Distro& d : distros()) {
    if (iequals(d.id, b)) return &d;
    for (auto a : d.ids)
      if (iequals(a, b)) return &d;
  }
  return nullptr;
}

bool is_os(std::string_view ecosystem) {
  const Ecosystem* e = find(ecosystem);
  return e && e->os;
}

std::string purl_type(std::string_view ecosystem) {
  if (const Ecosystem* e = find(ecosystem)) return std::string(e->purl_type);
  std::string out(ecosystem);
  for (auto& c : out) c = lower_char(c);
  return out;
}

std::string distro_namespace(std::string_view distro, std::string_view release) {
  const Distro* d = find_distro(distro);
  // Every rule gives "" for an empty release except the rolling one (Wolfi has no VERSION_ID to go by).
  if (!d || !d->release) return "";
  std::string r = d->release(trim(release));
  return r.empty() ? "" : std::string(d->id) + ":" + r;
}

std::string ecosystem_namespace(std::string_view ecosystem) {
  std::string_view base = trim(ecosystem.substr(0, ecosystem.find(':')));
  std::string_view rest = base.size() < ecosystem.size() ? ecosystem.substr(ecosystem.find(':') + 1) : "";
  if (const Distro* d = find_distro(base)) {
    // OSV distro ecosystems: "Debian:10", "Alpine:v3.16", "Ubuntu:22.04:LTS", "Ubuntu:Pro:18.04:LTS".
    if (rest.starts_with("Pro:")) rest.remove_prefix(4);
    if (rest.empty()) return "";
    return distro_namespace(d->id, rest.substr(0, rest.find(':')));
  }
  const Ecosystem* e = find(base);
  return e && !e->os ? std::string(e->ns) : "";
}

std::string normalize_package(std::string_view ns, std::string_view name) {
  const Ecosystem* e = ecosystem_of_namespace(ns);
  if (!e) e = find(ns);  // callers may name the ecosystem instead of its namespace ("gem", "npm")
  if (e && e->normalize) return e->normalize(name);
  return std::string(name);
}

std::string_view namespace_comparator(std::string_view ns) {
  if (const Distro* d = distro_of_namespace(ns)) {
    const Ecosystem* e = find(d->package_type);
    return e ? e->comparator : "";
  }
  if (const Ecosystem* e = ecosystem_of_namespace(ns)) return e->comparator;
  if (const Ecosystem* e = find(ns)) return e->comparator;
  return "";
}

std::string module_package(std::string_view ns, std::string_view name, std::string_view module_stream) {
  const Distro* d = distro_of_namespace(ns);
  if (!d || !d->module_streams || module_stream.empty()) return std::string(name);
  return std::string(name) + "@" + std::string(module_stream);
}

std::string arch_package(std::string_view ns, std::string_view name, std::string_view arch) {
  const Distro* d = distro_of_namespace(ns);
  if (!d || !d->arch_rows || arch.empty()) return std::string(name);
  return std::string(name) + "#" + std::string(arch);
}

std::string rpm_arch(std::string_view a) {
  if (a == "amd64") return "x86_64";
  if (a == "arm64") return "aarch64";
  if (a == "386") return "i686";
  return std::string(a);
}

std::string module_stream_of_label(std::string_view label) {
  auto first = label.find(':');
  if (first == std::string_view::npos) return std::string(label);
  auto second = label.find(':', first + 1);
  return std::string(label.substr(0, second));
}

ReleaseFallback namespace_fallback(std::string_view ns) {
  const Distro* d = distro_of_namespace(ns);
  return d ? d->fallback : ReleaseFallback::never;
}

std::span<const std::string_view> namespace_rating_sources(std::string_view ns) {
  if (const Distro* d = distro_of_namespace(ns)) return d->rating_sources;
  if (const Ecosystem* e = ecosystem_of_namespace(ns)) return e->rating_sources;
  return {};
}

}  // namespace dagda::eco
