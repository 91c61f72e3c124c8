# dagda_module(NAME DEPS...) builds every .cpp in the current folder (except
# main.cpp) into the static library dagda_NAME. Adding a file to a module
# needs no CMake edit. A folder with only headers becomes an interface library.
function(dagda_module name)
  file(GLOB _srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  list(FILTER _srcs EXCLUDE REGEX ".*/main\\.cpp$")
  if(_srcs)
    add_library(dagda_${name} STATIC ${_srcs})
    target_include_directories(dagda_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(dagda_${name} PUBLIC ${ARGN})
  else()
    add_library(dagda_${name} INTERFACE)
    target_include_directories(dagda_${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(dagda_${name} INTERFACE ${ARGN})
  endif()
endfunction()
