// The one table of ecosystems and distros (see ecosystem.hpp).
#include "ecosystem/ecosystem.hpp"
#include "ecosystem/names.hpp"

namespace dagda::eco {
namespace {


// ---- package ecosystems ----
constexpr std::string_view kDebAliases[] = {"dpkg"};
constexpr std::string_view kNpmAliases[] = {"node"};
constexpr std::string_view kNpmAlso[] = {"javascript"};
constexpr std::string_view kNpmRating[] = {"ghsa", "nodejs", "gitlab", "osv", "retirejs"};
constexpr std::string_view kJsAliases[] = {"retirejs"};
constexpr std::string_view kJsRating[] = {"retirejs", "ghsa", "gitlab", "osv"};
constexpr std::string_view kPypiAliases[] = {"python", "pip", "pep440"};
constexpr std::string_view kPypiRating[] = {"pypa", "ghsa", "gitlab", "osv"};
constexpr std::string_view kMavenAliases[] = {"java", "gradle"};
constexpr std::string_view kMavenRating[] = {"ghsa", "gitlab", "osv"};
constexpr std::string_view kGemAliases[] = {"rubygems", "ruby", "gems"};
constexpr std::string_view kGemRating[] = {"rubysec", "ghsa", "gitlab", "osv"};
constexpr std::string_view kComposerAliases[] = {"packagist", "php"};
constexpr std::string_view kComposerRating[] = {"friendsofphp", "ghsa", "gitlab", "osv"};
constexpr std::string_view kGoAliases[] = {"go"};
constexpr std::string_view kGoRating[] = {"go-vulndb", "ghsa", "gitlab", "osv"};
constexpr std::string_view kCargoAliases[] = {"crates.io", "crates", "rust"};
constexpr std::string_view kCargoRating[] = {"rustsec", "rustsec-osv", "ghsa", "osv"};
constexpr std::string_view kNugetAliases[] = {"dotnet", ".net"};
constexpr std::string_view kNugetRating[] = {"ghsa", "gitlab", "osv"};
constexpr std::string_view kSwiftAliases[] = {"swifturl"};
constexpr std::string_view kActionsAliases[] = {"github actions"};
constexpr std::string_view kRuntimeFallback[] = {"nvd-cpe"};
constexpr std::string_view kNvdCpeRating[] = {"nvd"};

constexpr std::span<const std::string_view> none() { return {}; }

const Ecosystem kEcosystems[] = {
    // name        os     purl        comparator  aliases          ns            also_ns   normaliser         rating  osv
    {"deb",        true,  "deb",      "deb",      kDebAliases,     "",           none(),   nullptr,           none(), ""},
    {"apk",        true,  "apk",      "apk",      none(),          "",           none(),   nullptr,           none(), ""},
    {"rpm",        true,  "rpm",      "rpm",      none(),          "",           none(),   nullptr,           none(), ""},
    {"npm",        false, "npm",      "npm",      kNpmAliases,     "npm",        kNpmAlso, nullptr,           kNpmRating, "npm"},
    // A file that retire.js recognises: the library's npm package, matched against retire.js's rows.
    {"javascript", false, "npm",      "npm",      kJsAliases,      "javascript", none(),   lower_name,        kJsRating, ""},
    {"pypi",       false, "pypi",     "pypi",     kPypiAliases,    "pypi",       none(),   pep503_name,       kPypiRating, "PyPI"},
    {"maven",      false, "maven",    "maven",    kMavenAliases,   "maven",      none(),   maven_name,        kMavenRating, "Maven"},
    {"gem",        false, "gem",      "gem",      kGemAliases,     "gem",        none(),   nullptr,           kGemRating, "RubyGems"},
    {"composer",   false, "composer", "composer", kComposerAliases,"composer",   none(),   lower_name,        kComposerRating, "Packagist"},
    {"golang",     false, "golang",   "golang",   kGoAliases,      "golang",     none(),   nullptr,           kGoRating, "Go"},
    {"cargo",      false, "cargo",    "cargo",    kCargoAliases,   "cargo",      none(),   nullptr,           kCargoRating, "crates.io"},
    {"nuget",      false, "nuget",    "nuget",    kNugetAliases,   "nuget",      none(),   lower_name,        kNugetRating, "NuGet"},
    // Swift packages (OSV "SwiftURL"): versions compare as SemVer; no advisories are kept.
    {"swift",      false, "swift",    "semver",   kSwiftAliases,   "",           none(),   nullptr,           none(), ""},
    // OSV ecosystems whose advisories are imported but whose packages Dagda does not catalog yet.
    {"hex",        false, "hex",      "semver",   none(),          "",           none(),   nullptr,           none(), "Hex"},
    {"pub",        false, "pub",      "semver",   none(),          "",           none(),   nullptr,           none(), "Pub"},
    {"github-actions", false, "github", "semver", kActionsAliases, "",           none(),   nullptr,           none(), "GitHub Actions"},
    // Language runtimes and servers installed by hand (catalog/runtime.cpp), as generic purls.
    // Without advisories of their own (only Node.js has node-core's), they meet NVD's CPE ranges.
    {"runtime",    false, "generic",  "semver",   none(),          "runtime",    none(),   nullptr,           none(), "", kRuntimeFallback},
    // NVD's CPE ranges of those runtimes (importers/nvd.cpp), keyed by our runtime names.
    {"nvd-cpe",    false, "generic",  "upstream", none(),          "nvd-cpe",    none(),   nullptr,           kNvdCpeRating, ""},
};

// ---- distros ----
constexpr std::string_view kDebianIds[] = {"debian"};
constexpr std::string_view kDebianRating[] = {"debian-tracker", "debian-dsa", "debian-dla", "debian-osv"};
constexpr std::string_view kUbuntuIds[] = {"ubuntu"};
constexpr std::string_view kUbuntuRating[] = {"ubuntu-cve-tracker", "ubuntu-osv"};
constexpr std::string_view kAlpineIds[] = {"alpine"};
constexpr std::string_view kAlpineRating[] = {"alpine-secdb"};
constexpr std::string_view kRedhatIds[] = {"redhat", "rhel", "red hat", "centos"};
constexpr std::string_view kRedhatRating[] = {"redhat-csaf", "redhat-oval"};
constexpr std::string_view kRockyIds[] = {"rocky", "rocky linux"};
constexpr std::string_view kRockyRating[] = {"rocky"};
constexpr std::string_view kAlmaIds[] = {"almalinux", "alma"};
constexpr std::string_view kAlmaRating[] = {"alma"};
constexpr std::string_view kOracleIds[] = {"ol", "oracle", "oracle linux"};
constexpr std::string_view kOracleRating[] = {"oracle"};
constexpr std::string_view kSlesIds[] = {"sles", "suse", "sles_sap", "sled", "suse linux enterprise server"};
constexpr std::string_view kLeapIds[] = {"opensuse-leap", "opensuse", "opensuse leap"};
constexpr std::string_view kMicroIds[] = {"sle-micro", "suse linux enterprise micro"};
constexpr std::string_view kSuseRating[] = {"suse"};
constexpr std::string_view kAmazonIds[] = {"amzn", "amazon", "amazonlinux", "amazon linux"};
constexpr std::string_view kAmazonRating[] = {"amazon"};
constexpr std::string_view kMarinerIds[] = {"azurelinux", "mariner", "azure linux", "cbl-mariner"};
constexpr std::string_view kMarinerRating[] = {"azurelinux"};
constexpr std::string_view kPhotonIds[] = {"photon", "photon os"};
constexpr std::string_view kPhotonRating[] = {"photon"};
constexpr std::string_view kWolfiIds[] = {"wolfi"};
constexpr std::string_view kWolfiRating[] = {"wolfi"};
constexpr std::string_view kChainguardIds[] = {"chainguard"};
constexpr std::string_view kChainguardRating[] = {"chainguard"};
// Distros whose packages are listed but not matched: Dagda keeps no advisories for them yet.
constexpr std::string_view kFedoraIds[] = {"fedora"};
constexpr std::string_view kTumbleweedIds[] = {"opensuse-tumbleweed"};
constexpr std::string_view kOpenEulerIds[] = {"openeuler"};
constexpr std::string_view kMageiaIds[] = {"mageia"};

// The last column: whether a release without advisories may borrow another's (ReleaseFallback;
// docs/distros.md). Unless a row says otherwise, never: RPM distros' majors (RHEL-like 7/8/9,
// Amazon 1/2/2022/2023, Azure Linux 2.0/3.0, Photon) are rebuilt from different sources, and
// their advisories name EVRs that mean nothing in another major. After it, `true` where the
// distro's importers read module streams (Rocky updateinfo, AlmaLinux errata): see module_package;
// then `true` where advisories key rows per architecture (Oracle ELSA OVAL): see arch_package.
const Distro kDistros[] = {
    // id            packages  ids              release rule       key                           rating  osv  fallback
    {"debian",      "deb",     kDebianIds,      debian_release,    DistroKey::source_package,   kDebianRating, "Debian", ReleaseFallback::nearest},
    {"ubuntu",      "deb",     kUbuntuIds,      ubuntu_release,    DistroKey::source_package,   kUbuntuRating, "", ReleaseFallback::nearest},
    {"alpine",      "apk",     kAlpineIds,      alpine_release,    DistroKey::source_package,   kAlpineRating, "Alpine", ReleaseFallback::nearest},
    {"redhat",      "rpm",     kRedhatIds,      major_release,     DistroKey::binary_package,   kRedhatRating, ""},
    {"rocky",       "rpm",     kRockyIds,       major_release,     DistroKey::binary_package,   kRockyRating, "", ReleaseFallback::never, true},
    {"alma",        "rpm",     kAlmaIds,        major_release,     DistroKey::binary_package,   kAlmaRating, "", ReleaseFallback::never, true},
    {"oracle",      "rpm",     kOracleIds,      major_release,     DistroKey::binary_package,   kOracleRating, "", ReleaseFallback::never, false, true},
    // SUSE: per product and service pack ("sles:15.5"), as its CVRF names products.
    {"sles",        "rpm",     kSlesIds,        major_minor_release, DistroKey::binary_package, kSuseRating, "", ReleaseFallback::same_major},
    {"opensuse-leap", "rpm",   kLeapIds,        major_minor_release, DistroKey::binary_package, kSuseRating, "", ReleaseFallback::same_major},
    {"sle-micro",   "rpm",     kMicroIds,       major_minor_release, DistroKey::binary_package, kSuseRating, "", ReleaseFallback::same_major},
    {"amazon",      "rpm",     kAmazonIds,      amazon_release,    DistroKey::binary_package,   kAmazonRating, ""},
    {"azurelinux",  "rpm",     kMarinerIds,     major_minor_release, DistroKey::binary_package, kMarinerRating, ""},
    {"photon",      "rpm",     kPhotonIds,      major_minor_release, DistroKey::binary_package, kPhotonRating, ""},
    // Wolfi and Chainguard are rolling: one namespace each, keyed like Alpine by origin package.
    {"wolfi",       "apk",     kWolfiIds,       rolling_release,   DistroKey::source_package,   kWolfiRating, ""},
    {"chainguard",  "apk",     kChainguardIds,  rolling_release,   DistroKey::source_package,   kChainguardRating, ""},
    {"fedora",      "rpm",     kFedoraIds,      nullptr,           DistroKey::binary_package,   none(), ""},
    {"opensuse-tumbleweed", "rpm", kTumbleweedIds, nullptr,        DistroKey::binary_package,   none(), ""},
    {"openeuler",   "rpm",     kOpenEulerIds,   nullptr,           DistroKey::binary_package,   none(), ""},
    {"mageia",      "rpm",     kMageiaIds,      nullptr,           DistroKey::binary_package,   none(), ""},
};

}  // namespace

std::span<const Ecosystem> ecosystems() { return kEcosystems; }
std::span<const Distro> distros() { return kDistros; }

}  // namespace dagda::eco
