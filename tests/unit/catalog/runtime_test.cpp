// The runtime cataloger on real binaries and release files installed on this machine by
// Debian packages (and NodeSource's nodejs): the expected version is the owning package's
// upstream version as dpkg-query reports it, never written here. A runtime whose package is
// not installed is skipped with a message (scripts/install-deps.sh test installs them all).
#include <gtest/gtest.h>

#include <filesystem>

#include "catalog/app.hpp"
#include "catalog/cataloger.hpp"
#include "layers/memory_view.hpp"
#include "support/testdata.hpp"

namespace dagda {
namespace {

namespace fs = std::filesystem;
using test::run_command;
using test::slurp;

// "1:1.35.0-4+deb12u1+b1" -> "1.35.0"; "3.1.7+really3.1.2-0+deb12u1" -> "3.1.2";
// "17.0.15+6-1~deb12u1" -> "17.0.15"; "20.20.2-1nodesource1+repack1" -> "20.20.2".
std::string upstream(std::string v) {
  if (auto c = v.find(':'); c != std::string::npos) v = v.substr(c + 1);
  if (auto d = v.rfind('-'); d != std::string::npos) v = v.substr(0, d);
  if (auto r = v.find("+really"); r != std::string::npos) v = v.substr(r + 7);
  return v.substr(0, v.find_first_of("+~"));
}

// The upstream version of the package that owns `file`; empty when no package does.
std::string owner_version(const std::string& file) {
  int st = 0;
  std::string owner = run_command("dpkg-query -S '" + file + "' 2>/dev/null | head -1 | cut -d: -f1", &st);
  while (!owner.empty() && (owner.back() == '\n' || owner.back() == ' ')) owner.pop_back();
  if (st != 0 || owner.empty()) return {};
  std::string v = run_command("dpkg-query -W -f '${Version}' '" + owner + "'", &st);
  return st == 0 ? upstream(v) : std::string();
}

struct Case {
  const char* file;
  const char* runtime;
};

TEST(RuntimeCataloger, RealBinariesAndReleaseFiles) {
  const Case cases[] = {
      {"/usr/bin/node", "node"},
      {"/usr/bin/python3.11", "python"},
      {"/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0", "python"},
      {"/usr/lib/x86_64-linux-gnu/libruby-3.1.so.3.1.2", "ruby"},
      {"/usr/bin/php8.2", "php"},
      {"/usr/lib/x86_64-linux-gnu/libcrypto.so.3", "openssl"},
      {"/usr/lib/jvm/java-17-openjdk-amd64/release", "openjdk"},
      {"/usr/lib/go-1.19/VERSION", "go"},
      {"/usr/lib/postgresql/15/bin/postgres", "postgresql"},
      {"/bin/busybox", "busybox"},
      {"/usr/sbin/apache2", "httpd"},
      {"/usr/sbin/nginx", "nginx"},
      {"/usr/bin/redis-check-rdb", "redis"},
  };
  int checked = 0;
  for (const Case& c : cases) {
    std::string want = owner_version(c.file);
    if (want.empty() || !fs::is_regular_file(c.file) || fs::is_symlink(c.file)) {
      std::cout << "  skipped: " << c.file << " (not installed by a package here)\n";
      continue;
    }
    SCOPED_TRACE(c.file);
    Diagnostics diag;
    std::string path = std::string(c.file).substr(1);
    ASSERT_TRUE(is_runtime_candidate(path));
    AppParse got = parse_runtime_file(slurp(c.file), path, diag);
    ASSERT_EQ(got.packages.size(), 1u);
    const Package& p = got.packages[0];
    EXPECT_EQ(p.ecosystem, "runtime");
    EXPECT_EQ(p.name, c.runtime);
    EXPECT_EQ(p.version, want);
    EXPECT_EQ(p.path, path);
    EXPECT_EQ(p.cataloger, "runtime");
    EXPECT_NE(p.source_version.find(p.version), std::string::npos) << p.source_version;
    EXPECT_TRUE(diag.take_all().empty());
    ++checked;
  }
  EXPECT_GE(checked, 8) << "too few runtimes installed here to check the cataloger";
}

// Real ELF files under a runtime's name, and text, that hold no version string: nothing.
TEST(RuntimeCataloger, NoVersionStringNoPackage) {
  Diagnostics diag;
  std::string tru = slurp("/bin/true");
  for (const char* name : {"usr/local/bin/node", "usr/local/bin/python3.12", "usr/local/lib/libpython3.12.so.1.0",
                           "usr/local/bin/redis-server", "usr/local/bin/busybox", "usr/local/bin/openssl"}) {
    EXPECT_TRUE(parse_runtime_file(tru, name, diag).packages.empty()) << name;
  }
  // Not an ELF file: binaries' names alone say nothing.
  EXPECT_TRUE(parse_runtime_file("nodejs.org/download/release/v18.0.0/", "usr/local/bin/node", diag).packages.empty());
  // A file called release that is not a JDK's, and a VERSION that is not Go's.
  EXPECT_TRUE(parse_runtime_file("JAVA_VERSION=1.0\n", "srv/release", diag).packages.empty());
  EXPECT_TRUE(parse_runtime_file("NAME=x\nVERSION=2\n", "etc/release", diag).packages.empty());
  EXPECT_TRUE(parse_runtime_file("1.2.3\n", "usr/local/go/VERSION", diag).packages.empty());
  EXPECT_FALSE(is_runtime_candidate("srv/VERSION"));
  EXPECT_FALSE(is_runtime_candidate("usr/bin/python3-config"));
  EXPECT_FALSE(is_runtime_candidate("usr/lib/libpython3.so.txt"));
  EXPECT_TRUE(is_runtime_candidate("usr/local/lib/libpython3.12d.so"));
  // Data named like a runtime, which a first scan of deb-fat walked a layer again for.
  EXPECT_FALSE(is_runtime_candidate("var/lib/dpkg/info/php8.2-cli.md5sums"));
  EXPECT_FALSE(is_runtime_candidate("var/lib/dpkg/alternatives/php"));
  EXPECT_FALSE(is_runtime_candidate("usr/share/bash-completion/completions/openssl"));
  EXPECT_FALSE(is_runtime_candidate("usr/bin/php8.2-cli"));
  EXPECT_TRUE(is_runtime_candidate("usr/bin/php8.2"));
  EXPECT_TRUE(is_runtime_candidate("usr/local/sbin/php-fpm8"));
  EXPECT_TRUE(diag.take_all().empty());
}

// Damaged and hostile input: a truncated real binary, an ELF header claiming tables past its
// end, anchors at the very end of the data, endless digits.
TEST(RuntimeCataloger, HostileInput) {
  Diagnostics diag;
  std::string lib = slurp("/usr/lib/x86_64-linux-gnu/libcrypto.so.3");
  for (size_t cut : {size_t{0}, size_t{4}, size_t{63}, size_t{4096}, lib.size() / 2})
    (void)parse_runtime_file(lib.substr(0, cut), "usr/local/lib/libcrypto.so.3", diag);
  std::string elf = lib.substr(0, 64);
  for (std::string tail : {std::string("OpenSSL "), std::string("OpenSSL 1.1"), std::string("OpenSSL 1.1.1"),
                           "OpenSSL " + std::string(10000, '9') + ".1.1 1 Jan 2020",
                           "OpenSSL 1." + std::string(10000, '.') + " 1 Jan 2020"}) {
    AppParse r = parse_runtime_file(elf + tail, "usr/local/lib/libcrypto.so.3", diag);
    EXPECT_TRUE(r.packages.empty()) << tail.substr(0, 40);
  }
  AppParse ok = parse_runtime_file(elf + std::string("OpenSSL 1.1.1w  11 Sep 2023", 28), "usr/lib/libcrypto.so.1.1", diag);
  ASSERT_EQ(ok.packages.size(), 1u);
  EXPECT_EQ(ok.packages[0].version, "1.1.1w");
  std::string redis = elf + std::string("x\0" "7.2.4\0c11-builtin\0", 20);
  AppParse r = parse_runtime_file(redis, "usr/local/bin/redis-server", diag);
  ASSERT_EQ(r.packages.size(), 1u);
  EXPECT_EQ(r.packages[0].version, "7.2.4");
  EXPECT_TRUE(parse_runtime_file(elf + std::string("\0c11-builtin", 12), "redis-server", diag).packages.empty());
  EXPECT_TRUE(parse_runtime_file(std::string(70000, 'J'), "opt/jdk/release", diag).packages.empty());
}

// The cataloger over an image view: a file an OS package owns is left to that package, the same
// runtime in a binary and its library is one package with both locations.
TEST(RuntimeCataloger, SkipsOwnedFilesAndMergesLocations) {
  std::string lib = slurp("/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0");
  std::string bin = slurp("/usr/bin/python3.11");
  MemoryFileView view;
  view.add_file("usr/local/lib/libpython3.11.so.1.0", lib);
  view.add_file("usr/local/bin/python3.11", bin);
  view.add_file("usr/bin/python3.11", bin);
  view.add_file("etc/hostname", "x\n");
  Diagnostics diag;
  CatalogContext ctx{view, nullptr, diag};
  ctx.os_owned = [](std::string_view p) { return p == "usr/bin/python3.11"; };
  const CatalogerInfo* runtime = nullptr;
  for (const CatalogerInfo& c : all_catalogers())
    if (c.name == "runtime") runtime = &c;
  ASSERT_NE(runtime, nullptr);
  EXPECT_TRUE(runtime->application);
  auto out = runtime->catalog(ctx);
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->packages.size(), 1u);
  const Package& p = out->packages[0];
  EXPECT_EQ(p.name, "python");
  EXPECT_EQ(p.version, owner_version("/usr/bin/python3.11"));
  EXPECT_EQ(p.path, "usr/local/bin/python3.11");
  EXPECT_EQ(p.locations, (std::vector<std::string>{"usr/local/bin/python3.11", "usr/local/lib/libpython3.11.so.1.0"}));
  // Whether it can be matched is the matcher's to say (runtime.not-matched), not the cataloger's.
  EXPECT_TRUE(diag.take_all().empty());
}

}  // namespace
}  // namespace dagda
