// common/digest.hpp: streaming SHA-256 and SHA-1 (OpenSSL), and "sha256:<hex>" digests.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace dagda {

class Hasher {
 public:
  enum class Algo { sha256, sha1 };
  explicit Hasher(Algo algo = Algo::sha256);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;

  void update(std::string_view bytes);
  std::string hex();  // finishes the hash; call once

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string sha256_hex(std::string_view bytes);
std::string sha1_hex(std::string_view bytes);

// Splits "sha256:abcd..." into algorithm and hex; false unless it is a well-formed sha256 digest.
bool parse_sha256_digest(std::string_view digest, std::string* hex_out);

}  // namespace dagda
