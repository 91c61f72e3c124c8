// The dpkg cataloger against dpkg-query on real status databases: the shared
// test data, variants derived from it, and this machine's own dpkg database.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
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
extern const CatalogerInfo dpkg;
}

namespace dagda {
namespace {

namespace fs = std::filesystem;
using test::run_command;
using test::slurp;
using test::test_scratch;
using test::testdata;

void spit(const std::string& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

// The files of a txtar archive: "-- NAME --" marker lines, each followed by the file's lines.
std::map<std::string, std::string> txtar_files(std::string_view text) {
  std::map<std::string, std::string> files;
  std::string* cur = nullptr;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string_view line =
        text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? text.size() : end + 1;
    if (line.starts_with("-- ") && line.ends_with(" --") && line.size() >= 6) {
      std::string_view name = line.substr(3, line.size() - 6);
      while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
      while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
      cur = &files[std::string(name)];
      continue;
    }
    if (cur) {
      cur->append(line);
      cur->push_back('\n');  // a missing final newline counts as present
    }
  }
  return files;
}

// Every status database in the shared data: name -> content.
std::vector<std::pair<std::string, std::string>> real_status_files() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : fs::directory_iterator(testdata("pkgdb/dpkg-status"))) {
    std::string name = e.path().filename().string();
    std::string text = slurp(e.path().string());
    if (name.ends_with(".txtar")) text = txtar_files(text)["var/lib/dpkg/status"];
    out.emplace_back(name, text);
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Row {
  std::string name, version, arch, abbrev, source, source_version;
};

// `dpkg-query -W` on `admindir`.
std::vector<Row> dpkg_query(const std::string& admindir) {
  fs::create_directories(admindir + "/info");
  fs::create_directories(admindir + "/updates");
  int status = 0;
  std::string out = run_command(
      "dpkg-query --admindir='" + admindir +
          "' -W -f '${Package}\\t${Version}\\t${Architecture}\\t${db:Status-Abbrev}\\t${source:Package}\\t"
          "${source:Version}\\n' 2>'" +
          admindir + "/dpkg-query.err'",
      &status);
  EXPECT_EQ(status, 0) << slurp(admindir + "/dpkg-query.err");
  std::vector<Row> rows;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::istringstream ls(line);
    std::string part;
    while (std::getline(ls, part, '\t')) f.push_back(part);
    f.resize(6);
    rows.push_back({f[0], f[1], f[2], f[3], f[4], f[5]});
  }
  return rows;
}

std::vector<Row> dpkg_query_status(std::string_view status_text, const std::string& label) {
  std::string dir = test_scratch(label);
  spit(dir + "/status", status_text);
  return dpkg_query(dir);
}

using Key = std::tuple<std::string, std::string, std::string, std::string, std::string>;

// The rows whose package files are on disk: state letter U, F, W, t or i.
std::set<Key> installed_keys(const std::vector<Row>& rows) {
  std::set<Key> keys;
  for (const auto& r : rows) {
    if (r.abbrev.size() < 2) {
      ADD_FAILURE() << "bad Status-Abbrev for " << r.name;
      continue;
    }
    if (std::string_view("UFWti").find(r.abbrev[1]) == std::string_view::npos) continue;
    keys.emplace(r.name, r.version, r.arch, r.source, r.source_version);
  }
  return keys;
}

std::set<Key> keys_of(const std::vector<Package>& pkgs) {
  std::set<Key> keys;
  for (const auto& p : pkgs) keys.emplace(p.name, p.version, p.arch, p.source_name, p.source_version);
  return keys;
}

struct DpkgRun {
  bool ok = false;
  std::string error;
  CatalogOutput out;
  std::vector<Warning> warnings;
  bool has(std::string_view code) const {
    return std::any_of(warnings.begin(), warnings.end(), [&](const Warning& w) { return w.code == code; });
  }
};

DpkgRun run_dpkg(const FileView& view) {
  Diagnostics diag;
  CatalogContext ctx{view, nullptr, diag};
  auto res = catalogers::dpkg.catalog(ctx);
  DpkgRun r;
  r.ok = res.ok();
  if (res.ok())
    r.out = std::move(*res);
  else
    r.error = res.error().render();
  r.warnings = diag.take_all();
  return r;
}

DpkgRun run_status(std::string_view text) {
  MemoryFileView view;
  view.add_file("var/lib/dpkg/status", std::string(text));
  return run_dpkg(view);
}

std::string render(const std::vector<Warning>& ws) {
  std::string s;
  for (const auto& w : ws) s += w.render() + "\n";
  return s;
}

// Stanzas of a status file, without the blank lines between them.
std::vector<std::string> stanzas(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find("\n\n", pos);
    std::string s = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos + 1);
    if (s.find_first_not_of('\n') != std::string::npos) out.push_back(s);
    if (end == std::string::npos) break;
    pos = end + 2;
  }
  return out;
}

std::string join(const std::vector<std::string>& st) {
  std::string out;
  for (const auto& s : st) out += s + "\n";
  return out;
}

// Replaces (or with an empty value, removes) the first line of field `name` in a stanza.
std::string set_field(std::string stanza, std::string_view name, std::string_view value) {
  std::string prefix = std::string(name) + ":";
  size_t at = stanza.find("\n" + prefix);
  size_t start = stanza.starts_with(prefix) ? 0 : (at == std::string::npos ? std::string::npos : at + 1);
  if (start == std::string::npos) return stanza + prefix + " " + std::string(value) + "\n";
  size_t end = stanza.find('\n', start);
  std::string repl = value.empty() ? "" : prefix + " " + std::string(value) + "\n";
  return stanza.replace(start, end - start + 1, repl);
}

std::string field(const std::string& stanza, std::string_view name) {
  std::string prefix = "\n" + std::string(name) + ": ";
  std::string s = "\n" + stanza;
  size_t at = s.find(prefix);
  if (at == std::string::npos) return "";
  size_t end = s.find('\n', at + prefix.size());
  return s.substr(at + prefix.size(), end - at - prefix.size());
}

// Drops a multi-line field (its first line and the continuation lines after it).
std::string drop_field(const std::string& stanza, std::string_view name) {
  std::istringstream in(stanza);
  std::string line, out;
  bool dropping = false;
  while (std::getline(in, line)) {
    if (dropping && (line.starts_with(" ") || line.starts_with("\t"))) continue;
    dropping = line.starts_with(std::string(name) + ":");
    if (!dropping) out += line + "\n";
  }
  return out;
}

const std::string& bookworm() {
  static const std::string text = slurp(testdata("pkgdb/dpkg-status/debian-12.15-bookworm-minbase.status"));
  return text;
}

TEST(DpkgCatalog, SameInstalledSetAsDpkgQueryOnEveryRealStatusFile) {
  auto files = real_status_files();
  ASSERT_GE(files.size(), 6u) << "expected the six status files of pkgdb/dpkg-status";
  for (const auto& [name, text] : files) {
    SCOPED_TRACE(name);
    ASSERT_FALSE(text.empty());
    auto rows = dpkg_query_status(text, "dpkg-real-" + name);
    auto expected = installed_keys(rows);
    ASSERT_FALSE(expected.empty());
    DpkgRun r = run_status(text);
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_TRUE(r.warnings.empty()) << render(r.warnings);
    EXPECT_FALSE(r.out.partial);
    EXPECT_EQ(keys_of(r.out.packages), expected);
    EXPECT_EQ(r.out.packages.size(), expected.size()) << "a package reported twice";
    for (const auto& p : r.out.packages) {
      EXPECT_EQ(p.ecosystem, "deb");
      EXPECT_EQ(p.path, "var/lib/dpkg/status");
      EXPECT_TRUE(p.license.empty());
    }
  }
}

TEST(DpkgCatalog, UbuntuConfigFilesPackageIsLeftOut) {
  std::string text;
  for (auto& [name, t] : real_status_files())
    if (name.ends_with(".txtar")) text = t;
  ASSERT_FALSE(text.empty());
  auto rows = dpkg_query_status(text, "dpkg-ubuntu-rc");
  size_t config_files = 0;
  std::set<std::string> ours;
  for (const auto& p : run_status(text).out.packages) ours.insert(p.name);
  for (const auto& r : rows) {
    if (r.abbrev.size() < 2 || r.abbrev[1] != 'c') continue;
    ++config_files;
    EXPECT_FALSE(ours.contains(r.name)) << r.name;
  }
  EXPECT_EQ(config_files, 1u);
}

// Every dpkg state, a deinstall selection, a "0:" epoch, a lower-case field
// name, a Source with its own version and a stanza without Status, all made by
// editing real stanzas; dpkg-query is the judge.
TEST(DpkgCatalog, StatesAndVersionFormsAsDpkgQueryReadsThem) {
  auto st = stanzas(bookworm());
  ASSERT_GT(st.size(), 20u);
  const std::vector<std::string> states = {"not-installed",    "config-files",    "half-installed",
                                           "unpacked",         "half-configured", "triggers-awaited",
                                           "triggers-pending", "installed"};
  std::vector<std::string> out;
  for (size_t i = 0; i < states.size(); ++i) {
    std::string s = set_field(st[i], "Status", "install ok " + states[i]);
    if (states[i] == "not-installed") s = drop_field(s, "Conffiles");
    if (states[i] == "triggers-awaited") s += "Triggers-Awaited: man-db\n";
    if (states[i] == "triggers-pending") s += "Triggers-Pending: /usr/share/man\n";
    out.push_back(s);
  }
  std::string no_status = drop_field(drop_field(st[8], "Status"), "Conffiles");
  std::string no_status_name = field(no_status, "Package");
  out.push_back(no_status);
  out.push_back(set_field(st[9], "Version", "0:" + field(st[9], "Version")));
  out.push_back(set_field(st[10], "Status", "deinstall ok installed"));
  std::string lower = st[11];
  lower.replace(0, 8, "package:  ");
  out.push_back(lower + "");
  std::string src = st[12];
  std::string src_name = field(src, "Source");
  if (src_name.empty()) src_name = field(src, "Package");
  src_name = src_name.substr(0, src_name.find(' '));
  out.push_back(set_field(src, "Source", src_name + " (0:9.9-1)"));
  out.push_back(set_field(st[13], "Status", "hold reinstreq installed"));
  std::string text = join(out);

  auto rows = dpkg_query_status(text, "dpkg-states");
  std::string abbrevs;
  for (const auto& r : rows) abbrevs += r.abbrev.substr(0, 2) + " ";
  EXPECT_EQ(abbrevs, "ic iH iU iF iW it ii ii ri ii ii hi ")
      << "dpkg-query no longer reads the edits as intended";
  auto expected = installed_keys(rows);
  DpkgRun r = run_status(text);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(keys_of(r.out.packages), expected);
  EXPECT_EQ(r.out.packages.size(), 10u);
  // The stanza without Status is damage: dpkg-query skips it quietly, we say so.
  EXPECT_TRUE(r.has("dpkg.missing-status")) << render(r.warnings);
  EXPECT_EQ(r.warnings.size(), 1u) << render(r.warnings);
  EXPECT_TRUE(r.out.partial);
  for (const auto& p : r.out.packages) EXPECT_NE(p.name, no_status_name);
}

TEST(DpkgCatalog, DistrolessStatusDirectory) {
  auto st = stanzas(bookworm());
  MemoryFileView view;
  std::string all;
  for (size_t i = 0; i < 12; ++i) {
    std::string name = field(st[i], "Package");
    view.add_file("var/lib/dpkg/status.d/" + name, st[i]);
    all += st[i] + "\n";
  }
  // One file with two stanzas, as some distroless images have.
  view.add_file("var/lib/dpkg/status.d/pair", st[12] + "\n" + st[13]);
  all += st[12] + "\n" + st[13] + "\n";
  // distroless keeps NAME.md5sums beside each stanza: not a status file.
  std::string md5 = slurp("/var/lib/dpkg/info/dpkg.md5sums");
  ASSERT_FALSE(md5.empty());
  view.add_file("var/lib/dpkg/status.d/dpkg.md5sums", md5);

  auto expected = installed_keys(dpkg_query_status(all, "dpkg-distroless"));
  ASSERT_EQ(expected.size(), 14u);
  DpkgRun r = run_dpkg(view);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(r.warnings.empty()) << render(r.warnings);
  EXPECT_EQ(keys_of(r.out.packages), expected);
  for (const auto& p : r.out.packages) {
    bool in_pair = p.name == field(st[12], "Package") || p.name == field(st[13], "Package");
    EXPECT_EQ(p.path, "var/lib/dpkg/status.d/" + (in_pair ? std::string("pair") : p.name));
  }
}

TEST(DpkgCatalog, StatusAndStatusDirectoryTogether) {
  auto st = stanzas(bookworm());
  MemoryFileView view;
  view.add_file("var/lib/dpkg/status", join({st.begin(), st.begin() + 5}));
  view.add_file("var/lib/dpkg/status.d/" + field(st[5], "Package"), st[5]);
  DpkgRun r = run_dpkg(view);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.out.packages.size(), 6u);
}

// This machine's own dpkg database (a Debian system), copied with its
// info/*.list files: the package set and every package's owned files against
// `dpkg-query -W` and `dpkg-query -L`.
TEST(DpkgCatalog, OwnedFilesAsDpkgQueryListsThem) {
  ASSERT_TRUE(fs::exists("/var/lib/dpkg/status")) << "the tests run on Debian";
  std::string dir = test_scratch("dpkg-host");
  int status = 0;
  run_command("mkdir -p '" + dir + "/info' && cp /var/lib/dpkg/status '" + dir +
                  "/' && cp /var/lib/dpkg/info/*.list '" + dir + "/info/'" +
                  " && cp /var/lib/dpkg/info/format '" + dir + "/info/'",
              &status);
  ASSERT_EQ(status, 0);
  MemoryFileView view;
  view.add_file("var/lib/dpkg/status", slurp(dir + "/status"));
  // info/format "1" tells dpkg that Multi-Arch: same packages have NAME:ARCH.list files.
  for (const auto& e : fs::directory_iterator(dir + "/info"))
    view.add_file("var/lib/dpkg/info/" + e.path().filename().string(), slurp(e.path().string()));

  auto rows = dpkg_query(dir);
  DpkgRun r = run_dpkg(view);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(r.warnings.empty()) << render(r.warnings);
  EXPECT_EQ(keys_of(r.out.packages), installed_keys(rows));
  ASSERT_GT(r.out.packages.size(), 50u);

  std::string args;
  for (const auto& p : r.out.packages) args += " '" + p.name + ":" + p.arch + "'";
  std::string listed = run_command("dpkg-query --admindir='" + dir + "' -L" + args, &status);
  ASSERT_EQ(status, 0);
  // One section per package, separated by blank lines; lines not starting with
  // '/' are diversion notes.
  std::vector<std::set<std::string>> sections(1);
  std::istringstream in(listed);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty())
      sections.emplace_back();
    else if (line[0] == '/' && line != "/.")
      sections.back().insert(line);
  }
  if (sections.back().empty() && sections.size() > r.out.packages.size()) sections.pop_back();
  ASSERT_EQ(sections.size(), r.out.packages.size());
  size_t with_files = 0, multiarch_same = 0;
  for (size_t i = 0; i < sections.size(); ++i) {
    const auto& p = r.out.packages[i];
    std::set<std::string> ours(p.files.begin(), p.files.end());
    EXPECT_EQ(ours, sections[i]) << p.name;
    if (!ours.empty()) ++with_files;
    if (fs::exists(dir + "/info/" + p.name + ":" + p.arch + ".list")) ++multiarch_same;
  }
  EXPECT_GT(with_files, r.out.packages.size() / 2);
  EXPECT_GT(multiarch_same, 0u) << "no NAME:ARCH.list case on this machine";
}

// --- damaged and hostile input -------------------------------------------

TEST(DpkgCatalog, TruncatedAnywhere) {
  const std::string& text = bookworm();
  DpkgRun full = run_status(text);
  ASSERT_TRUE(full.ok);
  std::set<std::pair<std::string, std::string>> known;
  for (const auto& p : full.out.packages) known.emplace(p.name, p.version);
  std::vector<size_t> cuts;
  for (size_t i = 1; i < 400; ++i) cuts.push_back(text.size() * i / 400);
  for (size_t at = text.find("\n\n"); at != std::string::npos; at = text.find("\n\n", at + 1))
    for (size_t d : {0, 1, 2, 9, 10, 11, 20}) cuts.push_back(at + d);
  for (size_t cut : cuts) {
    if (cut >= text.size()) continue;
    DpkgRun r = run_status(std::string_view(text).substr(0, cut));
    ASSERT_TRUE(r.ok);
    ASSERT_LE(r.out.packages.size(), full.out.packages.size());
    // Only the last stanza can be cut inside its name or version.
    for (size_t i = 0; i + 1 < r.out.packages.size(); ++i)
      EXPECT_TRUE(known.contains({r.out.packages[i].name, r.out.packages[i].version})) << cut;
  }
}

TEST(DpkgCatalog, BinaryGarbage) {
  std::string elf = slurp("/bin/ls");
  ASSERT_GT(elf.size(), 10000u);
  DpkgRun r = run_status(elf);
  ASSERT_TRUE(r.ok);
  EXPECT_TRUE(r.out.packages.empty());
  EXPECT_TRUE(r.out.partial);
  EXPECT_FALSE(r.warnings.empty());
  EXPECT_LE(r.warnings.size(), 8u) << "warnings must be aggregated per code";

  std::mt19937 rng(42);
  for (int round = 0; round < 50; ++round) {
    std::string junk(1 + rng() % 20000, '\0');
    for (auto& c : junk) c = static_cast<char>(rng());
    // Real field lines among the junk.
    junk.insert(rng() % junk.size(), "\nPackage: dash\nStatus: install ok installed\n");
    DpkgRun g = run_status(junk);
    ASSERT_TRUE(g.ok);
  }
}

TEST(DpkgCatalog, HugeLines) {
  auto st = stanzas(bookworm());
  std::string huge(32u << 20, 'x');
  std::string with_long_description = set_field(st[0], "Description", huge);
  DpkgRun r = run_status(with_long_description + "\n" + st[1]);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.out.packages.size(), 2u);
  EXPECT_TRUE(r.warnings.empty());

  DpkgRun bad = run_status(st[0] + "\n" + huge + "\n\n" + st[1]);
  ASSERT_TRUE(bad.ok);
  EXPECT_EQ(bad.out.packages.size(), 2u);
  EXPECT_TRUE(bad.has("dpkg.malformed-line"));
  EXPECT_TRUE(bad.out.partial);
}

TEST(DpkgCatalog, StanzaWithoutPackage) {
  auto st = stanzas(bookworm());
  st[3] = drop_field(st[3], "Package");
  DpkgRun r = run_status(join(st));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.out.packages.size(), st.size() - 1);
  EXPECT_TRUE(r.has("dpkg.missing-package")) << render(r.warnings);
  EXPECT_TRUE(r.out.partial);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].render().find("var/lib/dpkg/status:"), std::string::npos) << r.warnings[0].render();
}

TEST(DpkgCatalog, CrlfLineEndingsReadTheSame) {
  std::string crlf;
  for (char c : bookworm()) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  DpkgRun a = run_status(bookworm());
  DpkgRun b = run_status(crlf);
  ASSERT_TRUE(b.ok);
  EXPECT_EQ(keys_of(b.out.packages), keys_of(a.out.packages));
  EXPECT_TRUE(b.warnings.empty()) << render(b.warnings);
}

TEST(DpkgCatalog, DamagedFieldsAreWarnedAbout) {
  auto st = stanzas(bookworm());
  std::string pkg1 = field(st[1], "Package"), pkg2 = field(st[2], "Package"), pkg3 = field(st[3], "Package");
  st[1] = set_field(st[1], "Status", "install ok flying");
  st[2] = set_field(st[2], "Version", field(st[2], "Version") + "-");
  st[3] = st[3] + "Version: 9\n";
  st[4] = set_field(st[4], "Package", "../../../../etc/passwd");
  st[5] = drop_field(st[5], "Version");
  st[6] = set_field(st[6], "Source", "broken (1.0");
  DpkgRun r = run_status(join(st));
  ASSERT_TRUE(r.ok);
  EXPECT_TRUE(r.out.partial);
  for (auto code : {"dpkg.bad-status", "dpkg.bad-version", "dpkg.duplicate-field", "dpkg.bad-name",
                    "dpkg.missing-version", "dpkg.bad-source"})
    EXPECT_TRUE(r.has(code)) << code << "\n" << render(r.warnings);
  std::map<std::string, const Package*> by_name;
  for (const auto& p : r.out.packages) by_name[p.name] = &p;
  EXPECT_FALSE(by_name.contains(pkg1));
  ASSERT_TRUE(by_name.contains(pkg2));  // kept with its version as written
  EXPECT_TRUE(by_name[pkg2]->version.ends_with("-"));
  ASSERT_TRUE(by_name.contains(pkg3));  // the first Version wins
  EXPECT_NE(by_name[pkg3]->version, "9");
  EXPECT_EQ(r.out.packages.size(), st.size() - 3);
}

TEST(DpkgCatalog, ManyBadLinesGiveOneWarning) {
  std::string junk;
  for (int i = 0; i < 200000; ++i) junk += "not a field\n";
  DpkgRun r = run_status(bookworm() + "\n" + junk);
  ASSERT_TRUE(r.ok);
  // The junk is also a stanza without a Package field.
  ASSERT_EQ(r.warnings.size(), 2u) << render(r.warnings);
  EXPECT_EQ(r.warnings[0].code, "dpkg.malformed-line");
  EXPECT_NE(r.warnings[0].message.find("199999 more"), std::string::npos) << r.warnings[0].message;
  EXPECT_EQ(r.warnings[1].code, "dpkg.missing-package");
  EXPECT_EQ(r.out.packages.size(), run_status(bookworm()).out.packages.size());
}

TEST(DpkgCatalog, UnreadableDatabaseIsAnError) {
  MemoryFileView view;
  view.add_symlink("var/lib/dpkg/status", "status2");
  view.add_symlink("var/lib/dpkg/status2", "status");
  DpkgRun r = run_dpkg(view);
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.error.find("var/lib/dpkg/status"), std::string::npos) << r.error;
}

TEST(DpkgCatalog, NoDatabaseAndEmptyDatabase) {
  MemoryFileView none;
  DpkgRun a = run_dpkg(none);
  ASSERT_TRUE(a.ok);
  EXPECT_TRUE(a.out.packages.empty());
  DpkgRun b = run_status("");
  ASSERT_TRUE(b.ok);
  EXPECT_TRUE(b.out.packages.empty());
  EXPECT_TRUE(b.warnings.empty());
}

TEST(DpkgCatalog, WantsOnlyItsFiles) {
  auto wants = catalogers::dpkg.wants;
  EXPECT_TRUE(wants("var/lib/dpkg/status"));
  EXPECT_TRUE(wants("var/lib/dpkg/status.d/libc6"));
  EXPECT_TRUE(wants("var/lib/dpkg/info/libc6:amd64.list"));
  EXPECT_TRUE(wants("var/lib/dpkg/info/dash.list"));
  EXPECT_FALSE(wants("var/lib/dpkg/status.d/libc6.md5sums"));
  EXPECT_FALSE(wants("var/lib/dpkg/status-old"));
  EXPECT_FALSE(wants("var/lib/dpkg/info/dash.md5sums"));
  EXPECT_FALSE(wants("var/lib/dpkg/info/x/y.list"));
  EXPECT_TRUE(wants("usr/share/doc/dash/copyright"));  // licenses (deb_copyright_test.cpp)
  EXPECT_FALSE(wants("usr/share/doc/dash/changelog.gz"));
  EXPECT_FALSE(wants("/var/lib/dpkg/status"));
}

}  // namespace
}  // namespace dagda
