// importers/input.hpp: what `dagda db import PATH` accepts. A path is a file, a
// folder (walked in name order, no symlink followed out of it), an archive
// (.zip, .tar, .tar.gz/.xz/.zst/.bz2) or one compressed file (.gz, .xz, .zst,
// .bz2). Archives inside folders and archives are opened too, one level deep.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/result.hpp"
#include "importers/importer.hpp"

namespace dagda::importers {

struct InputLimits {
  uint64_t max_entry_bytes = 2ull << 30;  // one decompressed file
  uint64_t max_total_bytes = 64ull << 30; // everything read from one input
};

// Calls `fn` for every file in `path`, in a stable order. An unreadable,
// truncated or corrupt archive is an Error naming the path and, inside an
// archive, the member.
Status for_each_entry(const std::string& path, const std::function<Status(const Entry&)>& fn,
                      const InputLimits& limits = {});

}  // namespace dagda::importers
