// catalog/drift.hpp: what changed in a container since it started, in package
// terms. Packages installed, removed or changed in version at run time, and
// packages one of whose files was altered or deleted, carry Package::drift
// ("added", "removed", "modified"); untouched packages carry none, even when
// the package database file itself was rewritten.
#pragma once

#include <vector>

#include "inventory/inventory.hpp"
#include "layers/layer_fs.hpp"
#include "layers/layer_index.hpp"

namespace dagda {

// `container`: the inventory with the changes layer; `image`: the inventory of the image's layers
// alone; `changes`: the changes layer (changed paths kept, deleted paths as whiteouts);
// `image_layers`: the image's layers (to tell files from directories among deleted paths);
// `after`, `before`: the merged views with and without the changes, to resolve the paths packages
// list (/bin/sed is /usr/bin/sed on a merged-/usr system).
void mark_drift(Inventory& container, const Inventory& image, const LayerIndex& changes,
                const std::vector<LayerIndex>& image_layers, const LayerFs& after, const LayerFs& before);

}  // namespace dagda
