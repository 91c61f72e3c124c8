// state/store.hpp: what users create, kept apart from the vulnerability data:
// false-positive marks now; scan history, jobs, tokens and runtime events as
// they arrive. It lives in the database that --db names (the same SQLite file
// or PostgreSQL database as the VulnDB) in tables of its own with their own
// schema version; `db import` and `db update` never touch them.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace dagda::vulndb::sql {
class Connection;
}

namespace dagda::state {

inline constexpr int kStateSchemaVersion = 1;

// A false-positive mark (`dagda fp`): image "*" applies to every image; an
// empty version or vuln_id matches any.
struct FpMark {
  std::string image, package, version, vuln_id, created_at;
};

class Store {
 public:
  // `url`: a SQLite path or a postgresql:// URL; empty = the VulnDB's default
  // path. Read-only: a database without state tables reads as empty.
  static Result<std::unique_ptr<Store>> open(const std::string& url, bool read_only = false);
  ~Store();

  const std::string& url() const { return url_; }

  Status add_fp(const FpMark& m);
  Result<std::vector<FpMark>> list_fp(std::string_view image = {});
  Result<uint64_t> remove_fp(const FpMark& m);  // how many were removed

  // The connection, for the parts of the state kept in files of their own
  // (state/history.hpp, jobs.hpp, tokens.hpp). One thread at a time.
  vulndb::sql::Connection& db() { return *db_; }

 private:
  Store(std::string url, std::unique_ptr<vulndb::sql::Connection> db, bool has_tables);
  std::string url_;
  std::unique_ptr<vulndb::sql::Connection> db_;
  bool has_tables_;
};

}  // namespace dagda::state
