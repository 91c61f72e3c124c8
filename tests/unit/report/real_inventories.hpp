// tests/unit/report/real_inventories.hpp: Inventories built from real package
// databases in the shared test data, read with the real tools (tar, dpkg-query,
// rpm) rather than with Dagda's own catalogers, so that the report tests do not
// depend on them and no record is typed by hand.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "common/digest.hpp"
#include "inventory/inventory.hpp"
#include "support/testdata.hpp"

namespace dagda::test::report_fixtures {

// A scratch directory of this process (ctest runs test processes side by side),
// removed when done unless the test has failed, so that it can be inspected.
class Scratch {
 public:
  explicit Scratch(const std::string& name) : path_(scratch_dir(name + "-" + std::to_string(::getpid()))) {}
  ~Scratch() {
    if (!::testing::Test::HasFailure()) {
      std::error_code ec;
      std::filesystem::remove_all(path_, ec);
    }
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a command that must succeed; a failure is a test failure naming the command.
inline std::string must_run(const std::string& cmd) {
  int status = 0;
  std::string out = run_command(cmd, &status);
  EXPECT_EQ(status, 0) << "command failed: " << cmd;
  return out;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  return out;
}

inline std::vector<std::string> lines(const std::string& s) {
  auto out = split(s, '\n');
  if (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

// os-release(5): KEY=value lines, values optionally quoted.
inline OsInfo parse_os_release(const std::string& text, const std::string& file) {
  OsInfo os;
  os.source_file = file;
  for (const auto& line : lines(text)) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq), v = line.substr(eq + 1);
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
      v = v.substr(1, v.size() - 2);
    if (key == "ID") os.family = v;
    if (key == "NAME") os.name = v;
    if (key == "VERSION_ID") os.version_id = v;
    if (key == "VERSION") os.version = v;
    if (key == "VERSION_CODENAME") os.codename = v;
    if (key == "PRETTY_NAME") os.pretty_name = v;
    if (key == "ID_LIKE") os.id_like = split(v, ' ');
  }
  return os;
}

// lib/apk/db/installed: "K:value" lines, a blank line between packages.
inline std::vector<Package> parse_apk_installed(const std::string& text) {
  std::vector<Package> out;
  Package cur;
  auto flush = [&] {
    if (!cur.name.empty()) {
      cur.ecosystem = "apk";
      cur.path = "lib/apk/db/installed";
      out.push_back(cur);
    }
    cur = Package{};
  };
  for (const auto& line : lines(text)) {
    if (line.empty()) {
      flush();
      continue;
    }
    if (line.size() < 2 || line[1] != ':') continue;
    std::string v = line.substr(2);
    switch (line[0]) {
      case 'P':
        cur.name = v;
        break;
      case 'V':
        cur.version = v;
        break;
      case 'A':
        cur.arch = v;
        break;
      case 'o':
        cur.source_name = v;
        break;
      case 'L':
        cur.license = v;
        break;
      default:
        break;
    }
  }
  flush();
  return out;
}

inline std::string major_of(const std::string& version) {
  return version.substr(0, version.find_first_of(".-+"));
}

// alpine:3.10 as `docker save` wrote it (trivy's test data): the manifest,
// config and layer are read from the archive, the packages from the layer.
inline Inventory alpine310_image() {
  const std::string rel = "images/trivy-docker-save/alpine-310.tar.gz";
  const Scratch scratch("report-fixture-alpine310");
  const std::string& dir = scratch.path();
  must_run("tar -xzf " + shell_quote(testdata(rel)) + " -C " + shell_quote(dir));
  auto manifest = nlohmann::json::parse(slurp(dir + "/manifest.json"));
  const auto& m = manifest.at(0);
  const std::string config_text = slurp(dir + "/" + m.at("Config").get<std::string>());
  auto config = nlohmann::json::parse(config_text);

  Inventory inv;
  inv.source.input = "docker-archive:" + rel;
  inv.source.kind = "docker-archive";
  inv.source.image_id = "sha256:" + sha256_hex(config_text);
  inv.source.tags = m.at("RepoTags").get<std::vector<std::string>>();
  inv.source.os = config.at("os");
  inv.source.architecture = config.at("architecture");
  std::vector<std::string> created_by;
  for (const auto& h : config.at("history")) {
    if (!h.value("empty_layer", false)) created_by.push_back(h.value("created_by", ""));
  }
  const auto& diff_ids = config.at("rootfs").at("diff_ids");
  std::vector<std::string> layer_files;
  for (size_t i = 0; i < m.at("Layers").size(); ++i) {
    std::string file = dir + "/" + m.at("Layers").at(i).get<std::string>();
    std::string bytes = slurp(file);
    LayerInfo l;
    l.index = static_cast<int>(i);
    l.digest = "sha256:" + sha256_hex(bytes);
    l.diff_id = diff_ids.at(i);
    l.media_type = "application/vnd.docker.image.rootfs.diff.tar";
    l.size = bytes.size();
    l.created_by = i < created_by.size() ? created_by[i] : "";
    inv.source.layers.push_back(l);
    layer_files.push_back(file);
  }
  const std::string layer = layer_files.at(0);
  inv.os = parse_os_release(must_run("tar -xOf " + shell_quote(layer) + " etc/os-release"), "etc/os-release");
  for (auto& p : parse_apk_installed(must_run("tar -xOf " + shell_quote(layer) + " lib/apk/db/installed"))) {
    p.layer_index = 0;
    p.layer = inv.source.layers[0].diff_id;
    p.created_by = inv.source.layers[0].created_by;
    inv.packages.push_back(std::move(p));
  }
  return inv;
}

// An Alpine minirootfs tarball, as `rootfs-archive:` reads it (no layers).
inline Inventory alpine_minirootfs(const std::string& version) {
  const std::string rel = "pkgdb/alpine-minirootfs/alpine-minirootfs-" + version + "-x86_64.tar.gz";
  const std::string tgz = shell_quote(testdata(rel));
  Inventory inv;
  inv.source.input = "rootfs-archive:" + rel;
  inv.source.kind = "rootfs-archive";
  inv.os = parse_os_release(must_run("tar -xzOf " + tgz + " ./etc/os-release"), "etc/os-release");
  inv.packages = parse_apk_installed(must_run("tar -xzOf " + tgz + " ./lib/apk/db/installed"));
  return inv;
}

// The installed packages of a dpkg status file, as dpkg-query lists them.
inline std::vector<Package> dpkg_query_packages(const std::string& status_file, const std::string& scratch) {
  const Scratch admin_dir(scratch);
  const std::string& admin = admin_dir.path();
  std::filesystem::create_symlink(status_file, admin + "/status");
  std::string out = must_run("dpkg-query --admindir=" + shell_quote(admin) +
                             " -W -f='${db:Status-Abbrev}\\t${Package}\\t${Version}\\t${Architecture}\\t"
                             "${source:Package}\\t${source:Version}\\n'");
  std::vector<Package> pkgs;
  for (const auto& line : lines(out)) {
    auto f = split(line, '\t');
    if (f.size() != 6 || f[0].size() < 2 || f[0][1] != 'i') continue;  // installed only
    Package p;
    p.ecosystem = "deb";
    p.name = f[1];
    p.version = f[2];
    p.arch = f[3];
    p.source_name = f[4];
    p.source_version = f[5];
    p.path = "var/lib/dpkg/status";
    pkgs.push_back(std::move(p));
  }
  return pkgs;
}

inline const Package* find_package(const Inventory& inv, const std::string& name) {
  for (const auto& p : inv.packages) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

// Debian 12 minbase. A status file carries no os-release; the OS is what its
// base-files package (which ships /etc/os-release) says: release = its major version.
inline Inventory debian12_status() {
  const std::string rel = "pkgdb/dpkg-status/debian-12.15-bookworm-minbase.status";
  Inventory inv;
  inv.source.input = "dir:" + rel;
  inv.source.kind = "dir";
  inv.packages = dpkg_query_packages(testdata(rel), "report-fixture-debian12");
  const Package* base = find_package(inv, "base-files");
  EXPECT_NE(base, nullptr);
  OsInfo os;
  os.family = "debian";
  os.version_id = base ? major_of(base->version) : "";
  os.codename = "bookworm";  // named by the data file
  inv.os = os;
  return inv;
}

// Ubuntu 18.04 (trivy's test data, a txtar holding var/lib/dpkg/status).
inline Inventory ubuntu1804_status() {
  const std::string rel = "pkgdb/dpkg-status/trivy-ubuntu1804-valid.txtar";
  const Scratch scratch("report-fixture-ubuntu1804-src");
  const std::string& dir = scratch.path();
  std::string status;
  bool in_status = false;
  for (const auto& line : lines(slurp(testdata(rel)))) {
    if (line.rfind("-- ", 0) == 0) {
      in_status = line == "-- var/lib/dpkg/status --";
      continue;
    }
    if (in_status) status += line + "\n";
  }
  std::ofstream(dir + "/status") << status;
  Inventory inv;
  inv.source.input = "dir:" + rel;
  inv.source.kind = "dir";
  inv.packages = dpkg_query_packages(dir + "/status", "report-fixture-ubuntu1804");
  const Package* keyring = find_package(inv, "ubuntu-keyring");
  EXPECT_NE(keyring, nullptr);
  OsInfo os;
  os.family = "ubuntu";
  os.version_id = "18.04";  // named by the data file
  os.codename = "bionic";
  inv.os = os;
  return inv;
}

// A CentOS BerkeleyDB rpm database, listed by Debian's rpm. `modular_only`
// keeps the packages of modules (with a MODULARITYLABEL), to keep golden files small.
inline Inventory centos_rpmdb(const std::string& name, bool modular_only = false) {
  const std::string rel = "pkgdb/rpmdb/" + name + ".Packages.xz";
  const Scratch scratch("report-fixture-" + name);
  const std::string& dir = scratch.path();
  must_run("xz -dc " + shell_quote(testdata(rel)) + " > " + shell_quote(dir + "/Packages"));
  std::string out = must_run("rpm --dbpath " + shell_quote(dir) +
                             " --define '_db_backend bdb_ro' -qa --qf "
                             "'%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\t%{"
                             "MODULARITYLABEL}\\t%{VENDOR}\\t"
                             "%{LICENSE}\\n' 2>/dev/null");
  Inventory inv;
  inv.source.input = "dir:" + rel;
  inv.source.kind = "dir";
  auto none = [](const std::string& v) { return v == "(none)" ? std::string() : v; };
  for (const auto& line : lines(out)) {
    auto f = split(line, '\t');
    if (f.size() != 9) {
      ADD_FAILURE() << "unexpected rpm output line: " << line;
      continue;
    }
    Package p;
    p.ecosystem = "rpm";
    p.name = f[0];
    RpmFields r;
    if (f[1] != "(none)") r.epoch = std::stoll(f[1]);
    r.version = f[2];
    r.release = f[3];
    r.sourcerpm = none(f[5]);
    r.modularitylabel = none(f[6]);
    r.vendor = none(f[7]);
    p.version = (r.epoch ? std::to_string(*r.epoch) + ":" : "") + r.version + "-" + r.release;
    p.arch = none(f[4]);
    p.license = none(f[8]);
    // "bash-4.2.46-34.el7.src.rpm" -> source package "bash", version "4.2.46-34.el7".
    std::string src = r.sourcerpm;
    if (src.size() > 8 && src.ends_with(".src.rpm")) {
      src.resize(src.size() - 8);
      auto rel_dash = src.rfind('-');
      auto ver_dash = rel_dash == std::string::npos ? std::string::npos : src.rfind('-', rel_dash - 1);
      if (ver_dash != std::string::npos) {
        p.source_name = src.substr(0, ver_dash);
        p.source_version = src.substr(ver_dash + 1);
      }
    }
    p.rpm = r;
    p.path = "var/lib/rpm/Packages";
    if (modular_only && r.modularitylabel.empty() && p.name != "centos-release") continue;
    inv.packages.push_back(std::move(p));
  }
  const Package* release = find_package(inv, "centos-release");
  EXPECT_NE(release, nullptr);
  OsInfo os;
  os.family = "centos";
  os.version_id = release && release->rpm ? major_of(release->rpm->version) : "";
  inv.os = os;
  return inv;
}

struct Fixture {
  std::string name;
  Inventory (*build)();
};

// Every real inventory the golden and schema tests run over.
inline const std::vector<Fixture>& fixtures() {
  static const std::vector<Fixture> kAll = {
      {"alpine-3.10-image", alpine310_image},
      {"alpine-3.19.4-rootfs", [] { return alpine_minirootfs("3.19.4"); }},
      {"debian-12-status", debian12_status},
      {"ubuntu-18.04-status", ubuntu1804_status},
      {"centos-7-rpmdb", [] { return centos_rpmdb("centos7-plain"); }},
      {"centos-8-modules-rpmdb", [] { return centos_rpmdb("centos8-modularitylabel", true); }},
  };
  return kAll;
}

}  // namespace dagda::test::report_fixtures
