#include "cli/options.hpp"

#include <fmt/format.h>

#include "match/finding.hpp"

namespace dagda::cli {

Result<std::vector<std::string>> parse_severity_list(const std::vector<std::string>& raw) {
  constexpr std::string_view kKnown = "critical, high, medium, low, negligible, unknown";
  std::vector<std::string> out;
  for (const std::string& value : raw) {
    size_t start = 0;
    for (;;) {
      size_t comma = value.find(',', start);
      std::string item = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      while (!item.empty() && item.back() == ' ') item.pop_back();
      while (!item.empty() && item.front() == ' ') item.erase(0, 1);
      for (char& c : item) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (item.empty())
        return Error(ErrorCode::invalid_input,
                     fmt::format("--severity '{}': the severity list is empty or has an empty item; give one or "
                                 "more of {}, separated by commas",
                                 value, kKnown));
      if (severity_rank(item) == 0 && item != "unknown")
        return Error(ErrorCode::invalid_input, fmt::format("unknown severity '{}'; use {}", item, kKnown));
      out.push_back(std::move(item));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

}  // namespace dagda::cli
