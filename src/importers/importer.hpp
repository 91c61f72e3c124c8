// importers/importer.hpp: one feed format. An importer is one .cpp file
// exposing an ImporterInfo; importers/registry.cpp lists them. Inputs (files,
// folders, .zip, .tar.*, .gz/.xz/.zst/.bz2) are opened by importers/input.hpp
// and each file in them is offered to every importer's detect(); the most
// confident one parses it.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "common/diagnostics.hpp"
#include "common/result.hpp"
#include "vulndb/sink.hpp"

namespace dagda::importers {

// One file of an input: a host file, a file in a folder, or a member of an archive.
struct Entry {
  std::string path;       // as the user should see it: "feeds/osv.zip!PYSEC-2021-1.json"
  std::string_view data;  // the whole content, decompressed
  // `db import --release`: the namespace ("amazon:2023") of a file whose format
  // does not name its distro or release (updateinfo.xml); "" = from the file.
  std::string release = {};
};

struct ImporterInfo {
  std::string_view name;         // also the default source name: "osv", "nvd", "alpine-secdb", ...
  std::string_view description;  // one line, for `dagda db import --help` and docs
  // How sure this importer is that the entry is its format, from the name and
  // the first bytes: 0 = not mine; 1 = name only; 2 = content fits; 3 = content is certain.
  int (*detect)(std::string_view path, std::string_view head);
  // Parses one entry. A file that is not valid in the format (bad syntax,
  // truncated, wrong shape) is an Error naming entry.path and what is wrong;
  // odd but readable records become warnings in `diag` and are skipped.
  Status (*parse)(const Entry& entry, vulndb::Sink& sink, Diagnostics& diag);
};

// Every importer (importers/registry.cpp).
std::span<const ImporterInfo> all_importers();
const ImporterInfo* find_importer(std::string_view name);

// The importer for an entry, or nullptr when none recognises it.
const ImporterInfo* detect_importer(std::string_view path, std::string_view head);

}  // namespace dagda::importers
