// state/tokens.hpp: API tokens of `dagda serve`. Only the SHA-256 of a token
// is stored; the secret is shown once, at creation. Scopes nest:
// admin > scan > read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "vulndb/sql.hpp"

namespace dagda::state {

struct Token {
  int64_t id = 0;
  std::string name, scope;
  int64_t created_at = 0;
  int64_t expires_at = 0;  // 0: never
  int64_t revoked_at = 0;  // 0: not revoked
};

// "read", "scan" or "admin"; false for anything else.
bool valid_scope(std::string_view scope);
// Whether a token of scope `have` may call a route that needs `need`.
bool scope_allows(std::string_view have, std::string_view need);

enum class TokenCheck { ok, unknown, expired, revoked };
std::string_view to_string(TokenCheck c);

class Tokens {
 public:
  explicit Tokens(vulndb::sql::Connection& db) : db_(db) {}
  Status ensure_schema();

  // A new token; `ttl_seconds` 0 = no expiry. Returns the record and the secret.
  Result<std::pair<Token, std::string>> create(const std::string& name, const std::string& scope,
                                               int64_t ttl_seconds);
  Result<std::vector<Token>> list();
  // Revokes by id (all digits) or name; how many tokens were revoked.
  Result<int64_t> revoke(const std::string& id_or_name);
  // The token a secret names, and whether it may be used now.
  Result<std::pair<TokenCheck, Token>> check(std::string_view secret);

 private:
  vulndb::sql::Connection& db_;
};

}  // namespace dagda::state
