#include "state/tokens.hpp"

#include <openssl/rand.h>

#include <fmt/format.h>

#include "common/digest.hpp"
#include "state/tables.hpp"

namespace dagda::state {
namespace {

using vulndb::sql::as_int;
using vulndb::sql::as_text;
using vulndb::sql::Value;

constexpr std::string_view kDdl = R"sql(
CREATE TABLE IF NOT EXISTS api_tokens (
  id {id}, name TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, scope TEXT NOT NULL,
  created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, revoked_at BIGINT NOT NULL);
)sql";

constexpr std::string_view kColumns = "id, name, scope, created_at, expires_at, revoked_at";

int scope_rank(std::string_view s) {
  if (s == "read") return 1;
  if (s == "scan") return 2;
  if (s == "admin") return 3;
  return 0;
}

Token from_row(const vulndb::sql::Row& r) {
  return Token{as_int(r[0]), as_text(r[1]), as_text(r[2]), as_int(r[3]), as_int(r[4]), as_int(r[5])};
}

}  // namespace

bool valid_scope(std::string_view scope) { return scope_rank(scope) > 0; }
bool scope_allows(std::string_view have, std::string_view need) {
  return scope_rank(have) > 0 && scope_rank(have) >= scope_rank(need);
}

std::string_view to_string(TokenCheck c) {
  switch (c) {
    case TokenCheck::ok: return "ok";
    case TokenCheck::unknown: return "unknown";
    case TokenCheck::expired: return "expired";
    case TokenCheck::revoked: return "revoked";
  }
  return "unknown";
}

Status Tokens::ensure_schema() { return create_tables(db_, kDdl); }

Result<std::pair<Token, std::string>> Tokens::create(const std::string& name, const std::string& scope,
                                                     int64_t ttl_seconds) {
  if (!valid_scope(scope))
    return Error(ErrorCode::invalid_input, fmt::format("unknown scope '{}': read, scan or admin", scope));
  if (name.empty() || name.size() > 200)
    return Error(ErrorCode::invalid_input, "a token name is 1 to 200 characters");
  if (ttl_seconds < 0) return Error(ErrorCode::invalid_input, "a token's lifetime cannot be negative");
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1) return Error(ErrorCode::internal, "no random bytes for a token");
  std::string secret = "dgd_";
  for (unsigned char b : raw) secret += fmt::format("{:02x}", b);
  Token t;
  t.name = name;
  t.scope = scope;
  t.created_at = now_seconds();
  t.expires_at = ttl_seconds ? t.created_at + ttl_seconds : 0;
  std::vector<Value> p{name, sha256_hex(secret), scope, t.created_at, t.expires_at, int64_t{0}};
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_.query("INSERT INTO api_tokens (name, hash, scope, created_at, expires_at, "
                                              "revoked_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                                              p));
  t.id = as_int(rows.at(0)[0]);
  return std::pair{t, secret};
}

Result<std::vector<Token>> Tokens::list() {
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_.query(fmt::format("SELECT {} FROM api_tokens ORDER BY id", kColumns)));
  std::vector<Token> out;
  for (auto& r : rows) out.push_back(from_row(r));
  return out;
}

Result<int64_t> Tokens::revoke(const std::string& id_or_name) {
  bool numeric = !id_or_name.empty() && id_or_name.size() < 19 &&
                 id_or_name.find_first_not_of("0123456789") == std::string::npos;
  std::vector<Value> p{now_seconds(), numeric ? Value{std::stoll(id_or_name)} : Value{int64_t{-1}}, id_or_name};
  DAGDA_ASSIGN_OR_RETURN(auto rows, db_.query("UPDATE api_tokens SET revoked_at = ? WHERE (id = ? OR name = ?) AND "
                                              "revoked_at = 0 RETURNING id",
                                              p));
  return int64_t(rows.size());
}

Result<std::pair<TokenCheck, Token>> Tokens::check(std::string_view secret) {
  std::vector<Value> p{sha256_hex(secret)};
  DAGDA_ASSIGN_OR_RETURN(auto rows,
                         db_.query(fmt::format("SELECT {} FROM api_tokens WHERE hash = ?", kColumns), p));
  if (rows.empty()) return std::pair{TokenCheck::unknown, Token{}};
  Token t = from_row(rows[0]);
  if (t.revoked_at) return std::pair{TokenCheck::revoked, t};
  if (t.expires_at && t.expires_at <= now_seconds()) return std::pair{TokenCheck::expired, t};
  return std::pair{TokenCheck::ok, t};
}

}  // namespace dagda::state
