// dagda vuln --cve ID | --product NAME [--version V] [--ecosystem E] | --exploit N | --bid N | --advisory ID [--json]
// With --server URL (or DAGDA_SERVER): the server's /v1/vuln/... answer, as JSON.
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/remote.hpp"
#include "ecosystem/ecosystem.hpp"
#include "match/matcher.hpp"
#include "report/text.hpp"
#include "vulndb/evaluate.hpp"
#include "vulndb/namespace.hpp"
#include "vulndb/store.hpp"

namespace dagda::cli {
namespace {

using nlohmann::json;
using namespace dagda::vulndb;

struct VulnArgs {
  std::string cve, product, version, ecosystem, advisory;
  int64_t exploit = 0, bid = 0;
  bool json = false;
  RemoteFlags remote;
};

// GET /v1/vuln/...: the server answers dagda.vuln/v1 JSON of its own shape (docs/server.md).
int run_remote_vuln(const VulnArgs& a) {
  if (auto st = refuse_remote(!a.ecosystem.empty(), "--ecosystem",
                              "the server's products route looks the package up in every namespace");
      !st.ok())
    return report_error(st.error());
  if (!a.json)
    return report_error(Error(ErrorCode::unsupported,
                              "with --server, vuln prints the server's JSON answer only: add --json"));
  auto server = a.remote.open();
  if (!server.ok()) return report_error(server.error());
  std::string path;
  if (!a.cve.empty()) path = "/v1/vuln/cve/" + client::segment(a.cve);
  else if (!a.advisory.empty()) path = "/v1/vuln/advisory/" + client::segment(a.advisory);
  else if (!a.product.empty())
    path = "/v1/vuln/products/" + client::segment(a.product) + (a.version.empty() ? "" : "/" + client::segment(a.version));
  else if (a.exploit) path = fmt::format("/v1/vuln/exploit/{}", a.exploit);
  else path = fmt::format("/v1/vuln/bid/{}", a.bid);
  auto j = server->call_json("GET", path, "read");
  if (!j.ok()) return report_error(j.error());
  std::puts(j->dump(2).c_str());
  return kExitOk;
}


json affected_json(const StoredAffected& s, const Verdict* v) {
  const Affected& a = s.affected;
  json j = {{"source", s.source},      {"advisory", a.advisory_id},
            {"vulnerability", a.vuln_id}, {"namespace", a.ns},
            {"package", a.package},    {"status", to_string(a.status)},
            {"fixed_version", a.fixed_version.empty() ? json(nullptr) : json(a.fixed_version)},
            {"range", describe_range(a)}};
  if (!a.aliases.empty()) j["aliases"] = a.aliases;
  if (!a.severity.empty()) j["severity"] = a.severity;
  if (!a.note.empty()) j["note"] = a.note;
  if (v) j["match"] = {{"affected", v->affected}, {"rule", v->rule}, {"comparator", v->comparator}};
  return j;
}

json vuln_json(const StoredVulnerability& s) {
  const Vulnerability& v = s.vuln;
  json cv = json::array();
  for (auto& c : v.cvss)
    cv.push_back({{"version", c.version}, {"vector", c.vector}, {"score", c.score}, {"severity", c.severity},
                  {"source", c.source}});
  return {{"source", s.source},           {"id", v.id},         {"aliases", v.aliases},
          {"summary", v.summary},         {"description", v.description}, {"published", v.published},
          {"modified", v.modified},       {"severity", v.severity},       {"cvss", cv},
          {"cwes", v.cwes},               {"references", v.references},   {"withdrawn", v.withdrawn}};
}

json exploit_json(const Exploit& e) {
  return {{"id", e.id},     {"url", vulndb::exploit_url(e.id)}, {"title", e.title},       {"date", e.date},
          {"author", e.author}, {"type", e.type},      {"platform", e.platform}, {"cves", e.cves}};
}

json bugtraq_json(const BugtraqEntry& b) {
  return {{"bid", b.bid},           {"title", b.title},   {"class", b.vuln_class}, {"published", b.published},
          {"updated", b.updated},   {"credit", b.credit}, {"url", b.url},          {"remote", b.remote},
          {"local", b.local},       {"cves", b.cves},     {"vulnerable", b.vulnerable}};
}

// Columns sized to their content and the whole fitted to the terminal (the last column is cut).
void print_table(const std::vector<std::vector<std::string>>& rows, size_t indent) {
  if (rows.empty()) return;
  size_t width = 0;
  if (struct winsize ws{}; ::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
    width = ws.ws_col;
  std::vector<size_t> w(rows.front().size(), 0);
  for (auto& r : rows)
    for (size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], report::width_of(report::printable(r[i])));
  for (auto& r : rows) {
    std::string line(indent, ' ');
    for (size_t i = 0; i < r.size() && i < w.size(); ++i) {
      std::string cell = report::printable(r[i]);
      line += i + 1 == r.size() ? cell : report::pad(cell, w[i]) + "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::puts((width ? report::fit(line, width) : line).c_str());
  }
}

void print_affected_table(const std::vector<StoredAffected>& rows, const std::vector<Verdict>* verdicts) {
  if (rows.empty()) return;
  std::vector<std::vector<std::string>> t{{"NAMESPACE", "PACKAGE", "STATUS", "FIXED IN", "ADVISORY", "VULNERABILITY",
                                           verdicts ? "MATCH" : "SOURCE"}};
  for (size_t i = 0; i < rows.size(); ++i) {
    const Affected& a = rows[i].affected;
    std::string last = verdicts ? ((*verdicts)[i].affected ? "affected: " : "not affected: ") + (*verdicts)[i].rule
                                : rows[i].source;
    std::string fixed = a.fixed_version.empty() ? (a.constraint.empty() ? "-" : a.constraint) : a.fixed_version;
    t.push_back({a.ns, a.package, std::string(to_string(a.status)), fixed, a.advisory_id, a.vuln_id, last});
  }
  print_table(t, 2);
}

// Rows that say the same thing once (a feed imported from several files, or listed twice).
std::vector<StoredAffected> unique_rows(std::vector<StoredAffected> rows) {
  auto key = [](const StoredAffected& s) {
    const Affected& a = s.affected;
    return std::make_tuple(a.ns, a.package, a.advisory_id, a.vuln_id, s.source, std::string(to_string(a.status)),
                           a.fixed_version, a.constraint);
  };
  std::sort(rows.begin(), rows.end(), [&](auto& x, auto& y) { return key(x) < key(y); });
  rows.erase(std::unique(rows.begin(), rows.end(), [&](auto& x, auto& y) { return key(x) == key(y); }), rows.end());
  return rows;
}

// One block per distinct record: a feed that files the same text once per package (GitLab)
// prints it once, with the aliases of all of them, each once.
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
      if (std::find(same->rec.vuln.aliases.begin(), same->rec.vuln.aliases.end(), a) == same->rec.vuln.aliases.end())
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

// The CVE (or other id) in full: every source's record, exploits, KEV, EPSS, BugTraq, affected packages.
int show_vulnerability(Store& store, const std::string& id, bool as_json, bool advisory) {
  auto vulns = store.vulnerability(id);
  if (!vulns.ok()) return report_error(vulns.error());
  auto affected_found = store.affected_by_id(id);
  if (!affected_found.ok()) return report_error(affected_found.error());
  auto affected = Result<std::vector<StoredAffected>>(unique_rows(std::move(*affected_found)));
  // A CVE's page shows its own records and those of its true aliases (a GHSA naming it);
  // notices covering it among others (a DSA) are listed as related, and KEV, EPSS,
  // exploits and BugTraq are the CVE's own. An advisory's page shows every CVE it lists.
  std::set<std::string> related;
  if (!advisory) {
    std::vector<StoredVulnerability> own;
    for (auto& v : *vulns) {
      if (v.vuln.id != id && is_distro_notice(v.vuln.id)) related.insert(v.vuln.id);
      else own.push_back(std::move(v));
    }
    *vulns = std::move(own);
    for (auto& a : *affected)
      if (is_distro_notice(a.affected.advisory_id)) related.insert(a.affected.advisory_id);
  }
  std::set<std::string> cves;
  if (id.starts_with("CVE-")) cves.insert(id);
  if (advisory) {
    for (auto& v : *vulns) {
      if (v.vuln.id.starts_with("CVE-")) cves.insert(v.vuln.id);
      for (auto& a : v.vuln.aliases)
        if (a.starts_with("CVE-")) cves.insert(a);
    }
    for (auto& a : *affected) {
      if (a.affected.vuln_id.starts_with("CVE-")) cves.insert(a.affected.vuln_id);
      for (auto& al : a.affected.aliases)
        if (al.starts_with("CVE-")) cves.insert(al);
    }
  }
  if (vulns->empty() && affected->empty())
    return report_error(Error(ErrorCode::not_found, fmt::format("{} is not in the database {}", id, store.url())));

  json out = {{"schema", "dagda.vuln/v1"}, {"query", {{advisory ? "advisory" : "cve", id}}}};
  const std::vector<RecordBlock> blocks = unique_records(*vulns);
  out["records"] = json::array();
  for (auto& b : blocks) out["records"].push_back(vuln_json(b.rec));
  out["exploits"] = json::array();
  out["kev"] = json::array();
  out["epss"] = json::array();
  out["bugtraq"] = json::array();
  for (auto& cve : cves) {
    auto ex = store.exploits_for(cve);
    if (!ex.ok()) return report_error(ex.error());
    for (auto& e : *ex) out["exploits"].push_back(exploit_json(e));
    auto k = store.kev(cve);
    if (!k.ok()) return report_error(k.error());
    if (*k)
      out["kev"].push_back({{"cve", (*k)->cve},
                            {"vendor", (*k)->vendor},
                            {"product", (*k)->product},
                            {"name", (*k)->name},
                            {"date_added", (*k)->date_added},
                            {"due_date", (*k)->due_date},
                            {"required_action", (*k)->required_action},
                            {"ransomware", (*k)->ransomware}});
    auto ep = store.epss(cve);
    if (!ep.ok()) return report_error(ep.error());
    if (*ep)
      out["epss"].push_back(
          {{"cve", (*ep)->cve}, {"score", (*ep)->score}, {"percentile", (*ep)->percentile}, {"date", (*ep)->date}});
    auto bt = store.bugtraq_for(cve);
    if (!bt.ok()) return report_error(bt.error());
    for (auto& b : *bt) out["bugtraq"].push_back(bugtraq_json(b));
  }
  out["affected"] = json::array();
  for (auto& a : *affected) out["affected"].push_back(affected_json(a, nullptr));
  out["related_advisories"] = related;
  if (as_json) {
    std::puts(out.dump(2).c_str());
    return kExitOk;
  }
  std::puts(id.c_str());
  for (auto& b : blocks) {
    const StoredVulnerability& v = b.rec;
    const Vulnerability& r = v.vuln;
    std::puts(fmt::format("  [{}] {}{}{}{}", v.source, r.id, r.withdrawn ? " (withdrawn)" : "",
                          r.published.empty() ? "" : "  published " + r.published.substr(0, 10),
                          b.copies > 1 ? fmt::format("  ({} records with this text)", b.copies) : "")
                  .c_str());
    std::string text = r.summary.empty() ? r.description : r.summary;
    if (!text.empty()) std::puts(fmt::format("    {}", text.substr(0, 400)).c_str());
    if (!r.aliases.empty()) std::puts(fmt::format("    aliases: {}", fmt::join(r.aliases, ", ")).c_str());
    if (!r.severity.empty()) std::puts(fmt::format("    severity: {}", r.severity).c_str());
    for (auto& c : r.cvss)
      std::puts(fmt::format("    CVSS {}: {} {} {}", c.version, c.score, c.severity, c.vector).c_str());
    if (!r.cwes.empty()) std::puts(fmt::format("    CWE: {}", fmt::join(r.cwes, ", ")).c_str());
    for (size_t i = 0; i < r.references.size() && i < 5; ++i)
      std::puts(fmt::format("    ref: {}", r.references[i]).c_str());
    if (r.references.size() > 5) std::puts(fmt::format("    ... {} more references", r.references.size() - 5).c_str());
  }
  if (!related.empty()) std::puts(fmt::format("  related advisories: {}", fmt::join(related, ", ")).c_str());
  for (auto& k : out["kev"])
    std::puts(fmt::format("  KEV: {} is known exploited ({} {}), added {}, due {}, ransomware {}",
                          k["cve"].get<std::string>(), k["vendor"].get<std::string>(),
                          k["product"].get<std::string>(), k["date_added"].get<std::string>(),
                          k["due_date"].get<std::string>(), k["ransomware"].get<std::string>())
                  .c_str());
  for (auto& e : out["epss"])
    std::puts(fmt::format("  EPSS: {} {:.5f} (percentile {:.5f}) {}", e["cve"].get<std::string>(),
                          e["score"].get<double>(), e["percentile"].get<double>(), e["date"].get<std::string>())
                  .c_str());
  for (auto& e : out["exploits"])
    std::puts(fmt::format("  Exploit-DB {}: {} {}", e["id"].get<int64_t>(), e["title"].get<std::string>(),
                          e["url"].get<std::string>())
                  .c_str());
  for (auto& b : out["bugtraq"])
    std::puts(fmt::format("  BugTraq {}: {}", b["bid"].get<int64_t>(), b["title"].get<std::string>()).c_str());
  if (!affected->empty()) std::puts("  Affected packages:");
  print_affected_table(*affected, nullptr);
  return kExitOk;
}

int show_product(Store& store, const VulnArgs& args) {
  std::vector<StoredAffected> rows;
  if (!args.ecosystem.empty()) {
    std::string ns = ecosystem_namespace(args.ecosystem);
    if (ns.empty()) {
      auto colon = args.ecosystem.find(':');
      if (colon != std::string::npos)
        ns = distro_namespace(args.ecosystem.substr(0, colon), args.ecosystem.substr(colon + 1));
    }
    if (ns.empty())
      return report_error(Error(ErrorCode::invalid_input,
                                fmt::format("unknown ecosystem '{}': use npm, pypi, maven, gem, composer, golang, "
                                            "cargo, nuget, or DISTRO:RELEASE such as debian:12, alpine:3.10",
                                            args.ecosystem)));
    auto r = store.affected(ns, normalize_package(ns, args.product));
    if (!r.ok()) return report_error(r.error());
    rows = std::move(*r);
  } else {
    // The name as users type it, and as each ecosystem normalises it.
    std::set<std::string> names = {args.product};
    for (const eco::Ecosystem& e : eco::ecosystems())
      if (e.normalize) names.insert(e.normalize(args.product));
    for (auto& n : names) {
      auto r = store.affected_any_namespace(n);
      if (!r.ok()) return report_error(r.error());
      for (auto& s : *r)
        if (normalize_package(s.affected.ns, args.product) == s.affected.package) rows.push_back(std::move(s));
    }
    // Or the last part of a qualified name: Maven's group:artifact, Composer's vendor/name,
    // npm's @scope/name ("log4j-core" finds org.apache.logging.log4j:log4j-core).
    if (args.product.find_first_of(":/") == std::string::npos) {
      for (auto [ns, sep] : {std::pair{"maven", ":"}, {"composer", "/"}, {"npm", "/"}}) {
        auto r = store.affected_with_suffix(ns, sep + normalize_package(ns, args.product));
        if (!r.ok()) return report_error(r.error());
        for (auto& s : *r) rows.push_back(std::move(s));
      }
    }
    rows = unique_rows(std::move(rows));
  }
  std::vector<Verdict> verdicts;
  std::vector<StoredAffected> kept;
  std::vector<std::string> errors;
  for (auto& s : rows) {
    if (args.version.empty()) {
      kept.push_back(std::move(s));
      continue;
    }
    auto v = evaluate(s.affected, args.version);
    if (!v.ok()) {
      errors.push_back(fmt::format("{} {}: {}", s.affected.ns, s.affected.advisory_id, v.error().render()));
      continue;
    }
    if (!v->affected) continue;
    verdicts.push_back(*v);
    kept.push_back(std::move(s));
  }
  if (args.json) {
    json out = {{"schema", "dagda.vuln/v1"},
                {"query", {{"product", args.product}, {"version", args.version}, {"ecosystem", args.ecosystem}}}};
    out["affected"] = json::array();
    for (size_t i = 0; i < kept.size(); ++i)
      out["affected"].push_back(affected_json(kept[i], args.version.empty() ? nullptr : &verdicts[i]));
    out["errors"] = errors;
    std::puts(out.dump(2).c_str());
    return kExitOk;
  }
  std::puts(fmt::format("{}{}: {} advisory row(s){}", args.product, args.version.empty() ? "" : " " + args.version,
                        kept.size(), args.version.empty() ? "" : " affect this version")
                .c_str());
  print_affected_table(kept, args.version.empty() ? nullptr : &verdicts);
  for (auto& e : errors) std::fputs(fmt::format("dagda: warning: cannot decide {}\n", e).c_str(), stderr);
  return kExitOk;
}

int run_vuln(const VulnArgs& args, const GlobalOptions& g) {
  int modes = !args.cve.empty() + !args.product.empty() + (args.exploit != 0) + (args.bid != 0) + !args.advisory.empty();
  if (modes != 1)
    return report_error(Error(ErrorCode::invalid_input,
                              "give exactly one of --cve, --product, --exploit, --bid, --advisory"));
  if (!args.version.empty() && args.product.empty())
    return report_error(Error(ErrorCode::invalid_input, "--version needs --product"));
  if (args.remote.remote()) return run_remote_vuln(args);
  auto store = Store::open(g.db, /*read_only=*/true);
  if (!store.ok()) return report_error(store.error());
  Store& s = **store;
  if (!args.cve.empty()) return show_vulnerability(s, args.cve, args.json, false);
  if (!args.advisory.empty()) return show_vulnerability(s, args.advisory, args.json, true);
  if (!args.product.empty()) return show_product(s, args);
  if (args.exploit) {
    auto e = s.exploit(args.exploit);
    if (!e.ok()) return report_error(e.error());
    if (!*e) return report_error(Error(ErrorCode::not_found, fmt::format("Exploit-DB {} is not in the database", args.exploit)));
    if (args.json) {
      std::puts(json({{"schema", "dagda.vuln/v1"}, {"exploit", exploit_json(**e)}}).dump(2).c_str());
      return kExitOk;
    }
    std::puts(fmt::format("Exploit-DB {}: {}\n  {}\n  CVEs: {}", (*e)->id, (*e)->title.empty() ? "(no title in the "
                          "imported data)" : (*e)->title, vulndb::exploit_url((*e)->id), fmt::join((*e)->cves, ", ")).c_str());
    if (!(*e)->date.empty()) std::puts(fmt::format("  date {} type {} platform {} author {}", (*e)->date, (*e)->type, (*e)->platform, (*e)->author).c_str());
    return kExitOk;
  }
  auto b = s.bugtraq(args.bid);
  if (!b.ok()) return report_error(b.error());
  if (!*b) return report_error(Error(ErrorCode::not_found, fmt::format("BugTraq {} is not in the database", args.bid)));
  if (args.json) {
    std::puts(json({{"schema", "dagda.vuln/v1"}, {"bugtraq", bugtraq_json(**b)}}).dump(2).c_str());
    return kExitOk;
  }
  std::puts(fmt::format("BugTraq {}: {}\n  class: {}  published: {}  updated: {}\n  CVEs: {}\n  vulnerable: {}",
                        (*b)->bid, (*b)->title, (*b)->vuln_class, (*b)->published, (*b)->updated,
                        fmt::join((*b)->cves, ", "), fmt::join((*b)->vulnerable, "; "))
                .c_str());
  return kExitOk;
}

}  // namespace

void add_vuln(CLI::App& app, Cli& cli) {
  auto a = std::make_shared<VulnArgs>();
  CLI::App* sub = app.add_subcommand("vuln", "Query the vulnerability database");
  sub->add_option("--cve", a->cve, "A CVE (or any vulnerability id): details, CVSS, CWE, exploits, KEV, EPSS, affected packages");
  sub->add_option("--product", a->product, "A package name: the advisories that affect it");
  sub->add_option("--version", a->version, "With --product: only advisories that affect this version");
  sub->add_option("--ecosystem", a->ecosystem, "With --product: npm, pypi, maven, gem, composer, golang, cargo, nuget, or DISTRO:RELEASE (debian:12)");
  sub->add_option("--exploit", a->exploit, "An Exploit-DB id");
  sub->add_option("--bid", a->bid, "A BugTraq id");
  sub->add_option("--advisory", a->advisory, "An advisory id: DSA-..., DLA-..., USN-..., RHSA-..., GHSA-..., ...");
  sub->add_flag("--json", a->json, "Print as JSON (dagda.vuln/v1)");
  add_remote_flags(sub, a->remote);
  sub->callback([a, &cli] { cli.exit_code = run_vuln(*a, cli.global); });
}

}  // namespace dagda::cli
