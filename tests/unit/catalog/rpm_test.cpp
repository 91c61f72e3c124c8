// The rpm cataloger on real rpm databases placed in an image root, against
// `rpm -qa` ground truth and Debian's rpm querying the same files.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "catalog/cataloger.hpp"
#include "catalog/rpmdb/rpmdb.hpp"
#include "layers/memory_view.hpp"
#include "unit/rpmdb/rpm_testutil.hpp"

namespace dagda::catalogers {
extern const CatalogerInfo rpm;
}

namespace dagda {
namespace {

namespace trpm = dagda::test::rpm;

// The file name rpm gives a database of this format.
std::string db_name(const std::string& file) {
  if (file.ends_with(".sqlite")) return "rpmdb.sqlite";
  if (file.ends_with(".db")) return "Packages.db";
  return "Packages";
}

struct Run {
  Result<CatalogOutput> out;
  std::vector<Warning> warnings;
};

Run catalog(const MemoryFileView& fs) {
  Diagnostics diag;
  CatalogContext ctx{fs, nullptr, diag};
  auto out = catalogers::rpm.catalog(ctx);
  return {std::move(out), diag.take_all()};
}

bool has_warning(const std::vector<Warning>& ws, std::string_view code) {
  return std::any_of(ws.begin(), ws.end(), [&](const Warning& w) { return w.code == code; });
}

std::string none_if_empty(const std::string& s) {
  return s.empty() ? "(none)" : s;
}

// `rpm --dbpath DIR -qa` with a query format, one line per package.
std::multiset<std::string> rpm_query(const std::string& dir, const std::string& args) {
  int status = -1;
  std::string out = test::run_command("rpm --dbpath '" + dir + "' " + args + " 2>/dev/null", &status);
  EXPECT_EQ(status, 0) << args;
  std::multiset<std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.insert(line);
  return lines;
}

TEST(RpmCataloger, WantsTheDatabaseFilesOnly) {
  for (const char* p :
       {"var/lib/rpm/Packages", "var/lib/rpm/rpmdb.sqlite", "var/lib/rpm/Packages.db",
        "usr/lib/sysimage/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/Packages.db",
        "usr/lib/sysimage/rpm/Packages", "usr/share/rpm/Packages", "usr/share/rpm/rpmdb.sqlite",
        "usr/share/rpm/Packages.db", "var/lib/rpm/rpmdb.sqlite-wal"})
    EXPECT_TRUE(catalogers::rpm.wants(p)) << p;
  for (const char* p : {"var/lib/rpm/Name", "var/lib/rpm/Packages.bak", "var/lib/rpm/rpmdb.sqlite-shm",
                        "var/lib/rpmPackages", "xvar/lib/rpm/Packages", "var/lib/rpm/x/Packages",
                        "var/lib/rpm", "Packages", "usr/lib/sysimage/rpm/Index.db", "var/lib/rpm/"})
    EXPECT_FALSE(catalogers::rpm.wants(p)) << p;
}

TEST(RpmCataloger, MatchesRpmQaForEveryDatabase) {
  auto cases = trpm::groundtruth_cases();
  ASSERT_GE(cases.size(), 13u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    MemoryFileView fs;
    std::string path = "var/lib/rpm/" + db_name(c.file);
    fs.add_file(path, trpm::database_bytes(c.file));
    auto run = catalog(fs);
    ASSERT_TRUE(run.out.ok()) << run.out.error().render();
    EXPECT_FALSE(run.out->partial);
    EXPECT_TRUE(run.warnings.empty()) << run.warnings.front().render();
    std::multiset<std::string> got;
    for (const Package& p : run.out->packages) {
      EXPECT_EQ(p.ecosystem, "rpm");
      EXPECT_EQ(p.path, path);
      ASSERT_TRUE(p.rpm);
      got.insert(trpm::qa_line(p.name, p.rpm->epoch, p.rpm->version, p.rpm->release, p.arch, p.rpm->sourcerpm,
                               p.rpm->modularitylabel));
    }
    auto want = trpm::groundtruth(c.stem);
    EXPECT_EQ(got, want) << "only ours:\n"
                         << trpm::difference(got, want) << "only rpm -qa:\n"
                         << trpm::difference(want, got);
  }
}

// Version strings, licenses and vendors as rpm itself prints them (%{EVR} has
// the epoch only when the header has one), and the owned files as `rpm -qal`.
TEST(RpmCataloger, VersionsLicensesAndFilesAgreeWithRpm) {
  int status = -1;
  test::run_command("rpm --version", &status);
  DAGDA_REQUIRE(status == 0, "rpm is not installed");
  for (const char* file :
       {"centos7-plain.Packages.xz", "centos8-modularitylabel.Packages.xz", "cbl-mariner-2.0.rpmdb.sqlite"}) {
    SCOPED_TRACE(file);
    std::string dir = test::scratch_dir(std::string("rpm-cataloger-") + file);
    trpm::materialize(file, dir, db_name(file));
    auto want = rpm_query(dir, "-qa --qf '%{NAME}\\t%{EVR}\\t%{ARCH}\\t%{LICENSE}\\t%{VENDOR}\\n'");
    auto want_files = rpm_query(dir, "-qal");
    want_files.erase("(contains no files)");

    MemoryFileView fs;
    fs.add_file("var/lib/rpm/" + db_name(file), trpm::database_bytes(file));
    auto run = catalog(fs);
    ASSERT_TRUE(run.out.ok());
    std::multiset<std::string> got, got_files;
    for (const Package& p : run.out->packages) {
      got.insert(p.name + "\t" + p.version + "\t" + none_if_empty(p.arch) + "\t" + none_if_empty(p.license) +
                 "\t" + none_if_empty(p.rpm->vendor));
      got_files.insert(p.files.begin(), p.files.end());
    }
    EXPECT_EQ(got, want) << "only ours:\n"
                         << trpm::difference(got, want) << "only rpm:\n"
                         << trpm::difference(want, got);
    EXPECT_GT(want_files.size(), 1000u);
    EXPECT_EQ(got_files, want_files) << "only ours:\n"
                                     << trpm::difference(got_files, want_files) << "only rpm:\n"
                                     << trpm::difference(want_files, got_files);
    if (!HasFailure()) std::filesystem::remove_all(dir);
  }
}

TEST(RpmCataloger, SourcePackageFromSourceRpm) {
  MemoryFileView fs;
  fs.add_file("var/lib/rpm/Packages", trpm::database_bytes("centos7-plain.Packages.xz"));
  auto run = catalog(fs);
  ASSERT_TRUE(run.out.ok());
  int checked = 0;
  for (const Package& p : run.out->packages) {
    if (p.name == "bind-license") {
      EXPECT_EQ(p.version, "32:9.9.4-61.el7_5.1");
      EXPECT_EQ(p.source_name, "bind");
      EXPECT_EQ(p.source_version, "32:9.9.4-61.el7_5.1");
      EXPECT_EQ(p.rpm->epoch, 32);
      ++checked;
    } else if (p.name == "audit-libs") {
      EXPECT_EQ(p.version, "2.8.1-3.el7_5.1");
      EXPECT_EQ(p.source_name, "audit");
      EXPECT_EQ(p.source_version, "2.8.1-3.el7_5.1");
      EXPECT_FALSE(p.rpm->epoch);
      ++checked;
    } else if (p.name == "gpg-pubkey") {
      EXPECT_TRUE(p.source_name.empty());
      EXPECT_TRUE(p.source_version.empty());
      EXPECT_TRUE(p.arch.empty());
      ++checked;
    }
    // Every source name and version rebuild the SOURCERPM they came from.
    if (!p.rpm->sourcerpm.empty()) {
      std::string vr = p.source_version.substr(p.source_version.find(':') + 1);
      EXPECT_EQ(p.source_name + "-" + vr + ".src.rpm", p.rpm->sourcerpm);
    }
  }
  EXPECT_GE(checked, 2);
}

TEST(RpmCataloger, FindsEveryDirectoryAndFormat) {
  struct Layout {
    std::string path;
    std::string file;
  };
  for (const auto& l : std::vector<Layout>{{"usr/lib/sysimage/rpm/Packages.db", "sle15-bci.Packages.db"},
                                           {"usr/share/rpm/rpmdb.sqlite", "cbl-mariner-2.0.rpmdb.sqlite"},
                                           {"usr/lib/sysimage/rpm/Packages", "libuuid.Packages"}}) {
    SCOPED_TRACE(l.path);
    MemoryFileView fs;
    fs.add_file(l.path, trpm::database_bytes(l.file));
    auto run = catalog(fs);
    ASSERT_TRUE(run.out.ok());
    ASSERT_FALSE(run.out->packages.empty());
    EXPECT_EQ(run.out->packages.front().path, l.path);
  }
}

TEST(RpmCataloger, SymlinkedDirectoryIsReadOnce) {
  MemoryFileView fs;
  fs.add_file("usr/lib/sysimage/rpm/Packages.db", trpm::database_bytes("sle15-bci.Packages.db"));
  fs.add_symlink("var/lib/rpm", "../../usr/lib/sysimage/rpm");
  auto run = catalog(fs);
  ASSERT_TRUE(run.out.ok());
  EXPECT_TRUE(run.warnings.empty()) << run.warnings.front().render();
  auto direct = rpmdb::read_database(trpm::database_bytes("sle15-bci.Packages.db"));
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(run.out->packages.size(), direct->packages.size());
}

TEST(RpmCataloger, PrefersOneDatabaseAndNamesTheOthers) {
  MemoryFileView fs;
  fs.add_file("var/lib/rpm/Packages", trpm::database_bytes("libuuid.Packages"));
  fs.add_file("usr/lib/sysimage/rpm/rpmdb.sqlite", trpm::database_bytes("cbl-mariner-2.0.rpmdb.sqlite"));
  auto run = catalog(fs);
  ASSERT_TRUE(run.out.ok());
  EXPECT_EQ(run.out->packages.size(), trpm::groundtruth("cbl-mariner-2.0").size());
  ASSERT_EQ(run.warnings.size(), 1u);
  EXPECT_EQ(run.warnings[0].code, "rpm.extra-database");
  EXPECT_EQ(run.warnings[0].where.file, "var/lib/rpm/Packages");
}

TEST(RpmCataloger, NoDatabaseIsNoPackages) {
  MemoryFileView fs;
  fs.add_file("etc/os-release", "ID=debian\n");
  auto run = catalog(fs);
  ASSERT_TRUE(run.out.ok());
  EXPECT_TRUE(run.out->packages.empty());
  EXPECT_FALSE(run.out->partial);
}

TEST(RpmCataloger, UnreadableDatabaseIsAnErrorNamingTheFile) {
  for (std::string bytes : {std::string(), std::string("not a database at all, just text\n"),
                            trpm::database_bytes("libuuid.Packages").substr(0, 300)}) {
    MemoryFileView fs;
    fs.add_file("var/lib/rpm/Packages", bytes);
    auto run = catalog(fs);
    ASSERT_FALSE(run.out.ok());
    EXPECT_EQ(run.out.error().where().file, "var/lib/rpm/Packages");
    EXPECT_NE(run.out.error().render().find("var/lib/rpm/Packages: "), std::string::npos)
        << run.out.error().render();
  }
}

TEST(RpmCataloger, FallsBackWhenThePreferredDatabaseIsBroken) {
  MemoryFileView fs;
  fs.add_file("usr/lib/sysimage/rpm/rpmdb.sqlite", "");
  fs.add_file("var/lib/rpm/Packages", trpm::database_bytes("libuuid.Packages"));
  auto run = catalog(fs);
  ASSERT_TRUE(run.out.ok());
  ASSERT_EQ(run.out->packages.size(), 1u);
  EXPECT_EQ(run.out->packages[0].name, "libuuid");
  EXPECT_TRUE(has_warning(run.warnings, "rpm.unreadable-database"));
  EXPECT_TRUE(run.out->partial);
}

TEST(RpmCataloger, EveryDatabaseBrokenIsOneErrorAndWarningsForTheRest) {
  MemoryFileView fs;
  fs.add_file("usr/lib/sysimage/rpm/rpmdb.sqlite", "SQLite format 3");
  fs.add_file("var/lib/rpm/Packages", trpm::database_bytes("libuuid.Packages").substr(0, 100));
  auto run = catalog(fs);
  ASSERT_FALSE(run.out.ok());
  EXPECT_EQ(run.out.error().where().file, "usr/lib/sysimage/rpm/rpmdb.sqlite");
  ASSERT_EQ(run.warnings.size(), 1u);
  EXPECT_EQ(run.warnings[0].code, "rpm.unreadable-database");
  EXPECT_EQ(run.warnings[0].where.file, "var/lib/rpm/Packages");
}

TEST(RpmCataloger, SymlinkLoopIsAWarning) {
  MemoryFileView fs;
  fs.add_symlink("var/lib/rpm/Packages", "Packages.db");
  fs.add_symlink("var/lib/rpm/Packages.db", "Packages");
  fs.add_file("usr/share/rpm/Packages", trpm::database_bytes("libuuid.Packages"));
  auto run = catalog(fs);
  ASSERT_TRUE(run.out.ok());
  EXPECT_EQ(run.out->packages.size(), 1u);
  EXPECT_TRUE(run.out->partial);
  EXPECT_TRUE(has_warning(run.warnings, "rpm.unreadable-file"));
}

TEST(RpmCataloger, DamagedRecordsGiveWarningsAndPartial) {
  // A truncated BerkeleyDB file: the records on lost pages are missing.
  const std::string& good = trpm::database_bytes("centos7-plain.Packages.xz");
  MemoryFileView fs;
  fs.add_file("var/lib/rpm/Packages", good.substr(0, good.size() / 2));
  auto run = catalog(fs);
  ASSERT_TRUE(run.out.ok());
  EXPECT_TRUE(run.out->partial);
  EXPECT_TRUE(has_warning(run.warnings, "rpm.corrupt-database"));
  EXPECT_LT(run.out->packages.size(), trpm::groundtruth("centos7-plain").size());
  for (const auto& w : run.warnings) EXPECT_EQ(w.where.file, "var/lib/rpm/Packages");

  // A header whose NAME entry points outside its data: that one package is dropped.
  std::string bad = trpm::database_bytes("cbl-mariner-2.0.rpmdb.sqlite");
  auto blobs = rpmdb::read_blobs(bad);
  ASSERT_TRUE(blobs.ok());
  const std::string& victim = blobs->headers.at(5).blob;
  size_t at = bad.find(victim.substr(0, 64));
  ASSERT_NE(at, std::string::npos);
  for (int i = 0; i < 4; ++i) bad[at + 8 + 8 + i] = '\xff';  // first index entry's offset
  MemoryFileView fs2;
  fs2.add_file("var/lib/rpm/rpmdb.sqlite", bad);
  auto run2 = catalog(fs2);
  ASSERT_TRUE(run2.out.ok());
  EXPECT_TRUE(run2.out->partial);
  EXPECT_TRUE(has_warning(run2.warnings, "rpm.corrupt-header"));
  EXPECT_EQ(run2.out->packages.size(), blobs->headers.size() - 1);
}

TEST(RpmCataloger, PendingWriteAheadLogIsFlagged) {
  MemoryFileView fs;
  fs.add_file("var/lib/rpm/rpmdb.sqlite", trpm::database_bytes("cbl-mariner-2.0.rpmdb.sqlite"));
  fs.add_file("var/lib/rpm/rpmdb.sqlite-wal", "");
  auto clean = catalog(fs);
  ASSERT_TRUE(clean.out.ok());
  EXPECT_FALSE(clean.out->partial);
  fs.add_file("var/lib/rpm/rpmdb.sqlite-wal", std::string(4096, '\1'));
  auto pending = catalog(fs);
  ASSERT_TRUE(pending.out.ok());
  EXPECT_TRUE(pending.out->partial);
  EXPECT_TRUE(has_warning(pending.warnings, "rpm.sqlite-wal-ignored"));
  EXPECT_EQ(pending.out->packages.size(), clean.out->packages.size());
}

}  // namespace
}  // namespace dagda
