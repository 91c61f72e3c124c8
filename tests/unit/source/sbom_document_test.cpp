// sbom: documents and the registry's manifest documents, parsed without any network.
//
// Our own SBOMs are made here by Dagda from a real image. Trivy and Syft are not Debian
// packages, so their shapes are checked on small documents laid out as their
// documentation shows (the properties, purl qualifiers and OS component they write);
// they are labelled as such below.
#include <gtest/gtest.h>

#include "inventory/purl_parse.hpp"
#include "source/distribution.hpp"
#include "source/sbom_document.hpp"

namespace dagda {
namespace {

const Package* find(const Inventory& inv, const std::string& name) {
  for (const Package& p : inv.packages)
    if (p.name == name) return &p;
  return nullptr;
}

TEST(Purl, ParsesBack) {
  auto p = parse_purl("pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->type, "deb");
  EXPECT_EQ(p->ns, "debian");
  EXPECT_EQ(p->name, "libc6");
  EXPECT_EQ(p->version, "2.36-9+deb12u4");
  EXPECT_EQ(p->qualifiers.at("upstream"), "glibc");
  auto npm = parse_purl("pkg:npm/%40angular/core@16.2.0#sub/path");
  ASSERT_TRUE(npm);
  EXPECT_EQ(npm->ns, "@angular");
  EXPECT_EQ(npm->name, "core");
  EXPECT_EQ(npm->subpath, "sub/path");
  auto maven = parse_purl("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
  ASSERT_TRUE(maven);
  EXPECT_EQ(maven->ns, "org.apache.logging.log4j");
  auto up = parse_purl("pkg:deb/debian/libssl3@3.0.11-1~deb12u2?upstream=openssl%403.0.11-1~deb12u2");
  ASSERT_TRUE(up);
  EXPECT_EQ(up->qualifiers.at("upstream"), "openssl@3.0.11-1~deb12u2");
  for (const char* bad : {"", "pkg:", "pkg:deb", "pkg:/name", "http://x", "pkg:deb/debian/x%zz@1", "pkg:deb/@1"})
    EXPECT_FALSE(parse_purl(bad)) << bad;
}

TEST(SbomDocument, RefusesWhatIsNotAnSbom) {
  EXPECT_FALSE(read_sbom_document("{", "x.json").ok());
  EXPECT_FALSE(read_sbom_document("[]", "x.json").ok());
  auto neither = read_sbom_document(R"({"hello": 1})", "x.json");
  ASSERT_FALSE(neither.ok());
  EXPECT_NE(neither.error().render().find("x.json"), std::string::npos);
  auto old = read_sbom_document(R"({"bomFormat": "CycloneDX", "specVersion": "1.2", "components": []})", "old.json");
  ASSERT_FALSE(old.ok());
  EXPECT_NE(old.error().render().find("1.2"), std::string::npos);
  EXPECT_FALSE(read_sbom_document(R"({"spdxVersion": "SPDX-3.0"})", "x").ok());
  EXPECT_FALSE(read_sbom_document(R"({"bomFormat": "CycloneDX", "specVersion": "1.5", "components": {}})", "x").ok());
}

// Laid out as Trivy's CycloneDX output is documented: an operating-system component, apk/deb
// purls with arch and distro qualifiers, source packages in aquasecurity:trivy:Src* properties.
TEST(SbomDocument, TrivyShapedCycloneDx) {
  const char* doc = R"({
    "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
    "metadata": {"component": {"type": "container", "name": "debian:12",
      "purl": "pkg:oci/debian@sha256:0000000000000000000000000000000000000000000000000000000000000000"}},
    "components": [
      {"type": "operating-system", "name": "debian", "version": "12.5"},
      {"type": "library", "name": "libc6", "version": "2.36-9+deb12u4",
       "purl": "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12.5",
       "properties": [{"name": "aquasecurity:trivy:SrcName", "value": "glibc"},
                      {"name": "aquasecurity:trivy:SrcVersion", "value": "2.36"},
                      {"name": "aquasecurity:trivy:SrcRelease", "value": "9+deb12u4"},
                      {"name": "aquasecurity:trivy:LayerDiffID", "value": "sha256:aa"}]},
      {"type": "library", "name": "login", "version": "4.13+dfsg1-1",
       "purl": "pkg:deb/debian/login@4.13%2Bdfsg1-1?arch=amd64&distro=debian-12.5&epoch=1",
       "properties": [{"name": "aquasecurity:trivy:SrcName", "value": "shadow"},
                      {"name": "aquasecurity:trivy:SrcVersion", "value": "4.13+dfsg1"},
                      {"name": "aquasecurity:trivy:SrcRelease", "value": "1"},
                      {"name": "aquasecurity:trivy:SrcEpoch", "value": "1"}]},
      {"type": "application", "name": "app/package-lock.json",
       "components": [{"type": "library", "name": "lodash", "version": "4.17.20", "purl": "pkg:npm/lodash@4.17.20"}]},
      {"type": "library", "name": "mystery", "version": "1"},
      {"type": "library", "name": "gh", "version": "1", "purl": "pkg:github/o/r@1"}
    ]})";
  auto inv = read_sbom_document(doc, "trivy.cdx.json");
  ASSERT_TRUE(inv.ok()) << inv.error().render();
  ASSERT_TRUE(inv->os);
  EXPECT_EQ(inv->os->family, "debian");
  EXPECT_EQ(inv->os->version_id, "12.5");
  const Package* libc = find(*inv, "libc6");
  ASSERT_TRUE(libc);
  EXPECT_EQ(libc->ecosystem, "deb");
  EXPECT_EQ(libc->version, "2.36-9+deb12u4");
  EXPECT_EQ(libc->arch, "amd64");
  EXPECT_EQ(libc->source_name, "glibc");
  EXPECT_EQ(libc->source_version, "2.36-9+deb12u4");
  EXPECT_EQ(libc->layer, "sha256:aa");
  const Package* login = find(*inv, "login");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->version, "1:4.13+dfsg1-1");
  EXPECT_EQ(login->source_version, "1:4.13+dfsg1-1");
  const Package* lodash = find(*inv, "lodash");
  ASSERT_TRUE(lodash);
  EXPECT_EQ(lodash->ecosystem, "npm");
  ASSERT_EQ(inv->warnings.size(), 1u);
  EXPECT_EQ(inv->warnings[0].code, "sbom.unusable-components");
  EXPECT_NE(inv->warnings[0].message.find("2 of 5 components"), std::string::npos) << inv->warnings[0].message;
  EXPECT_NE(inv->warnings[0].message.find("'github'"), std::string::npos);
}

// Laid out as Syft's SPDX output is documented: purls in externalRefs with the `upstream` and
// `distro` qualifiers; no operating-system package, so the OS comes from the qualifiers.
TEST(SbomDocument, SyftShapedSpdx) {
  const char* doc = R"({
    "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT", "name": "alpine",
    "packages": [
      {"SPDXID": "SPDXRef-a", "name": "busybox", "versionInfo": "1.36.1-r29", "licenseDeclared": "GPL-2.0-only",
       "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
         "referenceLocator": "pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&upstream=busybox&distro=alpine-3.20.3"}]},
      {"SPDXID": "SPDXRef-b", "name": "ssl_client", "versionInfo": "1.36.1-r29",
       "externalRefs": [{"referenceCategory": "PACKAGE_MANAGER", "referenceType": "purl",
         "referenceLocator": "pkg:apk/alpine/ssl_client@1.36.1-r29?arch=x86_64&upstream=busybox&distro=alpine-3.20.3"}]},
      {"SPDXID": "SPDXRef-c", "name": "requests", "versionInfo": "2.31.0",
       "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
         "referenceLocator": "pkg:pypi/requests@2.31.0"}]},
      {"SPDXID": "SPDXRef-d", "name": "no-purl", "versionInfo": "1"}
    ]})";
  auto inv = read_sbom_document(doc, "syft.spdx.json");
  ASSERT_TRUE(inv.ok()) << inv.error().render();
  ASSERT_TRUE(inv->os);
  EXPECT_EQ(inv->os->family, "alpine");
  EXPECT_EQ(inv->os->version_id, "3.20.3");
  const Package* ssl = find(*inv, "ssl_client");
  ASSERT_TRUE(ssl);
  EXPECT_EQ(ssl->ecosystem, "apk");
  EXPECT_EQ(ssl->source_name, "busybox");
  EXPECT_EQ(ssl->source_version, "1.36.1-r29");
  EXPECT_EQ(find(*inv, "busybox")->license, "GPL-2.0-only");
  EXPECT_EQ(find(*inv, "requests")->ecosystem, "pypi");
  ASSERT_EQ(inv->warnings.size(), 1u);
  EXPECT_NE(inv->warnings[0].message.find("1 without a purl"), std::string::npos);
}

TEST(SbomDocument, BareDistroQualifiers) {
  // Trivy writes Alpine's distro qualifier as the bare version.
  const char* doc = R"({"bomFormat": "CycloneDX", "specVersion": "1.4", "components": [
      {"type": "library", "name": "musl", "version": "1.2.2-r7",
       "purl": "pkg:apk/alpine/musl@1.2.2-r7?arch=x86_64&distro=3.15.0"}]})";
  auto inv = read_sbom_document(doc, "x");
  ASSERT_TRUE(inv.ok());
  ASSERT_TRUE(inv->os);
  EXPECT_EQ(inv->os->family, "alpine");
  EXPECT_EQ(inv->os->version_id, "3.15.0");
  EXPECT_TRUE(inv->warnings.empty());
}

TEST(Distribution, IndexesAndManifests) {
  using namespace distribution;
  auto index = nlohmann::json::parse(R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
    "manifests": [
      {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 10,
       "digest": "sha256:1111111111111111111111111111111111111111111111111111111111111111",
       "platform": {"os": "linux", "architecture": "amd64"}},
      {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 11,
       "digest": "sha256:2222222222222222222222222222222222222222222222222222222222222222",
       "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}},
      {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 12,
       "digest": "sha256:3333333333333333333333333333333333333333333333333333333333333333",
       "platform": {"os": "unknown", "architecture": "unknown"}}]})");
  std::vector<Warning> w;
  ASSERT_TRUE(is_index(index, "", "x").value());
  auto amd = choose_platform(index, *parse_platform(""), "x", w);
  ASSERT_TRUE(amd.ok());
  EXPECT_TRUE(amd->digest.starts_with("sha256:1111"));
  auto arm = choose_platform(index, *parse_platform("linux/arm64"), "x", w);
  ASSERT_TRUE(arm.ok());
  EXPECT_TRUE(arm->digest.starts_with("sha256:2222"));
  auto none = choose_platform(index, *parse_platform("linux/s390x"), "registry:x", w);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), ErrorCode::not_found);
  EXPECT_NE(none.error().render().find("linux/amd64, linux/arm64/v8"), std::string::npos) << none.error().render();
  EXPECT_FALSE(parse_platform("a/b/c/d").ok());
  EXPECT_FALSE(parse_platform("linux/").ok());

  auto schema1 = nlohmann::json::parse(R"({"schemaVersion": 1, "fsLayers": []})");
  EXPECT_FALSE(is_index(schema1, "", "x").ok());
  auto m = nlohmann::json::parse(R"({"schemaVersion": 2, "config": {"digest": "sha256:)" + std::string(64, 'c') +
                                 R"(", "size": 5}, "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                                 "digest": "sha256:)" + std::string(64, 'd') + R"(", "size": 7}]})");
  ASSERT_FALSE(is_index(m, "", "x").value());
  auto parts = manifest_parts(m, "x");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->layers.size(), 1u);
  auto enc = nlohmann::json::parse(R"({"config": {"digest": "sha256:)" + std::string(64, 'c') +
                                   R"("}, "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip+encrypted",
                                   "digest": "sha256:)" + std::string(64, 'd') + R"("}]})");
  EXPECT_FALSE(manifest_parts(enc, "x").ok());
  EXPECT_FALSE(manifest_parts(nlohmann::json::parse(R"({"config": {"digest": "md5:1"}, "layers": []})"), "x").ok());
}

}  // namespace
}  // namespace dagda
