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
// Application packages (catalog/app.hpp).
extern const CatalogerInfo java;
extern const CatalogerInfo python;
extern const CatalogerInfo npm;
extern const CatalogerInfo javascript;
extern const CatalogerInfo gem;
extern const CatalogerInfo composer;
extern const CatalogerInfo golang;
extern const CatalogerInfo cargo;
extern const CatalogerInfo dotnet;
extern const CatalogerInfo runtime;
}  // namespace catalogers

std::span<const CatalogerInfo> all_catalogers() {
  static const std::array kAll = {catalogers::dpkg,       catalogers::apk,    catalogers::rpm,
                                  catalogers::java,       catalogers::python, catalogers::npm,
                                  catalogers::javascript, catalogers::gem,    catalogers::composer,
                                  catalogers::golang,     catalogers::cargo,  catalogers::dotnet,
                                  catalogers::runtime};
  return kAll;
}

}  // namespace dagda
