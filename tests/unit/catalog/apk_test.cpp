// The apk cataloger on every real Alpine minirootfs and installed database.
// Debian 12 has no apk-tools, so the oracle is a separate reading of the same
// file by awk (paragraph mode, one record per package) and, for owned files,
// the minirootfs tarball's own listing.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "catalog/cataloger.hpp"
#include "layers/memory_view.hpp"
#include "support/testdata.hpp"

namespace dagda::catalogers {
extern const CatalogerInfo apk;
}

namespace dagda {
namespace {

namespace fs = std::filesystem;
using test::run_command;
using test::slurp;
using test::test_scratch;
using test::testdata;

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

std::vector<std::string> files_in(const std::string& dir, std::string_view suffix) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(testdata(dir)))
    if (e.path().string().ends_with(suffix)) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// name, version, arch, source name, license
using Key = std::tuple<std::string, std::string, std::string, std::string, std::string>;

struct Oracle {
  std::set<Key> packages;
  size_t records = 0;  // records with a P: line, valid or not
  size_t files = 0;    // R: lines of the valid records
};

// awk in paragraph mode: a record per package; the first P:, V:, A:, o:, L: of each.
Oracle awk_oracle(const std::string& path) {
  const std::string prog =
      "BEGIN { RS = \"\"; FS = \"\\n\" }\n"
      "{ n = v = a = o = l = \"\"; r = 0; p = 0\n"
      "  for (i = 1; i <= NF; i++) {\n"
      "    k = substr($i, 1, 2); x = substr($i, 3)\n"
      "    if (k == \"P:\") { p = 1; if (n == \"\") n = x }\n"
      "    else if (k == \"V:\" && v == \"\") v = x\n"
      "    else if (k == \"A:\" && a == \"\") a = x\n"
      "    else if (k == \"o:\" && o == \"\") o = x\n"
      "    else if (k == \"L:\" && l == \"\") l = x\n"
      "    else if (k == \"R:\") r++\n"
      "  }\n"
      "  if (p) print \"#\"\n"
      "  if (n != \"\" && v != \"\") print n \"\\t\" v \"\\t\" a \"\\t\" (o == \"\" ? n : o) \"\\t\" l "
      "\"\\t\" r\n"
      "}\n";
  std::string prog_file = test_scratch("apk-awk") + "/oracle.awk";
  std::ofstream(prog_file) << prog;
  int status = 0;
  std::string out = run_command("awk -f '" + prog_file + "' '" + path + "'", &status);
  EXPECT_EQ(status, 0);
  Oracle o;
  for (const auto& line : split_lines(out)) {
    if (line == "#") {
      ++o.records;
      continue;
    }
    std::vector<std::string> f;
    std::istringstream ls(line);
    std::string part;
    while (std::getline(ls, part, '\t')) f.push_back(part);
    f.resize(6);
    o.packages.emplace(f[0], f[1], f[2], f[3], f[4]);
    o.files += std::stoul(f[5].empty() ? "0" : f[5]);
  }
  return o;
}

std::set<Key> keys_of(const std::vector<Package>& pkgs) {
  std::set<Key> keys;
  for (const auto& p : pkgs) keys.emplace(p.name, p.version, p.arch, p.source_name, p.license);
  return keys;
}

struct ApkRun {
  bool ok = false;
  std::string error;
  CatalogOutput out;
  std::vector<Warning> warnings;
  bool has(std::string_view code) const {
    return std::any_of(warnings.begin(), warnings.end(), [&](const Warning& w) { return w.code == code; });
  }
};

ApkRun run_apk(const FileView& view) {
  Diagnostics diag;
  CatalogContext ctx{view, nullptr, diag};
  auto res = catalogers::apk.catalog(ctx);
  ApkRun r;
  r.ok = res.ok();
  if (res.ok())
    r.out = std::move(*res);
  else
    r.error = res.error().render();
  r.warnings = diag.take_all();
  return r;
}

ApkRun run_db(std::string_view text, const std::string& path = "lib/apk/db/installed") {
  MemoryFileView view;
  view.add_file(path, std::string(text));
  return run_apk(view);
}

std::string render(const std::vector<Warning>& ws) {
  std::string s;
  for (const auto& w : ws) s += w.render() + "\n";
  return s;
}

size_t file_count(const std::vector<Package>& pkgs) {
  size_t n = 0;
  for (const auto& p : pkgs) n += p.files.size();
  return n;
}

const std::string& alpine321() {
  static const std::string text =
      slurp(testdata("pkgdb/apk-installed/alpine-3.21-apk-tools-query-installed.data"));
  return text;
}

TEST(ApkCatalog, EveryMinirootfsMatchesTheDatabaseAndTheTarball) {
  auto tars = files_in("pkgdb/alpine-minirootfs", ".tar.gz");
  ASSERT_GE(tars.size(), 18u);
  for (const auto& tar : tars) {
    std::string name = fs::path(tar).filename().string();
    SCOPED_TRACE(name);
    std::string dir = test_scratch("apk-" + name);
    int status = 0;
    run_command("tar -xzf '" + tar + "' -C '" + dir + "' --wildcards --no-anchored 'lib/apk/db/installed'",
                &status);
    std::string db = dir + "/lib/apk/db/installed";
    ASSERT_TRUE(fs::exists(db));
    Oracle oracle = awk_oracle(db);
    ASSERT_GE(oracle.packages.size(), 10u);

    ApkRun r = run_db(slurp(db));
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_TRUE(r.warnings.empty()) << render(r.warnings);
    EXPECT_FALSE(r.out.partial);
    EXPECT_EQ(keys_of(r.out.packages), oracle.packages);
    EXPECT_EQ(r.out.packages.size(), oracle.records);
    EXPECT_EQ(file_count(r.out.packages), oracle.files);

    // Every owned file is in the minirootfs.
    std::set<std::string> in_tar;
    for (std::string entry : split_lines(run_command("tar -tzf '" + tar + "'", &status))) {
      if (entry.starts_with("./")) entry.erase(0, 2);
      while (!entry.empty() && entry.back() == '/') entry.pop_back();
      in_tar.insert("/" + entry);
    }
    ASSERT_EQ(status, 0);
    for (const auto& p : r.out.packages) {
      EXPECT_EQ(p.ecosystem, "apk");
      EXPECT_EQ(p.path, "lib/apk/db/installed");
      EXPECT_EQ(p.source_version, p.version);
      EXPECT_FALSE(p.license.empty()) << p.name;
      for (const auto& f : p.files) EXPECT_TRUE(in_tar.contains(f)) << p.name << " owns " << f;
    }
  }
}

TEST(ApkCatalog, EveryInstalledDatabaseFile) {
  auto dbs = files_in("pkgdb/apk-installed", "");
  ASSERT_GE(dbs.size(), 4u);
  size_t invalid_records = 0;
  for (const auto& db : dbs) {
    SCOPED_TRACE(db);
    Oracle oracle = awk_oracle(db);
    ASSERT_FALSE(oracle.packages.empty());
    ApkRun r = run_db(slurp(db));
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(keys_of(r.out.packages), oracle.packages);
    EXPECT_EQ(r.out.packages.size(), oracle.packages.size());
    EXPECT_EQ(file_count(r.out.packages), oracle.files);
    // trivy's file has a package without a version on purpose.
    size_t invalid = oracle.records - oracle.packages.size();
    invalid_records += invalid;
    EXPECT_EQ(r.out.partial, invalid > 0);
    EXPECT_EQ(r.has("apk.missing-version"), invalid > 0) << render(r.warnings);
    EXPECT_EQ(r.warnings.size(), invalid > 0 ? 1u : 0u) << render(r.warnings);
  }
  EXPECT_EQ(invalid_records, 1u);
}

TEST(ApkCatalog, UsrLibLocationAndSymlinkedDatabasesCountOnce) {
  ApkRun usr = run_db(alpine321(), "usr/lib/apk/db/installed");
  ASSERT_TRUE(usr.ok);
  EXPECT_EQ(usr.out.packages.size(), 39u);
  EXPECT_EQ(usr.out.packages[0].path, "usr/lib/apk/db/installed");

  MemoryFileView linked;
  linked.add_file("usr/lib/apk/db/installed", alpine321());
  linked.add_symlink("lib/apk", "../usr/lib/apk");
  ApkRun l = run_apk(linked);
  ASSERT_TRUE(l.ok);
  EXPECT_EQ(l.out.packages.size(), 39u);

  // Two separate copies, the second with one more package: the union, once each.
  std::string first = alpine321().substr(0, alpine321().find("\n\nC:", 2000) + 2);
  MemoryFileView both;
  both.add_file("lib/apk/db/installed", first);
  both.add_file("usr/lib/apk/db/installed", alpine321());
  ApkRun b = run_apk(both);
  ASSERT_TRUE(b.ok);
  EXPECT_EQ(b.out.packages.size(), 39u);
  EXPECT_LT(run_db(first).out.packages.size(), 39u);
}

// --- damaged and hostile input -------------------------------------------

TEST(ApkCatalog, TruncatedAnywhere) {
  const std::string& text = alpine321();
  ApkRun full = run_db(text);
  std::set<std::pair<std::string, std::string>> known;
  for (const auto& p : full.out.packages) known.emplace(p.name, p.version);
  for (size_t i = 1; i < 500; ++i) {
    size_t cut = text.size() * i / 500;
    ApkRun r = run_db(std::string_view(text).substr(0, cut));
    ASSERT_TRUE(r.ok);
    ASSERT_LE(r.out.packages.size(), full.out.packages.size());
    for (size_t j = 0; j + 1 < r.out.packages.size(); ++j)
      EXPECT_TRUE(known.contains({r.out.packages[j].name, r.out.packages[j].version})) << cut;
  }
}

TEST(ApkCatalog, BinaryGarbage) {
  std::string elf = slurp("/bin/ls");
  ASSERT_GT(elf.size(), 10000u);
  ApkRun r = run_db(elf);
  ASSERT_TRUE(r.ok);
  EXPECT_TRUE(r.out.partial);
  EXPECT_TRUE(r.has("apk.malformed-line"));
  EXPECT_LE(r.warnings.size(), 8u) << render(r.warnings);
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    std::string junk(1 + rng() % 20000, '\0');
    for (auto& c : junk) c = static_cast<char>(rng());
    junk.insert(rng() % junk.size(), "\n\nP:musl\nV:1.2.5-r0\nF:lib\nR:x\n");
    ASSERT_TRUE(run_db(junk).ok);
  }
}

TEST(ApkCatalog, MissingSeparatorStillFindsBothPackages) {
  std::string text = alpine321();
  size_t gap = text.find("\n\nC:", 1000);
  ASSERT_NE(gap, std::string::npos);
  text.erase(gap, 1);
  ApkRun r = run_db(text);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.out.packages.size(), 39u);
  EXPECT_TRUE(r.has("apk.missing-separator")) << render(r.warnings);
  EXPECT_TRUE(r.out.partial);
}

TEST(ApkCatalog, CrlfReadsTheSame) {
  std::string crlf;
  for (char c : alpine321()) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  ApkRun a = run_db(alpine321()), b = run_db(crlf);
  ASSERT_TRUE(b.ok);
  EXPECT_EQ(keys_of(b.out.packages), keys_of(a.out.packages));
  EXPECT_EQ(file_count(b.out.packages), file_count(a.out.packages));
  EXPECT_TRUE(b.warnings.empty()) << render(b.warnings);
}

TEST(ApkCatalog, HugeLine) {
  std::string text = alpine321();
  size_t t = text.find("\nT:");
  text.insert(t + 3, std::string(32u << 20, 'y'));
  ApkRun r = run_db(text);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.out.packages.size(), 39u);
  EXPECT_TRUE(r.warnings.empty());
}

TEST(ApkCatalog, DamagedRecords) {
  std::string text = alpine321();
  // A file line before any directory, a record without a name, a duplicated version.
  size_t f = text.find("\nR:");
  size_t record = text.rfind("\n\n", f);
  for (size_t d = text.rfind("\nF:", f); d != std::string::npos && d > record; d = text.rfind("\nF:", d - 1))
    text.replace(d + 1, 2, "X:");
  size_t p = text.find("\nP:", text.find("\n\n", f));
  text.replace(p + 1, 2, "Y:");
  size_t v = text.find("\nV:", p + 10);
  text.insert(text.find('\n', v + 1) + 1, "V:0-r0\n");
  ApkRun r = run_db(text);
  ASSERT_TRUE(r.ok);
  EXPECT_TRUE(r.out.partial);
  for (auto code : {"apk.file-without-dir", "apk.missing-name", "apk.duplicate-field"})
    EXPECT_TRUE(r.has(code)) << code << "\n" << render(r.warnings);
  EXPECT_EQ(r.out.packages.size(), 38u);
  for (const auto& pkg : r.out.packages) EXPECT_NE(pkg.version, "0-r0");
}

TEST(ApkCatalog, UnreadableDatabaseIsAnError) {
  MemoryFileView view;
  view.add_symlink("lib/apk/db/installed", "/lib/apk/db/installed");
  ApkRun r = run_apk(view);
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.error.find("lib/apk/db/installed"), std::string::npos) << r.error;
}

TEST(ApkCatalog, NoDatabaseAndEmptyDatabase) {
  MemoryFileView none;
  ApkRun a = run_apk(none);
  ASSERT_TRUE(a.ok);
  EXPECT_TRUE(a.out.packages.empty());
  ApkRun b = run_db("");
  ASSERT_TRUE(b.ok);
  EXPECT_TRUE(b.out.packages.empty());
  EXPECT_TRUE(b.warnings.empty());
}

TEST(ApkCatalog, WantsOnlyItsFiles) {
  auto wants = catalogers::apk.wants;
  EXPECT_TRUE(wants("lib/apk/db/installed"));
  EXPECT_TRUE(wants("usr/lib/apk/db/installed"));
  EXPECT_FALSE(wants("lib/apk/db/scripts.tar"));
  EXPECT_FALSE(wants("/lib/apk/db/installed"));
  EXPECT_FALSE(wants("etc/apk/world"));
}

}  // namespace
}  // namespace dagda
