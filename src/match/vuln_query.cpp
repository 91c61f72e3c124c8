#include "match/vuln_query.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "ecosystem/ecosystem.hpp"
#include "match/matcher.hpp"
#include "vulndb/evaluate.hpp"
#include "vulndb/namespace.hpp"

namespace dagda {
namespace {

using nlohmann::json;
using namespace dagda::vulndb;

json affected_json(const StoredAffected& s, const Verdict* v) {
  const Affected& a = s.affected;
  json j = {{"source", s.source},
            {"advisory", a.advisory_id},
            {"vulnerability", a.vuln_id},
            {"namespace", a.ns},
            {"package", a.package},
            {"status", to_string(a.status)},
            {"fixed_version", a.fixed_version.empty() ? json(nullptr) : json(a.fixed_version)},
            {"range", describe_range(a)}};
  if (!a.constraint.empty()) j["constraint"] = a.constraint;
  if (!a.aliases.empty()) j["aliases"] = a.aliases;
  if (!a.severity.empty()) j["severity"] = a.severity;
  if (!a.note.empty()) j["note"] = a.note;
  if (v) j["match"] = {{"affected", v->affected}, {"rule", v->rule}, {"comparator", v->comparator}};
  return j;
}

json record_json(const StoredVulnerability& s, size_t copies) {
  const Vulnerability& v = s.vuln;
  json cv = json::array();
  for (auto& c : v.cvss)
    cv.push_back({{"version", c.version},
                  {"vector", c.vector},
                  {"score", c.score},
                  {"severity", c.severity},
                  {"source", c.source}});
  return {{"source", s.source},
          {"id", v.id},
          {"aliases", v.aliases},
          {"summary", v.summary},
          {"description", v.description},
          {"published", v.published},
          {"modified", v.modified},
          {"severity", v.severity},
          {"cvss", cv},
          {"cwes", v.cwes},
          {"references", v.references},
          {"withdrawn", v.withdrawn},
          {"copies", copies}};
}

json exploit_json(const Exploit& e) {
  return {{"id", e.id},         {"url", exploit_url(e.id)}, {"title", e.title},       {"date", e.date},
          {"author", e.author}, {"type", e.type},           {"platform", e.platform}, {"cves", e.cves}};
}

json bugtraq_json(const BugtraqEntry& b) {
  return {{"bid", b.bid},
          {"title", b.title},
          {"class", b.vuln_class},
          {"published", b.published},
          {"updated", b.updated},
          {"credit", b.credit},
          {"url", b.url},
          {"remote", b.remote},
          {"local", b.local},
          {"cves", b.cves},
          {"vulnerable", b.vulnerable}};
}

Error not_found(std::string what, std::string_view database) {
  return Error(ErrorCode::not_found,
               fmt::format("{} is not in the database{}{}", what, database.empty() ? "" : " ", database));
}

// Rows that say the same thing once (a feed imported from several files, or listed twice).
std::vector<StoredAffected> unique_rows(std::vector<StoredAffected> rows) {
  auto key = [](const StoredAffected& s) {
    const Affected& a = s.affected;
    return std::make_tuple(a.ns, a.package, a.advisory_id, a.vuln_id, s.source,
                           std::string(to_string(a.status)), a.fixed_version, a.constraint);
  };
  std::sort(rows.begin(), rows.end(), [&](auto& x, auto& y) { return key(x) < key(y); });
  rows.erase(std::unique(rows.begin(), rows.end(), [&](auto& x, auto& y) { return key(x) == key(y); }),
             rows.end());
  return rows;
}

// One block per distinct record: a feed that files the same text once per package (GitLab)
// gives it once, with the aliases and references of all of them, each once.
struct RecordBlock {
  StoredVulnerability rec;
  size_t copies = 1;
};
std::vector<RecordBlock> unique_records(const std::vector<StoredVulnerability>& recs) {
  std::vector<RecordBlock> out;
  for (auto& r : recs) {
    RecordBlock* same = nullptr;
    for (auto& b : out)
      if (b.rec.source == r.source && b.rec.vuln.id == r.vuln.id && b.rec.vuln.summary == r.vuln.summary &&
          b.rec.vuln.description == r.vuln.description)
        same = &b;
    if (!same) {
      out.push_back({r, 1});
      continue;
    }
    ++same->copies;
    for (auto& a : r.vuln.aliases)
      if (std::find(same->rec.vuln.aliases.begin(), same->rec.vuln.aliases.end(), a) ==
          same->rec.vuln.aliases.end())
        same->rec.vuln.aliases.push_back(a);
    for (auto& u : r.vuln.references)
      if (std::find(same->rec.vuln.references.begin(), same->rec.vuln.references.end(), u) ==
          same->rec.vuln.references.end())
        same->rec.vuln.references.push_back(u);
  }
  for (auto& b : out) {
    auto& al = b.rec.vuln.aliases;
    std::sort(al.begin(), al.end());
    al.erase(std::unique(al.begin(), al.end()), al.end());
  }
  return out;
}

// A CVE (or other id) in full: every source's record, exploits, KEV, EPSS, BugTraq, affected packages.
Result<json> by_id(Store& store, const std::string& id, bool advisory, std::string_view database) {
  DAGDA_ASSIGN_OR_RETURN(auto vulns, store.vulnerability(id));
  DAGDA_ASSIGN_OR_RETURN(auto found, store.affected_by_id(id));
  std::vector<StoredAffected> affected = unique_rows(std::move(found));
  // A CVE's page shows its own records and those of its true aliases (a GHSA naming it);
  // notices covering it among others (a DSA) are listed as related, and KEV, EPSS,
  // exploits and BugTraq are the CVE's own. An advisory's page shows every CVE it lists.
  std::set<std::string> related;
  if (!advisory) {
    std::vector<StoredVulnerability> own;
    for (auto& v : vulns) {
      if (v.vuln.id != id && is_distro_notice(v.vuln.id))
        related.insert(v.vuln.id);
      else
        own.push_back(std::move(v));
    }
    vulns = std::move(own);
    for (auto& a : affected)
      if (is_distro_notice(a.affected.advisory_id)) related.insert(a.affected.advisory_id);
  }
  std::set<std::string> cves;
  if (id.starts_with("CVE-")) cves.insert(id);
  if (advisory) {
    for (auto& v : vulns) {
      if (v.vuln.id.starts_with("CVE-")) cves.insert(v.vuln.id);
      for (auto& a : v.vuln.aliases)
        if (a.starts_with("CVE-")) cves.insert(a);
    }
    for (auto& a : affected) {
      if (a.affected.vuln_id.starts_with("CVE-")) cves.insert(a.affected.vuln_id);
      for (auto& al : a.affected.aliases)
        if (al.starts_with("CVE-")) cves.insert(al);
    }
  }
  if (vulns.empty() && affected.empty()) return not_found(id, database);

  json out = {{"schema", "dagda.vuln/v1"}, {"query", {{advisory ? "advisory" : "cve", id}}}};
  out["records"] = json::array();
  for (auto& b : unique_records(vulns)) out["records"].push_back(record_json(b.rec, b.copies));
  out["exploits"] = json::array();
  out["kev"] = json::array();
  out["epss"] = json::array();
  out["bugtraq"] = json::array();
  for (auto& cve : cves) {
    DAGDA_ASSIGN_OR_RETURN(auto ex, store.exploits_for(cve));
    for (auto& e : ex) out["exploits"].push_back(exploit_json(e));
    DAGDA_ASSIGN_OR_RETURN(auto k, store.kev(cve));
    if (k)
      out["kev"].push_back({{"cve", k->cve},
                            {"vendor", k->vendor},
                            {"product", k->product},
                            {"name", k->name},
                            {"date_added", k->date_added},
                            {"due_date", k->due_date},
                            {"required_action", k->required_action},
                            {"ransomware", k->ransomware}});
    DAGDA_ASSIGN_OR_RETURN(auto ep, store.epss(cve));
    if (ep)
      out["epss"].push_back(
          {{"cve", ep->cve}, {"score", ep->score}, {"percentile", ep->percentile}, {"date", ep->date}});
    DAGDA_ASSIGN_OR_RETURN(auto bt, store.bugtraq_for(cve));
    for (auto& b : bt) out["bugtraq"].push_back(bugtraq_json(b));
  }
  out["affected"] = json::array();
  for (auto& a : affected) out["affected"].push_back(affected_json(a, nullptr));
  out["related_advisories"] = related;
  return out;
}

// A package's advisory rows; with a version, those that affect it, each with the rule that decided.
Result<json> by_product(Store& store, const VulnQuery& q) {
  std::vector<StoredAffected> rows;
  if (!q.ecosystem.empty()) {
    std::string ns = ecosystem_namespace(q.ecosystem);
    if (ns.empty()) {
      auto colon = q.ecosystem.find(':');
      if (colon != std::string::npos)
        ns = distro_namespace(q.ecosystem.substr(0, colon), q.ecosystem.substr(colon + 1));
    }
    if (ns.empty())
      return Error(
          ErrorCode::invalid_input,
          fmt::format("unknown ecosystem '{}': use npm, pypi, maven, gem, composer, golang, cargo, nuget, or "
                      "DISTRO:RELEASE such as debian:12, alpine:3.10",
                      q.ecosystem.substr(0, 64)));
    DAGDA_ASSIGN_OR_RETURN(rows, store.affected(ns, normalize_package(ns, q.product)));
  } else {
    // The name as users type it, and as each ecosystem normalises it.
    std::set<std::string> names = {q.product};
    for (const eco::Ecosystem& e : eco::ecosystems())
      if (e.normalize) names.insert(e.normalize(q.product));
    for (auto& n : names) {
      DAGDA_ASSIGN_OR_RETURN(auto r, store.affected_any_namespace(n));
      for (auto& s : r)
        if (normalize_package(s.affected.ns, q.product) == s.affected.package) rows.push_back(std::move(s));
    }
    // Or the last part of a qualified name: Maven's group:artifact, Composer's vendor/name,
    // npm's @scope/name ("log4j-core" finds org.apache.logging.log4j:log4j-core).
    if (q.product.find_first_of(":/") == std::string::npos) {
      for (auto [ns, sep] : {std::pair{"maven", ":"}, {"composer", "/"}, {"npm", "/"}}) {
        DAGDA_ASSIGN_OR_RETURN(auto r,
                               store.affected_with_suffix(ns, sep + normalize_package(ns, q.product)));
        for (auto& s : r) rows.push_back(std::move(s));
      }
    }
    rows = unique_rows(std::move(rows));
  }
  json out = {{"schema", "dagda.vuln/v1"},
              {"query", {{"product", q.product}, {"version", q.version}, {"ecosystem", q.ecosystem}}}};
  out["affected"] = json::array();
  std::vector<std::string> errors;
  for (auto& s : rows) {
    if (q.version.empty()) {
      out["affected"].push_back(affected_json(s, nullptr));
      continue;
    }
    auto v = evaluate(s.affected, q.version);
    if (!v.ok()) {
      errors.push_back(fmt::format("{} {}: {}", s.affected.ns, s.affected.advisory_id, v.error().render()));
      continue;
    }
    if (v->affected) out["affected"].push_back(affected_json(s, &*v));
  }
  out["errors"] = errors;
  return out;
}

}  // namespace

Result<json> vuln_document(Store& store, const VulnQuery& q, std::string_view database) {
  switch (q.kind) {
    case VulnQuery::Kind::cve:
      return by_id(store, q.id, false, database);
    case VulnQuery::Kind::advisory:
      return by_id(store, q.id, true, database);
    case VulnQuery::Kind::product:
      return by_product(store, q);
    case VulnQuery::Kind::exploit: {
      DAGDA_ASSIGN_OR_RETURN(auto e, store.exploit(q.number));
      if (!e) return not_found(fmt::format("Exploit-DB {}", q.number), database);
      return json{{"schema", "dagda.vuln/v1"}, {"exploit", exploit_json(*e)}};
    }
    case VulnQuery::Kind::bugtraq: {
      DAGDA_ASSIGN_OR_RETURN(auto b, store.bugtraq(q.number));
      if (!b) return not_found(fmt::format("BugTraq {}", q.number), database);
      return json{{"schema", "dagda.vuln/v1"}, {"bugtraq", bugtraq_json(*b)}};
    }
  }
  return Error(ErrorCode::internal, "unknown vuln query");
}

}  // namespace dagda
