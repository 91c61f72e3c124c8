#include "common/digest.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace dagda {

struct Hasher::Impl {
  EVP_MD_CTX* ctx = nullptr;
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Hasher::Hasher(Algo algo) : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  if (!impl_->ctx ||
      EVP_DigestInit_ex(impl_->ctx, algo == Algo::sha256 ? EVP_sha256() : EVP_sha1(), nullptr) != 1)
    throw std::runtime_error("OpenSSL digest initialisation failed");
}
Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::update(std::string_view bytes) { EVP_DigestUpdate(impl_->ctx, bytes.data(), bytes.size()); }

std::string Hasher::hex() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, md, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(len * 2, '0');
  for (unsigned i = 0; i < len; ++i) {
    out[2 * i] = kHex[md[i] >> 4];
    out[2 * i + 1] = kHex[md[i] & 15];
  }
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  Hasher h(Hasher::Algo::sha256);
  h.update(bytes);
  return h.hex();
}

std::string sha1_hex(std::string_view bytes) {
  Hasher h(Hasher::Algo::sha1);
  h.update(bytes);
  return h.hex();
}

bool parse_sha256_digest(std::string_view digest, std::string* hex_out) {
  constexpr std::string_view prefix = "sha256:";
  if (digest.substr(0, prefix.size()) != prefix) return false;
  std::string_view hex = digest.substr(prefix.size());
  if (hex.size() != 64) return false;
  for (char c : hex)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  if (hex_out) *hex_out = std::string(hex);
  return true;
}

}  // namespace dagda
