// state/rematch.hpp: the import generation of the vulnerability data that the
// history was last re-matched against. Every server on a database compares the
// generation it sees with this mark; the one that moves the mark forward queues
// the re-match job in the same transaction, so each generation is re-matched
// once however many servers share the database.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.hpp"
#include "vulndb/sql.hpp"

namespace dagda::state {

class RematchMark {
 public:
  explicit RematchMark(vulndb::sql::Connection& db) : db_(db) {}
  Status ensure_schema();

  // For the data's generation: the id of the job (kind "rematch", `request`)
  // queued when this caller moved the mark forward from an older generation;
  // 0 when the mark was already there or later, and when there was no mark
  // yet (the first look at this database sets it: nothing to compare with).
  Result<int64_t> advance(int64_t generation, const std::string& request);
  // The generation of the mark; -1 when none.
  Result<int64_t> generation();

 private:
  vulndb::sql::Connection& db_;
};

}  // namespace dagda::state
