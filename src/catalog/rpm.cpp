// catalog/rpm.cpp: rpm packages, read natively from the rpm database in any of
// its three formats (catalog/rpmdb/): rpmdb.sqlite, Packages.db (NDB) and the
// BerkeleyDB Packages, under usr/lib/sysimage/rpm, var/lib/rpm or usr/share/rpm.
//
// An image has one live rpm database. When several files are present (a
// leftover Packages after a conversion, or two directories that are not
// symlinked together), the first that reads is used, in this order: directory
// usr/lib/sysimage/rpm (rpm >= 4.16's default), var/lib/rpm, usr/share/rpm
// (rpm-ostree); within one, rpmdb.sqlite, Packages.db, Packages (newest format
// first). The others are named in an "rpm.extra-database" warning.
//
// Every header is listed, gpg-pubkey entries included, as `rpm -qa` lists them.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "catalog/cataloger.hpp"
#include "catalog/rpmdb/rpmdb.hpp"
#include "catalog/text_db.hpp"

namespace dagda {
namespace {

constexpr std::array<std::string_view, 3> kDirs = {"usr/lib/sysimage/rpm", "var/lib/rpm", "usr/share/rpm"};
constexpr std::array<std::string_view, 3> kFiles = {"rpmdb.sqlite", "Packages.db", "Packages"};
constexpr std::string_view kWalSuffix = "-wal";

bool rpm_wants(std::string_view path) {
  for (std::string_view dir : kDirs) {
    if (path.size() <= dir.size() || !path.starts_with(dir) || path[dir.size()] != '/') continue;
    std::string_view file = path.substr(dir.size() + 1);
    for (std::string_view f : kFiles)
      if (file == f) return true;
    // The write-ahead log, only to warn that changes still in it are not read.
    if (file.size() == kFiles[0].size() + kWalSuffix.size() && file.starts_with(kFiles[0]) &&
        file.ends_with(kWalSuffix))
      return true;
  }
  return false;
}

// "bind-9.9.4-61.el7_5.1.src.rpm" -> {"bind", "9.9.4-61.el7_5.1"}; empty when malformed.
std::pair<std::string, std::string> split_sourcerpm(std::string_view srpm) {
  for (std::string_view suffix : {".src.rpm", ".nosrc.rpm"}) {
    if (!srpm.ends_with(suffix)) continue;
    std::string_view nvr = srpm.substr(0, srpm.size() - suffix.size());
    size_t rel = nvr.rfind('-');
    if (rel == std::string_view::npos || rel == 0) break;
    size_t ver = nvr.rfind('-', rel - 1);
    if (ver == std::string_view::npos || ver == 0 || ver + 1 == rel || rel + 1 == nvr.size()) break;
    return {std::string(nvr.substr(0, ver)), std::string(nvr.substr(ver + 1))};
  }
  return {};
}

Package to_package(rpmdb::PackageHeader&& h, const std::string& path) {
  Package p;
  p.ecosystem = "rpm";
  p.name = h.name;
  std::string epoch = h.epoch ? std::to_string(*h.epoch) + ":" : "";
  p.version = epoch + h.version + "-" + h.release;
  p.arch = h.arch;
  auto [source_name, source_vr] = split_sourcerpm(h.sourcerpm);
  p.source_name = std::move(source_name);
  // SOURCERPM carries no epoch; the source package shares its binaries' Epoch
  // (one spec file), so the binary's is used.
  if (!source_vr.empty()) p.source_version = epoch + source_vr;
  p.license = h.license;
  p.rpm = RpmFields{
      .epoch = h.epoch ? std::optional<int64_t>(*h.epoch) : std::nullopt,
      .version = std::move(h.version),
      .release = std::move(h.release),
      .sourcerpm = std::move(h.sourcerpm),
      .modularitylabel = std::move(h.modularitylabel),
      .vendor = std::move(h.vendor),
  };
  p.path = path;
  p.files = std::move(h.files);
  return p;
}

struct Candidate {
  std::string path;
  BlobPtr blob;
};

// Database files present in the image, in order of preference, each once even
// when symlinks or hard links show it at several paths.
std::vector<Candidate> find_databases(const CatalogContext& ctx, bool& damaged) {
  std::vector<Candidate> out;
  for (std::string_view dir : kDirs) {
    for (std::string_view file : kFiles) {
      std::string path = std::string(dir) + "/" + std::string(file);
      auto blob = ctx.fs.read(path);
      if (!blob.ok()) {
        if (blob.error().code() != ErrorCode::not_found) {
          ctx.diag.warn("rpm.unreadable-file", blob.error().message(), Location{.file = path});
          damaged = true;
        }
        continue;
      }
      std::string_view data = (*blob)->data();
      bool same = std::any_of(out.begin(), out.end(), [&](const Candidate& c) {
        std::string_view other = c.blob->data();
        return c.blob == *blob || (other.size() == data.size() && other == data);
      });
      if (!same) out.push_back({std::move(path), std::move(*blob)});
    }
  }
  return out;
}

void report_problems(const rpmdb::ScanReport& report, const std::string& path, Diagnostics& diag) {
  for (const auto& p : report.problems)
    diag.warn(p.kind == rpmdb::Problem::Kind::header ? "rpm.corrupt-header" : "rpm.corrupt-database",
              p.message, Location{.file = path});
  if (report.dropped_problems > 0)
    diag.warn("rpm.corrupt-database",
              std::to_string(report.dropped_problems) + " more damaged records not listed",
              Location{.file = path});
}

Result<CatalogOutput> rpm_catalog(const CatalogContext& ctx) {
  CatalogOutput out;
  bool damaged = false;  // a database file could not be used: what is listed may be incomplete
  std::vector<Candidate> candidates = find_databases(ctx, damaged);
  out.partial = damaged;
  if (candidates.empty()) return out;

  std::vector<Error> failures;
  size_t chosen = candidates.size();
  rpmdb::ScanReport report;
  rpmdb::DbFormat format = rpmdb::DbFormat::bdb;
  Ceilings ceilings(ctx);
  for (size_t i = 0; i < candidates.size(); ++i) {
    // Streamed: each header becomes a Package as it is read, up to the ceilings.
    Ceilings attempt = ceilings;
    std::vector<Package> packages;
    auto read = rpmdb::scan_packages(candidates[i].blob->data(), [&](uint64_t, rpmdb::PackageHeader&& h) {
      if (!attempt.take_package()) return;
      size_t n = 0;
      while (n < h.files.size() && attempt.take_file()) ++n;
      for (size_t k = n; k < h.files.size(); ++k) (void)attempt.take_file();  // counted as dropped
      h.files.resize(n);
      packages.push_back(to_package(std::move(h), candidates[i].path));
    });
    if (read.ok()) {
      report = std::move(*read);
      format = *rpmdb::detect_format(candidates[i].blob->data());
      out.packages = std::move(packages);
      ceilings = attempt;
      chosen = i;
      break;
    }
    failures.push_back(std::move(read).error());
    failures.back().in_file(candidates[i].path);
  }
  // None readable: the first (preferred) failure is the error, the rest are warnings.
  size_t warn_from = chosen == candidates.size() ? 1 : 0;
  for (size_t i = warn_from; i < failures.size(); ++i) {
    ctx.diag.warn("rpm.unreadable-database", failures[i].message(), failures[i].where());
    damaged = true;
  }
  if (chosen == candidates.size()) return failures.front();

  const std::string& path = candidates[chosen].path;
  for (size_t i = chosen + 1; i < candidates.size(); ++i)
    ctx.diag.warn("rpm.extra-database",
                  "another rpm database is present; packages are read from " + path + " only",
                  Location{.file = candidates[i].path});
  report_problems(report, path, ctx.diag);
  out.partial = damaged || report.partial();
  ceilings.report(out);

  if (format == rpmdb::DbFormat::sqlite) {
    auto wal = ctx.fs.read(path + std::string(kWalSuffix));
    if (wal.ok() && (*wal)->size() > 0) {
      ctx.diag.warn(
          "rpm.sqlite-wal-ignored",
          "the database has uncommitted changes in its write-ahead log, which are not read; packages "
          "installed or removed by the last rpm run may be missing or listed",
          Location{.file = path + std::string(kWalSuffix)});
      out.partial = true;
    }
  }

  std::stable_sort(out.packages.begin(), out.packages.end(), [](const Package& a, const Package& b) {
    return std::tie(a.name, a.arch, a.version) < std::tie(b.name, b.arch, b.version);
  });
  return out;
}

}  // namespace

namespace catalogers {
extern const CatalogerInfo rpm;
const CatalogerInfo rpm = {
    .name = "rpm",
    .description =
        "rpm packages from rpmdb.sqlite, Packages.db (NDB) or Packages (BerkeleyDB) under "
        "usr/lib/sysimage/rpm, var/lib/rpm and usr/share/rpm",
    .version = 1,
    .wants = rpm_wants,
    .catalog = rpm_catalog,
};
}  // namespace catalogers

}  // namespace dagda
