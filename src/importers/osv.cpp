// The OSV format (https://ossf.github.io/osv-schema/), JSON and YAML: one
// Vulnerability per record and Affected rows per affected[] entry.
//
// A record is either one vulnerability (GHSA, PYSEC, GO, RUSTSEC, CVE,
// UBUNTU-CVE-...): its rows are about its CVE when it has one (the CVE among
// its aliases), its other names are aliases, and `related` ids stay related.
// Or it is a distro advisory covering several vulnerabilities (DSA, DLA, ELA,
// USN, RHSA, RLSA, ALSA, ...): its rows are one per vulnerability it covers
// (the CVEs of `upstream`, `related` and `aliases`), each with the advisory as
// advisory_id, and those CVEs are related to the advisory, never aliases.
// A withdrawn record keeps its Vulnerability (marked withdrawn) and has no rows.
#include <set>

#include "importers/feed_util.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

// The source a record belongs to, from its id prefix.
std::string_view source_for(std::string_view id) {
  auto prefix = id.substr(0, id.find('-'));
  if (prefix == "GHSA") return "ghsa";
  if (prefix == "PYSEC") return "pypa";
  if (prefix == "GO") return "go-vulndb";
  if (prefix == "RUSTSEC") return "rustsec-osv";
  if (prefix == "ELA" || prefix == "DLA" || prefix == "DSA" || prefix == "DEBIAN") return "debian-osv";
  if (prefix == "USN" || prefix == "UBUNTU") return "ubuntu-osv";
  return "osv";
}

// Distro advisories: one advisory, several vulnerabilities.
bool advisory_record(std::string_view id) {
  for (std::string_view p : {"DSA-", "DLA-", "DTSA-", "ELA-", "USN-", "LSN-", "RHSA-", "RHBA-", "RHEA-", "RLSA-",
                             "RXSA-", "ALSA-", "ALBA-", "ALEA-", "MGASA-", "SUSE-SU-", "openSUSE-SU-", "BELL-"})
    if (id.starts_with(p)) return true;
  return false;
}

// "UBUNTU-CVE-2021-3782", "DEBIAN-CVE-2021-3782" -> the CVE they are records of.
std::string cve_of(std::string_view id) {
  if (is_cve(id)) return std::string(id);
  for (std::string_view p : {"UBUNTU-", "DEBIAN-"})
    if (id.starts_with(p) && is_cve(id.substr(p.size()))) return std::string(id.substr(p.size()));
  return "";
}

bool looks_like_osv_id(std::string_view name) {
  for (std::string_view p : {"GHSA-", "PYSEC-", "GO-", "RUSTSEC-", "ELA-", "DLA-", "DSA-", "DEBIAN-", "USN-",
                             "UBUNTU-", "OSV-", "CVE-", "RLSA-", "ALSA-", "MAL-", "BIT-", "PSF-", "HSEC-"})
    if (name.starts_with(p)) return true;
  return false;
}

int detect(std::string_view path, std::string_view head) {
  std::string_view h = skip_space(head);
  auto has = [&](std::string_view s) { return h.find(s) != std::string_view::npos; };
  if (h.starts_with("{")) {
    if (has("\"schema_version\"")) return 3;
    if (has("\"id\"") && has("\"modified\"") && (has("\"affected\"") || has("\"aliases\"") || has("\"details\"")))
      return 3;
    if (has("\"affected\"") && looks_like_osv_id(base_name(path))) return 2;
    return 0;
  }
  if (name_ends_with(path, {".yaml", ".yml"})) {
    bool id = h.starts_with("id:") || has("\nid:");
    bool modified = h.starts_with("modified:") || has("\nmodified:");
    bool affected = h.starts_with("affected:") || has("\naffected:");
    if (id && modified && (affected || has("\nschema_version:") || has("\ndetails:"))) return 3;
    if (id && (modified || affected) && looks_like_osv_id(base_name(path))) return 2;
  }
  return 0;
}

std::optional<version::OsvRange> read_range(element r) {
  if (!r.is_object()) return std::nullopt;
  version::OsvRange out;
  out.type = jtext(r, "type");
  auto ev = jarray(r, "events");
  if (!ev) return std::nullopt;
  for (element e : *ev) {
    if (!e.is_object()) return std::nullopt;
    for (auto& [key, kind] : std::initializer_list<std::pair<const char*, version::OsvEvent::Kind>>{
             {"introduced", version::OsvEvent::introduced},
             {"fixed", version::OsvEvent::fixed},
             {"last_affected", version::OsvEvent::last_affected},
             {"limit", version::OsvEvent::limit}}) {
      std::string v = jtext(e, key);
      if (!v.empty()) out.events.push_back({kind, v});
    }
  }
  return out;
}

struct Context {
  const Entry& entry;
  vulndb::Sink& sink;
  Diagnostics& diag;
  std::set<std::string> warned_ecosystems;
  void warn(std::string code, std::string msg) { diag.warn(std::move(code), std::move(msg), where(entry)); }
};

void read_severity(element rec, vulndb::Vulnerability& v, std::string& word, std::string_view source) {
  auto list = jarray(rec, "severity");
  if (!list) return;
  for (element s : *list) {
    std::string type = jtext(s, "type");
    std::string score = jtext(s, "score");
    if (score.empty()) continue;
    if (type.starts_with("CVSS")) {
      if (auto c = cvss_entry(score, source)) v.cvss.push_back(std::move(*c));
    } else if (word.empty()) {
      word = vulndb::normalize_severity(score);  // "Ubuntu": "medium", ...
    }
  }
}

std::string severity_word(element obj) {
  if (!obj.is_object()) return "";
  std::string s = jtext(obj, "severity");
  if (s.empty()) s = jtext(obj, "urgency");
  return vulndb::normalize_severity(s);
}

Status read_record(Context& ctx, element rec, size_t index) {
  if (!rec.is_object()) return entry_error(ctx.entry, "OSV record " + std::to_string(index) + " is not an object");
  std::string id = jtext(rec, "id");
  if (id.empty()) return entry_error(ctx.entry, "OSV record " + std::to_string(index) + " has no \"id\"");
  std::string_view source = source_for(id);
  ctx.sink.source(source);

  vulndb::Vulnerability v;
  v.id = id;
  std::vector<std::string> aliases = jstrings(rec, "aliases");
  std::vector<std::string> related = jstrings(rec, "related");
  std::vector<std::string> upstream = jstrings(rec, "upstream");
  v.summary = jtext(rec, "summary");
  v.description = jtext(rec, "details");
  v.published = jtext(rec, "published");
  v.modified = jtext(rec, "modified");
  v.withdrawn = !jstr(rec, "withdrawn").empty();
  std::string word;
  read_severity(rec, v, word, source);
  if (auto d = jfield(rec, "database_specific"); d && d->is_object()) {
    if (std::string w = severity_word(*d); !w.empty()) word = w;
    for (auto& cwe : jstrings(*d, "cwe_ids")) v.cwes.push_back(cwe);
  }
  v.severity = word;
  if (auto refs = jarray(rec, "references"))
    for (element r : *refs)
      if (std::string url = jtext(r, "url"); !url.empty()) v.references.push_back(url);

  // The vulnerabilities the rows are about.
  std::vector<std::string> covered;  // advisory: every CVE it covers
  std::string vuln_id;               // one vulnerability: its CVE, else its id
  std::vector<std::string> row_aliases;
  if (advisory_record(id)) {
    for (auto* list : {&upstream, &related, &aliases})
      for (auto& x : *list)
        if (std::string c = cve_of(x); !c.empty()) add_id(covered, c);
    for (auto& c : covered) add_id(v.related, c);
    for (auto& x : related) add_id(v.related, x, id);
    for (auto& x : upstream) add_id(v.related, x, id);
    for (auto& x : aliases)
      if (cve_of(x).empty()) add_id(v.aliases, x, id);  // another name of the advisory
  } else {
    vuln_id = cve_of(id);
    for (auto& a : aliases)
      if (vuln_id.empty()) vuln_id = cve_of(a);
    // A record derived from exactly one upstream CVE is a record of that CVE.
    std::vector<std::string> upstream_cves;
    for (auto& u : upstream)
      if (std::string c = cve_of(u); !c.empty()) add_id(upstream_cves, c);
    if (vuln_id.empty() && upstream_cves.size() == 1) vuln_id = upstream_cves[0];
    for (auto& a : aliases) add_id(v.aliases, a, id);
    if (upstream_cves.size() == 1) {
      add_id(v.aliases, upstream_cves[0], id);
    } else {
      for (auto& u : upstream) add_id(v.related, u, id);
    }
    for (auto& r : related) add_id(v.related, r, id);
    if (vuln_id.empty()) vuln_id = id;
    for (auto& a : v.aliases) add_id(row_aliases, a, vuln_id);
    add_id(row_aliases, id, vuln_id);
  }

  std::vector<vulndb::Affected> rows;
  std::set<std::string> scope;
  auto aff = jfield(rec, "affected");
  if (aff && !aff->is_null() && !aff->is_array()) return entry_error(ctx.entry, id + ": \"affected\" is not a list");
  if (aff && aff->is_array() && !v.withdrawn) {
    for (element a : aff->get_array()) {
      auto pkg = jfield(a, "package");
      if (!pkg || !pkg->is_object()) {
        ctx.warn("osv.bad-affected", id + ": an affected entry has no package; skipped");
        continue;
      }
      std::string eco = jtext(*pkg, "ecosystem");
      std::string name = jtext(*pkg, "name");
      if (name.empty()) {
        ctx.warn("osv.bad-affected", id + ": an affected entry has no package name; skipped");
        continue;
      }
      std::string ns = vulndb::ecosystem_namespace(eco);
      if (ns.empty()) {
        if (ctx.warned_ecosystems.insert(eco).second)
          ctx.warn("osv.unknown-ecosystem",
                   "ecosystem \"" + eco + "\" is not one Dagda matches; its packages are skipped");
        continue;
      }
      vulndb::Affected row;
      row.advisory_id = id;
      row.ns = ns;
      row.package = vulndb::normalize_package(ns, name);
      row.status = vulndb::AffectedStatus::affected;
      row.published = v.published;
      if (auto r = jfield(a, "ranges"); r && !r->is_null()) {
        if (!r->is_array()) {
          ctx.warn("osv.bad-ranges", id + ": \"ranges\" of " + name + " (" + eco + ") is not a list; entry skipped");
          continue;
        }
        bool bad_range = false;
        for (element one : r->get_array()) {
          auto range = read_range(one);
          if (!range) {
            bad_range = true;
            break;
          }
          for (const auto& e : range->events)
            if (e.kind == version::OsvEvent::fixed && range->type != "GIT") {
              if (row.fixed_version.empty()) row.fixed_version = e.version;
              add_id(row.fixes, e.version);
            }
          row.ranges.push_back(std::move(*range));
        }
        if (bad_range) {
          ctx.warn("osv.bad-ranges", id + ": a range of " + name + " (" + eco + ") is malformed; entry skipped");
          continue;
        }
      }
      if (row.fixes.size() < 2) row.fixes.clear();
      row.versions = jstrings(a, "versions");
      if (auto es = jfield(a, "ecosystem_specific")) row.severity = severity_word(*es);
      if (row.severity.empty())
        if (auto ds = jfield(a, "database_specific")) row.severity = severity_word(*ds);
      if (row.severity.empty()) row.severity = v.severity;
      auto colon = ns.find(':');
      scope.insert(colon == std::string::npos ? ns : ns.substr(0, colon));
      if (covered.empty()) {
        row.vuln_id = vuln_id.empty() ? id : vuln_id;
        row.aliases = row_aliases;
        rows.push_back(std::move(row));
      } else {
        for (auto& cve : covered) {
          vulndb::Affected one = row;
          one.vuln_id = cve;
          rows.push_back(std::move(one));
        }
      }
    }
  }
  v.scope.assign(scope.begin(), scope.end());
  ctx.sink.add(std::move(v));
  for (auto& r : rows) ctx.sink.add(std::move(r));
  return ok_status();
}

Status parse(const Entry& entry, vulndb::Sink& sink, Diagnostics& diag) {
  DAGDA_ASSIGN_OR_RETURN(Document doc, parse_json_or_yaml(entry));
  Context ctx{entry, sink, diag, {}};
  element root = doc.root();
  if (root.is_array()) {
    size_t i = 0;
    for (element rec : root.get_array()) DAGDA_TRY(read_record(ctx, rec, i++));
    return ok_status();
  }
  if (!root.is_object()) return entry_error(entry, "not an OSV record (the document is not an object)");
  return read_record(ctx, root, 0);
}

}  // namespace

extern const ImporterInfo osv;
const ImporterInfo osv{"osv", "OSV records (JSON or YAML; every ecosystem, all.zip too)", detect, parse};

}  // namespace dagda::importers::feeds
