#include "catalog/rpmdb/rpmdb.hpp"

#include "catalog/rpmdb/bytes.hpp"

namespace dagda::rpmdb {

std::string_view to_string(DbFormat f) {
  switch (f) {
    case DbFormat::bdb:
      return "bdb";
    case DbFormat::ndb:
      return "ndb";
    case DbFormat::sqlite:
      return "sqlite";
  }
  return "unknown";
}

std::optional<DbFormat> detect_format(std::string_view bytes) {
  if (bytes.starts_with(std::string_view("SQLite format 3\0", 16))) return DbFormat::sqlite;
  if (bytes.starts_with("RpmP")) return DbFormat::ndb;
  for (uint32_t magic : {0x061561u, 0x053162u}) {
    if (detail::le32(bytes, 12) == magic || detail::be32(bytes, 12) == magic) return DbFormat::bdb;
  }
  return std::nullopt;
}

void ScanReport::add(Problem p) {
  if (problems.size() < kMaxProblems)
    problems.push_back(std::move(p));
  else
    ++dropped_problems;
}

Result<ScanReport> scan_database(std::string_view bytes, const BlobVisitor& visit) {
  auto format = detect_format(bytes);
  if (!format) {
    if (bytes.empty()) return Error(ErrorCode::corrupt, "the rpm database is empty (0 bytes)");
    return Error(ErrorCode::corrupt, "not an rpm database: neither BerkeleyDB, NDB nor SQLite");
  }
  switch (*format) {
    case DbFormat::bdb:
      return scan_bdb(bytes, visit);
    case DbFormat::ndb:
      return scan_ndb(bytes, visit);
    case DbFormat::sqlite:
      return scan_sqlite(bytes, visit);
  }
  return Error(ErrorCode::internal, "unhandled rpm database format");
}

Result<BlobList> read_blobs(std::string_view bytes) {
  BlobList out;
  DAGDA_ASSIGN_OR_RETURN(out.report, scan_database(bytes, [&](uint64_t record, std::string_view blob) {
                           out.headers.push_back({record, std::string(blob)});
                         }));
  out.format = *detect_format(bytes);
  return out;
}

Result<ScanReport> scan_packages(std::string_view bytes, const PackageVisitor& visit) {
  // Header problems are collected apart (the scan's own report is returned at its end)
  // and capped like it: a database of a million damaged headers gives 64 messages.
  ScanReport headers;
  DAGDA_ASSIGN_OR_RETURN(ScanReport report, scan_database(bytes, [&](uint64_t record, std::string_view blob) {
                           auto h = read_package_header(blob);
                           if (!h.ok()) {
                             headers.add({Problem::Kind::header,
                                          "header " + std::to_string(record) + ": " + h.error().message(), record});
                             return;
                           }
                           if (h->files_problem)
                             headers.add({Problem::Kind::header,
                                          "header " + std::to_string(record) + " (" + h->name +
                                              "): file list dropped: " + *h->files_problem,
                                          record});
                           visit(record, std::move(*h));
                         }));
  for (auto& p : headers.problems) report.add(std::move(p));
  report.dropped_problems += headers.dropped_problems;
  return report;
}

Result<Database> read_database(std::string_view bytes) {
  Database out;
  DAGDA_ASSIGN_OR_RETURN(out.report, scan_packages(bytes, [&](uint64_t record, PackageHeader&& h) {
                           out.packages.push_back({record, std::move(h)});
                         }));
  out.format = *detect_format(bytes);
  return out;
}

}  // namespace dagda::rpmdb
