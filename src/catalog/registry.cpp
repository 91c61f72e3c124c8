// The one list of catalogers. Adding a cataloger: write catalog/NAME.cpp that
// defines `const CatalogerInfo NAME` in namespace dagda::catalogers, declare it
// below and add it to kAll.
#include <array>

#include "catalog/cataloger.hpp"

namespace dagda {
namespace catalogers {
extern const CatalogerInfo dpkg;
extern const CatalogerInfo apk;
extern const CatalogerInfo rpm;
}  // namespace catalogers

std::span<const CatalogerInfo> all_catalogers() {
  static const std::array kAll = {catalogers::dpkg, catalogers::apk, catalogers::rpm};
  return kAll;
}

}  // namespace dagda
