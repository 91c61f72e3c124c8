// importers/secfixes.hpp: the `packages[].pkg.{name,secfixes}` list of the
// Alpine secdb format, which Alpine, Wolfi and Chainguard all publish.
#pragma once

#include <string>
#include <string_view>

#include "importers/feed_util.hpp"

namespace dagda::importers::feeds {

// One Affected per (package, fixed version, vulnerability) of `packages` (the
// document's "packages" list) in namespace `ns`. An item naming a CVE and an
// advisory ("CVE-2017-10920 XSA-224") is a row for the CVE with the advisory as
// advisory_id; version "0" means never affected. Odd records are warnings
// `<warn_prefix>.bad-package`, `.bad-secfixes`, `.no-id` and are skipped.
void add_secfixes(const Entry& entry, simdjson::dom::array packages, const std::string& ns,
                  std::string_view warn_prefix, vulndb::Sink& sink, Diagnostics& diag);

}  // namespace dagda::importers::feeds
