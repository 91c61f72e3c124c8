#include "match/finding.hpp"

namespace dagda {

int severity_rank(std::string_view s) {
  if (s == "critical") return 5;
  if (s == "high") return 4;
  if (s == "medium") return 3;
  if (s == "low") return 2;
  if (s == "negligible") return 1;
  return 0;
}

}  // namespace dagda
