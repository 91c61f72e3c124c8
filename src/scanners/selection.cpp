#include "scanners/selection.hpp"

#include <fmt/format.h>

namespace dagda::scanners {

Selection default_selection(bool malware_signatures) {
  return Selection{.vuln = true, .secret = true, .config = true, .malware = malware_signatures};
}

Result<Selection> parse_selection(std::string_view list) {
  Selection s{false, false, false, false};
  size_t start = 0;
  for (;;) {
    size_t comma = list.find(',', start);
    std::string_view name = list.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name == "vuln") s.vuln = true;
    else if (name == "secret") s.secret = true;
    else if (name == "config") s.config = true;
    else if (name == "malware") s.malware = true;
    else
      return Error(ErrorCode::invalid_input,
                   fmt::format("unknown scanner '{}' in --scanners; choose from vuln, secret, config, malware", name));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return s;
}

std::vector<std::string> selection_names(const Selection& s) {
  std::vector<std::string> out;
  if (s.vuln) out.emplace_back("vuln");
  if (s.secret) out.emplace_back("secret");
  if (s.config) out.emplace_back("config");
  if (s.malware) out.emplace_back("malware");
  return out;
}

}  // namespace dagda::scanners
