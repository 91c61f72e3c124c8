# cmake -DIN=rules.yaml -DOUT=file.cpp -P embed.cmake: the YAML as a C++ string_view.
file(READ "${IN}" content)
string(FIND "${content}" ")dagda_rules\"" bad)
if(NOT bad EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw string delimiter")
endif()
file(WRITE "${OUT}" "// Generated from ${IN} by src/rules/embed.cmake; do not edit.\n#include \"rules/default_rules.hpp\"\n\nnamespace dagda::rules {\nconst std::string_view kDefaultRulesYaml = R\"dagda_rules(${content})dagda_rules\";\n}\n")
