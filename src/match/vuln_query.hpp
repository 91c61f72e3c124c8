// match/vuln_query.hpp: what the knowledge base says about one vulnerability,
// advisory, package, Exploit-DB or BugTraq entry, as one dagda.vuln/v1 document.
// `dagda vuln --json` prints it, `GET /v1/vuln/...` answers it, and the text of
// `dagda vuln` (local or --server) is printed from it: this is its only builder.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "vulndb/store.hpp"

namespace dagda {

struct VulnQuery {
  enum class Kind { cve, advisory, product, exploit, bugtraq };
  Kind kind = Kind::cve;
  std::string id;                           // cve, advisory
  std::string product, version, ecosystem;  // product (version, ecosystem optional)
  int64_t number = 0;                       // exploit, bugtraq
};

// The document, or not_found (naming `database` when given), or invalid_input
// (an unknown --ecosystem).
Result<nlohmann::json> vuln_document(vulndb::Store& store, const VulnQuery& query,
                                     std::string_view database = {});

}  // namespace dagda
