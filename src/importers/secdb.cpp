// The secdb JSON of Wolfi (https://packages.wolfi.dev/os/security.json) and
// Chainguard (https://packages.cgr.dev/chainguard/security.json): Alpine's
// secdb format (apkurl, archs, reponame, urlprefix, packages[].pkg.{name,
// secfixes}) without a "distroversion", for a rolling distro. Which distro a
// file is for comes from `db import --release` (wolfi:rolling,
// chainguard:rolling), else from the host of its urlprefix (or apkurl). A file
// that has a "distroversion" is Alpine's: detection leaves it to alpine-secdb,
// and with --format secdb it is read as that Alpine release.
#include "ecosystem/ecosystem.hpp"
#include "importers/secfixes.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

struct Publisher {
  std::string_view host;
  std::string_view distro;
};
constexpr Publisher kPublishers[] = {{"packages.wolfi.dev", "wolfi"}, {"packages.cgr.dev", "chainguard"}};

// "https://packages.wolfi.dev/os" -> "packages.wolfi.dev"; "" when it is no URL.
std::string_view host_of(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  url.remove_prefix(scheme + 3);
  url = url.substr(0, url.find_first_of("/:?#"));
  return url;
}

// The distro a urlprefix or apkurl names by its host ("" = none we know).
std::string_view distro_of_url(std::string_view url) {
  std::string_view host = host_of(url);
  for (auto& p : kPublishers)
    if (host == p.host) return p.distro;
  return "";
}

// The string value of `"key": "..."` in a document's head ("" when absent or cut).
std::string_view head_value(std::string_view head, std::string_view key) {
  std::string quoted = "\"" + std::string(key) + "\"";
  auto at = head.find(quoted);
  if (at == std::string_view::npos) return "";
  std::string_view rest = skip_space(head.substr(at + quoted.size()));
  if (!rest.starts_with(":")) return "";
  rest = skip_space(rest.substr(1));
  if (!rest.starts_with("\"")) return "";
  rest.remove_prefix(1);
  auto end = rest.find('"');
  return end == std::string_view::npos ? "" : rest.substr(0, end);
}

int detect(std::string_view path, std::string_view head) {
  (void)path;
  std::string_view h = skip_space(head);
  if (!h.starts_with("{") || h.find("\"distroversion\"") != std::string_view::npos) return 0;
  std::string_view prefix = head_value(h, "urlprefix"), apkurl = head_value(h, "apkurl");
  if (!distro_of_url(prefix).empty() || !distro_of_url(apkurl).empty()) return 3;
  // The secdb shape from another publisher: ours to say it needs --release.
  if ((!prefix.empty() || !apkurl.empty()) && h.find("\"packages\"") != std::string_view::npos) return 2;
  return 0;
}

Status parse(const Entry& entry, vulndb::Sink& sink, Diagnostics& diag) {
  DAGDA_ASSIGN_OR_RETURN(Document doc, parse_json(entry));
  element root = doc.root();
  if (!root.is_object()) return entry_error(entry, "not a secdb document (not a JSON object)");
  std::string_view prefix = jstr(root, "urlprefix"), apkurl = jstr(root, "apkurl");
  std::string_view named = distro_of_url(prefix);
  if (named.empty()) named = distro_of_url(apkurl);
  std::string alpine_release = jtext(root, "distroversion");
  std::string ns, source;
  if (!entry.release.empty()) {
    auto colon = entry.release.find(':');
    std::string distro = entry.release.substr(0, colon == std::string::npos ? entry.release.size() : colon);
    const eco::Distro* d = eco::find_distro(distro);
    const eco::Distro* alpine = eco::find_distro("alpine");
    if (colon != std::string::npos) ns = vulndb::distro_namespace(distro, entry.release.substr(colon + 1));
    if (ns.empty() || !d || !alpine || d->package_type != alpine->package_type)
      return entry_error(entry,
                         "release \"" + entry.release +
                             "\" is not a release of a distro that publishes secdb files (wolfi:rolling, "
                             "chainguard:rolling, alpine:3.NN)",
                         {}, ErrorCode::invalid_input);
    if (!named.empty() && named != d->id)
      diag.warn("secdb.release-mismatch",
                "the file's urlprefix names " + std::string(named) + " but --release " + entry.release +
                    " was given; imported as " + ns,
                where(entry));
    source = d->id == alpine->id ? "alpine-secdb" : std::string(d->id);
  } else if (!named.empty()) {
    ns = vulndb::distro_namespace(named, "rolling");
    source = std::string(named);
  } else if (!alpine_release.empty()) {
    ns = vulndb::distro_namespace("alpine", alpine_release);
    if (ns.empty())
      return entry_error(entry, "secdb \"distroversion\" \"" + alpine_release + "\" is not an Alpine release");
    source = "alpine-secdb";
  } else {
    return entry_error(entry,
                       "secdb file names no distro (no distroversion; urlprefix \"" + std::string(prefix) +
                           "\" is not packages.wolfi.dev or packages.cgr.dev): import it with --format secdb "
                           "--release wolfi:rolling or chainguard:rolling",
                       {}, ErrorCode::invalid_input);
  }
  if (jnull_or_missing(root, "packages")) return ok_status();  // an empty repository
  auto pkgs = jarray(root, "packages");
  if (!pkgs) return entry_error(entry, "secdb \"packages\" is not a list");
  sink.source(source);
  add_secfixes(entry, *pkgs, ns, "secdb", sink, diag);
  return ok_status();
}

}  // namespace

extern const ImporterInfo secdb;
const ImporterInfo secdb{"secdb",
                         "Wolfi and Chainguard secdb JSON (Alpine's format, rolling): fixed versions per package; "
                         "the distro from the urlprefix host or --release wolfi:rolling|chainguard:rolling",
                         detect, parse};

}  // namespace dagda::importers::feeds
