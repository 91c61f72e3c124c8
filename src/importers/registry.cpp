// The one list of importers. Adding a feed format: write importers/NAME.cpp
// that defines `const ImporterInfo NAME` in namespace dagda::importers::feeds,
// declare it below and add it to kAll (one line each).
#include <vector>

#include "importers/importer.hpp"

namespace dagda::importers {
namespace feeds {
// One line per importer, in any order (detection takes the most confident).
extern const ImporterInfo osv;
extern const ImporterInfo alpine_secdb;
extern const ImporterInfo debian_tracker;
extern const ImporterInfo debian_lists;
extern const ImporterInfo ubuntu_cve_tracker;
extern const ImporterInfo redhat_oval;
extern const ImporterInfo redhat_csaf;
extern const ImporterInfo nvd;
extern const ImporterInfo exploitdb;
extern const ImporterInfo kev;
extern const ImporterInfo epss;
extern const ImporterInfo bugtraq;
extern const ImporterInfo rubysec;
extern const ImporterInfo friendsofphp;
extern const ImporterInfo rustsec;
extern const ImporterInfo nodejs;
extern const ImporterInfo node_core;
extern const ImporterInfo retirejs;
extern const ImporterInfo gitlab;
extern const ImporterInfo suse_cvrf;
extern const ImporterInfo updateinfo;
extern const ImporterInfo oracle_oval;
extern const ImporterInfo azure_oval;
extern const ImporterInfo photon_cve;
extern const ImporterInfo alma_errata;
extern const ImporterInfo secdb;
extern const ImporterInfo clamav;
extern const ImporterInfo yara;
}  // namespace feeds

std::span<const ImporterInfo> all_importers() {
  static const std::vector<ImporterInfo> kAll = {
      // One line per importer: feeds::NAME,
      feeds::osv,
      feeds::alpine_secdb,
      feeds::debian_tracker,
      feeds::debian_lists,
      feeds::ubuntu_cve_tracker,
      // Before redhat_oval: Oracle's ELSA descriptions may name Red Hat, and equal scores go to the first.
      feeds::oracle_oval,
      feeds::azure_oval,
      feeds::redhat_oval,
      feeds::redhat_csaf,
      feeds::nvd,
      feeds::exploitdb,
      feeds::kev,
      feeds::epss,
      feeds::bugtraq,
      feeds::rubysec,
      feeds::friendsofphp,
      feeds::rustsec,
      feeds::nodejs,
      feeds::node_core,
      feeds::retirejs,
      feeds::gitlab,
      feeds::suse_cvrf,
      feeds::updateinfo,
      feeds::photon_cve,
      feeds::alma_errata,
      feeds::secdb,
      feeds::clamav,
      feeds::yara,
  };
  return kAll;
}

const ImporterInfo* find_importer(std::string_view name) {
  for (const auto& i : all_importers())
    if (i.name == name) return &i;
  return nullptr;
}

const ImporterInfo* detect_importer(std::string_view path, std::string_view head) {
  const ImporterInfo* best = nullptr;
  int best_score = 0;
  for (const auto& i : all_importers()) {
    int s = i.detect(path, head);
    if (s > best_score) best = &i, best_score = s;
  }
  return best_score >= 2 ? best : nullptr;
}

}  // namespace dagda::importers
