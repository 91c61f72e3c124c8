// inventory/purl_parse.hpp: reading package URLs (the purl specification, ECMA-427)
// back into their parts, for SBOMs written by Dagda or by other tools.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace dagda {

struct ParsedPurl {
  std::string type;       // lower case: "deb", "npm", "maven", ...
  std::string ns;         // decoded, segments joined by '/'
  std::string name;       // decoded
  std::string version;    // decoded
  std::map<std::string, std::string> qualifiers;  // keys lower case, values decoded
  std::string subpath;
};

// nullopt when `purl` is not a package URL (no "pkg:" scheme, no type or name, a bad escape).
std::optional<ParsedPurl> parse_purl(std::string_view purl);

}  // namespace dagda
