#include "importers/rpm_nvr.hpp"

namespace dagda::importers::feeds {

std::optional<Nvr> split_nvr(std::string_view nvr) {
  auto r = nvr.rfind('-');
  if (r == std::string_view::npos || r == 0 || r + 1 >= nvr.size()) return std::nullopt;
  auto v = nvr.rfind('-', r - 1);
  if (v == std::string_view::npos || v == 0 || v + 1 >= r) return std::nullopt;
  return Nvr{std::string(nvr.substr(0, v)), std::string(nvr.substr(v + 1))};
}

}  // namespace dagda::importers::feeds
