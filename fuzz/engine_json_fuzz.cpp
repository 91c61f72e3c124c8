// Fuzzes the parsers of the Docker Engine API's answers (image and container
// descriptions and lists, container changes, events, error bodies) and DOCKER_HOST.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/engine.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dagda::net;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)parse_image_inspect(text);
  (void)parse_image_list(text);
  (void)parse_container_inspect(text);
  (void)parse_container_list(text);
  (void)parse_changes(text);
  (void)parse_event(text);
  (void)engine_error_message(text);
  (void)engine_path_escape(text, true);
  std::string s(text.substr(0, 4096));
  (void)parse_docker_host(s, size % 2 == 0, "/certs");
  return 0;
}
