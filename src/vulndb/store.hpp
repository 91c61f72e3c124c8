// vulndb/store.hpp: the knowledge base on disk (SQLite, the default) or in a
// PostgreSQL server, with the same schema (vulndb/schema.cpp). Importing
// happens inside one transaction; readers see the previous state until commit.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "vulndb/record.hpp"
#include "vulndb/sink.hpp"
#include "vulndb/sql.hpp"

namespace dagda::vulndb {

// Record counts of one source, by kind.
struct SourceCounts {
  uint64_t vulnerabilities = 0, affected = 0, exploits = 0, kev = 0, epss = 0, bugtraq = 0, signatures = 0;
  uint64_t total() const { return vulnerabilities + affected + exploits + kev + epss + bugtraq + signatures; }
};

struct SourceStatus {
  std::string source;
  SourceCounts counts;
  std::string last_update;    // when an input of this source was last imported (UTC, ISO 8601)
  std::string newest_record;  // the newest published/modified/added date among its records
  std::vector<std::string> inputs;  // the files or URLs it came from
};

// An Affected row with where it came from.
struct StoredAffected {
  Affected affected;
  std::string source;
};

struct StoredVulnerability {
  Vulnerability vuln;
  std::string source;
};

// The sink for one input's records; counts what it wrote per source.
class InputSink : public Sink {
 public:
  virtual const std::map<std::string, SourceCounts>& counts() const = 0;
  virtual Status finish() = 0;  // flush; call before Store::commit
};

class Store {
 public:
  // `url`: a SQLite path or a postgresql:// URL; empty = default_path().
  static Result<std::unique_ptr<Store>> open(const std::string& url, bool read_only = false);
  static std::string default_path();  // $XDG_DATA_HOME/dagda/vulndb.sqlite
  ~Store();

  const std::string& url() const { return url_; }
  sql::Connection& connection() { return *db_; }

  // --- importing (one transaction around everything) ---
  Status begin();
  Status commit();
  void rollback();
  // The content digest last imported from `input`, or "" when never.
  Result<std::string> input_digest(const std::string& input);
  // Deletes what `input` brought before and returns the sink for its records.
  Result<std::unique_ptr<InputSink>> replace_input(const std::string& input, const std::string& sha256,
                                                   std::string_view default_source, std::string_view feed,
                                                   std::string_view data_date);

  // --- reading ---
  Result<std::vector<SourceStatus>> status();
  // Advisory rows for one package in one namespace (both as normalised).
  Result<std::vector<StoredAffected>> affected(std::string_view ns, std::string_view package);
  // Every namespace's rows for a package name (for `dagda vuln --product`).
  Result<std::vector<StoredAffected>> affected_any_namespace(std::string_view package);
  // Rows of one namespace whose package name ends with `suffix` (":log4j-core" finds
  // Maven's org.apache.logging.log4j:log4j-core).
  Result<std::vector<StoredAffected>> affected_with_suffix(std::string_view ns, std::string_view suffix);
  // Rows naming this id as advisory, vulnerability or alias.
  Result<std::vector<StoredAffected>> affected_by_id(std::string_view id);
  // Every source's record of a vulnerability, found by id or alias.
  Result<std::vector<StoredVulnerability>> vulnerability(std::string_view id);
  Result<std::vector<Exploit>> exploits_for(std::string_view cve);
  Result<std::optional<Exploit>> exploit(int64_t id);
  Result<std::optional<KevEntry>> kev(std::string_view cve);
  Result<std::optional<EpssScore>> epss(std::string_view cve);
  Result<std::optional<BugtraqEntry>> bugtraq(int64_t bid);
  Result<std::vector<BugtraqEntry>> bugtraq_for(std::string_view cve);
  Result<std::vector<Signature>> signatures(std::string_view kind);
  // Every namespace that has advisory rows, sorted.
  Result<std::vector<std::string>> namespaces();

 private:
  Store(std::string url, std::unique_ptr<sql::Connection> db) : url_(std::move(url)), db_(std::move(db)) {}
  std::string url_;
  std::unique_ptr<sql::Connection> db_;
};

}  // namespace dagda::vulndb
