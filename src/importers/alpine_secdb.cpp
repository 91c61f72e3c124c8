// Alpine's secdb (https://secdb.alpinelinux.org), JSON or YAML: per release and
// repository, each origin package's `secfixes` map of fixed version to the ids
// fixed in it. One Affected per (package, secfixes item); version "0" means
// the package was never affected.
#include <cctype>

#include "importers/feed_util.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

using util::Json;

int detect(std::string_view path, std::string_view head) {
  (void)path;
  std::string_view h = util::trim_head(head);
  if (h.starts_with("{") && h.find("\"distroversion\"") != std::string_view::npos) return 3;
  if (h.starts_with("---")) h = util::trim_head(h.substr(3));
  if (h.starts_with("distroversion:") || h.find("\ndistroversion:") != std::string_view::npos) return 3;
  return 0;
}

bool is_id(std::string_view t) {
  auto dash = t.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 >= t.size()) return false;
  for (size_t i = 0; i < dash; ++i)
    if (!std::isupper(static_cast<unsigned char>(t[i])) && !std::isdigit(static_cast<unsigned char>(t[i])))
      return false;
  for (char c : t.substr(dash + 1))
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

Status parse(const Entry& entry, vulndb::Sink& sink, Diagnostics& diag) {
  std::string_view h = util::trim_head(entry.data);
  Result<Json> doc = h.starts_with("{") ? util::parse_json(entry) : util::parse_yaml(entry);
  if (!doc.ok()) return doc.error();
  if (!doc->is_object()) return util::bad(entry, "not an Alpine secdb document (not a mapping)");
  std::string release = util::str(*doc, "distroversion");
  if (release.empty()) return util::bad(entry, "Alpine secdb document without \"distroversion\"");
  std::string ns = vulndb::distro_namespace("alpine", release);
  if (ns.empty())
    return util::bad(entry, "Alpine secdb \"distroversion\" \"" + release + "\" is not a release");
  auto pkgs = doc->find("packages");
  if (pkgs == doc->end() || pkgs->is_null()) return ok_status();  // an empty repository
  if (!pkgs->is_array()) return util::bad(entry, "Alpine secdb \"packages\" is not a list");
  Location where;
  where.file = entry.path;
  sink.source("alpine-secdb");
  for (const auto& p : *pkgs) {
    const Json* pkg = nullptr;
    if (p.is_object())
      if (auto it = p.find("pkg"); it != p.end() && it->is_object()) pkg = &*it;
    std::string name = pkg ? util::str(*pkg, "name") : "";
    if (name.empty()) {
      diag.warn("alpine-secdb.bad-package", "a package entry has no pkg.name; skipped", where);
      continue;
    }
    auto fixes = pkg->find("secfixes");
    if (fixes == pkg->end() || fixes->is_null()) continue;
    if (!fixes->is_object()) {
      diag.warn("alpine-secdb.bad-secfixes", name + ": secfixes is not a mapping; skipped", where);
      continue;
    }
    for (const auto& [fixed, items] : fixes->items()) {
      if (!items.is_array()) {
        if (!items.is_null())
          diag.warn("alpine-secdb.bad-secfixes", name + " " + fixed + ": not a list of ids; skipped", where);
        continue;
      }
      for (const auto& item : items) {
        if (!item.is_string()) continue;
        // "CVE-2016-9932 XSA-200", "CVE-2019-1234 (only on x86)": the ids are the id-shaped words.
        std::vector<std::string> ids;
        std::string text = item.get<std::string>();
        size_t pos = 0;
        while (pos < text.size()) {
          size_t end = text.find_first_of(" \t,;()", pos);
          if (end == std::string::npos) end = text.size();
          std::string_view tok(text.data() + pos, end - pos);
          if (is_id(tok)) ids.emplace_back(tok);
          pos = end + 1;
        }
        if (ids.empty()) {
          diag.warn("alpine-secdb.no-id",
                    name + " " + fixed + ": \"" + text + "\" names no vulnerability id; skipped", where);
          continue;
        }
        size_t main = 0;
        for (size_t i = 0; i < ids.size(); ++i)
          if (util::is_cve(ids[i])) {
            main = i;
            break;
          }
        vulndb::Affected a;
        a.vuln_id = ids[main];
        a.advisory_id = ids[main];
        for (size_t i = 0; i < ids.size(); ++i)
          if (i != main) a.aliases.push_back(ids[i]);
        a.ns = ns;
        a.package = vulndb::normalize_package(ns, name);
        if (fixed == "0") {
          a.status = vulndb::AffectedStatus::not_affected;
        } else {
          a.status = vulndb::AffectedStatus::fixed;
          a.fixed_version = fixed;
        }
        sink.add(std::move(a));
      }
    }
  }
  return ok_status();
}

}  // namespace

extern const ImporterInfo alpine_secdb;
const ImporterInfo alpine_secdb{"alpine-secdb", "Alpine secdb (JSON or YAML): fixed versions per release",
                                detect, parse};

}  // namespace dagda::importers::feeds
