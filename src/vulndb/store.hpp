// vulndb/store.hpp: the knowledge base on disk (SQLite, the default) or in a
// PostgreSQL server, with the same schema (vulndb/tables.hpp). Importing
// happens inside one transaction; readers see the previous state until commit.
//
// Ids are looked up case-insensitively everywhere ("cve-2020-11022" finds
// CVE-2020-11022). When several inputs hold a record of the same id from the
// same source (NVD's yearly and "recent" files), readers get only the newest
// one (greatest `modified`, then the latest import).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "vulndb/record.hpp"
#include "vulndb/sink.hpp"
#include "vulndb/sql.hpp"
#include "vulndb/tables.hpp"

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

// The sink for one input's records; counts what it wrote per source.
class InputSink : public Sink {
 public:
  virtual const std::map<std::string, SourceCounts>& counts() const = 0;
  virtual Status finish() = 0;  // flush; call before Store::commit
};

class Store {
 public:
  // `url`: a SQLite path or a postgresql:// URL; empty = default_path().
  // read_only: never writes, and opens a SQLite file that cannot be written
  // (another user's, a read-only mount) as well. Writable: a database that is
  // neither empty nor Dagda's (another application's SQLite file or
  // PostgreSQL schema) is refused before anything in it changes.
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

  // --- reading: one id ---
  Result<std::vector<SourceStatus>> status();
  // The import generation: a counter every import that replaced an input's
  // records raises, in the import's own transaction (0 before the first).
  // Equal generations hold the same data; a re-match compares them.
  Result<int64_t> generation();
  // Advisory rows for one package in one namespace (both as normalised).
  Result<std::vector<StoredAffected>> affected(std::string_view ns, std::string_view package);
  // Every namespace's rows for a package name (for `dagda vuln --product`).
  Result<std::vector<StoredAffected>> affected_any_namespace(std::string_view package);
  // Rows of one namespace whose package name ends with `suffix` (":log4j-core" finds
  // Maven's org.apache.logging.log4j:log4j-core).
  Result<std::vector<StoredAffected>> affected_with_suffix(std::string_view ns, std::string_view suffix);
  // Rows naming this id as advisory or vulnerability, or about a vulnerability it is an alias of.
  Result<std::vector<StoredAffected>> affected_by_id(std::string_view id);
  // Every source's record of a vulnerability, found by id or alias (not by
  // related links: a DSA's record is not a record of the CVEs it fixes).
  Result<std::vector<StoredVulnerability>> vulnerability(std::string_view id);
  Result<std::vector<Exploit>> exploits_for(std::string_view cve);
  Result<std::optional<Exploit>> exploit(int64_t id);
  Result<std::optional<KevEntry>> kev(std::string_view cve);
  Result<std::optional<EpssScore>> epss(std::string_view cve);
  Result<std::optional<BugtraqEntry>> bugtraq(int64_t bid);
  Result<std::vector<BugtraqEntry>> bugtraq_for(std::string_view cve);
  Result<std::vector<Signature>> signatures(std::string_view kind);

  // --- reading: a whole set of ids at once (enrichment) ---
  // Each answers with one query per table and 500 ids; result maps are keyed
  // by the ids as given (looked up case-insensitively); ids without data are
  // absent from the map.
  //
  // Every source's record of exactly each id (no alias expansion: ask for the
  // aliases too), newest per source.
  Result<std::map<std::string, std::vector<StoredVulnerability>>> vulnerabilities(
      std::span<const std::string> ids);
  // The other names of each id (the aliases table, both directions): ids of
  // the same vulnerability.
  Result<std::map<std::string, std::set<std::string>>> aliases(std::span<const std::string> ids);
  // Linked ids that are NOT the same vulnerability (both directions): the
  // advisories covering a CVE, the CVEs an advisory covers, OSV "related".
  Result<std::map<std::string, std::set<std::string>>> related(std::span<const std::string> ids);
  // The ids withdrawn or rejected: the newest record of that exact id from
  // some source says so (NVD "Rejected" / "** REJECT **", OSV "withdrawn").
  Result<std::set<std::string>> withdrawn(std::span<const std::string> ids);
  // Exploit-DB entries naming each CVE (the fullest record of each exploit).
  Result<std::map<std::string, std::vector<Exploit>>> exploits(std::span<const std::string> cves);
  // The KEV entry of each CVE (the latest import).
  Result<std::map<std::string, KevEntry>> kev_entries(std::span<const std::string> cves);
  // The EPSS score of each CVE (the latest scores' date, then the latest import).
  Result<std::map<std::string, EpssScore>> epss_scores(std::span<const std::string> cves);

  // Every namespace that has advisory rows, sorted.
  Result<std::vector<std::string>> namespaces();

 private:
  Store(std::string url, std::unique_ptr<sql::Connection> db) : url_(std::move(url)), db_(std::move(db)) {}
  std::string url_;
  std::unique_ptr<sql::Connection> db_;
};

}  // namespace dagda::vulndb
