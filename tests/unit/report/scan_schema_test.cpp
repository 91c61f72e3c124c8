// SARIF and CycloneDX scan reports validated by python3-jsonschema against the
// official schemas (SARIF 2.1.0, draft-04; CycloneDX 1.6) plus the rules
// validate_sbom.py adds (GitHub's needs for SARIF, resolvable bom-refs).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "unit/report/scan_fixtures.hpp"

namespace dagda {
namespace {

using nlohmann::json;
using test::scan_fixtures::alpine_result;
using test::scan_fixtures::render_scan;
using test::scan_fixtures::scan_golden_options;
using test::scan_fixtures::with_suppression;

void expect_valid(const std::string& doc, const std::string& kind, const std::string& name) {
  auto v = test::validate(doc, kind, name);
  EXPECT_EQ(v.status, 0) << name << " is not valid " << kind << ":\n" << v.output;
}

void expect_invalid(const json& doc, const std::string& kind, const std::string& name,
                    const std::string& reason) {
  auto v = test::validate(doc.dump(), kind, name);
  EXPECT_EQ(v.status, 1) << "the validator accepted " << name << "\n" << v.output;
  EXPECT_NE(v.output.find(reason), std::string::npos) << name << ": expected \"" << reason << "\" in\n"
                                                      << v.output;
}

TEST(ScanSchema, SarifAndCycloneDxAreValid) {
  const ScanResult& r = alpine_result();
  ASSERT_FALSE(r.findings.empty());
  expect_valid(render_scan(r, "sarif"), "sarif-2.1.0", "scan-sarif");
  expect_valid(render_scan(r, "cyclonedx"), "cyclonedx-1.6", "scan-cdx");
  ScanReportOptions live;  // the clock and a random serial number
  live.show_suppressed = true;
  const ScanResult sup = with_suppression(r, "vex", nullptr);
  expect_valid(render_scan(sup, "sarif", live), "sarif-2.1.0", "scan-sarif-suppressed");
  expect_valid(render_scan(sup, "cyclonedx", live), "cyclonedx-1.6", "scan-cdx-suppressed");
}

// Secret and config findings (no package) beside the vulnerabilities: every format writes them,
// SARIF and CycloneDX stay valid, and the table and JSON carry their kind and layer.
TEST(ScanSchema, SecretAndConfigFindingsAreValid) {
  ScanResult r = alpine_result();
  Finding secret;
  secret.kind = std::string(kKindSecret);
  secret.package = kNoPackage;
  secret.id = "aws-access-key-id";
  secret.title = "AWS access key ID";
  secret.severity = "critical";
  secret.target = "srv/app/.env";
  secret.line = 3;
  secret.evidence = "KEY=AKIA****************";
  secret.layer = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  r.findings.push_back(secret);
  Finding config = secret;
  config.kind = std::string(kKindConfig);
  config.id = "DG-IMG-001";
  config.target = "image config: User";
  config.line = 0;
  config.layer.clear();
  config.severity = "high";
  r.findings.push_back(config);
  expect_valid(render_scan(r, "sarif"), "sarif-2.1.0", "scan-sarif-secrets");
  expect_valid(render_scan(r, "cyclonedx"), "cyclonedx-1.6", "scan-cdx-secrets");
  const json j = json::parse(render_scan(r, "json"));
  bool seen_secret = false, seen_config = false;
  for (const auto& f : j["findings"]) {
    if (f["kind"] == "secret") seen_secret = f["layer"] == secret.layer && f["line"] == 3 && f["target"] == secret.target;
    if (f["kind"] == "config") seen_config = f["layer"].is_null() && f["id"] == "DG-IMG-001";
    if (f["kind"] == "vuln") {
      EXPECT_TRUE(f.contains("layer") && f.contains("package"));
    }
  }
  EXPECT_TRUE(seen_secret && seen_config) << j["findings"].dump();
  const std::string table = render_scan(r, "table");
  EXPECT_NE(table.find("secret: srv/app/.env (layer"), std::string::npos) << table;
  EXPECT_NE(table.find("AKIA****"), std::string::npos) << table;
}

TEST(ScanSchema, EmptyAndHostileResultsAreValid) {
  ScanResult empty;
  expect_valid(render_scan(empty, "sarif"), "sarif-2.1.0", "scan-sarif-empty");
  expect_valid(render_scan(empty, "cyclonedx"), "cyclonedx-1.6", "scan-cdx-empty");

  ScanResult r = alpine_result();
  Finding& f = r.findings.front();
  f.id = "CVE-\x1b[2J \xff";
  f.title = std::string(5000, 'x') + "\x01";
  f.cvss = vulndb::Cvss{"9.9", "garbage", 99, "severe", ""};
  f.severity = "catastrophic";
  f.aliases = {"", "a b"};
  r.inventory.packages[f.package].path = "/usr/lib/a b:c%/pkg.json";
  r.findings.push_back(r.findings.front());  // the same finding twice
  ScanReportOptions opts = scan_golden_options();
  opts.show_suppressed = true;
  expect_valid(render_scan(r, "sarif", opts), "sarif-2.1.0", "scan-sarif-hostile");
  expect_valid(render_scan(r, "cyclonedx", opts), "cyclonedx-1.6", "scan-cdx-hostile");
}

// The validator must be able to fail on scan reports too.
TEST(ScanSchema, BrokenReportsAreRejected) {
  const ScanResult& r = alpine_result();
  const json sarif = json::parse(render_scan(r, "sarif"));
  json doc = sarif;
  doc["runs"][0]["results"][0]["level"] = "fatal";
  expect_invalid(doc, "sarif-2.1.0", "sarif-bad-level", "runs/0/results/0/level");
  doc = sarif;
  doc.erase("version");
  expect_invalid(doc, "sarif-2.1.0", "sarif-no-version", "version");
  doc = sarif;
  doc["runs"][0]["results"][0]["ruleId"] = "CVE-0000-0000";
  expect_invalid(doc, "sarif-2.1.0", "sarif-dangling-rule", "names no rule");
  doc = sarif;
  doc["runs"][0]["tool"]["driver"]["rules"][0]["properties"]["security-severity"] = "high";
  expect_invalid(doc, "sarif-2.1.0", "sarif-bad-security-severity", "security-severity");
  doc = sarif;
  doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "a b";
  expect_invalid(doc, "sarif-2.1.0", "sarif-bad-uri", "URI reference");

  const json cdx = json::parse(render_scan(r, "cyclonedx"));
  doc = cdx;
  doc["vulnerabilities"][0]["ratings"][0]["severity"] = "severe";
  expect_invalid(doc, "cyclonedx-1.6", "cdx-bad-rating", "vulnerabilities/0/ratings/0/severity");
  doc = cdx;
  doc["vulnerabilities"][0]["affects"][0]["ref"] = "nowhere";
  expect_invalid(doc, "cyclonedx-1.6", "cdx-dangling-affects", "affects unknown bom-ref");
  doc = cdx;
  doc["vulnerabilities"][0]["analysis"] = {{"state", "ignored"}};
  expect_invalid(doc, "cyclonedx-1.6", "cdx-bad-analysis", "analysis/state");
}

}  // namespace
}  // namespace dagda
