// catalog/apk.cpp: Alpine packages from apk's installed database.
//
// lib/apk/db/installed (and usr/lib/apk/db/installed) holds one record per
// package, records separated by an empty line, each line "K:value" with a
// one-letter key: P name, V version, A arch, L license, o origin (the source
// package), F a directory and R a file inside the last F. Other keys
// (checksums, dependencies, ACLs) are not needed here.
#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "catalog/cataloger.hpp"
#include "catalog/text_db.hpp"

namespace dagda {
namespace {

constexpr std::string_view kDatabases[] = {"lib/apk/db/installed", "usr/lib/apk/db/installed"};

struct Record {
  uint64_t line = 0;  // 0 while the record has no line yet
  std::optional<std::string> name, version, arch, license, origin;
  std::optional<std::string> dir;  // the last F: line
  std::vector<std::string> files;
};

class InstalledParser {
 public:
  using Keys = std::set<std::tuple<std::string, std::string, std::string>>;
  // `listed`: packages the other database already gave; they are skipped before they take a
  // place under the package ceiling.
  InstalledParser(std::string file, std::vector<Package>& out, Ceilings& ceilings, const Keys& listed)
      : file_(std::move(file)), out_(out), ceilings_(ceilings), listed_(listed) {}

  void parse(const Blob& data) {
    LineReader lines(data);
    std::string_view line;
    Record rec;
    while (lines.next(line)) {
      uint64_t n = lines.number();
      if (line.empty()) {
        finish(rec);
        rec = Record{};
        continue;
      }
      if (line.size() < 2 || line[1] != ':') {
        findings_.note("apk.malformed-line", n, "line is not of the form K:value");
        if (rec.line == 0) rec.line = n;
        continue;
      }
      char key = line[0];
      std::string_view value = line.substr(2);
      if (key == 'P' && rec.name) {
        findings_.note("apk.missing-separator", n,
                       fmt::format("a second P: line without an empty line before it (after {})", *rec.name));
        finish(rec);
        rec = Record{};
      }
      if (rec.line == 0) rec.line = n;
      switch (key) {
        case 'P':
          set(rec.name, value, key, n);
          break;
        case 'V':
          set(rec.version, value, key, n);
          break;
        case 'A':
          set(rec.arch, value, key, n);
          break;
        case 'L':
          set(rec.license, value, key, n);
          break;
        case 'o':
          set(rec.origin, value, key, n);
          break;
        case 'F':
          rec.dir = std::string(value);
          break;
        case 'R':
          if (!rec.dir) {
            findings_.note("apk.file-without-dir", n, "R: line before any F: line in its record");
          } else if (!ceilings_.take_file()) {
            // past the owned-file ceiling: counted, not kept
          } else if (rec.dir->empty()) {
            rec.files.push_back(fmt::format("/{}", value));
          } else {
            rec.files.push_back(fmt::format("/{}/{}", *rec.dir, value));
          }
          break;
        default:
          break;
      }
    }
    finish(rec);
  }

  bool damaged() const { return findings_.any(); }
  void flush(Diagnostics& diag) { findings_.flush(diag, file_); }

 private:
  void set(std::optional<std::string>& slot, std::string_view value, char key, uint64_t n) {
    if (slot) {
      findings_.note("apk.duplicate-field", n, fmt::format("duplicate {}: line; the first one is used", key));
      return;
    }
    slot = std::string(value);
  }

  void finish(Record& r) {
    if (r.line == 0) return;
    if (!r.name || r.name->empty()) {
      findings_.note("apk.missing-name", r.line, "record without a P: (package name) line");
      return;
    }
    if (!r.version || r.version->empty()) {
      findings_.note("apk.missing-version", r.line,
                     fmt::format("package {} has no V: (version) line", *r.name));
      return;
    }
    if (!listed_.empty() && listed_.contains(std::make_tuple(*r.name, *r.version, r.arch.value_or(""))))
      return;
    if (!ceilings_.take_package()) return;
    Package p;
    p.ecosystem = "apk";
    p.name = std::move(*r.name);
    p.version = std::move(*r.version);
    p.arch = r.arch.value_or("");
    p.source_name = r.origin && !r.origin->empty() ? std::move(*r.origin) : p.name;
    p.source_version = p.version;
    p.license = r.license.value_or("");
    p.path = file_;
    p.files = std::move(r.files);
    out_.push_back(std::move(p));
  }

  std::string file_;
  std::vector<Package>& out_;
  Ceilings& ceilings_;
  const Keys& listed_;
  Findings findings_;
};

bool apk_wants(std::string_view path) {
  for (auto db : kDatabases)
    if (path == db) return true;
  return false;
}

Result<CatalogOutput> apk_catalog(const CatalogContext& ctx) {
  CatalogOutput out;
  Ceilings ceilings(ctx);
  std::vector<const void*> seen_blobs;  // the two paths may be one file through a symlink
  InstalledParser::Keys earlier;
  for (auto db : kDatabases) {
    std::string path(db);
    auto blob = ctx.fs.read(path);
    if (!blob.ok()) {
      if (blob.error().code() == ErrorCode::not_found) continue;
      return blob.error().wrap("cannot read the apk installed database", Location{.file = path});
    }
    bool same = false;
    for (const void* b : seen_blobs) same = same || b == blob->get();
    if (same) continue;
    seen_blobs.push_back(blob->get());

    std::vector<Package> found;
    InstalledParser parser(path, found, ceilings, earlier);
    parser.parse(**blob);
    if (parser.damaged()) out.partial = true;
    parser.flush(ctx.diag);
    // A package already listed by the other database is reported once.
    InstalledParser::Keys mine;
    for (auto& p : found) {
      auto key = std::make_tuple(p.name, p.version, p.arch);
      if (earlier.contains(key)) continue;
      mine.insert(std::move(key));
      out.packages.push_back(std::move(p));
    }
    earlier.merge(mine);
  }
  ceilings.report(out);
  return out;
}

}  // namespace

namespace catalogers {
extern const CatalogerInfo apk;
const CatalogerInfo apk = {
    .name = "apk",
    .description = "Alpine packages from lib/apk/db/installed and usr/lib/apk/db/installed",
    .version = 1,
    .wants = apk_wants,
    .catalog = apk_catalog,
};
}  // namespace catalogers

}  // namespace dagda
