// source/sbom_document.hpp: sbom:PATH — the packages of a CycloneDX (1.4–1.6) or
// SPDX (2.2, 2.3) JSON document, ours or another tool's (Trivy's and Syft's
// shapes), to be matched without any image. Packages come from purls; the OS
// from an operating-system component/package, else the purls' `distro`
// qualifiers; source packages from the purl's `upstream` qualifier or the
// tools' properties. Components that cannot be used are counted in a warning.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"
#include "inventory/inventory.hpp"

namespace dagda {

// Parses the document text; `name` names it in errors and warnings.
Result<Inventory> read_sbom_document(std::string_view text, const std::string& name);

}  // namespace dagda
