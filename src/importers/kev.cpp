// importers/kev.cpp: the CISA Known Exploited Vulnerabilities catalog, JSON
// (known_exploited_vulnerabilities.json: catalogVersion, dateReleased,
// vulnerabilities[]). One KevEntry per listed CVE.
#include "importers/feed_util.hpp"

namespace dagda::importers::feeds {
namespace {

int detect(std::string_view /*path*/, std::string_view head) {
  std::string_view h = skip_space(head);
  if (!h.starts_with("{")) return 0;
  if (contains(h, "\"catalogVersion\"") || contains(h, "Known Exploited Vulnerabilities")) return 3;
  if (contains(h, "\"cveID\"") && contains(h, "\"vendorProject\"")) return 3;
  return 0;
}

Status parse(const Entry& e, vulndb::Sink& sink, Diagnostics& diag) {
  DAGDA_ASSIGN_OR_RETURN(Document doc, parse_json(e));
  element root = doc.root();
  auto list = jarray(root, "vulnerabilities");
  if (!list) return entry_error(e, "not a CISA KEV catalog: no \"vulnerabilities\" list");
  size_t index = 0;
  for (element item : *list) {
    ++index;
    vulndb::KevEntry k;
    k.cve = std::string(jstr(item, "cveID"));
    if (!is_cve(k.cve)) {
      diag.warn("kev.bad-cve",
                "vulnerabilities[" + std::to_string(index - 1) + "] has no valid cveID (\"" + k.cve +
                    "\"): skipped",
                {e.path, {}, {}, {}});
      continue;
    }
    k.vendor = std::string(jstr(item, "vendorProject"));
    k.product = std::string(jstr(item, "product"));
    k.name = std::string(jstr(item, "vulnerabilityName"));
    k.date_added = std::string(jstr(item, "dateAdded"));
    k.description = std::string(jstr(item, "shortDescription"));
    k.required_action = std::string(jstr(item, "requiredAction"));
    k.due_date = std::string(jstr(item, "dueDate"));
    k.ransomware = std::string(jstr(item, "knownRansomwareCampaignUse"));
    k.notes = std::string(jstr(item, "notes"));
    k.cwes = jstrings(item, "cwes");
    sink.add(std::move(k));
  }
  return ok_status();
}

}  // namespace

extern const ImporterInfo kev{"kev", "CISA Known Exploited Vulnerabilities catalog (JSON)", detect, parse};

}  // namespace dagda::importers::feeds
