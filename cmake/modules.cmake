# dagda_module(NAME DEPS...) builds every .cpp in the current folder (except
# main.cpp) into the static library dagda_NAME. Adding a file to a module
# needs no CMake edit.
function(dagda_module name)
  file(GLOB _srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  list(FILTER _srcs EXCLUDE REGEX ".*/main\\.cpp$")
  add_library(dagda_${name} STATIC ${_srcs})
  target_include_directories(dagda_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(dagda_${name} PUBLIC ${ARGN})
endfunction()
