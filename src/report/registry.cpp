// The one list of SBOM formats. Adding a format: write report/NAME.cpp that
// defines `const SbomFormat NAME` in namespace dagda::formats, declare it below
// and add it to kAll.
#include <array>

#include "report/writer.hpp"

namespace dagda {
namespace formats {
extern const SbomFormat table;
extern const SbomFormat json;
extern const SbomFormat cyclonedx;
extern const SbomFormat spdx;
}  // namespace formats

std::span<const SbomFormat> sbom_formats() {
  static const std::array kAll = {formats::table, formats::json, formats::cyclonedx, formats::spdx};
  return kAll;
}

const SbomFormat* find_sbom_format(std::string_view name) {
  for (const auto& f : sbom_formats()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace dagda
