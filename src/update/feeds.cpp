// The one list of feeds for `dagda db update`. Adding a feed: one entry in
// make_feeds() (its importer must exist in importers/registry.cpp). URLs are
// the ones the publishers document; docs/db.md lists them.
#include "update/feeds.hpp"

#include <fmt/format.h>

#include "ecosystem/ecosystem.hpp"
#include "update/fetch.hpp"

namespace dagda::update {
namespace {

FeedInfo files_feed(std::string name, std::string description, std::vector<FeedFile> files) {
  return FeedInfo{std::move(name), std::move(description), FeedKind::files, std::move(files)};
}

FeedFile file(std::string name, std::string url) {
  return FeedFile{std::move(name), std::move(url)};
}

std::vector<FeedInfo> make_feeds() {
  std::vector<FeedInfo> f;

  f.push_back(FeedInfo{
      "nvd",
      "NVD CVE API 2.0 (all CVEs, then only those modified since the last update; NVD_API_KEY raises "
      "the rate limit)",
      FeedKind::nvd_api,
      {file("nvd", "https://services.nvd.nist.gov/rest/json/cves/2.0")}});

  // OSV publishes one all.zip per ecosystem.
  std::vector<FeedFile> osv;
  std::vector<std::string_view> osv_names;
  for (const eco::Ecosystem& e : eco::ecosystems())
    if (!e.osv.empty()) osv_names.push_back(e.osv);
  for (const eco::Distro& d : eco::distros())
    if (!d.osv.empty()) osv_names.push_back(d.osv);
  for (std::string_view eco : osv_names) {
    std::string path(eco);
    for (auto& c : path)
      if (c == ' ') c = '_';
    std::string url_eco(eco);
    if (url_eco == "GitHub Actions") url_eco = "GitHub%20Actions";
    osv.push_back(
        file(fmt::format("{}-all.zip", path),
             fmt::format("https://osv-vulnerabilities.storage.googleapis.com/{}/all.zip", url_eco)));
  }
  f.push_back(
      files_feed("osv", "OSV advisories of every open-source ecosystem (per-ecosystem all.zip)", osv));

  f.push_back(files_feed(
      "ubuntu", "Ubuntu security notices and CVE statuses as OSV (Ubuntu/all.zip)",
      {file("Ubuntu-all.zip", "https://osv-vulnerabilities.storage.googleapis.com/Ubuntu/all.zip")}));

  std::vector<FeedFile> alpine;
  for (int minor = 10; minor <= 22; ++minor)
    for (const char* repo : {"main", "community"})
      alpine.push_back(file(fmt::format("v3.{}-{}.json", minor, repo),
                            fmt::format("https://secdb.alpinelinux.org/v3.{}/{}.json", minor, repo)));
  f.push_back(files_feed("alpine", "Alpine secdb, every release from 3.10 (main and community)", alpine));

  f.push_back(
      files_feed("debian", "Debian security tracker: per-package CVE status (data/json)",
                 {file("debian-tracker.json", "https://security-tracker.debian.org/tracker/data/json")}));
  f.push_back(files_feed(
      "debian-dsa-dla", "Debian DSA and DLA advisory lists (security tracker repository on salsa)",
      {file("DSA.list",
            "https://salsa.debian.org/security-tracker-team/security-tracker/-/raw/master/data/DSA/list"),
       file("DLA.list",
            "https://salsa.debian.org/security-tracker-team/security-tracker/-/raw/master/data/DLA/list")}));

  f.push_back(files_feed(
      "kev", "CISA Known Exploited Vulnerabilities catalog",
      {file("known_exploited_vulnerabilities.json",
            "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json")}));
  f.push_back(files_feed(
      "epss", "FIRST EPSS scores of every CVE (today's file)",
      {file("epss_scores-current.csv.gz", "https://epss.cyentia.com/epss_scores-current.csv.gz")}));
  f.push_back(
      files_feed("exploitdb", "Exploit-DB exploits index (files_exploits.csv) with CVE codes",
                 {file("files_exploits.csv",
                       "https://gitlab.com/exploit-database/exploitdb/-/raw/main/files_exploits.csv")}));
  f.push_back(files_feed(
      "retirejs", "retire.js vulnerable JavaScript library signatures",
      {file("jsrepository.json",
            "https://raw.githubusercontent.com/RetireJS/retire.js/master/repository/jsrepository.json"),
       file("npmrepository.json",
            "https://raw.githubusercontent.com/RetireJS/retire.js/master/repository/npmrepository.json")}));

  f.push_back(files_feed("rustsec", "RustSec advisory database (crates.io)",
                         {file("rustsec-advisory-db.tar.gz",
                               "https://github.com/rustsec/advisory-db/archive/refs/heads/main.tar.gz")}));
  f.push_back(
      files_feed("rubysec", "RubySec ruby-advisory-db (RubyGems)",
                 {file("rubysec-ruby-advisory-db.tar.gz",
                       "https://github.com/rubysec/ruby-advisory-db/archive/refs/heads/master.tar.gz")}));
  f.push_back(files_feed(
      "friendsofphp", "FriendsOfPHP security-advisories (Packagist)",
      {file("friendsofphp-security-advisories.tar.gz",
            "https://github.com/FriendsOfPHP/security-advisories/archive/refs/heads/master.tar.gz")}));
  f.push_back(files_feed("nodejs", "Node.js security WG vulnerability database (npm and Node.js core)",
                         {file("nodejs-security-wg.tar.gz",
                               "https://github.com/nodejs/security-wg/archive/refs/heads/main.tar.gz")}));
  f.push_back(files_feed(
      "node-core", "Node.js runtime vulnerabilities: the security WG core index and node-version-audit's rules",
      {file("node-core-index.json", "https://raw.githubusercontent.com/nodejs/security-wg/main/vuln/core/index.json"),
       file("node-version-audit-rules-v1.json",
            "https://www.github.developerdan.com/node-version-audit/rules-v1.json")}));

  f.push_back(files_feed("oracle", "Oracle Linux ELSA OVAL, every release (com.oracle.elsa-all.xml.bz2)",
                         {file("com.oracle.elsa-all.xml.bz2",
                               "https://linux.oracle.com/security/oval/com.oracle.elsa-all.xml.bz2")}));
  std::vector<FeedFile> alma;
  for (int major : {8, 9, 10})
    alma.push_back(file(fmt::format("alma-{}-errata.full.json", major),
                        fmt::format("https://errata.almalinux.org/{}/errata.full.json", major)));
  f.push_back(files_feed("alma", "AlmaLinux errata JSON of releases 8, 9 and 10", alma));
  std::vector<FeedFile> azure;
  for (const char* name : {"cbl-mariner-1.0-oval.xml", "cbl-mariner-2.0-oval.xml", "azurelinux-3.0-oval.xml"})
    azure.push_back(file(name, fmt::format(
                                   "https://raw.githubusercontent.com/microsoft/AzureLinuxVulnerabilityData/main/{}", name)));
  f.push_back(files_feed("azurelinux", "Azure Linux 3.0 and CBL-Mariner 1.0/2.0 OVAL", azure));
  std::vector<FeedFile> photon;
  for (const char* release : {"1.0", "2.0", "3.0", "4.0", "5.0"})
    photon.push_back(file(fmt::format("cve_data_photon{}.json", release),
                          fmt::format("https://packages.vmware.com/photon/photon_cve_metadata/cve_data_photon{}.json",
                                      release)));
  f.push_back(files_feed("photon", "Photon OS per-release CVE JSON (1.0 to 5.0)", photon));
  f.push_back(files_feed("wolfi", "Wolfi secdb (Alpine's secdb JSON format, rolling)",
                         {file("wolfi-security.json", "https://packages.wolfi.dev/os/security.json")}));
  f.push_back(files_feed("chainguard", "Chainguard secdb (Alpine's secdb JSON format, rolling)",
                         {file("chainguard-security.json", "https://packages.cgr.dev/chainguard/security.json")}));

  // SUSE publishes every CVRF advisory in one archive beside the folder of single files.
  f.push_back(files_feed("suse", "SUSE CVRF advisories of every SUSE Linux Enterprise and openSUSE product (cvrf.tar.bz2)",
                         {file("suse-cvrf.tar.bz2", "https://ftp.suse.com/pub/projects/security/cvrf.tar.bz2")}));
  // Amazon Linux 2 and 2023: the core repository's updateinfo, found through its mirror.list
  // (Amazon Linux 1 and 2022 are end of life and not fetched; their files import with --release).
  f.push_back(FeedInfo{"amazon",
                       "Amazon Linux 2 and 2023 ALAS updateinfo.xml (core repositories, through mirror.list)",
                       FeedKind::repomd,
                       {file("amazon-2-updateinfo.xml.gz", "https://cdn.amazonlinux.com/2/core/latest/x86_64/mirror.list"),
                        file("amazon-2023-updateinfo.xml.gz",
                             "https://cdn.amazonlinux.com/al2023/core/mirrors/latest/x86_64/mirror.list")}});
  std::vector<FeedFile> rocky;
  for (int major : {8, 9, 10})
    for (const char* repo : {"BaseOS", "AppStream"})
      rocky.push_back(file(fmt::format("rocky-{}-{}-updateinfo.xml.gz", major, repo),
                           fmt::format("https://download.rockylinux.org/pub/rocky/{}/{}/x86_64/os/repodata/repomd.xml",
                                       major, repo)));
  f.push_back(FeedInfo{"rocky", "Rocky Linux 8, 9 and 10 RLSA updateinfo.xml (BaseOS and AppStream repositories)",
                       FeedKind::repomd, rocky});

  f.push_back(FeedInfo{
      "redhat",
      "Red Hat CSAF VEX files of every CVE (the latest archive named by archive_latest.txt)",
      FeedKind::latest_file,
      {file("csaf_vex.tar.zst", "https://security.access.redhat.com/data/csaf/v2/vex/archive_latest.txt")}});
  return f;
}

}  // namespace

std::span<const FeedInfo> all_feeds() {
  static const std::vector<FeedInfo> kAll = make_feeds();
  return kAll;
}

const FeedInfo* find_feed(std::string_view name) {
  for (auto& f : all_feeds())
    if (f.name == name) return &f;
  return nullptr;
}

bool is_repository_index(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  return url.ends_with("/repodata/repomd.xml") || url.ends_with("/mirror.list");
}

FeedFile file_for_url(const std::string& url, size_t index) {
  FeedFile f;
  f.url = url;
  f.name = file_name_for_url(url, fmt::format("file-{}", index));
  // NVD JSON 1.1 feeds (retired by NIST, still kept by mirrors) publish a .meta beside each file.
  if (f.name.starts_with("nvdcve-1.1-") && f.name.ends_with(".json.gz")) {
    auto dot = url.rfind(".json.gz");
    f.checksum = Checksum::nvd_meta;
    f.checksum_url = url.substr(0, dot) + ".meta";
  }
  return f;
}

}  // namespace dagda::update
