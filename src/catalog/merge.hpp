// catalog/merge.hpp: steps the driver runs on the whole inventory after the catalogers.
#pragma once

#include <vector>

#include "inventory/package.hpp"

namespace dagda {

// A package a lockfile pins and an installed copy of it in the same project (a
// node_modules/NAME/package.json, a site-packages METADATA, vendor/ gems or composer
// packages below the lockfile's folder) are one package: the lockfile's entry keeps its
// path, scope and layer, gains the installed copies' files in `locations` (lockfile
// first) and their license when it has none; the installed copies are dropped. The
// match is on ecosystem, name (NuGet ids without case) and version; a copy at another
// version stays a package of its own. Lockfile packages are those whose `cataloger`
// is a lockfile cataloger's name.
void merge_lockfile_and_installed(std::vector<Package>& packages);

// Leaves out packages whose scope says they are not needed at run time (is_dev_scope).
void drop_dev_packages(std::vector<Package>& packages);

}  // namespace dagda
