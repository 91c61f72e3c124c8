// The OSV format (https://ossf.github.io/osv-schema/), JSON and YAML: one
// Vulnerability per record and one Affected per affected[] entry.
#include <set>

#include "importers/feed_util.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

using util::Json;

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

bool looks_like_osv_id(std::string_view name) {
  for (std::string_view p : {"GHSA-", "PYSEC-", "GO-", "RUSTSEC-", "ELA-", "DLA-", "DSA-", "DEBIAN-", "USN-",
                             "UBUNTU-", "OSV-", "CVE-", "RLSA-", "ALSA-", "MAL-", "BIT-", "PSF-", "HSEC-"})
    if (name.starts_with(p)) return true;
  return false;
}

int detect(std::string_view path, std::string_view head) {
  std::string_view h = util::trim_head(head);
  auto has = [&](std::string_view s) { return h.find(s) != std::string_view::npos; };
  if (h.starts_with("{")) {
    if (has("\"schema_version\"")) return 3;
    if (has("\"id\"") && has("\"modified\"") &&
        (has("\"affected\"") || has("\"aliases\"") || has("\"details\"")))
      return 3;
    if (has("\"affected\"") && looks_like_osv_id(util::base_name(path))) return 2;
    return 0;
  }
  if (util::name_ends_with(path, {".yaml", ".yml"})) {
    bool id = h.starts_with("id:") || has("\nid:");
    bool modified = h.starts_with("modified:") || has("\nmodified:");
    bool affected = h.starts_with("affected:") || has("\naffected:");
    if (id && modified && (affected || has("\nschema_version:") || has("\ndetails:"))) return 3;
    if (id && (modified || affected) && looks_like_osv_id(util::base_name(path))) return 2;
  }
  return 0;
}

std::optional<version::OsvRange> read_range(const Json& r) {
  if (!r.is_object()) return std::nullopt;
  version::OsvRange out;
  out.type = util::str(r, "type");
  auto ev = r.find("events");
  if (ev == r.end() || !ev->is_array()) return std::nullopt;
  for (const auto& e : *ev) {
    if (!e.is_object()) return std::nullopt;
    for (auto& [key, kind] : std::initializer_list<std::pair<const char*, version::OsvEvent::Kind>>{
             {"introduced", version::OsvEvent::introduced},
             {"fixed", version::OsvEvent::fixed},
             {"last_affected", version::OsvEvent::last_affected},
             {"limit", version::OsvEvent::limit}}) {
      std::string v = util::str(e, key);
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
  void warn(std::string code, std::string msg) {
    Location where;
    where.file = entry.path;
    diag.warn(std::move(code), std::move(msg), std::move(where));
  }
};

void read_severity(const Json& list, vulndb::Vulnerability& v, std::string& word) {
  if (!list.is_array()) return;
  for (const auto& s : list) {
    std::string type = util::str(s, "type");
    std::string score = util::str(s, "score");
    if (score.empty()) continue;
    if (type.starts_with("CVSS")) {
      if (auto c = util::cvss_from_vector(score)) {
        v.cvss.push_back(std::move(*c));
      } else {
        vulndb::Cvss raw;
        raw.vector = score;
        raw.version = type == "CVSS_V2" ? "2.0" : type == "CVSS_V4" ? "4.0" : "3.1";
        v.cvss.push_back(std::move(raw));
      }
    } else if (word.empty()) {
      word = vulndb::normalize_severity(score);  // "Ubuntu": "medium", ...
    }
  }
}

std::string severity_word(const Json& obj) {
  if (!obj.is_object()) return "";
  std::string s = util::str(obj, "severity");
  if (s.empty()) s = util::str(obj, "urgency");
  return vulndb::normalize_severity(s);
}

Status read_record(Context& ctx, const Json& rec, size_t index) {
  if (!rec.is_object())
    return util::bad(ctx.entry, "OSV record " + std::to_string(index) + " is not an object");
  std::string id = util::str(rec, "id");
  if (id.empty()) return util::bad(ctx.entry, "OSV record " + std::to_string(index) + " has no \"id\"");
  ctx.sink.source(source_for(id));

  vulndb::Vulnerability v;
  v.id = id;
  v.aliases = util::strings(rec, "aliases");
  v.summary = util::str(rec, "summary");
  v.description = util::str(rec, "details");
  v.published = util::str(rec, "published");
  v.modified = util::str(rec, "modified");
  v.withdrawn = !util::str(rec, "withdrawn").empty();
  std::string word;
  if (auto s = rec.find("severity"); s != rec.end()) read_severity(*s, v, word);
  if (auto d = rec.find("database_specific"); d != rec.end() && d->is_object()) {
    if (std::string w = severity_word(*d); !w.empty()) word = w;
    for (auto& cwe : util::strings(*d, "cwe_ids")) v.cwes.push_back(cwe);
  }
  v.severity = word;
  if (auto refs = rec.find("references"); refs != rec.end() && refs->is_array())
    for (const auto& r : *refs)
      if (std::string url = util::str(r, "url"); !url.empty()) v.references.push_back(url);

  // The CVE this record is about, for the Affected rows' vuln_id.
  std::string cve;
  if (util::is_cve(id)) cve = id;
  for (const auto& a : v.aliases)
    if (cve.empty() && util::is_cve(a)) cve = a;
  std::vector<std::string> related = util::strings(rec, "related");
  if (cve.empty() && related.size() == 1 && util::is_cve(related[0])) cve = related[0];

  std::vector<vulndb::Affected> rows;
  if (auto aff = rec.find("affected"); aff != rec.end()) {
    if (!aff->is_array()) return util::bad(ctx.entry, id + ": \"affected\" is not a list");
    for (const auto& a : *aff) {
      const Json* pkg = nullptr;
      if (a.is_object())
        if (auto p = a.find("package"); p != a.end() && p->is_object()) pkg = &*p;
      if (!pkg) {
        ctx.warn("osv.bad-affected", id + ": an affected entry has no package; skipped");
        continue;
      }
      std::string eco = util::str(*pkg, "ecosystem");
      std::string name = util::str(*pkg, "name");
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
      row.vuln_id = cve.empty() ? id : cve;
      for (const auto& al : v.aliases)
        if (al != row.vuln_id) row.aliases.push_back(al);
      if (row.vuln_id != id) row.aliases.push_back(id);
      row.ns = ns;
      row.package = vulndb::normalize_package(ns, name);
      row.status = vulndb::AffectedStatus::affected;
      row.published = v.published;
      if (auto r = a.find("ranges"); r != a.end() && !r->is_null()) {
        if (!r->is_array()) {
          ctx.warn("osv.bad-ranges",
                   id + ": \"ranges\" of " + name + " (" + eco + ") is not a list; entry skipped");
          continue;
        }
        bool bad_range = false;
        for (const auto& one : *r) {
          auto range = read_range(one);
          if (!range) {
            bad_range = true;
            break;
          }
          for (const auto& e : range->events)
            if (e.kind == version::OsvEvent::fixed && row.fixed_version.empty() && range->type != "GIT")
              row.fixed_version = e.version;
          row.ranges.push_back(std::move(*range));
        }
        if (bad_range) {
          ctx.warn("osv.bad-ranges",
                   id + ": a range of " + name + " (" + eco + ") is malformed; entry skipped");
          continue;
        }
      }
      row.versions = util::strings(a, "versions");
      if (auto es = a.find("ecosystem_specific"); es != a.end()) row.severity = severity_word(*es);
      if (row.severity.empty())
        if (auto ds = a.find("database_specific"); ds != a.end()) row.severity = severity_word(*ds);
      if (row.severity.empty()) row.severity = v.severity;
      rows.push_back(std::move(row));
    }
  }
  ctx.sink.add(std::move(v));
  for (auto& r : rows) ctx.sink.add(std::move(r));
  return ok_status();
}

Status parse(const Entry& entry, vulndb::Sink& sink, Diagnostics& diag) {
  std::string_view h = util::trim_head(entry.data);
  Result<Json> doc =
      (h.starts_with("{") || h.starts_with("[")) ? util::parse_json(entry) : util::parse_yaml(entry);
  if (!doc.ok()) return doc.error();
  Context ctx{entry, sink, diag, {}};
  if (doc->is_array()) {
    size_t i = 0;
    for (const auto& rec : *doc) DAGDA_TRY(read_record(ctx, rec, i++));
    return ok_status();
  }
  if (!doc->is_object()) return util::bad(entry, "not an OSV record (the document is not an object)");
  return read_record(ctx, *doc, 0);
}

}  // namespace

extern const ImporterInfo osv;
const ImporterInfo osv{"osv", "OSV records (JSON or YAML; every ecosystem, all.zip too)", detect, parse};

}  // namespace dagda::importers::feeds
