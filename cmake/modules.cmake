# dagda_module(NAME DEPS...) builds every .cpp in the current folder (except
# main.cpp) into the static library dagda_NAME. Adding a file to a module
# needs no CMake edit. A folder with only headers becomes an interface library.
# `PCH header...` at the end gives the module a precompiled header of its own: the
# common headers plus these (for a header that is slow to parse and included by
# most of the module's files, like CLI11 in cli/).
function(dagda_module name)
  cmake_parse_arguments(PARSE_ARGV 1 _arg "" "" "PCH")
  file(GLOB _srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  list(FILTER _srcs EXCLUDE REGEX ".*/main\\.cpp$")
  if(_srcs)
    add_library(dagda_${name} STATIC ${_srcs})
    target_include_directories(dagda_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(dagda_${name} PUBLIC ${_arg_UNPARSED_ARGUMENTS})
    if(DAGDA_PCH AND _arg_PCH)
      target_precompile_headers(dagda_${name} PRIVATE ${DAGDA_PCH_HEADERS} ${_arg_PCH})
    else()
      dagda_pch(dagda_${name})
    endif()
  else()
    add_library(dagda_${name} INTERFACE)
    target_include_directories(dagda_${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(dagda_${name} INTERFACE ${_arg_UNPARSED_ARGUMENTS})
  endif()
endfunction()

# Precompiled headers. The standard library, nlohmann/json and fmt are in nearly every
# file and cost most of each file's compile time, so one target precompiles them and
# every library, test, benchmark and fuzz target reuses that one copy.
option(DAGDA_PCH "Precompile the common headers once" ON)
set(DAGDA_PCH_HEADERS
  <algorithm> <array> <cstdint> <cstring> <filesystem> <functional> <map> <memory> <optional>
  <set> <span> <string> <string_view> <unordered_map> <unordered_set> <utility> <variant> <vector>
  <fmt/format.h> <nlohmann/json.hpp>)
if(DAGDA_PCH)
  add_library(dagda_pch OBJECT ${PROJECT_SOURCE_DIR}/cmake/pch.cpp)
  target_link_libraries(dagda_pch PRIVATE fmt::fmt nlohmann_json::nlohmann_json)
  target_precompile_headers(dagda_pch PRIVATE ${DAGDA_PCH_HEADERS})
endif()
# dagda_pch(TARGET): TARGET reuses the precompiled headers (a no-op with DAGDA_PCH=OFF).
function(dagda_pch target)
  if(DAGDA_PCH)
    target_precompile_headers(${target} REUSE_FROM dagda_pch)
  endif()
endfunction()
