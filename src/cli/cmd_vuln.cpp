// dagda vuln --cve ID | --product NAME [--version V] [--ecosystem E] | --exploit N | --bid N | --advisory ID
// [--json] The dagda.vuln/v1 document of match/vuln_query.hpp, from the local database or, with
// --server URL (or DAGDA_SERVER), from the server's /v1/vuln/... route; printed as is
// (--json) or as text by one printer.
#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/remote.hpp"
#include "match/vuln_query.hpp"
#include "report/text.hpp"
#include "vulndb/store.hpp"

namespace dagda::cli {
namespace {

using nlohmann::json;

struct VulnArgs {
  std::string cve, product, version, ecosystem, advisory;
  int64_t exploit = 0, bid = 0;
  bool json = false;
  RemoteFlags remote;
};

VulnQuery query_of(const VulnArgs& a) {
  VulnQuery q;
  if (!a.cve.empty())
    q = {.kind = VulnQuery::Kind::cve, .id = a.cve};
  else if (!a.advisory.empty())
    q = {.kind = VulnQuery::Kind::advisory, .id = a.advisory};
  else if (!a.product.empty())
    q = {.kind = VulnQuery::Kind::product,
         .product = a.product,
         .version = a.version,
         .ecosystem = a.ecosystem};
  else if (a.exploit)
    q = {.kind = VulnQuery::Kind::exploit, .number = a.exploit};
  else
    q = {.kind = VulnQuery::Kind::bugtraq, .number = a.bid};
  return q;
}

// GET /v1/vuln/...: the server answers the document vuln_document() builds, as locally.
Result<json> remote_document(const VulnArgs& a) {
  DAGDA_ASSIGN_OR_RETURN(auto server, a.remote.open());
  std::string path;
  if (!a.cve.empty())
    path = "/v1/vuln/cve/" + client::segment(a.cve);
  else if (!a.advisory.empty())
    path = "/v1/vuln/advisory/" + client::segment(a.advisory);
  else if (!a.product.empty())
    path = "/v1/vuln/products/" + client::segment(a.product) +
           (a.version.empty() ? "" : "/" + client::segment(a.version)) +
           (a.ecosystem.empty() ? "" : "?ecosystem=" + client::segment(a.ecosystem));
  else if (a.exploit)
    path = fmt::format("/v1/vuln/exploit/{}", a.exploit);
  else
    path = fmt::format("/v1/vuln/bid/{}", a.bid);
  return server.call_json("GET", path, "read");
}

// Every line printed: its text comes from feeds (summaries, references, titles) or a server, so
// control bytes and bad UTF-8 become '?' (an escape sequence in a feed's summary would otherwise
// reach the terminal as a command); the newlines a printer puts in a line stay.
void line(std::string& out, std::string_view text) {
  for (size_t at = 0;;) {
    const size_t nl = text.find('\n', at);
    out += report::printable(text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at));
    out += '\n';
    if (nl == std::string_view::npos) break;
    at = nl + 1;
  }
}

// A summary or description on one line: its own line breaks and tabs become spaces.
std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return text;
}

// Columns sized to their content and the whole fitted to the terminal (the last column is cut).
void print_table(std::string& out, const std::vector<std::vector<std::string>>& rows, size_t indent) {
  if (rows.empty()) return;
  size_t width = 0;
  if (struct winsize ws{};
      ::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
    width = ws.ws_col;
  std::vector<size_t> w(rows.front().size(), 0);
  for (auto& r : rows)
    for (size_t i = 0; i < r.size() && i < w.size(); ++i)
      w[i] = std::max(w[i], report::width_of(report::printable(r[i])));
  for (auto& r : rows) {
    std::string text(indent, ' ');
    for (size_t i = 0; i < r.size() && i < w.size(); ++i) {
      std::string cell = report::printable(r[i]);
      text += i + 1 == r.size() ? cell : report::pad(cell, w[i]) + "  ";
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    line(out, width ? report::fit(text, width) : text);
  }
}

std::string str(const json& j, const char* key) {
  const json& v = j.at(key);
  return v.is_null() ? std::string() : v.get<std::string>();
}

// The affected rows of a document: with `verdicts`, the rule that decided each (a product and version).
void print_affected_table(std::string& out, const json& rows, bool verdicts) {
  if (rows.empty()) return;
  std::vector<std::vector<std::string>> t{{"NAMESPACE", "PACKAGE", "STATUS", "FIXED IN", "ADVISORY",
                                           "VULNERABILITY", verdicts ? "MATCH" : "SOURCE"}};
  for (const json& a : rows) {
    std::string last = str(a, "source");
    if (verdicts) {
      const json& m = a.at("match");
      last = (m.at("affected").get<bool>() ? "affected: " : "not affected: ") + str(m, "rule");
    }
    std::string fixed = str(a, "fixed_version");
    if (fixed.empty()) fixed = a.contains("constraint") ? str(a, "constraint") : "-";
    t.push_back({str(a, "namespace"), str(a, "package"), str(a, "status"), fixed, str(a, "advisory"),
                 str(a, "vulnerability"), last});
  }
  print_table(out, t, 2);
}

void print_by_id(std::string& out, const json& doc, const std::string& id) {
  line(out, id);
  for (const json& r : doc.at("records")) {
    const size_t copies = r.at("copies").get<size_t>();
    const std::string published = str(r, "published");
    line(out, fmt::format("  [{}] {}{}{}{}", str(r, "source"), str(r, "id"),
                          r.at("withdrawn").get<bool>() ? " (withdrawn)" : "",
                          published.empty() ? "" : "  published " + published.substr(0, 10),
                          copies > 1 ? fmt::format("  ({} records with this text)", copies) : ""));
    std::string text = str(r, "summary");
    if (text.empty()) text = str(r, "description");
    if (!text.empty()) line(out, fmt::format("    {}", report::fit(one_line(text), 400)));
    auto aliases = r.at("aliases").get<std::vector<std::string>>();
    if (!aliases.empty()) line(out, fmt::format("    aliases: {}", fmt::join(aliases, ", ")));
    if (auto sev = str(r, "severity"); !sev.empty()) line(out, fmt::format("    severity: {}", sev));
    for (const json& c : r.at("cvss"))
      line(out, fmt::format("    CVSS {}: {} {} {}", str(c, "version"), c.at("score").get<double>(),
                            str(c, "severity"), str(c, "vector")));
    auto cwes = r.at("cwes").get<std::vector<std::string>>();
    if (!cwes.empty()) line(out, fmt::format("    CWE: {}", fmt::join(cwes, ", ")));
    auto refs = r.at("references").get<std::vector<std::string>>();
    for (size_t i = 0; i < refs.size() && i < 5; ++i) line(out, fmt::format("    ref: {}", refs[i]));
    if (refs.size() > 5) line(out, fmt::format("    ... {} more references", refs.size() - 5));
  }
  auto related = doc.at("related_advisories").get<std::vector<std::string>>();
  if (!related.empty()) line(out, fmt::format("  related advisories: {}", fmt::join(related, ", ")));
  for (const json& k : doc.at("kev"))
    line(out, fmt::format("  KEV: {} is known exploited ({} {}), added {}, due {}, ransomware {}",
                          str(k, "cve"), str(k, "vendor"), str(k, "product"), str(k, "date_added"),
                          str(k, "due_date"), str(k, "ransomware")));
  for (const json& e : doc.at("epss"))
    line(out, fmt::format("  EPSS: {} {:.5f} (percentile {:.5f}) {}", str(e, "cve"),
                          e.at("score").get<double>(), e.at("percentile").get<double>(), str(e, "date")));
  for (const json& e : doc.at("exploits"))
    line(out,
         fmt::format("  Exploit-DB {}: {} {}", e.at("id").get<int64_t>(), str(e, "title"), str(e, "url")));
  for (const json& b : doc.at("bugtraq"))
    line(out, fmt::format("  BugTraq {}: {}", b.at("bid").get<int64_t>(), str(b, "title")));
  if (!doc.at("affected").empty()) line(out, "  Affected packages:");
  print_affected_table(out, doc.at("affected"), false);
}

void print_product(std::string& out, std::string& warnings, const json& doc) {
  const json& q = doc.at("query");
  const std::string version = str(q, "version");
  line(out, fmt::format("{}{}: {} advisory row(s){}", str(q, "product"), version.empty() ? "" : " " + version,
                        doc.at("affected").size(), version.empty() ? "" : " affect this version"));
  print_affected_table(out, doc.at("affected"), !version.empty());
  for (const json& e : doc.at("errors"))
    warnings += fmt::format("dagda: warning: cannot decide {}\n", e.get<std::string>());
}

void print_exploit(std::string& out, const json& e) {
  auto cves = e.at("cves").get<std::vector<std::string>>();
  const std::string title = str(e, "title");
  line(out, fmt::format("Exploit-DB {}: {}\n  {}\n  CVEs: {}", e.at("id").get<int64_t>(),
                        title.empty() ? "(no title in the imported data)" : title, str(e, "url"),
                        fmt::join(cves, ", ")));
  if (auto date = str(e, "date"); !date.empty())
    line(out, fmt::format("  date {} type {} platform {} author {}", date, str(e, "type"), str(e, "platform"),
                          str(e, "author")));
}

void print_bugtraq(std::string& out, const json& b) {
  line(out,
       fmt::format("BugTraq {}: {}\n  class: {}  published: {}  updated: {}\n  CVEs: {}\n  vulnerable: {}",
                   b.at("bid").get<int64_t>(), str(b, "title"), str(b, "class"), str(b, "published"),
                   str(b, "updated"), fmt::join(b.at("cves").get<std::vector<std::string>>(), ", "),
                   fmt::join(b.at("vulnerable").get<std::vector<std::string>>(), "; ")));
}

// The text of a dagda.vuln/v1 document, ours or a server's: one printer for both. The
// whole text is made before any of it is printed, so a server's malformed answer is one error.
Status print_document(const json& doc, const std::string& what) {
  auto bad = [&](std::string_view why) {
    return Error(ErrorCode::corrupt, fmt::format("{}: not a dagda.vuln/v1 document: {}", what, why));
  };
  if (!doc.is_object() || doc.value("schema", json()) != "dagda.vuln/v1")
    return bad("no schema \"dagda.vuln/v1\"");
  std::string out, warnings;
  try {
    if (doc.contains("exploit"))
      print_exploit(out, doc.at("exploit"));
    else if (doc.contains("bugtraq") && doc.at("bugtraq").is_object())
      print_bugtraq(out, doc.at("bugtraq"));
    else if (doc.at("query").contains("product"))
      print_product(out, warnings, doc);
    else if (doc.at("query").contains("cve"))
      print_by_id(out, doc, str(doc.at("query"), "cve"));
    else
      print_by_id(out, doc, str(doc.at("query"), "advisory"));
  } catch (const json::exception& e) {
    return bad(e.what());
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fputs(warnings.c_str(), stderr);
  return Ok{};
}

int run_vuln(const VulnArgs& args, const GlobalOptions& g) {
  int modes = !args.cve.empty() + !args.product.empty() + (args.exploit != 0) + (args.bid != 0) +
              !args.advisory.empty();
  if (modes != 1)
    return report_error(Error(ErrorCode::invalid_input,
                              "give exactly one of --cve, --product, --exploit, --bid, --advisory"));
  if (!args.version.empty() && args.product.empty())
    return report_error(Error(ErrorCode::invalid_input, "--version needs --product"));
  if (!args.ecosystem.empty() && args.product.empty())
    return report_error(Error(ErrorCode::invalid_input, "--ecosystem needs --product"));
  Result<json> doc = Error(ErrorCode::internal, "no answer");
  std::string what = "the answer";
  if (args.remote.remote()) {
    doc = remote_document(args);
    what = "the server's answer";
  } else {
    auto store = vulndb::Store::open(g.db, /*read_only=*/true);
    if (!store.ok()) return report_error(store.error());
    doc = vuln_document(**store, query_of(args), (*store)->url());
  }
  if (!doc.ok()) return report_error(doc.error());
  if (args.json) {
    // Bytes that are not UTF-8 (a feed's raw Latin-1) as U+FFFD, as the server sends them.
    std::puts(doc->dump(2, ' ', false, json::error_handler_t::replace).c_str());
    return kExitOk;
  }
  if (auto st = print_document(*doc, what); !st.ok()) return report_error(st.error());
  return kExitOk;
}

}  // namespace

void add_vuln(CLI::App& app, Cli& cli) {
  auto a = std::make_shared<VulnArgs>();
  CLI::App* sub = app.add_subcommand("vuln", "Query the vulnerability database");
  sub->add_option(
      "--cve", a->cve,
      "A CVE (or any vulnerability id): details, CVSS, CWE, exploits, KEV, EPSS, affected packages");
  sub->add_option("--product", a->product, "A package name: the advisories that affect it");
  sub->add_option("--version", a->version, "With --product: only advisories that affect this version");
  sub->add_option(
      "--ecosystem", a->ecosystem,
      "With --product: npm, pypi, maven, gem, composer, golang, cargo, nuget, or DISTRO:RELEASE (debian:12)");
  sub->add_option("--exploit", a->exploit, "An Exploit-DB id");
  sub->add_option("--bid", a->bid, "A BugTraq id");
  sub->add_option("--advisory", a->advisory,
                  "An advisory id: DSA-..., DLA-..., USN-..., RHSA-..., GHSA-..., ...");
  sub->add_flag("--json", a->json, "Print as JSON (dagda.vuln/v1)");
  add_remote_flags(sub, a->remote);
  sub->callback([a, &cli] { cli.exit_code = run_vuln(*a, cli.global); });
}

}  // namespace dagda::cli
