// catalog/rpmdb/rpmdb.hpp: native readers for the three rpm database formats.
// Each takes the database file's bytes and yields the header blobs it stores:
//   bdb    - BerkeleyDB hash "Packages" (rpm < 4.16; CentOS/RHEL <= 8)
//   ndb    - "Packages.db", rpm's own format (rpm >= 4.16; SUSE)
//   sqlite - "rpmdb.sqlite" (rpm >= 4.16; Fedora, RHEL 9, Mariner)
// A damaged record is skipped and described in `problems`; a database that
// cannot be read at all is an Error. Work and memory are bounded by the input
// size: page chains are checked for cycles and lengths against the file.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/rpmdb/header.hpp"
#include "common/result.hpp"

namespace dagda::rpmdb {

enum class DbFormat { bdb, ndb, sqlite };
std::string_view to_string(DbFormat f);

// Recognises a database by its magic bytes; nullopt for anything else.
std::optional<DbFormat> detect_format(std::string_view bytes);

// Damage found while reading. `storage` is damage to the database structure
// (pages, slots, rows); otherwise the header blob inside a record is damaged.
struct Problem {
  enum class Kind { storage, header };
  Kind kind;
  std::string message;
  std::optional<uint64_t> record;  // header number / package index, when known
};

// One stored header blob; `blob` is valid only during the visitor call.
using BlobVisitor = std::function<void(uint64_t record, std::string_view blob)>;

struct ScanReport {
  uint64_t records = 0;           // blobs handed to the visitor
  std::vector<Problem> problems;  // at most kMaxProblems kept
  uint64_t dropped_problems = 0;  // problems past that limit, only counted
  bool partial() const { return !problems.empty() || dropped_problems > 0; }
  void add(Problem p);
};

inline constexpr size_t kMaxProblems = 64;

Result<ScanReport> scan_bdb(std::string_view bytes, const BlobVisitor& visit);
Result<ScanReport> scan_ndb(std::string_view bytes, const BlobVisitor& visit);
// Reads a private in-memory copy through sqlite3_deserialize, read-only, and
// runs only "SELECT hnum, blob FROM Packages" on it.
Result<ScanReport> scan_sqlite(std::string_view bytes, const BlobVisitor& visit);
// Detects the format, then scans.
Result<ScanReport> scan_database(std::string_view bytes, const BlobVisitor& visit);

struct StoredHeader {
  uint64_t record;
  std::string blob;
};
// Every header blob of a database, copied out (tests, tools).
struct BlobList {
  DbFormat format;
  std::vector<StoredHeader> headers;
  ScanReport report;
};
Result<BlobList> read_blobs(std::string_view bytes);

struct InstalledPackage {
  uint64_t record;
  PackageHeader header;
};
// Every package of a database, parsed. Headers that do not parse are skipped
// and reported as header problems.
struct Database {
  DbFormat format;
  std::vector<InstalledPackage> packages;
  ScanReport report;
};
Result<Database> read_database(std::string_view bytes);

// The same, streamed: each package is handed to `visit` as it is parsed, nothing is kept.
using PackageVisitor = std::function<void(uint64_t record, PackageHeader&& header)>;
Result<ScanReport> scan_packages(std::string_view bytes, const PackageVisitor& visit);

}  // namespace dagda::rpmdb
