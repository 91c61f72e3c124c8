// Fuzzes what a registry or the user's files hand the registry client: WWW-Authenticate
// challenges, docker config.json / auth.json, credential helper answers, base64, image
// references and URLs (Location headers).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/auth.hpp"
#include "net/http.hpp"
#include "net/reference.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dagda::net;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const Challenge& c : parse_www_authenticate(text)) (void)c.params.size();
  auto cfg = parse_auth_config(text, "config.json");
  if (cfg.ok()) {
    (void)find_auth(*cfg, "docker.io");
    (void)find_auth(*cfg, "localhost:5000");
  }
  (void)parse_helper_output(text);
  if (auto d = base64_decode(text)) {
    // What decodes encodes back to the same bytes.
    if (auto again = base64_decode(base64_encode(*d)); !again || *again != *d) __builtin_trap();
  }
  auto ref = parse_reference(text);
  if (ref.ok()) {
    // A normalised reference parses to itself.
    auto again = parse_reference(ref->full());
    if (!again.ok() || again->full() != ref->full()) __builtin_trap();
    (void)is_loopback_host(ref->domain);
  }
  UrlParts u;
  (void)parse_url(text, &u);
  (void)redact_url(text);
  (void)resolve_location("https://registry.test:5000/v2/app/blobs/sha256:00", text);
  return 0;
}
