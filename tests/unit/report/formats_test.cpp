// What each format says, checked field by field on real inventories.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "inventory/purl.hpp"
#include "unit/report/report_test_util.hpp"

namespace dagda {
namespace {

using nlohmann::json;

size_t display_width(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

TEST(Registry, ListsTheFourFormatsInOrder) {
  std::vector<std::string> names;
  for (const auto& f : sbom_formats()) {
    names.emplace_back(f.name);
    EXPECT_FALSE(f.description.empty());
    EXPECT_NE(f.write, nullptr);
    EXPECT_EQ(find_sbom_format(f.name), &f);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"table", "json", "cyclonedx", "spdx"}));
  EXPECT_EQ(find_sbom_format("xml"), nullptr);
  EXPECT_EQ(find_sbom_format(""), nullptr);
}

TEST(JsonFormat, ImageInventory) {
  const Inventory& inv = test::real_inventory("alpine-3.10-image");
  json doc = json::parse(test::render(inv, "json"));
  EXPECT_EQ(doc["schema"], "dagda.sbom/v1");
  EXPECT_EQ(doc["source"]["kind"], "docker-archive");
  EXPECT_EQ(doc["source"]["image_id"], inv.source.image_id);
  EXPECT_EQ(doc["source"]["tags"], json::array({"alpine:3.10"}));
  EXPECT_EQ(doc["source"]["architecture"], "amd64");
  ASSERT_EQ(doc["source"]["layers"].size(), 1u);
  const json& layer = doc["source"]["layers"][0];
  EXPECT_EQ(layer["index"], 0);
  EXPECT_EQ(layer["diff_id"], "sha256:531743b7098cb2aaf615641007a129173f63ed86ca32fe7b5a246a1c47286028");
  EXPECT_EQ(layer["size"], inv.source.layers[0].size);
  EXPECT_NE(layer["created_by"].get<std::string>().find("ADD file:"), std::string::npos);
  EXPECT_EQ(doc["os"]["family"], "alpine");
  EXPECT_EQ(doc["os"]["version_id"], "3.10.4");
  EXPECT_EQ(doc["partial"], false);
  EXPECT_EQ(doc["warnings"], json::array());

  ASSERT_EQ(doc["packages"].size(), inv.packages.size());
  for (const json& p : doc["packages"]) {
    for (const char* key : {"name", "version", "ecosystem", "purl", "arch", "source_name", "layer", "path"}) {
      EXPECT_TRUE(p.contains(key)) << key << " missing in " << p.dump();
    }
    EXPECT_EQ(p["layer"], layer["diff_id"]);
    EXPECT_EQ(p["layer_index"], 0);
    EXPECT_EQ(p["created_by"], layer["created_by"]);
    EXPECT_EQ(p["path"], "lib/apk/db/installed");
  }
  const json* musl = nullptr;
  for (const json& p : doc["packages"]) {
    if (p["name"] == "musl") musl = &p;
  }
  ASSERT_NE(musl, nullptr);
  EXPECT_EQ((*musl)["purl"], "pkg:apk/alpine/musl@" + (*musl)["version"].get<std::string>() +
                                 "?arch=x86_64&distro=alpine-3.10.4");
}

TEST(JsonFormat, PackagesSortedByEcosystemNameVersionArch) {
  for (const char* name : {"debian-12-status", "centos-7-rpmdb"}) {
    json doc = json::parse(test::render(test::real_inventory(name), "json"));
    auto key = [](const json& p) {
      return std::make_tuple(p["ecosystem"].get<std::string>(), p["name"].get<std::string>(),
                             p["version"].get<std::string>(), p.value("arch", ""));
    };
    const json& pkgs = doc["packages"];
    ASSERT_GT(pkgs.size(), 50u);
    for (size_t i = 1; i < pkgs.size(); ++i) EXPECT_LE(key(pkgs[i - 1]), key(pkgs[i])) << name << " at " << i;
  }
}

TEST(JsonFormat, DebianSourcePackages) {
  const Inventory& inv = test::real_inventory("debian-12-status");
  json doc = json::parse(test::render(inv, "json"));
  int with_other_source = 0;
  for (const json& p : doc["packages"]) {
    EXPECT_EQ(p["ecosystem"], "deb");
    EXPECT_TRUE(p.contains("source_name") && p.contains("source_version")) << p.dump();
    EXPECT_FALSE(p.contains("layer")) << "a dir: source has no layers";
    EXPECT_FALSE(p.contains("rpm"));
    if (p["source_name"] != p["name"]) ++with_other_source;
  }
  EXPECT_GT(with_other_source, 10);
  EXPECT_EQ(doc["os"]["family"], "debian");
  EXPECT_EQ(doc["os"]["version_id"], "12");
}

TEST(JsonFormat, RpmFields) {
  int with_epoch = 0, without_epoch = 0, modular = 0;
  for (const char* name : {"centos-7-rpmdb", "centos-8-modules-rpmdb"}) {
    json doc = json::parse(test::render(test::real_inventory(name), "json"));
    for (const json& p : doc["packages"]) {
      ASSERT_TRUE(p.contains("rpm")) << p.dump();
      const json& r = p["rpm"];
      EXPECT_TRUE(r.contains("version") && r.contains("release"));
      if (r.contains("epoch")) {
        ++with_epoch;
        EXPECT_EQ(p["version"], std::to_string(r["epoch"].get<int64_t>()) + ":" +
                                    r["version"].get<std::string>() + "-" + r["release"].get<std::string>());
        EXPECT_NE(p["purl"].get<std::string>().find("&epoch=" + std::to_string(r["epoch"].get<int64_t>())),
                  std::string::npos);
      } else {
        ++without_epoch;
        EXPECT_EQ(p["purl"].get<std::string>().find("epoch="), std::string::npos);
      }
      if (r.contains("modularitylabel")) ++modular;
    }
  }
  EXPECT_GT(with_epoch, 10);
  EXPECT_GT(without_epoch, 100);
  EXPECT_EQ(modular, 21);
}

TEST(JsonFormat, WarningsAndPartial) {
  Inventory inv = test::real_inventory("alpine-3.19.4-rootfs");
  inv.partial = true;
  inv.warnings.push_back(Warning{"z.second", "later", {"b"}});
  inv.warnings.push_back(Warning{"a.first", "db truncated", {"lib/apk/db/installed", "sha256:abc", 12, {}}});
  json doc = json::parse(test::render(inv, "json"));
  EXPECT_EQ(doc["partial"], true);
  ASSERT_EQ(doc["warnings"].size(), 2u);
  EXPECT_EQ(doc["warnings"][0]["code"], "a.first");  // sorted, not in arrival order
  EXPECT_EQ(doc["warnings"][0]["file"], "lib/apk/db/installed");
  EXPECT_EQ(doc["warnings"][0]["layer"], "sha256:abc");
  EXPECT_EQ(doc["warnings"][0]["line"], 12);
  EXPECT_EQ(doc["warnings"][1]["code"], "z.second");
}

TEST(JsonFormat, InvalidUtf8IsReplacedNotFatal) {
  Inventory inv;
  Package p;
  p.ecosystem = "deb";
  p.name = "bad\xff\xfe";
  p.version = "1";
  inv.packages.push_back(p);
  for (const auto& f : sbom_formats()) {
    auto r = f.write(inv, test::golden_options());
    ASSERT_TRUE(r.ok()) << f.name;
    if (f.name != "table") {
      EXPECT_TRUE(json::accept(*r)) << f.name;
    }
  }
}

TEST(CycloneDx, Structure) {
  const Inventory& inv = test::real_inventory("alpine-3.10-image");
  json doc = json::parse(test::render(inv, "cyclonedx"));
  EXPECT_EQ(doc["bomFormat"], "CycloneDX");
  EXPECT_EQ(doc["specVersion"], "1.6");
  EXPECT_EQ(doc["metadata"]["timestamp"], "1970-01-01T00:00:00Z");
  EXPECT_EQ(doc["metadata"]["tools"]["components"][0]["name"], "dagda");
  const json& image = doc["metadata"]["component"];
  EXPECT_EQ(image["type"], "container");
  EXPECT_EQ(image["name"], "alpine:3.10");
  EXPECT_EQ(image["version"], inv.source.image_id);
  EXPECT_EQ("sha256:" + image["hashes"][0]["content"].get<std::string>(), inv.source.image_id);
  EXPECT_EQ(image["hashes"][0]["alg"], "SHA-256");

  const json& comps = doc["components"];
  ASSERT_EQ(comps.size(), inv.packages.size() + 1);
  EXPECT_EQ(comps[0]["type"], "operating-system");
  EXPECT_EQ(comps[0]["name"], "alpine");
  EXPECT_EQ(comps[0]["version"], "3.10.4");
  std::set<std::string> refs;
  for (size_t i = 1; i < comps.size(); ++i) {
    const json& c = comps[i];
    EXPECT_EQ(c["type"], "library");
    EXPECT_EQ(c["bom-ref"], c["purl"]);
    refs.insert(c["bom-ref"].get<std::string>());
    std::map<std::string, std::string> props;
    for (const json& p : c["properties"]) props[p["name"]] = p["value"];
    EXPECT_EQ(props["dagda:layer:diff_id"], inv.source.layers[0].diff_id);
    EXPECT_EQ(props["dagda:layer:index"], "0");
    EXPECT_EQ(props["dagda:package:path"], "lib/apk/db/installed");
    EXPECT_FALSE(props["dagda:package:source_name"].empty());
  }
  EXPECT_EQ(refs.size(), inv.packages.size());
  // The image holds the OS, the OS its packages.
  ASSERT_EQ(doc["dependencies"].size(), 2u);
  EXPECT_EQ(doc["dependencies"][0]["ref"], image["bom-ref"]);
  EXPECT_EQ(doc["dependencies"][0]["dependsOn"], json::array({comps[0]["bom-ref"]}));
  EXPECT_EQ(doc["dependencies"][1]["dependsOn"].size(), inv.packages.size());
}

TEST(CycloneDx, Licenses) {
  json doc = json::parse(test::render(test::real_inventory("centos-7-rpmdb"), "cyclonedx"));
  std::map<std::string, json> by_name;
  for (const json& c : doc["components"]) by_name[c["name"]] = c;
  EXPECT_EQ(by_name["ncurses"]["licenses"], json::parse(R"([{"license":{"id":"MIT","acknowledgement":"declared"}}])"));
  // Fedora's short names in SPDX terms; the string as declared stays in a property.
  EXPECT_EQ(by_name["bash"]["licenses"],
            json::parse(R"([{"license":{"id":"GPL-3.0-or-later","acknowledgement":"declared"}}])"));
  EXPECT_EQ(by_name["bash"]["publisher"], "CentOS");
  bool declared_property = false;
  for (const json& p : by_name["bash"]["properties"])
    declared_property |= p["name"] == "dagda:package:license" && p["value"] == "GPLv3+";
  EXPECT_TRUE(declared_property);
  // A conjunction with a license SPDX does not list: one entry each, the unlisted one by name.
  EXPECT_EQ(by_name["tzdata"]["licenses"],
            json::parse(R"([{"license":{"name":"Public Domain","acknowledgement":"declared"}}])"));
  // An OR: one expression.
  size_t disjunctions = 0;
  for (const json& c : doc["components"]) {
    for (const json& p : c.value("properties", json::array())) {
      if (p["name"] != "dagda:package:license" || p["value"] != "GPLv2+ or LGPLv3+") continue;
      ++disjunctions;
      EXPECT_EQ(c["licenses"], json::parse(R"([{"expression":"GPL-2.0-or-later OR LGPL-3.0-or-later",
                                                "acknowledgement":"declared"}])"));
    }
  }
  EXPECT_GT(disjunctions, 0u);

  doc = json::parse(test::render(test::real_inventory("alpine-3.19.4-rootfs"), "cyclonedx"));
  for (const json& c : doc["components"]) by_name[c["name"]] = c;
  EXPECT_EQ(by_name["ca-certificates-bundle"]["licenses"],
            json::parse(R"([{"license":{"id":"MPL-2.0","acknowledgement":"declared"}},
                           {"license":{"id":"MIT","acknowledgement":"declared"}}])"));
  EXPECT_EQ(by_name["zlib"]["licenses"], json::parse(R"([{"license":{"id":"Zlib","acknowledgement":"declared"}}])"));
}

TEST(CycloneDx, DuplicatePackagesGetDistinctRefs) {
  Inventory inv = test::real_inventory("alpine-3.19.4-rootfs");
  inv.packages.push_back(inv.packages.front());
  json doc = json::parse(test::render(inv, "cyclonedx"));
  std::set<std::string> refs;
  for (const json& c : doc["components"]) EXPECT_TRUE(refs.insert(c["bom-ref"].get<std::string>()).second);
}

TEST(Deterministic, SerialNumbersFollowTheContent) {
  Inventory inv = test::real_inventory("alpine-3.19.4-rootfs");
  json a = json::parse(test::render(inv, "cyclonedx"));
  json b = json::parse(test::render(inv, "cyclonedx"));
  EXPECT_EQ(a["serialNumber"], b["serialNumber"]);
  json s1 = json::parse(test::render(inv, "spdx"));
  inv.packages.pop_back();
  json c = json::parse(test::render(inv, "cyclonedx"));
  json s2 = json::parse(test::render(inv, "spdx"));
  EXPECT_NE(a["serialNumber"], c["serialNumber"]);
  EXPECT_NE(s1["documentNamespace"], s2["documentNamespace"]);
  // Version 5 (name based) when deterministic, version 4 (random) otherwise.
  EXPECT_EQ(a["serialNumber"].get<std::string>().substr(9 + 14, 1), "5");
  ReportOptions live;
  json l1 = json::parse(test::render(inv, "cyclonedx", live));
  json l2 = json::parse(test::render(inv, "cyclonedx", live));
  EXPECT_NE(l1["serialNumber"], l2["serialNumber"]);
  EXPECT_EQ(l1["serialNumber"].get<std::string>().substr(9 + 14, 1), "4");
  EXPECT_NE(l1["metadata"]["timestamp"], "1970-01-01T00:00:00Z");
}

TEST(Spdx, Structure) {
  const Inventory& inv = test::real_inventory("centos-7-rpmdb");
  json doc = json::parse(test::render(inv, "spdx"));
  EXPECT_EQ(doc["spdxVersion"], "SPDX-2.3");
  EXPECT_EQ(doc["dataLicense"], "CC0-1.0");
  EXPECT_EQ(doc["SPDXID"], "SPDXRef-DOCUMENT");
  EXPECT_EQ(doc["creationInfo"]["created"], "1970-01-01T00:00:00Z");
  EXPECT_EQ(doc["creationInfo"]["creators"][0], "Tool: dagda-0.0.0-test");
  const json& pkgs = doc["packages"];
  ASSERT_EQ(pkgs.size(), inv.packages.size() + 2);  // the source and the OS too
  EXPECT_EQ(pkgs[1]["primaryPackagePurpose"], "OPERATING_SYSTEM");
  std::map<std::string, json> by_name;
  for (size_t i = 2; i < pkgs.size(); ++i) {
    const json& p = pkgs[i];
    by_name[p["name"]] = p;
    EXPECT_EQ(p["downloadLocation"], "NOASSERTION");
    EXPECT_EQ(p["externalRefs"][0]["referenceCategory"], "PACKAGE-MANAGER");
    EXPECT_EQ(p["externalRefs"][0]["referenceType"], "purl");
  }
  EXPECT_EQ(by_name["ncurses"]["licenseDeclared"], "MIT");
  EXPECT_EQ(by_name["ncurses"].count("licenseComments"), 0u);
  EXPECT_EQ(by_name["bash"]["licenseDeclared"], "GPL-3.0-or-later");
  EXPECT_EQ(by_name["bash"]["licenseConcluded"], "NOASSERTION");  // declared, not concluded by us
  EXPECT_NE(by_name["bash"]["licenseComments"].get<std::string>().find("GPLv3+"), std::string::npos);
  // Licenses SPDX does not list are LicenseRef-s, each declared once in the document.
  EXPECT_EQ(by_name["tzdata"]["licenseDeclared"], "LicenseRef-public-domain");
  std::map<std::string, std::string> extracted;
  for (const json& e : doc["hasExtractedLicensingInfos"]) extracted[e["licenseId"]] = e["extractedText"];
  EXPECT_EQ(extracted["LicenseRef-public-domain"], "Public Domain");
  for (const auto& [name, p] : by_name) {
    std::string decl = p["licenseDeclared"];
    for (size_t at = decl.find("LicenseRef-"); at != std::string::npos; at = decl.find("LicenseRef-", at + 1)) {
      size_t end = decl.find_first_of(" )", at);
      EXPECT_TRUE(extracted.count(decl.substr(at, end - at))) << name << ": " << decl;
    }
  }
  // Facts SPDX has no field for, as annotations named like our CycloneDX properties.
  std::set<std::string> notes;
  for (const json& a : by_name["bash"]["annotations"]) notes.insert(a["comment"].get<std::string>());
  EXPECT_TRUE(notes.count("dagda:package:ecosystem=rpm"));
  EXPECT_TRUE(notes.count("dagda:rpm:sourcerpm=bash-4.2.46-30.el7.src.rpm")) << *notes.begin();
  std::set<std::string> os_notes;
  for (const json& a : pkgs[1]["annotations"]) os_notes.insert(a["comment"].get<std::string>());
  EXPECT_TRUE(os_notes.count("dagda:os:family=centos"));
  EXPECT_TRUE(os_notes.count("dagda:os:version_id=7"));
  EXPECT_EQ(by_name["bash"]["supplier"], "Organization: CentOS");
  EXPECT_EQ(by_name["bash"]["versionInfo"], by_name["bash"]["versionInfo"].get<std::string>());

  const json& rel = doc["relationships"];
  ASSERT_EQ(rel.size(), inv.packages.size() + 2);
  EXPECT_EQ(rel[0]["relationshipType"], "DESCRIBES");
  EXPECT_EQ(rel[0]["spdxElementId"], "SPDXRef-DOCUMENT");
  EXPECT_EQ(rel[0]["relatedSpdxElement"], pkgs[0]["SPDXID"]);
  for (size_t i = 1; i < rel.size(); ++i) {
    EXPECT_EQ(rel[i]["relationshipType"], "CONTAINS");
    EXPECT_EQ(rel[i]["spdxElementId"], pkgs[0]["SPDXID"]);
    EXPECT_EQ(rel[i]["relatedSpdxElement"], pkgs[i]["SPDXID"]);
  }
}

TEST(Table, FitsAHundredColumns) {
  for (const auto& f : test::report_fixtures::fixtures()) {
    const Inventory& inv = test::real_inventory(f.name);
    std::string out = test::render(inv, "table");
    auto lines = test::report_fixtures::lines(out);
    ASSERT_GT(lines.size(), inv.packages.size() + 3) << f.name;
    for (const auto& line : lines) EXPECT_LE(display_width(line), 100u) << f.name << ": " << line;
    EXPECT_EQ(out.find('\x1b'), std::string::npos) << "colour without opts.color";
  }
}

TEST(Table, HeaderRowsAndFooter) {
  const Inventory& inv = test::real_inventory("alpine-3.10-image");
  auto lines = test::report_fixtures::lines(test::render(inv, "table"));
  EXPECT_NE(lines[0].find("alpine:3.10"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("Alpine Linux v3.10"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("image " + inv.source.image_id.substr(7, 12)), std::string::npos) << lines[0];
  EXPECT_EQ(lines[2].rfind("NAME", 0), 0u);
  EXPECT_NE(lines[2].find("VERSION"), std::string::npos);
  EXPECT_NE(lines[2].find("TYPE"), std::string::npos);
  EXPECT_NE(lines[2].find("LAYER"), std::string::npos);
  const std::string short_layer = inv.source.layers[0].diff_id.substr(7, 12);
  size_t rows = 0;
  for (size_t i = 3; i < lines.size() && !lines[i].empty(); ++i, ++rows) {
    EXPECT_NE(lines[i].find(" apk "), std::string::npos) << lines[i];
    EXPECT_EQ(lines[i].substr(lines[i].size() - 12), short_layer) << lines[i];
  }
  EXPECT_EQ(rows, inv.packages.size());
  const std::string n = std::to_string(inv.packages.size());
  EXPECT_EQ(lines.back(), n + " packages (apk " + n + "), 1 layer, 0 warnings");
}

TEST(Table, ColourOnlyWhenAsked) {
  ReportOptions opts = test::golden_options();
  opts.color = true;
  std::string out = test::render(test::real_inventory("debian-12-status"), "table", opts);
  EXPECT_NE(out.find("\x1b[1m"), std::string::npos);
  EXPECT_NE(out.find("\x1b[0m"), std::string::npos);
}

TEST(Table, NarrowWidthAndHostileNames) {
  Inventory inv = test::real_inventory("debian-12-status");
  inv.packages[0].name =
      "evil\x1b]0;pwned\x07name-that-is-much-too-long-for-any-column-of-a-table-of-packages";
  inv.packages[1].version = std::string(300, '9');
  inv.partial = true;
  inv.warnings.push_back(Warning{"dpkg.truncated", std::string(500, 'w'), {}});
  for (int width : {40, 60, 100, 160}) {
    ReportOptions opts = test::golden_options();
    opts.width = width;
    std::string out = test::render(inv, "table", opts);
    EXPECT_EQ(out.find('\x1b'), std::string::npos);
    EXPECT_EQ(out.find('\x07'), std::string::npos);
    for (const auto& line : test::report_fixtures::lines(out)) {
      EXPECT_LE(display_width(line), static_cast<size_t>(width)) << line;
    }
    EXPECT_NE(out.find("PARTIAL"), std::string::npos);
  }
}

}  // namespace
}  // namespace dagda

// --- what `scan sbom:FILE` needs ------------------------------------------

namespace dagda {
namespace {

using nlohmann::json;

// The facts the matcher keys on, per package: ecosystem, name, version, arch, source package and
// version, rpm epoch, sourcerpm and modularitylabel.
using Facts = std::tuple<std::string, std::string, std::string, std::string, std::string, std::string,
                         std::string, std::string, std::string>;

Facts facts_of(const Package& p) {
  return {p.ecosystem,
          p.name,
          p.version,
          p.arch,
          p.source_name,
          p.source_version,
          p.rpm && p.rpm->epoch ? std::to_string(*p.rpm->epoch) : "",
          p.rpm ? p.rpm->sourcerpm : "",
          p.rpm ? p.rpm->modularitylabel : ""};
}

Facts facts_of(const std::map<std::string, std::string>& props, const std::string& name, const std::string& version) {
  auto get = [&](const char* k) {
    auto it = props.find(k);
    return it == props.end() ? std::string() : it->second;
  };
  return {get("dagda:package:ecosystem"), name, version, get("dagda:package:arch"),
          get("dagda:package:source_name"), get("dagda:package:source_version"), get("dagda:rpm:epoch"),
          get("dagda:rpm:sourcerpm"), get("dagda:rpm:modularitylabel")};
}

// Our CycloneDX and SPDX documents carry, in standard places or our documented property names,
// everything the matcher uses: the distro and release, and every package's source facts.
class SbomRoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(SbomRoundTrip, CycloneDxAndSpdxCarryWhatMatchingNeeds) {
  const Inventory& inv = test::real_inventory(GetParam());
  ASSERT_TRUE(inv.os.has_value());
  std::multiset<Facts> expected;
  for (const Package& p : inv.packages) expected.insert(facts_of(p));
  // rpm versions in SBOMs are "[E:]V-R" as the JSON has them; epoch, sourcerpm, label as properties.

  json cdx = json::parse(test::render(inv, "cyclonedx"));
  std::map<std::string, std::string> meta;
  for (const json& p : cdx["metadata"]["component"]["properties"]) meta[p["name"]] = p["value"];
  EXPECT_EQ(meta["dagda:os:family"], inv.os->family);
  EXPECT_EQ(meta["dagda:os:version_id"], inv.os->version_id);
  EXPECT_EQ(meta["dagda:os:codename"], inv.os->codename);
  std::multiset<Facts> from_cdx;
  for (const json& c : cdx["components"]) {
    if (c["type"] == "operating-system") {
      EXPECT_EQ(c["name"], inv.os->family);
      EXPECT_EQ(c.value("version", ""), inv.os->version_id);
      continue;
    }
    std::map<std::string, std::string> props;
    for (const json& p : c["properties"]) props[p["name"]] = p["value"];
    from_cdx.insert(facts_of(props, c["name"], c["version"]));
    // The purl says the distro too (pkg:TYPE/FAMILY/NAME@V?...&distro=FAMILY-VERSION_ID).
    EXPECT_NE(c["purl"].get<std::string>().find("distro=" + inv.os->family + "-"), std::string::npos) << c["purl"];
  }
  EXPECT_EQ(from_cdx, expected);

  json spdx = json::parse(test::render(inv, "spdx"));
  std::multiset<Facts> from_spdx;
  for (const json& p : spdx["packages"]) {
    std::map<std::string, std::string> notes;
    for (const json& a : p.value("annotations", json::array())) {
      std::string c = a["comment"];
      notes.emplace(c.substr(0, c.find('=')), c.substr(c.find('=') + 1));
    }
    if (p.value("primaryPackagePurpose", "") == "OPERATING_SYSTEM") {
      EXPECT_EQ(notes["dagda:os:family"], inv.os->family);
      EXPECT_EQ(notes["dagda:os:version_id"], inv.os->version_id);
      EXPECT_EQ(notes["dagda:os:codename"], inv.os->codename);
      continue;
    }
    if (!notes.count("dagda:package:ecosystem")) continue;  // the scanned source itself
    from_spdx.insert(facts_of(notes, p["name"], p["versionInfo"]));
  }
  EXPECT_EQ(from_spdx, expected);
}

INSTANTIATE_TEST_SUITE_P(Real, SbomRoundTrip,
                         ::testing::Values("debian-12-status", "ubuntu-18.04-status", "alpine-3.10-image",
                                           "centos-8-modules-rpmdb"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

}  // namespace
}  // namespace dagda
