// Alpine's secdb (https://secdb.alpinelinux.org), JSON or YAML: per release and
// repository, each origin package's `secfixes` map of fixed version to the ids
// fixed in it. One Affected per (package, fixed version, vulnerability); an
// item naming a CVE and an advisory ("CVE-2017-10920 XSA-224": Xen's advisory
// covers three CVEs) is a row for the CVE with the advisory as advisory_id.
// Version "0" means the package was never affected.
#include <cctype>

#include "importers/feed_util.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

int detect(std::string_view path, std::string_view head) {
  (void)path;
  std::string_view h = skip_space(head);
  if (h.starts_with("{") && h.find("\"distroversion\"") != std::string_view::npos) return 3;
  if (h.starts_with("---")) h = skip_space(h.substr(3));
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
  DAGDA_ASSIGN_OR_RETURN(Document doc, parse_json_or_yaml(entry));
  element root = doc.root();
  if (!root.is_object()) return entry_error(entry, "not an Alpine secdb document (not a mapping)");
  std::string release = jtext(root, "distroversion");
  if (release.empty()) return entry_error(entry, "Alpine secdb document without \"distroversion\"");
  std::string ns = vulndb::distro_namespace("alpine", release);
  if (ns.empty()) return entry_error(entry, "Alpine secdb \"distroversion\" \"" + release + "\" is not a release");
  if (jnull_or_missing(root, "packages")) return ok_status();  // an empty repository
  auto pkgs = jarray(root, "packages");
  if (!pkgs) return entry_error(entry, "Alpine secdb \"packages\" is not a list");
  sink.source("alpine-secdb");
  for (element p : *pkgs) {
    auto pkg = jfield(p, "pkg");
    std::string name = pkg && pkg->is_object() ? jtext(*pkg, "name") : "";
    if (name.empty()) {
      diag.warn("alpine-secdb.bad-package", "a package entry has no pkg.name; skipped", where(entry));
      continue;
    }
    if (jnull_or_missing(*pkg, "secfixes")) continue;
    auto fixes = jobject(*pkg, "secfixes");
    if (!fixes) {
      diag.warn("alpine-secdb.bad-secfixes", name + ": secfixes is not a mapping; skipped", where(entry));
      continue;
    }
    for (auto field : *fixes) {
      std::string fixed(field.key);
      simdjson::dom::array items;
      if (field.value.get_array().get(items)) {
        if (!field.value.is_null())
          diag.warn("alpine-secdb.bad-secfixes", name + " " + fixed + ": not a list of ids; skipped", where(entry));
        continue;
      }
      for (element item : items) {
        std::string_view text = as_str(item);
        if (text.empty()) continue;
        // "CVE-2016-9932 XSA-200", "CVE-2019-1234 (only on x86)": the ids are the id-shaped words.
        std::vector<std::string> cves, others;
        size_t pos = 0;
        while (pos < text.size()) {
          size_t end = text.find_first_of(" \t,;()", pos);
          if (end == std::string_view::npos) end = text.size();
          std::string tok(text.substr(pos, end - pos));
          if (tok.starts_with("CVE_")) tok[3] = '-';  // "CVE_2019-2426"
          if (is_cve(tok))
            add_id(cves, tok);
          else if (is_id(tok))
            add_id(others, tok);
          pos = end + 1;
        }
        if (cves.empty() && others.empty()) {
          diag.warn("alpine-secdb.no-id", name + " " + fixed + ": \"" + std::string(text) + "\" names no vulnerability id; skipped",
                    where(entry));
          continue;
        }
        // One row per vulnerability: the CVEs; without a CVE, the item's own ids.
        std::vector<std::string> vulns = cves.empty() ? others : cves;
        std::string advisory = cves.empty() || others.empty() ? "" : others[0];
        for (auto& id : vulns) {
          vulndb::Affected a;
          a.vuln_id = id;
          a.advisory_id = advisory.empty() ? id : advisory;
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
  }
  return ok_status();
}

}  // namespace

extern const ImporterInfo alpine_secdb;
const ImporterInfo alpine_secdb{"alpine-secdb", "Alpine secdb (JSON or YAML): fixed versions per release",
                                detect, parse};

}  // namespace dagda::importers::feeds
