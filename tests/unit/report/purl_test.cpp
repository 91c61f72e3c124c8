#include "inventory/purl.hpp"

#include <gtest/gtest.h>

#include <cctype>

#include "unit/report/report_test_util.hpp"

namespace dagda {
namespace {

Package deb(std::string name, std::string version, std::string arch = "amd64") {
  Package p;
  p.ecosystem = "deb";
  p.name = std::move(name);
  p.version = std::move(version);
  p.arch = std::move(arch);
  return p;
}

OsInfo os_of(std::string family, std::string version_id, std::string codename = "") {
  OsInfo os;
  os.family = std::move(family);
  os.version_id = std::move(version_id);
  os.codename = std::move(codename);
  return os;
}

// The examples of the purl specification's type definitions.
TEST(Purl, SpecificationExamples) {
  EXPECT_EQ(purl_for(deb("attr", "1:2.4.47-2+b1"), nullptr),
            "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64");

  Package apk;
  apk.ecosystem = "apk";
  apk.name = "curl";
  apk.version = "7.83.0-r0";
  apk.arch = "x86";
  EXPECT_EQ(purl_for(apk, nullptr), "pkg:apk/alpine/curl@7.83.0-r0?arch=x86");

  Package rpm;
  rpm.ecosystem = "rpm";
  rpm.name = "curl";
  rpm.version = "7.50.3-1.fc25";
  rpm.arch = "i386";
  rpm.rpm = RpmFields{.version = "7.50.3", .release = "1.fc25"};
  OsInfo fedora = os_of("fedora", "25");
  EXPECT_EQ(purl_for(rpm, &fedora), "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25");
}

TEST(Purl, DistroQualifierFromTheOs) {
  OsInfo debian = os_of("debian", "12", "bookworm");
  OsInfo ubuntu = os_of("ubuntu", "18.04", "bionic");
  OsInfo alpine = os_of("alpine", "3.19.4");
  OsInfo sid = os_of("debian", "", "trixie");
  EXPECT_EQ(purl_for(deb("bash", "5.2.15-2+b2"), &debian),
            "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12");
  EXPECT_EQ(purl_for(deb("fdisk", "2.31.1-0.4ubuntu3.1"), &ubuntu),
            "pkg:deb/ubuntu/fdisk@2.31.1-0.4ubuntu3.1?arch=amd64&distro=ubuntu-18.04");
  EXPECT_EQ(purl_for(deb("bash", "5.2.21-2"), &sid),
            "pkg:deb/debian/bash@5.2.21-2?arch=amd64&distro=debian-trixie");
  Package musl;
  musl.ecosystem = "apk";
  musl.name = "musl";
  musl.version = "1.2.4_git20230717-r4";
  musl.arch = "x86_64";
  EXPECT_EQ(purl_for(musl, &alpine),
            "pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19.4");
}

TEST(Purl, RpmEpochOnlyWhenPresentAndQualifiersSorted) {
  OsInfo centos = os_of("centos", "7");
  Package p;
  p.ecosystem = "rpm";
  p.name = "NetworkManager";
  p.version = "1:1.22.8-5.el8_2";
  p.arch = "x86_64";
  p.rpm = RpmFields{.epoch = 1, .version = "1.22.8", .release = "5.el8_2"};
  // Keys in lexicographic order (arch, distro, epoch); the name keeps its case.
  EXPECT_EQ(purl_for(p, &centos),
            "pkg:rpm/centos/NetworkManager@1.22.8-5.el8_2?arch=x86_64&distro=centos-7&epoch=1");

  p.rpm->epoch = 0;  // an explicit EPOCH tag of 0 is still an epoch
  EXPECT_EQ(purl_for(p, &centos),
            "pkg:rpm/centos/NetworkManager@1.22.8-5.el8_2?arch=x86_64&distro=centos-7&epoch=0");

  p.rpm->epoch.reset();
  EXPECT_EQ(purl_for(p, &centos), "pkg:rpm/centos/NetworkManager@1.22.8-5.el8_2?arch=x86_64&distro=centos-7");

  // Without the header fields the epoch is taken from "E:V-R".
  p.rpm.reset();
  p.version = "32:9.11.4-26.P2.el7";
  EXPECT_EQ(purl_for(p, &centos),
            "pkg:rpm/centos/NetworkManager@9.11.4-26.P2.el7?arch=x86_64&distro=centos-7&epoch=32");
  // gpg-pubkey has no arch; an unknown OS gives an rpm no namespace.
  Package key;
  key.ecosystem = "rpm";
  key.name = "gpg-pubkey";
  key.version = "f4a80eb5-53a7ff4b";
  EXPECT_EQ(purl_for(key, nullptr), "pkg:rpm/gpg-pubkey@f4a80eb5-53a7ff4b");
}

TEST(Purl, PercentEncodesAwkwardCharacters) {
  // '+' is encoded, '~' and ':' are not (the spec leaves ':' and "-._~" as they are).
  EXPECT_EQ(purl_for(deb("libgcc-s1", "1:12.2.0-14+deb12u1~rc1", "amd64"), nullptr),
            "pkg:deb/debian/libgcc-s1@1:12.2.0-14%2Bdeb12u1~rc1?arch=amd64");
  // '@' and '/' would be read as separators; '%', space, '?', '#', '&', '=' too.
  EXPECT_EQ(purl_for(deb("a@b/c", "1.0 beta%2"), nullptr),
            "pkg:deb/debian/a%40b%2Fc@1.0%20beta%252?arch=amd64");
  EXPECT_EQ(purl_for(deb("x", "1", "am?d#6&4=x"), nullptr), "pkg:deb/debian/x@1?arch=am%3Fd%236%264%3Dx");
  // UTF-8 is encoded byte by byte, upper-case hex.
  EXPECT_EQ(purl_for(deb("caf\xc3\xa9", "1"), nullptr), "pkg:deb/debian/caf%C3%A9@1?arch=amd64");
  // deb and apk names are lower-cased.
  EXPECT_EQ(purl_for(deb("LibFoo", "1"), nullptr), "pkg:deb/debian/libfoo@1?arch=amd64");
  // An empty qualifier value is left out.
  EXPECT_EQ(purl_for(deb("x", "1", ""), nullptr), "pkg:deb/debian/x@1");
}

TEST(Purl, UpstreamIsTheSourcePackageWhereItDiffers) {
  OsInfo debian = os_of("debian", "12");
  Package p = deb("libpam0g", "1.5.2-6+deb12u1");
  p.source_name = "pam";
  p.source_version = "1.5.2-6+deb12u1";
  EXPECT_EQ(purl_for(p, &debian),
            "pkg:deb/debian/libpam0g@1.5.2-6%2Bdeb12u1?arch=amd64&distro=debian-12&upstream=pam");
  p = deb("bash", "5.2.15-2+b2");
  p.source_name = "bash";
  p.source_version = "5.2.15-2";  // a binNMU: same source, other version
  EXPECT_EQ(purl_for(p, &debian),
            "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12&upstream=bash%405.2.15-2");
  p.source_version = p.version;
  EXPECT_EQ(purl_for(p, &debian), "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12");
}

// Decodes one percent-encoded component; false on a malformed triplet.
bool percent_decode(std::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out->push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size() || !std::isxdigit(static_cast<unsigned char>(in[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
      return false;
    }
    out->push_back(static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16)));
    i += 2;
  }
  return true;
}

std::string lowered(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Every package of every real inventory: only permitted characters, and the
// name, version and arch read back unchanged.
TEST(Purl, RealPackagesRoundTrip) {
  size_t checked = 0;
  for (const auto& f : test::report_fixtures::fixtures()) {
    const Inventory& inv = test::real_inventory(f.name);
    ASSERT_FALSE(inv.packages.empty()) << f.name;
    for (const auto& p : inv.packages) {
      std::string purl = purl_for(p, inv.os ? &*inv.os : nullptr);
      for (char c : purl) {
        ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c)) ||
                    std::string_view(".-_~:/@?=&#%").find(c) != std::string_view::npos)
            << purl;
      }
      ASSERT_EQ(purl.rfind("pkg:" + p.ecosystem + "/" + inv.os->family + "/", 0), 0u) << purl;
      std::string rest = purl.substr(purl.find('/', 4) + 1);
      rest = rest.substr(rest.find('/') + 1);
      std::string query = rest.substr(rest.find('?') + 1);
      std::string nv = rest.substr(0, rest.find('?'));
      size_t at = nv.find('@');
      ASSERT_NE(at, std::string::npos) << purl;
      std::string name, version, arch;
      ASSERT_TRUE(percent_decode(nv.substr(0, at), &name)) << purl;
      ASSERT_TRUE(percent_decode(nv.substr(at + 1), &version)) << purl;
      EXPECT_EQ(name, p.ecosystem == "rpm" ? p.name : lowered(p.name)) << purl;
      if (p.rpm) {
        EXPECT_EQ(version, p.rpm->version + "-" + p.rpm->release) << purl;
        EXPECT_EQ(query.find("epoch=") != std::string::npos, p.rpm->epoch.has_value()) << purl;
      } else {
        EXPECT_EQ(version, p.version) << purl;
      }
      if (!p.arch.empty()) {
        std::string expect = "arch=" + p.arch;
        EXPECT_EQ(query.rfind(expect, 0), 0u) << purl;
      }
      EXPECT_NE(query.find("distro=" + inv.os->family + "-" + inv.os->version_id), std::string::npos) << purl;
      ++checked;
    }
  }
  EXPECT_GT(checked, 300u);
}

}  // namespace
}  // namespace dagda
