// importers/import.hpp: `dagda db import`: every input in one transaction, all
// or nothing. An input whose content digest equals the one last imported from
// the same path is skipped (unless forced); otherwise its earlier records are
// replaced by the new ones.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/diagnostics.hpp"
#include "common/result.hpp"
#include "vulndb/store.hpp"

namespace dagda::importers {

struct ImportOptions {
  std::string format;   // force one importer by name; empty = detect per file
  std::string release;  // the namespace of files that do not name their distro release ("amazon:2023"), or ""
  bool force = false;   // re-import unchanged inputs
  std::string feed;     // provenance: the feed an update downloaded this from (empty for a local import)
  std::string data_date;  // provenance: the feed's own date when known
};

struct InputResult {
  std::string path;
  std::string sha256;
  bool unchanged = false;                  // skipped: same content as last time
  std::map<std::string, uint64_t> records; // per source
  uint64_t files = 0, skipped_files = 0;   // files read / files no importer recognised
};

struct ImportResult {
  std::vector<InputResult> inputs;
  std::vector<Warning> warnings;
};

// Which input an import failed on. `input` is the path as given in `paths`
// when that input's content was the cause (unreadable, malformed, a format no
// importer knows); empty when the failure is not one input's (the database).
struct ImportFailure {
  std::string input;
};

Result<ImportResult> import_into(vulndb::Store& store, const std::vector<std::string>& paths,
                                 const ImportOptions& opts, ImportFailure* failure = nullptr);

}  // namespace dagda::importers
