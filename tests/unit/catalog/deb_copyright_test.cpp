// Debian copyright files: every copyright file of this machine (a real Debian 12
// system) against python-debian's reading of the machine-readable ones
// (tests/unit/catalog/dep5_oracle.py), the free-text files of a few packages
// every Debian system has against what their text says, the dpkg cataloger
// attaching them (doc folders that are symlinks included), and hostile input.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "catalog/cataloger.hpp"
#include "catalog/deb_copyright.hpp"
#include "layers/memory_view.hpp"
#include "support/testdata.hpp"

namespace dagda::catalogers {
extern const CatalogerInfo dpkg;
}

namespace dagda {
namespace {

namespace fs = std::filesystem;
using test::run_command;
using test::slurp;

struct OracleRow {
  std::string verdict;  // "1" machine-readable, "0" not, "ERR" refused
  std::vector<std::string> names;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

// This machine's copyright files (regular files and through doc-folder symlinks alike).
std::vector<std::string> host_copyright_files() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator("/usr/share/doc")) {
    fs::path f = e.path() / "copyright";
    std::error_code ec;
    if (fs::is_regular_file(f, ec)) out.push_back(f.string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::map<std::string, OracleRow> python_debian(const std::vector<std::string>& files) {
  std::string list = test::test_scratch("dep5") + "/files.txt";
  {
    std::ofstream o(list);
    for (const auto& f : files) o << f << "\n";
  }
  int status = 0;
  std::string out = run_command("/usr/bin/python3 " + test::source_dir() + "/tests/unit/catalog/dep5_oracle.py < '" +
                                    list + "' 2>/dev/null",
                                &status);
  EXPECT_EQ(status, 0) << "python3-debian missing? (scripts/install-deps.sh test)";
  std::map<std::string, OracleRow> rows;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    auto cols = split(line, '\t');
    if (cols.size() != 3) continue;
    OracleRow r;
    r.verdict = cols[1];
    if (r.verdict == "1" && !cols[2].empty()) r.names = split(cols[2], '\x1f');
    rows[cols[0]] = std::move(r);
  }
  return rows;
}

TEST(DebCopyright, MachineReadableFilesAsPythonDebianReadsThem) {
  auto files = host_copyright_files();
  ASSERT_GT(files.size(), 100u) << "the tests run on a Debian system with documentation";
  auto oracle = python_debian(files);
  ASSERT_EQ(oracle.size(), files.size());
  size_t dep5 = 0, free_text = 0, refused = 0, lenient = 0;
  for (const auto& f : files) {
    const OracleRow& o = oracle[f];
    DebCopyright ours = read_deb_copyright(slurp(f));
    if (o.verdict == "ERR") {
      ++refused;
      continue;
    }
    if (o.verdict == "0") {
      ++free_text;
      // python-debian gives up on a DEP-5 file with one stray line; we read the paragraphs around it.
      if (ours.machine_readable) ++lenient;
      continue;
    }
    ++dep5;
    EXPECT_TRUE(ours.machine_readable) << f;
    EXPECT_EQ(ours.names, o.names) << f;
  }
  EXPECT_GT(dep5, 200u);
  EXPECT_GT(free_text, 20u);
  EXPECT_LT(refused, files.size() / 50) << "python-debian refused many files";
  EXPECT_LT(lenient, free_text / 10 + 1);
  std::cout << "[ info ] " << dep5 << " machine-readable, " << free_text << " free-text (" << lenient
            << " read as DEP-5 by us), " << refused << " refused by python-debian\n";
}

// Every package of this machine that has a copyright file gets a license from it.
TEST(DebCopyright, NearlyEveryHostFileNamesALicense) {
  size_t total = 0, named = 0;
  std::vector<std::string> none;
  for (const auto& f : host_copyright_files()) {
    ++total;
    DebCopyright c = read_deb_copyright(slurp(f));
    if (!c.license.empty()) {
      ++named;
    } else {
      none.push_back(fs::path(f).parent_path().filename().string());
    }
  }
  std::string list;
  for (const auto& n : none) list += " " + n;
  EXPECT_GE(named * 100, total * 95) << named << " of " << total << "; without:" << list;
}

// Free-text files of packages every Debian 12 system has, with what their text says
// (read by a person: the notices and the common-licenses files they point to).
TEST(DebCopyright, FreeTextFilesOfEssentialPackages) {
  struct Case {
    const char* package;
    std::vector<std::string> names;
  };
  const Case cases[] = {
      // "either version 2 of the License, or (at your option) any later version"; /usr/share/common-licenses/GPL.
      {"base-files", {"GPL-2+"}},
      // LGPL 2.1 "or (at your option) any later version"; some utilities are under the GPL,
      // "version 2 of the License, or (at your option) any later version".
      {"libc6", {"LGPL-2.1+", "GPL-2+"}},
      // The GPL "either version 2, or (at your option) any later version" (the keyring is GPL).
      {"debian-archive-keyring", {"GPL-2+"}},
  };
  for (const Case& c : cases) {
    std::string path = std::string("/usr/share/doc/") + c.package + "/copyright";
    ASSERT_TRUE(fs::exists(path)) << path;
    DebCopyright r = read_deb_copyright(slurp(path));
    EXPECT_FALSE(r.machine_readable) << c.package;
    EXPECT_EQ(r.names, c.names) << c.package;
  }
}

TEST(DebCopyright, Dep5Forms) {
  // Header License, Files paragraphs, a stand-alone License paragraph (adds nothing), comments,
  // field names in any case, continuation lines, CRLF.
  std::string text =
      "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\r\n"
      "Upstream-Name: x\r\n"
      "License: GPL-2+\r\n"
      "\r\n"
      "# a comment\r\n"
      "files: *\r\n"
      "Copyright: 2000 A\r\n"
      "license: GPL-2+ or  Artistic,\r\n"
      " and BSD-3-clause\r\n"
      "\r\n"
      "Files: debian/*\r\n"
      "License: Expat\r\n"
      " Permission is hereby granted...\r\n"
      " .\r\n"
      " License: not a field\r\n"
      "\r\n"
      "License: Expat\r\n"
      " text\r\n"
      "\r\n"
      "License: Stand-alone-only\r\n";
  DebCopyright r = read_deb_copyright(text);
  EXPECT_TRUE(r.machine_readable);
  EXPECT_EQ(r.names, (std::vector<std::string>{"GPL-2+", "GPL-2+ or Artistic,", "Expat"}));
  EXPECT_EQ(r.license, "GPL-2+ and (GPL-2+ or Artistic,) and Expat");
}

TEST(DebCopyright, OnlyCopyrightFilesOfDocFoldersAreWanted) {
  EXPECT_TRUE(deb_copyright_wants("usr/share/doc/dash/copyright"));
  EXPECT_TRUE(catalogers::dpkg.wants("usr/share/doc/libc6/copyright"));
  EXPECT_FALSE(deb_copyright_wants("usr/share/doc/copyright"));
  EXPECT_FALSE(deb_copyright_wants("usr/share/doc/dash/examples/copyright"));
  EXPECT_FALSE(deb_copyright_wants("usr/share/doc/dash/changelog.gz"));
  EXPECT_FALSE(deb_copyright_wants("usr/local/share/doc/dash/copyright"));
  EXPECT_FALSE(deb_copyright_wants("/usr/share/doc/dash/copyright"));
}

// The dpkg cataloger on this machine's status database and copyright files: each package gets the
// license of its own doc folder, also where the folder is a symlink (libgcc-s1 -> gcc-12-base).
TEST(DebCopyright, DpkgCatalogerAttachesThem) {
  MemoryFileView view;
  view.add_file("var/lib/dpkg/status", slurp("/var/lib/dpkg/status"));
  size_t symlinked = 0;
  for (const auto& e : fs::directory_iterator("/usr/share/doc")) {
    std::string name = e.path().filename().string();
    std::error_code ec;
    if (fs::is_symlink(e.path(), ec)) {
      view.add_symlink("usr/share/doc/" + name, fs::read_symlink(e.path(), ec).string());
      ++symlinked;
    } else if (fs::is_regular_file(e.path() / "copyright", ec)) {
      view.add_file("usr/share/doc/" + name + "/copyright", slurp((e.path() / "copyright").string()));
    }
  }
  Diagnostics diag;
  CatalogContext ctx{view, nullptr, diag};
  auto out = catalogers::dpkg.catalog(ctx);
  ASSERT_TRUE(out.ok());
  ASSERT_GT(out->packages.size(), 50u);
  size_t with = 0, checked_links = 0;
  for (const Package& p : out->packages) {
    fs::path f = fs::path("/usr/share/doc") / p.name / "copyright";
    std::error_code ec;
    if (!fs::exists(f, ec)) {
      EXPECT_EQ(p.license, "") << p.name;
      continue;
    }
    EXPECT_EQ(p.license, read_deb_copyright(slurp(f.string())).license) << p.name;
    with += !p.license.empty();
    if (fs::is_symlink(f.parent_path(), ec)) ++checked_links;
  }
  EXPECT_GT(with, out->packages.size() * 8 / 10);
  if (symlinked) {
    EXPECT_GT(checked_links, 0u);
  }
}

// --- hostile input ------------------------------------------------------

TEST(DebCopyright, TruncatedAnywhereAndGarbage) {
  std::string text = slurp("/usr/share/doc/bash/copyright");
  ASSERT_FALSE(text.empty());
  for (size_t n = 0; n <= text.size(); n += std::max<size_t>(1, text.size() / 300)) {
    DebCopyright r = read_deb_copyright(std::string_view(text).substr(0, n));
    (void)r;
  }
  std::mt19937 rng(7);
  std::string garbage(1 << 20, '\0');
  for (char& c : garbage) c = static_cast<char>(rng());
  EXPECT_NO_FATAL_FAILURE(read_deb_copyright(garbage));
}

TEST(DebCopyright, HugeInputIsBoundedInTime) {
  // Many License fields, one huge line, many mentions of the GPL: all linear.
  std::string many = "Format: x\n\n";
  for (int i = 0; i < 200000; ++i) many += "Files: f\nLicense: L" + std::to_string(i) + "\n\n";
  std::string line(8 << 20, 'a');
  std::string gpl;
  for (int i = 0; i < 100000; ++i) gpl += "GNU General Public License version " + std::to_string(i % 9) + " ";
  auto start = std::chrono::steady_clock::now();
  DebCopyright a = read_deb_copyright(many);
  DebCopyright b = read_deb_copyright(line);
  DebCopyright c = read_deb_copyright(gpl);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LE(a.names.size(), 64u);
  EXPECT_TRUE(b.names.empty());
  EXPECT_LE(c.names.size(), 20u);
  EXPECT_LT(secs, 60.0);  // a hang guard, not a benchmark
}

}  // namespace
}  // namespace dagda
