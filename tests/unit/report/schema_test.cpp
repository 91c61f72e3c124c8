// CycloneDX and SPDX output validated by python3-jsonschema against the
// official schemas in the shared test data (tests/unit/report/validate_sbom.py).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "unit/report/report_test_util.hpp"

namespace dagda {
namespace {

using test::validate;

void expect_valid(const std::string& doc, const std::string& kind, const std::string& name) {
  auto v = validate(doc, kind, name);
  EXPECT_EQ(v.status, 0) << name << " is not valid " << kind << ":\n" << v.output;
}

void expect_invalid(const nlohmann::json& doc, const std::string& kind, const std::string& name,
                    const std::string& reason) {
  auto v = validate(doc.dump(), kind, name);
  EXPECT_EQ(v.status, 1) << "the validator accepted a document with " << name << "\n" << v.output;
  EXPECT_NE(v.output.find(reason), std::string::npos) << name << ": expected \"" << reason << "\" in\n"
                                                      << v.output;
}

TEST(Schema, ValidatorWorks) {
  auto v = validate("{}", "spdx-2.3", "setup");
  ASSERT_EQ(v.status, 1) << "the schema validator did not run (python3-jsonschema installed? schemas in "
                         << test::testdata("schemas") << "?):\n"
                         << v.output;
}

class SchemaReal : public ::testing::TestWithParam<std::string> {};

TEST_P(SchemaReal, CycloneDxAndSpdxAreValid) {
  const Inventory& inv = test::real_inventory(GetParam());
  ASSERT_FALSE(inv.packages.empty());
  expect_valid(test::render(inv, "cyclonedx"), "cyclonedx-1.6", GetParam() + "-cdx");
  expect_valid(test::render(inv, "spdx"), "spdx-2.3", GetParam() + "-spdx");
}

INSTANTIATE_TEST_SUITE_P(Real, SchemaReal, ::testing::ValuesIn([] {
                           std::vector<std::string> names;
                           for (const auto& f : test::report_fixtures::fixtures()) names.push_back(f.name);
                           return names;
                         }()),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

// With the clock and random serial numbers (what users get).
TEST(Schema, LiveTimestampAndSerialAreValid) {
  ReportOptions opts;
  const Inventory& inv = test::real_inventory("alpine-3.10-image");
  expect_valid(test::render(inv, "cyclonedx", opts), "cyclonedx-1.6", "live-cdx");
  expect_valid(test::render(inv, "spdx", opts), "spdx-2.3", "live-spdx");
}

// A real inventory damaged the way a hostile image could: control characters
// and invalid UTF-8 in names, duplicates, no OS, warnings and a partial flag.
Inventory damaged_inventory() {
  Inventory inv = test::real_inventory("alpine-3.19.4-rootfs");
  inv.os.reset();
  inv.partial = true;
  inv.packages.push_back(inv.packages.front());  // the same package twice
  Package& p = inv.packages.at(1);
  p.name += "\x1b[31m\xff\xfe/..@?#";
  p.version += " \xc3";
  p.license = "MIT OR (";
  inv.warnings.push_back(
      Warning{"apk.truncated", "lib/apk/db/installed: record cut short \xff", {"lib/apk/db/installed"}});
  inv.source.tags.push_back("evil\ntag");
  return inv;
}

TEST(Schema, DamagedAndEmptyInventoriesAreValid) {
  Inventory damaged = damaged_inventory();
  expect_valid(test::render(damaged, "cyclonedx"), "cyclonedx-1.6", "damaged-cdx");
  expect_valid(test::render(damaged, "spdx"), "spdx-2.3", "damaged-spdx");
  Inventory empty;
  expect_valid(test::render(empty, "cyclonedx"), "cyclonedx-1.6", "empty-cdx");
  expect_valid(test::render(empty, "spdx"), "spdx-2.3", "empty-spdx");
}

// The validator must be able to fail: documents broken on purpose are rejected.
TEST(Schema, BrokenCycloneDxIsRejected) {
  const auto good =
      nlohmann::json::parse(test::render(test::real_inventory("alpine-3.10-image"), "cyclonedx"));
  auto doc = good;
  doc.erase("bomFormat");
  expect_invalid(doc, "cyclonedx-1.6", "cdx-no-bomformat", "bomFormat");
  doc = good;
  doc["components"][1]["type"] = "shared-library";
  expect_invalid(doc, "cyclonedx-1.6", "cdx-bad-type", "components/1/type");
  doc = good;
  doc["serialNumber"] = "urn:uuid:not-a-uuid";
  expect_invalid(doc, "cyclonedx-1.6", "cdx-bad-serial", "serialNumber");
  doc = good;
  doc["metadata"]["timestamp"] = "yesterday";
  expect_invalid(doc, "cyclonedx-1.6", "cdx-bad-timestamp", "metadata/timestamp");
  doc = good;
  doc["components"][1]["licenses"] = {{{"license", {{"id", "GPLv2+"}}}}};
  expect_invalid(doc, "cyclonedx-1.6", "cdx-bad-license-id", "licenses");
  doc = good;
  doc["components"][2]["bom-ref"] = doc["components"][1]["bom-ref"];
  expect_invalid(doc, "cyclonedx-1.6", "cdx-duplicate-ref", "bom-refs are not unique");
  doc = good;
  doc["components"][1]["purl"] = "pkg:apk/alpine/a b@1";
  expect_invalid(doc, "cyclonedx-1.6", "cdx-bad-purl", "malformed purl");
  doc = good;
  doc["components"][1]["licenses"] = {{{"expression", "MIT and Zlib"}}};
  expect_invalid(doc, "cyclonedx-1.6", "cdx-bad-expression", "invalid SPDX license expression");
}

TEST(Schema, BrokenSpdxIsRejected) {
  const auto good = nlohmann::json::parse(test::render(test::real_inventory("centos-7-rpmdb"), "spdx"));
  auto doc = good;
  doc.erase("dataLicense");
  expect_invalid(doc, "spdx-2.3", "spdx-no-datalicense", "dataLicense");
  doc = good;
  doc["packages"][2].erase("downloadLocation");
  expect_invalid(doc, "spdx-2.3", "spdx-no-download", "downloadLocation");
  doc = good;
  doc["packages"][2]["externalRefs"][0]["referenceCategory"] = "PACKAGE_MANAGER";  // 2.3.1 spelling, not 2.3
  expect_invalid(doc, "spdx-2.3", "spdx-bad-category", "referenceCategory");
  doc = good;
  doc["packages"][2]["SPDXID"] = "SPDXRef-has space";
  expect_invalid(doc, "spdx-2.3", "spdx-bad-id", "bad SPDXID");
  doc = good;
  doc["relationships"][1]["relatedSpdxElement"] = "SPDXRef-nowhere";
  expect_invalid(doc, "spdx-2.3", "spdx-dangling", "unknown element");
  doc = good;
  doc["packages"][2]["licenseDeclared"] = "GPLv2+";
  expect_invalid(doc, "spdx-2.3", "spdx-bad-license", "invalid SPDX license expression");
  doc = good;
  doc["documentNamespace"] = "dagda document";
  expect_invalid(doc, "spdx-2.3", "spdx-bad-namespace", "documentNamespace");
  // A LicenseRef- the document does not declare, and one with characters an idstring cannot hold.
  doc = good;
  doc["packages"][2]["licenseDeclared"] = "MIT AND LicenseRef-undeclared";
  expect_invalid(doc, "spdx-2.3", "spdx-undeclared-ref", "not declared in hasExtractedLicensingInfos");
  doc = good;
  ASSERT_TRUE(doc.contains("hasExtractedLicensingInfos"));  // CentOS has licenses SPDX does not list
  doc["hasExtractedLicensingInfos"][0]["licenseId"] = "LicenseRef-has space";
  expect_invalid(doc, "spdx-2.3", "spdx-bad-ref-id", "bad licenseId");
}

}  // namespace
}  // namespace dagda
