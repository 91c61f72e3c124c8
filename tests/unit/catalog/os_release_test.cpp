// OS detection on real release files: every Alpine minirootfs, the Alpine
// images of the shared data and this Debian machine's own files. Oracles:
// Debian's python3-distro (it parses os-release and "NAME release X" files on
// its own), distro-info-data's release tables, lsb_release and /bin/sh for
// the shell quoting rules.
#include "catalog/os_release.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "layers/memory_view.hpp"
#include "support/testdata.hpp"

namespace dagda {
namespace {

namespace fs = std::filesystem;
using test::run_command;
using test::slurp;
using test::test_scratch;
using test::testdata;

void spit(const std::string& path, std::string_view data) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string part;
  while (std::getline(in, part, sep)) out.push_back(part);
  return out;
}

const std::vector<std::string> kReleasePaths = {
    "etc/os-release",  "usr/lib/os-release", "etc/alpine-release", "etc/debian_version",
    "etc/lsb-release", "etc/redhat-release", "etc/system-release", "etc/centos-release",
};

// The release files under a root directory, as a layer walk would capture them.
MemoryFileView view_of_root(const std::string& root) {
  MemoryFileView view;
  for (const auto& rel : kReleasePaths) {
    fs::path p = fs::path(root) / rel;
    std::error_code ec;
    if (fs::is_symlink(p, ec))
      view.add_symlink(rel, fs::read_symlink(p).string());
    else if (fs::is_regular_file(p, ec))
      view.add_file(rel, slurp(p.string()));
  }
  return view;
}

std::optional<OsInfo> detect(const FileView& view, std::vector<Warning>* warnings = nullptr) {
  Diagnostics diag;
  auto info = detect_os(view, diag);
  if (warnings) *warnings = diag.take_all();
  return info;
}

// What python3-distro reads from the root directory `root`.
std::map<std::string, std::string> distro_oracle(const std::string& root) {
  const std::string script =
      "import sys, distro\n"
      "d = distro.LinuxDistribution(root_dir=sys.argv[1], include_lsb=False, include_uname=False)\n"
      "o = d.os_release_info()\n"
      "r = d.distro_release_info()\n"
      "for k, v in [('id', d.id()), ('codename', d.codename()), ('name', o.get('name', '')),\n"
      "             ('version_id', o.get('version_id', '')), ('version', o.get('version', '')),\n"
      "             ('pretty_name', o.get('pretty_name', '')), ('id_like', o.get('id_like', '')),\n"
      "             ('release_id', r.get('id', '')), ('release_name', r.get('name', '')),\n"
      "             ('release_version', r.get('version_id', '')), ('release_codename', r.get('codename', "
      "''))]:\n"
      "    print(k + '\\t' + v.replace('\\n', ' '))\n";
  std::string file = test_scratch("os-distro-oracle") + "/oracle.py";
  spit(file, script);
  int status = 0;
  std::string out = run_command("/usr/bin/python3 '" + file + "' '" + root + "'", &status);
  EXPECT_EQ(status, 0) << "python3-distro is needed (Debian package python3-distro)";
  std::map<std::string, std::string> m;
  for (const auto& line : split(out, '\n')) {
    auto tab = line.find('\t');
    if (tab != std::string::npos) m[line.substr(0, tab)] = line.substr(tab + 1);
  }
  return m;
}

void expect_matches_distro(const OsInfo& info, const std::map<std::string, std::string>& d) {
  EXPECT_EQ(info.family, d.at("id"));
  EXPECT_EQ(info.name, d.at("name"));
  EXPECT_EQ(info.version_id, d.at("version_id"));
  EXPECT_EQ(info.version, d.at("version"));
  EXPECT_EQ(info.pretty_name, d.at("pretty_name"));
  EXPECT_EQ(info.codename, d.at("codename"));
  std::string like;
  for (const auto& l : info.id_like) like += (like.empty() ? "" : " ") + l;
  EXPECT_EQ(like, d.at("id_like"));
}

std::string first_line(const std::string& s) {
  return s.substr(0, s.find('\n'));
}

TEST(OsRelease, EveryAlpineMinirootfs) {
  std::vector<std::string> tars;
  for (const auto& e : fs::directory_iterator(testdata("pkgdb/alpine-minirootfs")))
    tars.push_back(e.path().string());
  std::sort(tars.begin(), tars.end());
  ASSERT_GE(tars.size(), 18u);
  size_t symlinked = 0;
  for (const auto& tar : tars) {
    SCOPED_TRACE(tar);
    std::string root = test_scratch("os-" + fs::path(tar).filename().string());
    run_command(
        "tar -xzf '" + tar + "' -C '" + root +
        "' --wildcards --no-anchored 'etc/os-release' 'usr/lib/os-release' 'etc/alpine-release' 2>/dev/null");
    ASSERT_TRUE(fs::exists(root + "/etc/alpine-release"));
    if (fs::is_symlink(root + "/etc/os-release")) ++symlinked;
    auto info = detect(view_of_root(root));
    ASSERT_TRUE(info.has_value());
    expect_matches_distro(*info, distro_oracle(root));
    EXPECT_EQ(info->family, "alpine");
    EXPECT_EQ(info->version_id, first_line(slurp(root + "/etc/alpine-release")));
    EXPECT_FALSE(info->source_file.empty());
  }
  EXPECT_GE(symlinked, 1u) << "expected the newest minirootfs to link etc/os-release to usr/lib/os-release";
}

TEST(OsRelease, AlpineImagesOfTheSharedData) {
  size_t seen = 0;
  for (auto name : {"alpine-310.tar.gz", "alpine-311.tar.gz"}) {
    SCOPED_TRACE(name);
    std::string image = testdata(std::string("images/trivy-docker-save/") + name);
    std::string dir = test_scratch(std::string("os-image-") + name);
    int status = 0;
    run_command("tar -xzf '" + image + "' -C '" + dir + "'", &status);
    ASSERT_EQ(status, 0);
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.path().filename() != "layer.tar") continue;
      std::string root = dir + "/root";
      fs::create_directories(root);
      run_command("tar -xf '" + e.path().string() + "' -C '" + root +
                  "' --wildcards --no-anchored 'etc/os-release' 'etc/alpine-release' 2>/dev/null");
      if (!fs::exists(root + "/etc/os-release")) continue;
      auto info = detect(view_of_root(root));
      ASSERT_TRUE(info.has_value());
      expect_matches_distro(*info, distro_oracle(root));
      EXPECT_EQ(info->version_id, first_line(slurp(root + "/etc/alpine-release")));
      ++seen;
    }
  }
  EXPECT_EQ(seen, 2u);
}

// This Debian machine's own release files.
TEST(OsRelease, ThisDebianSystem) {
  ASSERT_TRUE(fs::exists("/etc/os-release") && fs::exists("/etc/debian_version"));
  auto info = detect(view_of_root("/"));
  ASSERT_TRUE(info.has_value());
  expect_matches_distro(*info, distro_oracle("/"));
  EXPECT_EQ(info->family, "debian");
  EXPECT_FALSE(info->codename.empty());
}

// debian_version alone (no os-release): the release from distro-info-data's table.
std::map<std::string, std::string> csv_column(const std::string& file, size_t column) {
  std::map<std::string, std::string> out;  // version -> the column's value
  std::string text = slurp(file);
  EXPECT_FALSE(text.empty()) << file << " (Debian package distro-info-data) is needed";
  for (const auto& line : split(text, '\n')) {
    auto f = split(line, ',');
    if (f.size() <= column || f[0] == "version") continue;
    out[f[0]] = f[column];
  }
  return out;
}

// version -> series ("bookworm")
std::map<std::string, std::string> csv_series(const std::string& file) {
  return csv_column(file, 2);
}

TEST(OsRelease, DebianVersionFileAgainstDistroInfo) {
  auto series = csv_series("/usr/share/distro-info/debian.csv");
  ASSERT_GE(series.size(), 20u);
  // This machine's real debian_version.
  MemoryFileView host;
  std::string host_version = first_line(slurp("/etc/debian_version"));
  host.add_file("etc/debian_version", host_version + "\n");
  auto info = detect(host);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->family, "debian");
  EXPECT_EQ(info->codename, series[host_version.substr(0, host_version.find('.'))]) << host_version;

  size_t checked = 0;
  for (const auto& [version, name] : series) {
    SCOPED_TRACE(version + " " + name);
    if (version.empty()) {
      // sid and experimental have no number: "name/sid" is what their debian_version says.
      MemoryFileView v;
      v.add_file("etc/debian_version", name + "/sid\n");
      auto i = detect(v);
      ASSERT_TRUE(i.has_value());
      EXPECT_EQ(i->codename, name);
      EXPECT_EQ(i->version_id, "");
      continue;
    }
    for (const std::string& text : {version, version + ".4", version + ".10"}) {
      MemoryFileView v;
      v.add_file("etc/debian_version", text + "\n");
      auto i = detect(v);
      ASSERT_TRUE(i.has_value());
      EXPECT_EQ(i->family, "debian");
      EXPECT_EQ(i->codename, name) << text;
      EXPECT_EQ(i->version_id, version) << text;
      EXPECT_EQ(i->version, text);
    }
    // The testing suite's "bookworm/sid" form, for each release.
    MemoryFileView t;
    t.add_file("etc/debian_version", name + "/sid\n");
    EXPECT_EQ(detect(t)->codename, name);
    ++checked;
  }
  EXPECT_GE(checked, 20u);
}

// This machine's os-release with its codename removed: the codename comes back
// from VERSION, from the release table, or from debian_version.
TEST(OsRelease, DebianCodenameDerived) {
  std::string os = slurp("/usr/lib/os-release");
  std::string without;
  for (const auto& line : split(os, '\n'))
    if (!line.starts_with("VERSION_CODENAME=")) without += line + "\n";
  ASSERT_NE(without, os);
  auto original = detect(view_of_root("/"));
  ASSERT_TRUE(original.has_value());

  std::string root = test_scratch("os-debian-nocodename");
  spit(root + "/etc/os-release", without);
  auto a = detect(view_of_root(root));
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->codename, original->codename);
  EXPECT_EQ(a->codename, distro_oracle(root).at("codename"));

  // Neither VERSION nor VERSION_CODENAME: the table gives it from VERSION_ID.
  std::string bare;
  for (const auto& line : split(without, '\n'))
    if (!line.starts_with("VERSION=")) bare += line + "\n";
  MemoryFileView b;
  b.add_file("etc/os-release", bare);
  EXPECT_EQ(detect(b)->codename, original->codename);

  // No VERSION_ID either (testing and unstable): debian_version gives the codename.
  std::string testing;
  for (const auto& line : split(bare, '\n'))
    if (!line.starts_with("VERSION_ID=")) testing += line + "\n";
  MemoryFileView t;
  t.add_file("etc/os-release", testing);
  t.add_file("etc/debian_version", "trixie/sid\n");
  auto ti = detect(t);
  ASSERT_TRUE(ti.has_value());
  EXPECT_EQ(ti->codename, "trixie");
  EXPECT_EQ(ti->version_id, "");
}

// Ubuntu os-release files made from this machine's by changing ID and VERSION_ID
// and dropping the codename: the codename from distro-info-data's ubuntu.csv.
TEST(OsRelease, UbuntuCodenameFromVersionAgainstDistroInfo) {
  auto series = csv_series("/usr/share/distro-info/ubuntu.csv");
  ASSERT_GE(series.size(), 40u);
  std::string base;
  for (const auto& line : split(slurp("/usr/lib/os-release"), '\n'))
    if (!line.starts_with("ID=") && !line.starts_with("VERSION") && !line.starts_with("ID_LIKE="))
      base += line + "\n";
  for (const auto& [version, name] : series) {
    std::string v = version.substr(0, version.find(' '));  // "18.04 LTS" -> "18.04"
    MemoryFileView view;
    view.add_file("etc/os-release", base + "ID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"" + v + "\"\n");
    view.add_file("etc/debian_version", "bookworm/sid\n");  // Ubuntu's names Debian's: never used
    auto info = detect(view);
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->family, "ubuntu");
    EXPECT_EQ(info->codename, name) << v;
  }
  // Without VERSION_ID, the codename comes from VERSION, in both of the forms
  // Ubuntu has used: "16.04.7 LTS (Xenial Xerus)" and "14.04.6 LTS, Trusty Tahr".
  auto full_names = csv_column("/usr/share/distro-info/ubuntu.csv", 1);
  for (const auto& [version, name] : series) {
    for (const std::string& text :
         {version + " (" + full_names[version] + ")", version + ", " + full_names[version]}) {
      MemoryFileView view;
      view.add_file("etc/os-release", base + "ID=ubuntu\nVERSION=\"" + text + "\"\n");
      auto info = detect(view);
      ASSERT_TRUE(info.has_value());
      EXPECT_EQ(info->codename, name) << text;
    }
  }
}

// lsb-release written from this machine's lsb_release output, as Ubuntu keeps it.
TEST(OsRelease, LsbReleaseFromLsbReleaseTool) {
  int status = 0;
  std::string id = first_line(run_command("lsb_release -si", &status));
  ASSERT_EQ(status, 0) << "lsb_release (Debian package lsb-release) is needed";
  std::string release = first_line(run_command("lsb_release -sr"));
  std::string codename = first_line(run_command("lsb_release -sc"));
  std::string description = first_line(run_command("lsb_release -sd"));
  MemoryFileView view;
  view.add_file("etc/lsb-release", "DISTRIB_ID=" + id + "\nDISTRIB_RELEASE=" + release +
                                       "\nDISTRIB_CODENAME=" + codename + "\nDISTRIB_DESCRIPTION=\"" +
                                       description + "\"\n");
  auto info = detect(view);
  ASSERT_TRUE(info.has_value());
  std::string lower_id = id;
  std::transform(lower_id.begin(), lower_id.end(), lower_id.begin(), ::tolower);
  EXPECT_EQ(info->family, lower_id);
  EXPECT_EQ(info->version_id, release);
  EXPECT_EQ(info->codename, codename);
  EXPECT_EQ(info->pretty_name, description);
  EXPECT_EQ(info->source_file, "etc/lsb-release");
}

// "NAME release VERSION (CODENAME)" files, with the versions of the CentOS
// rpm databases' centos-release packages (groundtruth/rpm-qa); python3-distro
// parses the same line (it reads only etc/centos-release-style names, so the
// oracle always gets the line under that name).
TEST(OsRelease, RedHatStyleReleaseFilesAgreeWithPythonDistro) {
  const std::vector<std::pair<std::string, std::string>> files = {
      {"etc/centos-release", "CentOS release 6.10 (Final)"},
      {"etc/centos-release", "CentOS Linux release 7.6.1810 (Core)"},
      {"etc/redhat-release", "CentOS Linux release 8.2.2004 (Core)"},
      {"etc/system-release", "CentOS release 5.11 (Final)"},
  };
  for (const auto& [path, line] : files) {
    SCOPED_TRACE(line);
    std::string root = test_scratch("os-redhat-style");
    spit(root + "/etc/centos-release", line + "\n");
    auto d = distro_oracle(root);
    ASSERT_FALSE(d.at("release_version").empty());
    MemoryFileView view;
    view.add_file(path, line + "\n");
    auto info = detect(view);
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->family, "centos");
    EXPECT_EQ(info->name, d.at("release_name"));
    EXPECT_EQ(info->version_id, d.at("release_version"));
    std::string codename = d.at("release_codename");
    std::transform(codename.begin(), codename.end(), codename.begin(), ::tolower);
    EXPECT_EQ(info->codename, codename);
    EXPECT_EQ(info->pretty_name, line);
    EXPECT_EQ(info->source_file, path);
  }
}

// --- quoting ---------------------------------------------------------------

// What /bin/sh makes of an assignment file this test wrote.
std::string sh_value(const std::string& file, const std::string& key) {
  return run_command("env -i /bin/sh -c '. \"$0\"; printf %s \"$" + key + "\"' '" + file + "'");
}

// Every assignment of a real os-release re-written in each shell quoting
// style, with shell-special characters added to PRETTY_NAME: /bin/sh and
// detect_os must read the same values.
TEST(OsRelease, QuotingStylesReadAsTheShellReadsThem) {
  std::vector<std::string> sources = {"/usr/lib/os-release"};
  std::string alpine_root = test_scratch("os-quoting-alpine");
  run_command("tar -xzf '" + testdata("pkgdb/alpine-minirootfs/alpine-minirootfs-3.19.4-x86_64.tar.gz") +
              "' -C '" + alpine_root + "' ./etc/os-release");
  sources.push_back(alpine_root + "/etc/os-release");
  for (const auto& src : sources) {
    SCOPED_TRACE(src);
    std::string plain_file = test_scratch("os-quoting-plain") + "/os-release";
    std::vector<std::pair<std::string, std::string>> vars;
    std::string original = slurp(src);
    ASSERT_FALSE(original.empty());
    spit(plain_file, original);
    for (const auto& line : split(original, '\n')) {
      auto eq = line.find('=');
      if (eq == std::string::npos || line[0] == '#') continue;
      std::string key = line.substr(0, eq);
      std::string value = sh_value(plain_file, key);
      if (key == "PRETTY_NAME") value += " $HOME \"q\" \\ `x` 'y' #z";
      vars.emplace_back(key, value);
    }
    auto single = [](const std::string& v) {
      std::string o = "'";
      for (char c : v) o += c == '\'' ? std::string("'\\''") : std::string(1, c);
      return o + "'";
    };
    auto dquote = [](const std::string& v) {
      std::string o = "\"";
      for (char c : v)
        o += (c == '"' || c == '\\' || c == '$' || c == '`') ? std::string("\\") + c : std::string(1, c);
      return o + "\"";
    };
    auto bare = [](const std::string& v) {
      std::string o;
      for (char c : v)
        o += isalnum(static_cast<unsigned char>(c)) ? std::string(1, c) : std::string("\\") + c;
      return o;
    };
    for (auto style : {+single, +dquote, +bare}) {
      std::string text = "# written by the test\n\n";
      for (const auto& [k, v] : vars) text += k + "=" + style(v) + "\r\n";
      std::string file = test_scratch("os-quoting-styled") + "/os-release";
      spit(file, text);
      MemoryFileView view;
      view.add_file("etc/os-release", text);
      std::vector<Warning> warnings;
      auto info = detect(view, &warnings);
      ASSERT_TRUE(info.has_value()) << text;
      EXPECT_TRUE(warnings.empty());
      std::string text_lf = text;
      std::erase(text_lf, '\r');
      spit(file, text_lf);
      EXPECT_EQ(info->pretty_name, sh_value(file, "PRETTY_NAME")) << text;
      EXPECT_EQ(info->name, sh_value(file, "NAME"));
      EXPECT_EQ(info->version_id, sh_value(file, "VERSION_ID"));
      EXPECT_EQ(info->family, sh_value(file, "ID"));
      EXPECT_NE(info->pretty_name.find("$HOME \"q\" \\ `x` 'y' #z"), std::string::npos) << info->pretty_name;
    }
  }
}

// --- damaged and hostile input -------------------------------------------

std::string host_os_release() {
  return slurp("/usr/lib/os-release");
}

TEST(OsRelease, NothingToGoOn) {
  MemoryFileView empty;
  EXPECT_FALSE(detect(empty).has_value());
  MemoryFileView blank;
  blank.add_file("etc/os-release", "");
  blank.add_file("etc/debian_version", "\n");
  EXPECT_FALSE(detect(blank).has_value());
}

TEST(OsRelease, FallsBackPastDamagedFiles) {
  // A symlink loop at etc/os-release: warned about, usr/lib/os-release is used.
  MemoryFileView loop;
  loop.add_symlink("etc/os-release", "os-release");
  loop.add_file("usr/lib/os-release", host_os_release());
  std::vector<Warning> w;
  auto a = detect(loop, &w);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->family, "debian");
  EXPECT_EQ(a->source_file, "usr/lib/os-release");
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].code, "os.unreadable-file");

  // A huge os-release (a binary): ignored with a warning; alpine-release decides.
  MemoryFileView huge;
  huge.add_file("etc/os-release", slurp("/bin/ls"));
  huge.add_file("etc/alpine-release", "3.19.4\n");
  auto b = detect(huge, &w);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->family, "alpine");
  EXPECT_EQ(b->version_id, "3.19.4");
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].code, "os.file-too-large");

  // An os-release without ID is not enough.
  std::string no_id;
  for (const auto& line : split(host_os_release(), '\n'))
    if (!line.starts_with("ID=")) no_id += line + "\n";
  MemoryFileView c;
  c.add_file("etc/os-release", no_id);
  c.add_file("usr/lib/os-release", host_os_release());
  EXPECT_EQ(detect(c)->source_file, "usr/lib/os-release");
}

TEST(OsRelease, MalformedLinesAreWarnedOnceAndSkipped) {
  std::string text = host_os_release();
  text.insert(0, "NAME=\"unterminated\nnot an assignment\n9KEY=x\n");
  MemoryFileView view;
  view.add_file("etc/os-release", text);
  std::vector<Warning> w;
  auto info = detect(view, &w);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->family, "debian");
  EXPECT_EQ(info->name, "Debian GNU/Linux");
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].code, "os.malformed-line");
  EXPECT_EQ(w[0].where.line, 1u);
  EXPECT_NE(w[0].message.find("3 lines"), std::string::npos) << w[0].message;
}

TEST(OsRelease, TruncatedAndGarbage) {
  std::string text = host_os_release();
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    MemoryFileView view;
    view.add_file("etc/os-release", text.substr(0, cut));
    view.add_file("etc/debian_version", first_line(slurp("/etc/debian_version")).substr(0, cut % 6));
    auto info = detect(view);
    EXPECT_TRUE(!info || !info->family.empty());
  }
  std::mt19937 rng(3);
  std::string elf = slurp("/bin/ls");
  for (int round = 0; round < 200; ++round) {
    MemoryFileView view;
    for (const auto& path : kReleasePaths) {
      size_t off = rng() % (elf.size() - 4096);
      view.add_file(path, elf.substr(off, rng() % 4096));
    }
    (void)detect(view);
  }
}

TEST(OsRelease, WantsTheReleaseFiles) {
  for (const auto& p : kReleasePaths) EXPECT_TRUE(os_release_wants(p)) << p;
  EXPECT_FALSE(os_release_wants("etc/passwd"));
  EXPECT_FALSE(os_release_wants("/etc/os-release"));
  EXPECT_FALSE(os_release_wants("usr/etc/os-release"));
}

}  // namespace
}  // namespace dagda
