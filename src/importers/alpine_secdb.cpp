// Alpine's secdb (https://secdb.alpinelinux.org), JSON or YAML: per release and
// repository, each origin package's `secfixes` map of fixed version to the ids
// fixed in it. One Affected per (package, fixed version, vulnerability); an
// item naming a CVE and an advisory ("CVE-2017-10920 XSA-224": Xen's advisory
// covers three CVEs) is a row for the CVE with the advisory as advisory_id.
// Version "0" means the package was never affected.
#include "importers/secfixes.hpp"
#include "vulndb/namespace.hpp"

namespace dagda::importers::feeds {
namespace {

int detect(std::string_view path, std::string_view head) {
  (void)path;
  std::string_view h = skip_space(head);
  if (h.starts_with("{") && h.find("\"distroversion\"") != std::string_view::npos) return 3;
  if (h.starts_with("---")) h = skip_space(h.substr(3));
  if (h.starts_with("distroversion:") || h.find("\ndistroversion:") != std::string_view::npos) return 3;
  return 0;
}

Status parse(const Entry& entry, vulndb::Sink& sink, Diagnostics& diag) {
  DAGDA_ASSIGN_OR_RETURN(Document doc, parse_json_or_yaml(entry));
  element root = doc.root();
  if (!root.is_object()) return entry_error(entry, "not an Alpine secdb document (not a mapping)");
  std::string release = jtext(root, "distroversion");
  if (release.empty()) return entry_error(entry, "Alpine secdb document without \"distroversion\"");
  std::string ns = vulndb::distro_namespace("alpine", release);
  if (ns.empty()) return entry_error(entry, "Alpine secdb \"distroversion\" \"" + release + "\" is not a release");
  if (jnull_or_missing(root, "packages")) return ok_status();  // an empty repository
  auto pkgs = jarray(root, "packages");
  if (!pkgs) return entry_error(entry, "Alpine secdb \"packages\" is not a list");
  sink.source("alpine-secdb");
  add_secfixes(entry, *pkgs, ns, "alpine-secdb", sink, diag);
  return ok_status();
}

}  // namespace

extern const ImporterInfo alpine_secdb;
const ImporterInfo alpine_secdb{"alpine-secdb", "Alpine secdb (JSON or YAML): fixed versions per release",
                                detect, parse};

}  // namespace dagda::importers::feeds
