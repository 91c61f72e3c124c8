// The scan report formats on a real scan result (tests/unit/report/scan_fixtures.hpp):
// every format renders; the table fits its width, colours only when asked and
// keeps hostile strings off the terminal; suppressed findings appear only
// where intended; JSON carries what PRODUCT.md promises.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "report/scan_common.hpp"
#include "report/text.hpp"
#include "unit/report/scan_fixtures.hpp"

namespace dagda {
namespace {

using nlohmann::json;
using test::scan_fixtures::alpine_result;
using test::scan_fixtures::render_scan;
using test::scan_fixtures::scan_golden_options;
using test::scan_fixtures::with_suppression;

std::string strip_ansi(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\x1b' && i + 1 < s.size() && s[i + 1] == '[') {
      i += 2;
      while (i < s.size() && !(s[i] >= '@' && s[i] <= '~')) ++i;
      continue;
    }
    out.push_back(s[i]);
  }
  return out;
}

void expect_fits(const std::string& table, size_t width, const std::string& what) {
  size_t n = 0;
  for (const auto& line : test::report_fixtures::lines(strip_ansi(table))) {
    ++n;
    EXPECT_LE(report::width_of(line), width) << what << " line " << n << " is too wide: " << line;
  }
  EXPECT_GT(n, 3u) << what;
}

TEST(ScanFormats, RegistryListsEveryFormat) {
  std::vector<std::string> names;
  for (const auto& f : scan_formats()) names.emplace_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"table", "json", "sarif", "cyclonedx"}));
  EXPECT_EQ(find_scan_format("spdx"), nullptr);
}

// The fixture must hold findings of several packages and the enrichment, or
// the tests below would pass on nothing.
TEST(ScanFormats, FixtureHasRealFindings) {
  const ScanResult& r = alpine_result();
  ASSERT_GT(r.inventory.packages.size(), 10u);
  ASSERT_GE(r.findings.size(), 2u);
  std::set<size_t> pkgs;
  bool cvss = false, epss = false, exploit = false;
  for (const auto& f : r.findings) {
    pkgs.insert(f.package);
    cvss |= f.cvss.has_value();
    epss |= f.epss.has_value();
    exploit |= !f.exploits.empty();
  }
  EXPECT_GT(pkgs.size(), 1u);
  EXPECT_TRUE(epss);
  // The test data has no NVD 2019 feed, so these findings have no CVSS.
  (void)cvss;
  // musl 1.1.18-r3 and musl-utils (origin musl) in 3.7.3; the v3.7 secdb fixes CVE-2019-14697 in 1.1.18-r4.
  bool musl = false;
  for (const auto& f : r.findings) {
    musl |= f.id == "CVE-2019-14697" && r.inventory.packages.at(f.package).name == "musl";
  }
  EXPECT_TRUE(musl);
  for (const auto& f : r.findings) {
    const Package& p = r.inventory.packages.at(f.package);
    auto c = version::find_comparator("apk")->compare(p.version, f.fixed_version);
    ASSERT_TRUE(c.ok());
    EXPECT_LT(*c, 0) << f.id << " " << p.name << " " << p.version << " fixed " << f.fixed_version;
  }
  (void)exploit;
}

TEST(ScanFormats, EveryFormatRenders) {
  const ScanResult& r = alpine_result();
  for (const auto& f : scan_formats()) {
    std::string out = render_scan(r, f.name);
    EXPECT_FALSE(out.empty()) << f.name;
    if (f.name != "table") {
      EXPECT_FALSE(json::parse(out).empty()) << f.name;
    }
  }
}

TEST(ScanFormats, JsonCarriesTheContract) {
  const ScanResult& r = alpine_result();
  const json doc = json::parse(render_scan(r, "json"));
  EXPECT_EQ(doc["schema"], "dagda.scan/v1");
  EXPECT_EQ(doc["source"]["input"], r.inventory.source.input);
  EXPECT_EQ(doc["packages"].size(), r.inventory.packages.size());
  ASSERT_EQ(doc["findings"].size(), r.findings.size());
  EXPECT_TRUE(doc["suppressed"].empty());
  EXPECT_EQ(doc["summary"]["total"], r.findings.size());
  size_t by_sev = 0;
  for (auto s : report::kSeverities) by_sev += doc["summary"][std::string(s)].get<size_t>();
  EXPECT_EQ(by_sev, r.findings.size());
  int last_rank = 6;
  for (const json& f : doc["findings"]) {
    for (const char* key :
         {"id", "aliases", "package", "fixed_version", "status", "severity", "severity_source", "cvss",
          "exploits", "kev", "epss", "data_source", "match", "matches"}) {
      EXPECT_TRUE(f.contains(key)) << key << " missing in " << f.dump();
    }
    for (const char* key : {"name", "version", "ecosystem", "purl", "path"}) {
      EXPECT_TRUE(f["package"].contains(key)) << key;
    }
    EXPECT_EQ(f["package"]["path"], "lib/apk/db/installed");
    EXPECT_EQ(f["package"]["ecosystem"], "apk");
    EXPECT_EQ(f["match"]["comparator"], "apk");
    EXPECT_EQ(f["match"]["namespace"], "alpine:3.7");
    EXPECT_EQ(f["match"]["range"], "< " + f["fixed_version"].get<std::string>());
    EXPECT_EQ(f["match"]["installed"], f["package"]["version"]);
    EXPECT_EQ(f["data_source"], "alpine-secdb");
    EXPECT_TRUE(f["kev"].is_boolean());
    EXPECT_TRUE(f["cvss"].is_null() || f["cvss"]["score"].is_number());
    int rank = severity_rank(f["severity"].get<std::string>());
    EXPECT_LE(rank, last_rank) << "findings are not worst first";
    last_rank = rank;
  }
}

TEST(ScanFormats, DatabasePasswordIsNotWritten) {
  ScanResult r = alpine_result();
  r.database = "postgresql://dagda:s3cr3t@db.example/dagda?sslmode=require&password=Zq9xSecond";
  for (const auto& f : scan_formats()) {
    ScanReportOptions opts = scan_golden_options();
    std::string out = render_scan(r, f.name, opts);
    EXPECT_EQ(out.find("s3cr3t"), std::string::npos) << f.name;
    EXPECT_EQ(out.find("Zq9xSecond"), std::string::npos) << f.name;
  }
  EXPECT_EQ(report::redact_database("host=db password=pw user=x"), "host=db password=*** user=x");
  EXPECT_EQ(report::redact_database("/var/lib/dagda/db.sqlite"), "/var/lib/dagda/db.sqlite");
}

TEST(ScanFormats, TableFitsItsWidth) {
  const ScanResult& r = alpine_result();
  auto sup = with_suppression(r, "vex", nullptr);
  for (int width : {100, 80, 60}) {
    ScanReportOptions opts = scan_golden_options();
    opts.width = width;
    expect_fits(render_scan(r, "table", opts), static_cast<size_t>(width), "table@" + std::to_string(width));
    opts.show_suppressed = true;
    opts.color = true;
    expect_fits(render_scan(sup, "table", opts), static_cast<size_t>(width),
                "suppressed table@" + std::to_string(width));
  }
}

TEST(ScanFormats, ColourOnlyWhenAsked) {
  const ScanResult& r = alpine_result();
  ScanReportOptions opts = scan_golden_options();
  const std::string plain = render_scan(r, "table", opts);
  EXPECT_EQ(plain.find('\x1b'), std::string::npos);
  opts.color = true;
  const std::string coloured = render_scan(r, "table", opts);
  EXPECT_NE(coloured.find("\x1b["), std::string::npos);
  EXPECT_EQ(strip_ansi(coloured), plain);
  for (const char* f : {"json", "sarif", "cyclonedx"}) {
    EXPECT_EQ(render_scan(r, f, opts).find('\x1b'), std::string::npos) << f;
  }
}

TEST(ScanFormats, TableGroupsByPackageWithASummary) {
  const ScanResult& r = alpine_result();
  const std::string t = render_scan(r, "table");
  std::set<std::string> names;
  for (const auto& f : r.findings) {
    const Package& p = r.inventory.packages[f.package];
    EXPECT_NE(t.find("\n" + p.name + " " + p.version + " (apk"), std::string::npos) << p.name;
    EXPECT_NE(t.find("  " + f.id + " "), std::string::npos) << f.id;
    names.insert(p.name);
  }
  const std::string summary = std::to_string(r.findings.size()) + " findings: ";
  EXPECT_NE(t.find("\n" + summary), std::string::npos) << t;
}

// With --quiet the CLI prints no warnings: the table must not send people to stderr for them.
TEST(ScanFormats, WarningsPointToStderrOnlyWhenPrintedThere) {
  ScanResult r = alpine_result();
  r.inventory.warnings.push_back({"layer.tar-warning", "something", {}});
  ScanReportOptions opts = scan_golden_options();
  EXPECT_NE(render_scan(r, "table", opts).find("warning (see stderr or the JSON report)"), std::string::npos);
  opts.warnings_on_stderr = false;
  const std::string quiet = render_scan(r, "table", opts);
  EXPECT_NE(quiet.find("warning (see the JSON report)"), std::string::npos) << quiet;
  EXPECT_EQ(quiet.find("stderr"), std::string::npos);
}

TEST(ScanFormats, NoFindingsSaysWhatWasChecked) {
  ScanResult r;
  r.inventory = alpine_result().inventory;
  r.namespaces = {"alpine:3.7"};
  const std::string n = std::to_string(r.inventory.packages.size());
  EXPECT_NE(render_scan(r, "table").find("No findings in " + n + " packages, checked against alpine:3.7."),
            std::string::npos)
      << render_scan(r, "table");
  r.namespaces.clear();
  EXPECT_NE(render_scan(r, "table").find("no namespace was checked"), std::string::npos);
  const json doc = json::parse(render_scan(r, "json"));
  EXPECT_TRUE(doc["findings"].empty());
  EXPECT_EQ(doc["summary"]["total"], 0);
  EXPECT_TRUE(json::parse(render_scan(r, "sarif"))["runs"][0]["results"].empty());
  EXPECT_TRUE(json::parse(render_scan(r, "cyclonedx"))["vulnerabilities"].empty());
}

TEST(ScanFormats, HostileStringsAreEscapedAndCut) {
  ScanResult r = alpine_result();
  ASSERT_FALSE(r.findings.empty());
  Finding& f = r.findings.front();
  f.id = "CVE-\x1b[2J-1\x07";
  f.title = "\x1b]0;owned\x07" + std::string(20000, 'A') +
            "\xc2\x9b"
            "31m\xff\n";
  f.fixed_version = "9\r9";
  f.aliases = {"\x1b[31mGHSA"};
  ScanReportOptions opts = scan_golden_options();
  opts.show_suppressed = true;
  const std::string t = render_scan(r, "table", opts);
  EXPECT_EQ(t.find('\x1b'), std::string::npos);
  EXPECT_EQ(t.find('\x07'), std::string::npos);
  EXPECT_EQ(t.find('\r'), std::string::npos);
  EXPECT_EQ(t.find("\xc2\x9b"), std::string::npos);
  EXPECT_EQ(t.find(std::string(200, 'A')), std::string::npos) << "the title was not cut";
  EXPECT_NE(t.find("CVE-?[2J-1?"), std::string::npos);
  expect_fits(t, 100, "hostile table");
  // JSON escapes: the strings survive (the invalid byte as U+FFFD), nothing raw.
  const std::string js = render_scan(r, "json", opts);
  EXPECT_EQ(js.find('\x1b'), std::string::npos);
  const json doc = json::parse(js);
  bool found = false;
  for (const json& x : doc["findings"]) {
    if (x["id"] == f.id) {
      found = true;
      EXPECT_EQ(x["title"].get<std::string>().substr(0, 10), "\x1b]0;owned\x07");
    }
  }
  EXPECT_TRUE(found);
  for (const char* fmt : {"sarif", "cyclonedx"}) {
    const std::string out = render_scan(r, fmt, opts);
    EXPECT_EQ(out.find('\x1b'), std::string::npos) << fmt;
    EXPECT_TRUE(json::accept(out)) << fmt;
  }
}

// Suppressed findings: listed in JSON's "suppressed" (always), in the table,
// SARIF and CycloneDX only with --show-suppressed, never among the findings.
class Suppressed : public ::testing::TestWithParam<std::string> {};

TEST_P(Suppressed, AppearOnlyWhereIntended) {
  const std::string kind = GetParam();
  std::string key;
  const ScanResult r = with_suppression(alpine_result(), kind, &key);
  ASSERT_FALSE(key.empty());
  auto key_of = [](const json& f, const ScanResult& res) {
    for (size_t i = 0; i < res.inventory.packages.size(); ++i) {
      const Package& p = res.inventory.packages[i];
      if (p.name == f["package"]["name"] && p.version == f["package"]["version"]) {
        return f["id"].get<std::string>() + "|" + std::to_string(i);
      }
    }
    return std::string("?");
  };
  const size_t shown = r.findings.size() - 1;
  const std::map<std::string, std::string> detail = {
      {"vex", "suppressed by vex: not in the execution path (vex.json)"},
      {"fp", "suppressed by fp: marked as a false positive (database fp mark)"},
      {"ignorefile", "suppressed by ignorefile: accepted until the next base image (.dagdaignore:3)"}};
  for (bool show : {false, true}) {
    ScanReportOptions opts = scan_golden_options();
    opts.show_suppressed = show;
    const json doc = json::parse(render_scan(r, "json", opts));
    ASSERT_EQ(doc["findings"].size(), shown);
    ASSERT_EQ(doc["suppressed"].size(), 1u);
    EXPECT_EQ(key_of(doc["suppressed"][0], r), key);
    EXPECT_EQ(doc["suppressed"][0]["suppression"]["kind"], kind);
    for (const json& f : doc["findings"]) {
      EXPECT_FALSE(f.contains("suppression"));
      EXPECT_NE(key_of(f, r), key);
    }
    EXPECT_EQ(doc["summary"]["total"], shown);
    EXPECT_EQ(doc["summary"]["suppressed"], 1);
    EXPECT_EQ(doc["summary"]["suppressed_by"][kind], 1);

    const std::string t = render_scan(r, "table", opts);
    EXPECT_NE(t.find(std::to_string(shown) + " finding"), std::string::npos) << t;
    EXPECT_NE(t.find("1 suppressed by " + kind), std::string::npos) << t;
    EXPECT_EQ(t.find(detail.at(kind)) != std::string::npos, show) << t;

    const json sarif = json::parse(render_scan(r, "sarif", opts));
    const json& results = sarif["runs"][0]["results"];
    EXPECT_EQ(results.size(), show ? r.findings.size() : shown);
    size_t with_sup = 0;
    for (const json& x : results) with_sup += x.contains("suppressions");
    EXPECT_EQ(with_sup, show ? 1u : 0u);

    const json cdx = json::parse(render_scan(r, "cyclonedx", opts));
    const json& vulns = cdx["vulnerabilities"];
    EXPECT_EQ(vulns.size(), show ? r.findings.size() : shown);
    std::vector<json> analyses;
    for (const json& v : vulns) {
      if (v.contains("analysis")) analyses.push_back(v["analysis"]);
    }
    ASSERT_EQ(analyses.size(), show ? 1u : 0u);
    if (!show) continue;
    const json& a = analyses[0];
    if (kind == "vex") {
      EXPECT_EQ(a["state"], "not_affected");
      EXPECT_EQ(a["justification"], "code_not_reachable");
    } else if (kind == "fp") {
      EXPECT_EQ(a["state"], "false_positive");
    } else {
      EXPECT_FALSE(a.contains("state"));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Kinds, Suppressed, ::testing::Values("vex", "fp", "ignorefile"));

TEST(ScanFormats, SarifShapeForGitHub) {
  const ScanResult& r = alpine_result();
  const json doc = json::parse(render_scan(r, "sarif"));
  ASSERT_EQ(doc["runs"].size(), 1u);
  const json& run = doc["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "dagda");
  std::set<std::string> ids;
  for (const auto& f : r.findings) ids.insert(f.id);
  EXPECT_EQ(run["tool"]["driver"]["rules"].size(), ids.size());
  std::map<std::string, std::string> level_of = {{"critical", "error"},  {"high", "error"},
                                                 {"medium", "warning"},  {"low", "note"},
                                                 {"negligible", "note"}, {"unknown", "note"}};
  std::set<std::string> prints;
  for (const json& res : run["results"]) {
    const json& rule = run["tool"]["driver"]["rules"][res["ruleIndex"].get<size_t>()];
    EXPECT_EQ(rule["id"], res["ruleId"]);
    EXPECT_EQ(res["level"], level_of.at(res["properties"]["severity"].get<std::string>()));
    EXPECT_EQ(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "lib/apk/db/installed");
    const std::string text = res["message"]["text"];
    EXPECT_NE(text.find(res["properties"]["package"].get<std::string>() + " " +
                        res["properties"]["installed_version"].get<std::string>()),
              std::string::npos);
    EXPECT_NE(text.find("fixed in " + res["properties"]["fixed_version"].get<std::string>()),
              std::string::npos);
    prints.insert(res["partialFingerprints"]["dagdaFindingHash/v1"].get<std::string>());
  }
  EXPECT_EQ(prints.size(), r.findings.size()) << "fingerprints are not distinct";
  // Stable: the same findings in another order, another tool version, no determinism.
  ScanResult shuffled = r;
  std::reverse(shuffled.findings.begin(), shuffled.findings.end());
  ScanReportOptions live;
  std::set<std::string> again;
  const json again_doc = json::parse(render_scan(shuffled, "sarif", live));  // kept alive for the loop
  for (const json& res : again_doc["runs"][0]["results"]) {
    again.insert(res["partialFingerprints"]["dagdaFindingHash/v1"].get<std::string>());
  }
  EXPECT_EQ(again, prints);
}

TEST(ScanFormats, CycloneDxAffectsTheComponents) {
  const ScanResult& r = alpine_result();
  const json doc = json::parse(render_scan(r, "cyclonedx"));
  std::map<std::string, std::string> purl_of_ref;
  for (const json& c : doc["components"]) {
    if (c.contains("purl")) purl_of_ref[c["bom-ref"]] = c["purl"];
  }
  ASSERT_EQ(doc["vulnerabilities"].size(), r.findings.size());
  for (const json& v : doc["vulnerabilities"]) {
    ASSERT_EQ(v["affects"].size(), 1u);
    const std::string ref = v["affects"][0]["ref"];
    ASSERT_TRUE(purl_of_ref.count(ref)) << ref;
    const std::string version = v["affects"][0]["versions"][0]["version"];
    EXPECT_NE(purl_of_ref[ref].find("@" + version), std::string::npos);
    EXPECT_EQ(v["affects"][0]["versions"][0]["status"], "affected");
    EXPECT_FALSE(v["ratings"].empty());
  }
  // Deterministic serial numbers follow the content.
  EXPECT_EQ(doc["serialNumber"], json::parse(render_scan(r, "cyclonedx"))["serialNumber"]);
  const json sbom = json::parse(test::render(r.inventory, "cyclonedx"));
  EXPECT_NE(doc["serialNumber"], sbom["serialNumber"]);
  EXPECT_EQ(doc["components"], sbom["components"]) << "scan and SBOM components differ";
}

}  // namespace
}  // namespace dagda
