// Fuzzes the secret scanner and the configuration checks' parsers (scanners/): the first byte
// picks one; the rest is a file streamed in uneven chunks, an Env entry, a Dockerfile or a
// --secret-config YAML. A reported secret never appears whole in its evidence.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "scanners/image_checks.hpp"
#include "scanners/secret.hpp"

namespace {
const dagda::scanners::SecretScanner& scanner() {
  static auto s = [] {
    dagda::scanners::SecretLimits lim;
    lim.window = 4096;
    lim.overlap = 512;
    lim.max_file_bytes = 1 << 20;
    return std::move(dagda::scanners::SecretScanner::create({}, lim)).value();
  }();
  return *s;
}

void check(const std::vector<dagda::scanners::SecretHit>& hits) {
  for (const auto& h : hits)
    if (h.rule.empty() || h.evidence.size() > 400) abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0] % 4;
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto& s = scanner();
  switch (mode) {
    case 0: {
      std::vector<dagda::scanners::SecretHit> hits;
      // Bit 2 of the first byte: the size is known and the file comes in one chunk (scanned in place).
      const bool whole = data[0] & 4;
      auto sink = s.sink("etc/app/config.yaml", whole ? in.size() : 0, [&](auto h) { hits = std::move(h); });
      if (whole) {
        sink->feed(in);
      } else {
        for (size_t p = 0, step = 1; p < in.size(); p += step, step = step * 3 % 997 + 1)
          if (!sink->feed(in.substr(p, step))) break;
      }
      sink->finish();
      check(hits);
      break;
    }
    case 1: {
      std::vector<dagda::scanners::SecretHit> hits;
      s.scan_env(in, hits);
      check(hits);
      break;
    }
    case 2:
      (void)dagda::scanners::dockerfile_findings(in, "Dockerfile", "", &s);
      break;
    default: {
      auto c = dagda::scanners::parse_secret_config(in, "fuzz.yaml");
      (void)c;
      break;
    }
  }
  return 0;
}
