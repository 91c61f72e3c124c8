// tests/unit/report/scan_fixtures.hpp: real scan results for the scan report
// tests. The inventory is Dagda's own pipeline on a real Alpine minirootfs; the
// findings are computed here, independently of src/match, from the real Alpine
// secdb of the branch with the apk comparator (installed < fixed version), and
// enriched from the real NVD 1.1, CISA KEV, Exploit-DB mapping and EPSS files.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "catalog/driver.hpp"
#include "match/finding.hpp"
#include "report/scan_writer.hpp"
#include "unit/report/report_test_util.hpp"
#include "version/comparator.hpp"

namespace dagda::test::scan_fixtures {

using report_fixtures::must_run;
using report_fixtures::shell_quote;

struct SecdbFix {
  std::string origin, fixed, id;
};

// secdb YAML: packages[].pkg {name, secfixes {FIXED_VERSION: [ID...]}}; an
// entry may hold several ids separated by spaces.
inline std::vector<SecdbFix> read_secdb(const std::string& path) {
  std::vector<SecdbFix> out;
  const YAML::Node doc = YAML::LoadFile(path);
  for (const auto& entry : doc["packages"]) {
    const YAML::Node pkg = entry["pkg"];
    if (!pkg || !pkg["name"] || !pkg["secfixes"] || !pkg["secfixes"].IsMap()) continue;
    const std::string name = pkg["name"].as<std::string>();
    for (const auto& fix : pkg["secfixes"]) {
      if (!fix.second.IsSequence()) continue;
      const std::string fixed = fix.first.as<std::string>();
      for (const auto& id : fix.second) {
        if (!id.IsScalar()) continue;
        std::istringstream words(id.as<std::string>());
        for (std::string w; words >> w;) out.push_back({name, fixed, w});
      }
    }
  }
  return out;
}

struct NvdFacts {
  vulndb::Cvss cvss;
  std::string description;
};

// CVSS (v3 when given, else v2) and description of the wanted CVEs, from the
// NVD 1.1 yearly feeds that exist in the test data. The parser callback keeps
// only the fields read, so that a year's feed is not held whole.
inline std::map<std::string, NvdFacts> read_nvd(const std::set<std::string>& wanted) {
  std::set<std::string> years;
  for (const auto& id : wanted) {
    if (id.rfind("CVE-", 0) == 0 && id.size() > 8) years.insert(id.substr(4, 4));
  }
  std::map<std::string, NvdFacts> out;
  for (const auto& year : years) {
    const std::string file = testdata("vulndb/nvd-1.1-yearly/nvdcve-1.1-" + year + ".json.gz");
    if (!std::filesystem::exists(file)) continue;
    static const std::set<std::string> kKeep = {
        "CVE_Items", "cve",          "CVE_data_meta", "ID",           "description",  "description_data",
        "value",     "impact",       "baseMetricV3",  "cvssV3",       "baseMetricV2", "cvssV2",
        "version",   "vectorString", "baseScore",     "baseSeverity", "severity"};
    auto keep = [](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
      if (event == nlohmann::json::parse_event_t::key && depth > 1) {
        return kKeep.count(parsed.get<std::string>()) > 0;
      }
      return true;
    };
    const auto doc = nlohmann::json::parse(must_run("gzip -dc " + shell_quote(file)), keep);
    for (const auto& item : doc.at("CVE_Items")) {
      const std::string id = item.at("cve").at("CVE_data_meta").at("ID");
      if (!wanted.count(id)) continue;
      NvdFacts f;
      const auto& descs = item.at("cve").at("description").at("description_data");
      if (!descs.empty()) f.description = descs.at(0).value("value", "");
      const auto& impact = item.value("impact", nlohmann::json::object());
      if (impact.contains("baseMetricV3")) {
        const auto& c = impact["baseMetricV3"]["cvssV3"];
        f.cvss = {c.value("version", ""), c.value("vectorString", ""), c.value("baseScore", 0.0),
                  vulndb::normalize_severity(c.value("baseSeverity", "")), "nvd@nist.gov"};
      } else if (impact.contains("baseMetricV2")) {
        const auto& c = impact["baseMetricV2"]["cvssV2"];
        f.cvss = {c.value("version", ""), c.value("vectorString", ""), c.value("baseScore", 0.0),
                  vulndb::normalize_severity(impact["baseMetricV2"].value("severity", "")), "nvd@nist.gov"};
      }
      out.emplace(id, std::move(f));
    }
  }
  return out;
}

// The minirootfs through the real pipeline, with the input named relative to
// the test data (the golden files must not hold this machine's paths).
inline Inventory minirootfs_inventory(const std::string& version) {
  const std::string rel = "pkgdb/alpine-minirootfs/alpine-minirootfs-" + version + "-x86_64.tar.gz";
  const report_fixtures::Scratch cache("scan-report-cache");
  setenv("DAGDA_CACHE_DIR", cache.path().c_str(), 1);
  auto inv = build_inventory("rootfs-archive:" + testdata(rel), InventoryOptions{});
  unsetenv("DAGDA_CACHE_DIR");
  EXPECT_TRUE(inv.ok()) << (inv.ok() ? "" : inv.error().render());
  if (!inv.ok()) return {};
  inv->source.input = "rootfs-archive:" + rel;
  return std::move(*inv);
}

// Alpine 3.7.3 against the v3.7 main secdb (the newest minirootfs of a branch
// whose secdb snapshot in the test data still has fixes it lacks): one finding per (id, package),
// fixed in the lowest secfix version above the installed one.
inline ScanResult alpine_scan() {
  ScanResult r;
  r.inventory = minirootfs_inventory("3.7.3");
  r.database = "test:alpine-secdb-yaml/v3.7/main.yaml";
  r.namespaces = {"alpine:3.7"};
  const version::Comparator* apk = version::find_comparator("apk");
  EXPECT_NE(apk, nullptr);
  if (!apk) return r;
  std::map<std::string, std::vector<SecdbFix>> by_origin;
  for (auto& fix : read_secdb(testdata("vulndb/alpine-secdb-yaml/v3.7/main.yaml"))) {
    by_origin[fix.origin].push_back(fix);
  }
  std::map<std::pair<size_t, std::string>, SecdbFix> hits;
  for (size_t i = 0; i < r.inventory.packages.size(); ++i) {
    const Package& p = r.inventory.packages[i];
    const std::string key = p.source_name.empty() ? p.name : p.source_name;
    for (const auto& fix : by_origin[key]) {
      auto older = apk->compare(p.version, fix.fixed);
      if (!older.ok()) {
        ADD_FAILURE() << older.error().render();
        continue;
      }
      if (*older >= 0) continue;
      auto [it, fresh] = hits.emplace(std::make_pair(i, fix.id), fix);
      if (fresh) continue;
      auto lower = apk->compare(fix.fixed, it->second.fixed);
      if (lower.ok() && *lower < 0) it->second = fix;
    }
  }
  std::set<std::string> ids;
  for (const auto& [k, fix] : hits) ids.insert(fix.id);
  const auto nvd = read_nvd(ids);

  const auto kev =
      nlohmann::json::parse(slurp(testdata("vulndb/cisa-kev/known_exploited_vulnerabilities.json")));
  std::map<std::string, vulndb::KevEntry> kev_by_cve;
  for (const auto& v : kev.at("vulnerabilities")) {
    vulndb::KevEntry e;
    e.cve = v.value("cveID", "");
    e.date_added = v.value("dateAdded", "");
    e.due_date = v.value("dueDate", "");
    e.ransomware = v.value("knownRansomwareCampaignUse", "");
    kev_by_cve.emplace(e.cve, e);
  }
  const auto xdb =
      nlohmann::json::parse(slurp(testdata("vulndb/exploitdb-cve-mapping/exploitdb_mapping_cve.json")));
  std::map<std::string, vulndb::EpssScore> epss;
  for (const auto& year : {"2018", "2019", "2020", "2021"}) {
    const std::string csv =
        must_run("tar -xJOf " + shell_quote(testdata("vulndb/epss/emba-epss-by-year-2026-08-16.tar.xz")) +
                 " emba-epss-by-year/CVE_" + std::string(year) + "_EPSS.csv");
    for (const auto& line : report_fixtures::lines(csv)) {
      auto f = report_fixtures::split(line, ';');
      if (f.size() != 3 || !ids.count(f[0])) continue;
      epss[f[0]] = {f[0], std::stod(f[1]), std::stod(f[2]), "2026-08-16"};
    }
  }

  for (const auto& [k, fix] : hits) {
    const Package& p = r.inventory.packages[k.first];
    Finding f;
    f.id = fix.id;
    f.package = k.first;
    f.fixed_version = fix.fixed;
    f.status = vulndb::AffectedStatus::fixed;
    f.severity = "unknown";
    if (auto n = nvd.find(fix.id); n != nvd.end()) {
      f.cvss = n->second.cvss;
      f.severity = n->second.cvss.severity.empty() ? "unknown" : n->second.cvss.severity;
      f.severity_source = "nvd";
      f.title = n->second.description;
    }
    if (xdb.contains(fix.id)) {
      for (const auto& id : xdb[fix.id]) f.exploits.push_back({std::stoll(id.get<std::string>()), "", ""});
    }
    if (auto e = kev_by_cve.find(fix.id); e != kev_by_cve.end()) {
      f.kev = true;
      f.kev_entry = e->second;
    }
    if (auto e = epss.find(fix.id); e != epss.end()) f.epss = e->second;
    f.matches.push_back(
        {"alpine-secdb", fix.id, "alpine:3.7", fix.origin, p.version, "< " + fix.fixed, "apk", false});
    r.findings.push_back(std::move(f));
  }
  return r;
}

// The scan above once per test process.
inline const ScanResult& alpine_result() {
  static const ScanResult kResult = alpine_scan();
  return kResult;
}

inline ScanReportOptions scan_golden_options() {
  ScanReportOptions o;
  o.tool_version = "0.0.0-test";
  o.deterministic = true;
  return o;
}

inline std::string render_scan(const ScanResult& r, std::string_view format,
                               const ScanReportOptions& opts = scan_golden_options()) {
  const ScanFormat* f = find_scan_format(format);
  EXPECT_NE(f, nullptr) << "no scan format " << format;
  if (!f) return {};
  auto out = f->write(r, opts);
  EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().render());
  return out.ok() ? *out : std::string();
}

// The same result with a policy suppression of `kind` ("vex", "fp",
// "ignorefile") on its first finding, recorded the way the scan command records it.
inline ScanResult with_suppression(ScanResult r, const std::string& kind, std::string* suppressed_key) {
  if (r.findings.empty()) return r;
  Finding& f = r.findings.front();
  if (kind == "vex") {
    f.suppressed = Suppression{"vex", "not in the execution path", "vex.json", "not_affected",
                               "vulnerable_code_not_in_execute_path"};
  } else if (kind == "fp") {
    f.suppressed = Suppression{"fp", "marked as a false positive", "database fp mark", "", ""};
  } else {
    f.suppressed = Suppression{"ignorefile", "accepted until the next base image", ".dagdaignore:3", "", ""};
  }
  if (suppressed_key) *suppressed_key = f.id + "|" + std::to_string(f.package);
  return r;
}

}  // namespace dagda::test::scan_fixtures
