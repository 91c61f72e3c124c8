#include "importers/secfixes.hpp"

#include <cctype>

#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

// "XSA-200", "GHSA-xxxx-yyyy-zzzz": an upper-case prefix, a dash, an id.
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

}  // namespace

void add_secfixes(const Entry& entry, simdjson::dom::array packages, const std::string& ns,
                  std::string_view warn_prefix, vulndb::Sink& sink, Diagnostics& diag) {
  auto code = [&](std::string_view what) { return std::string(warn_prefix) + "." + std::string(what); };
  for (element p : packages) {
    auto pkg = jfield(p, "pkg");
    std::string name = pkg && pkg->is_object() ? jtext(*pkg, "name") : "";
    if (name.empty()) {
      diag.warn(code("bad-package"), "a package entry has no pkg.name; skipped", where(entry));
      continue;
    }
    if (jnull_or_missing(*pkg, "secfixes")) continue;
    auto fixes = jobject(*pkg, "secfixes");
    if (!fixes) {
      diag.warn(code("bad-secfixes"), name + ": secfixes is not a mapping; skipped", where(entry));
      continue;
    }
    for (auto field : *fixes) {
      std::string fixed(field.key);
      simdjson::dom::array items;
      if (field.value.get_array().get(items)) {
        if (!field.value.is_null())
          diag.warn(code("bad-secfixes"), name + " " + fixed + ": not a list of ids; skipped", where(entry));
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
          diag.warn(code("no-id"), name + " " + fixed + ": \"" + std::string(text) + "\" names no vulnerability id; skipped",
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
}

}  // namespace dagda::importers::feeds
