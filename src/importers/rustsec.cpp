// importers/rustsec.cpp: RustSec advisories (advisory-db: crates/NAME/RUSTSEC-*.md
// with a ```toml front matter block, or older bare .toml files). [advisory]
// id, package, date, aliases, related, cvss, url, references, withdrawn,
// informational; [versions] patched/unaffected (Cargo requirements).
// One Vulnerability per file; one Affected (namespace "cargo") unless the
// advisory is informational (unmaintained, unsound, notice: not a vulnerability
// of a version) or about the Rust toolchain (rust/: std, cargo, rustdoc are not
// crates). Affected versions match neither patched nor unaffected; written as
// a Cargo requirement (", " = and, " || " = or).
#include <toml++/toml.h>

#include "importers/feed_util.hpp"
#include "version/negate.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

int detect(std::string_view /*path*/, std::string_view head) {
  std::string_view h = skip_space(head);
  if (h.starts_with("```toml") && contains(h, "[advisory]")) return 3;
  if (h.starts_with("[advisory]") && contains(h, "RUSTSEC-")) return 3;
  return 0;
}

std::vector<std::string> strings(const toml::node_view<const toml::node>& n) {
  std::vector<std::string> out;
  if (auto arr = n.as_array())
    for (const auto& x : *arr)
      if (auto s = x.value<std::string>()) out.push_back(*s);
  return out;
}

Status parse(const Entry& e, vulndb::Sink& sink, Diagnostics& diag) {
  std::string_view d = skip_space(e.data);
  uint64_t line_base = 0;  // lines before the TOML text
  std::string_view text = d, body;
  if (d.starts_with("```toml")) {
    auto start = d.find('\n');
    auto end = d.find("\n```", start == std::string_view::npos ? 0 : start);
    if (start == std::string_view::npos || end == std::string_view::npos)
      return entry_error(e, "RustSec advisory: the ```toml block is not closed (truncated?)");
    text = d.substr(start + 1, end - start);
    body = trim(d.substr(std::min(d.size(), end + 4)));
    line_base = line_of(e.data, size_t(text.data() - e.data.data())) - 1;
  }
  toml::table doc;
  try {
    doc = toml::parse(text, std::string_view(e.path));
  } catch (const toml::parse_error& err) {
    return entry_error(e, "invalid TOML: " + std::string(err.description()),
                       line_base + uint64_t(err.source().begin.line));
  }
  const toml::node_view<const toml::node> adv = std::as_const(doc)["advisory"];
  if (!adv.is_table()) return entry_error(e, "RustSec advisory without an [advisory] table");
  std::string id = adv["id"].value_or(std::string());
  std::string package = adv["package"].value_or(std::string());
  if (id.empty() || package.empty())
    return entry_error(e, "RustSec advisory without advisory.id or advisory.package");
  vulndb::Vulnerability v;
  v.id = id;
  for (auto& a : strings(adv["aliases"])) add_id(v.aliases, a, id);  // the same vulnerability
  for (auto& r : strings(adv["related"])) add_id(v.related, r, id);  // others linked to it
  v.published = adv["date"].value_or(std::string());
  if (auto t = adv["title"].value<std::string>()) v.summary = *t;
  // The Markdown body: its first "# " heading is the title, the rest the description.
  if (v.summary.empty() && body.starts_with("# "))
    v.summary = std::string(trim(body.substr(2, body.find('\n') - 2)));
  if (auto t = adv["description"].value<std::string>()) v.description = *t;
  if (v.description.empty() && !body.empty()) {
    auto nl = body.starts_with("# ") ? body.find('\n') : 0;
    v.description = std::string(trim(nl == std::string_view::npos ? std::string_view() : body.substr(nl)));
  }
  if (auto u = adv["url"].value<std::string>()) v.references.push_back(*u);
  for (auto& r : strings(adv["references"])) v.references.push_back(r);
  if (auto c = adv["cvss"].value<std::string>())
    if (auto x = cvss_entry(*c, "rustsec")) v.cvss.push_back(std::move(*x));  // a vector: RustSec gives no score
  v.withdrawn = bool(adv["withdrawn"]);
  v.scope = {"cargo"};
  std::string informational = adv["informational"].value_or(std::string());
  // rust/PACKAGE/ID.md: the grandparent directory names the toolchain part of the database.
  std::string_view dir = e.path;
  for (int up = 0; up < 2 && !dir.empty(); ++up)
    dir = dir.substr(0, dir.find_last_of("/!") == std::string_view::npos ? 0 : dir.find_last_of("/!"));
  bool toolchain = base_name(dir) == "rust";
  bool withdrawn = v.withdrawn;  // a withdrawn advisory never produces findings
  sink.add(std::move(v));
  if (!informational.empty() || toolchain || withdrawn) return ok_status();

  const toml::node_view<const toml::node> vers = std::as_const(doc)["versions"];
  std::vector<std::string> patched = strings(vers["patched"]);
  std::vector<std::string> excluded = patched;
  for (auto& u : strings(vers["unaffected"])) excluded.push_back(u);
  auto neg = version::complement_of(excluded, "cargo");
  if (!neg.error.empty()) {
    diag.warn("rustsec.bad-requirement", id + ": " + neg.error + ": no affected range recorded",
              {e.path, {}, {}, {}});
    return ok_status();
  }
  if (!neg.constraint) return ok_status();
  vulndb::Affected a;
  a.advisory_id = id;
  a.vuln_id = id;
  for (auto& x : strings(adv["aliases"]))
    if (is_cve(x) && a.vuln_id == id) a.vuln_id = x;
  for (auto& x : strings(adv["aliases"])) add_id(a.aliases, x, a.vuln_id);
  add_id(a.aliases, id, a.vuln_id);
  for (auto& p : patched)
    for (auto& f : version::lower_bounds(p)) add_id(a.fixes, f);
  if (a.fixes.size() == 1) {
    a.fixed_version = a.fixes[0];
    a.fixes.clear();
  }
  a.ns = "cargo";
  a.package = vulndb::normalize_package("cargo", package);
  a.constraint = *neg.constraint;
  a.published = adv["date"].value_or(std::string());
  sink.add(std::move(a));
  return ok_status();
}

}  // namespace

extern const ImporterInfo rustsec{"rustsec", "RustSec advisory-db (TOML front matter in Markdown)", detect,
                                  parse};

}  // namespace dagda::importers::feeds
