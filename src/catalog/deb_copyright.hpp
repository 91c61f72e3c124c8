// catalog/deb_copyright.hpp: the licenses of a Debian package, from its
// usr/share/doc/PACKAGE/copyright file (docs/catalogers.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "catalog/cataloger.hpp"

namespace dagda {

// True for usr/share/doc/NAME/copyright (the dpkg cataloger captures them).
bool deb_copyright_wants(std::string_view path);

struct DebCopyright {
  // The licenses the file declares, as DEP-5 short names ("GPL-2+", "GPL-1+ or
  // Artistic"), each once, in the order the file gives them.
  std::vector<std::string> names;
  // `names` joined with " and " ("GPL-2+ and (GPL-1+ or Artistic) and Expat"); empty when none.
  std::string license;
  bool machine_readable = false;  // a DEP-5 file (Format: header)
};

// Reads a copyright file. Machine-readable (DEP-5) files: the License short
// names of the header and of every Files paragraph. Other files: the licenses
// in /usr/share/common-licenses/ they refer to, GNU license notices ("either
// version 2 of the License, or (at your option) any later version") and a few
// license texts that can be recognised exactly (MIT/Expat, Apache-2.0, Zlib,
// the Python license). Never fails; bounded in time and memory on any input.
DebCopyright read_deb_copyright(std::string_view text);

// Sets `p.license` from usr/share/doc/NAME/copyright when the image has it
// (a doc folder may be a symlink to another package's, as Debian allows).
void attach_deb_copyright(const CatalogContext& ctx, Package& p);

}  // namespace dagda
