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

// The package name as Dagda's catalogers write it, from the purl's namespace and name
// (the inverse of purl_for's split): "group:artifact" for maven, "ns/name" for npm scopes,
// composer vendors and Go module paths; the name alone otherwise.
std::string package_name(const ParsedPurl& p);

}  // namespace dagda
