// importers/oval_rpminfo.hpp: what Oracle's ELSA OVAL and Azure Linux /
// CBL-Mariner's OVAL share: definitions whose criteria lead, through
// rpminfo_test -> rpminfo_object (package name) and rpminfo_state (EVR and
// operation), to "package is earlier than E:V-R". Read with the streaming
// reader (importers/xml_util.hpp); each importer maps the definitions to its
// namespace and records.
#pragma once

#include <string>
#include <vector>

#include "importers/feed_util.hpp"

namespace dagda::importers::feeds::oval {

struct Reference {
  std::string source, id, url;
};

struct PackageFix {
  std::string package, evr;
  bool inclusive = false;  // "less than or equal": evr is the last affected version, not a fix
  // The comment of the nearest enclosing "... is installed" criterion ("Oracle Linux 6 is installed"):
  // one definition can cover several releases, each in its own branch of the criteria.
  std::string platform;
  // The nearest enclosing "... arch is X" criterion's X ("x86_64"; Oracle's per-architecture
  // branches); "" when the package is under none.
  std::string arch;
};

struct Definition {
  std::string id, cls, title, description, severity, issued, advisory_id;
  std::vector<std::string> platforms;
  std::vector<Reference> references;
  std::vector<std::string> cves;   // <advisory><cve> and CVE references, in order, once each
  struct Criterion {
    std::string comment;   // "bind is earlier than 30:9.3.3-8.el5", "Oracle Linux 7 is installed"
    std::string platform;  // as PackageFix::platform
    std::string arch;      // as PackageFix::arch
  };
  std::vector<Criterion> criteria;  // every criterion, in document order
  std::vector<PackageFix> fixes;      // in criteria order, one per (package, evr)
  uint64_t line = 0;
};

// The definitions of an OVAL document ("not an OVAL document" when its root is
// not <oval_definitions>). `what` names the vendor in errors.
Result<std::vector<Definition>> read(const Entry& entry, std::string_view what);

}  // namespace dagda::importers::feeds::oval
