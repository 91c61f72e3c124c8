// Package databases under the ceilings of docs/limits.md (issue 16, item 2) and reached through
// symlinks inside the image (item 6), on the real databases of ../shared/data.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>

#include "catalog/cataloger.hpp"
#include "catalog/driver.hpp"
#include "layers/memory_view.hpp"
#include "support/testdata.hpp"

namespace dagda::catalogers {
extern const CatalogerInfo dpkg, apk, rpm;
}

namespace dagda {
namespace {

namespace fs = std::filesystem;
using test::slurp;
using test::testdata;

const char* kDebian = "pkgdb/dpkg-status/debian-12.15-bookworm-minbase.status";
const char* kAlpine = "pkgdb/apk-installed/alpine-3.21-apk-tools-query-installed.data";
const char* kMariner = "pkgdb/rpmdb/cbl-mariner-2.0.rpmdb.sqlite";

struct CatalogRun {
  CatalogOutput out;
  std::vector<Warning> warnings;
};

CatalogRun run(const CatalogerInfo& c, const FileView& view, size_t max_packages, size_t max_files = SIZE_MAX) {
  Diagnostics diag;
  CatalogContext ctx{view, nullptr, diag};
  ctx.max_packages = max_packages;
  ctx.max_files = max_files;
  auto out = c.catalog(ctx);
  EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().render());
  return {out.ok() ? std::move(out).value() : CatalogOutput{}, diag.take_all()};
}

void spit(const std::string& path, std::string_view data) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

TEST(Ceilings, EachDatabaseStopsListingAtTheCeilingAndCountsTheRest) {
  MemoryFileView deb;
  deb.add_file("var/lib/dpkg/status", slurp(testdata(kDebian)));
  deb.add_file("var/lib/dpkg/info/bash.list", "/.\n/bin\n/bin/bash\n/usr/share/doc/bash\n");
  CatalogRun all = run(catalogers::dpkg, deb, SIZE_MAX);
  ASSERT_GT(all.out.packages.size(), 50u);
  CatalogRun few = run(catalogers::dpkg, deb, 10);
  EXPECT_EQ(few.out.packages.size(), 10u);
  EXPECT_EQ(few.out.dropped_packages, all.out.packages.size() - 10);
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(few.out.packages[i].name, all.out.packages[i].name);
  CatalogRun no_files = run(catalogers::dpkg, deb, SIZE_MAX, 1);
  EXPECT_EQ(no_files.out.dropped_files, 2u);  // /bin kept, /bin/bash and /usr/share/doc/bash counted

  MemoryFileView alpine;
  alpine.add_file("lib/apk/db/installed", slurp(testdata(kAlpine)));
  CatalogRun apk_all = run(catalogers::apk, alpine, SIZE_MAX);
  CatalogRun apk_few = run(catalogers::apk, alpine, 5, 100);
  EXPECT_EQ(apk_few.out.packages.size(), 5u);
  EXPECT_EQ(apk_few.out.dropped_packages, apk_all.out.packages.size() - 5);
  size_t files = 0;
  for (auto& p : apk_few.out.packages) files += p.files.size();
  EXPECT_LE(files, 100u);
  EXPECT_GT(apk_few.out.dropped_files, 0u);

  MemoryFileView mariner;
  mariner.add_file("var/lib/rpm/rpmdb.sqlite", slurp(testdata(kMariner)));
  CatalogRun rpm_all = run(catalogers::rpm, mariner, SIZE_MAX);
  CatalogRun rpm_few = run(catalogers::rpm, mariner, 7);
  EXPECT_EQ(rpm_few.out.packages.size(), 7u);
  EXPECT_EQ(rpm_few.out.dropped_packages, rpm_all.out.packages.size() - 7);
}

// The whole pipeline on a dir: source; the same tree as a rootfs tar.
Result<Inventory> inventory_of(const std::string& source, size_t max_packages = 0) {
  InventoryOptions opts;
  opts.os_only = true;
  opts.max_packages = max_packages;
  return build_inventory(source, opts);
}

TEST(Ceilings, TheDriverMarksTheInventoryPartialWithOneWarning) {
  std::string root = test::test_scratch("root");
  spit(root + "/var/lib/dpkg/status", slurp(testdata(kDebian)));
  spit(root + "/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
  auto full = inventory_of("dir:" + root);
  ASSERT_TRUE(full.ok()) << full.error().render();
  EXPECT_FALSE(full->partial);
  auto cut = inventory_of("dir:" + root, 20);
  ASSERT_TRUE(cut.ok()) << cut.error().render();
  EXPECT_EQ(cut->packages.size(), 20u);
  EXPECT_TRUE(cut->partial);
  int n = 0;
  for (auto& w : cut->warnings)
    if (w.code == "catalog.too-many-packages") {
      ++n;
      EXPECT_NE(w.message.find(fmt::format("{} more are left out", full->packages.size() - 20)), std::string::npos)
          << w.message;
    }
  EXPECT_EQ(n, 1);
}

std::set<std::string> names(const Inventory& inv) {
  std::set<std::string> out;
  for (auto& p : inv.packages) out.insert(p.ecosystem + ":" + p.name);
  return out;
}

// Each case: the database where the image keeps it, and the symlinks that lead to it.
struct LinkCase {
  const char* name;
  std::function<void(const std::string& root)> make;
  std::string ecosystem, os;
};

void link(const std::string& target, const std::string& at) {
  fs::create_directories(fs::path(at).parent_path());
  fs::create_symlink(target, at);
}

TEST(Links, DatabasesReachedThroughSymlinksAreFound) {
  const std::vector<LinkCase> cases = {
      {"dpkg-dir-link",
       [](const std::string& r) {
         spit(r + "/srv/dpkg/status", slurp(testdata(kDebian)));
         spit(r + "/srv/dpkg/info/bash.list", "/.\n/bin\n/bin/bash\n");
         link("../../srv/dpkg", r + "/var/lib/dpkg");
         spit(r + "/opt/release/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
         link("/opt/release/os-release", r + "/etc/os-release");
       },
       "deb", "debian"},
      {"apk-file-link",
       [](const std::string& r) {
         spit(r + "/lib/apk/db/installed.real", slurp(testdata(kAlpine)));
         link("installed.real", r + "/lib/apk/db/installed");
         spit(r + "/etc/alpine-release", "3.21.0\n");
       },
       "apk", "alpine"},
      {"rpm-dir-link",
       [](const std::string& r) {
         spit(r + "/opt/rpmdb/rpmdb.sqlite", slurp(testdata(kMariner)));
         link("../../opt/rpmdb", r + "/var/lib/rpm");
         spit(r + "/usr/lib/os-release", "ID=mariner\nVERSION_ID=\"2.0\"\n");
         link("../usr/lib/os-release", r + "/etc/os-release");
       },
       "rpm", "mariner"},
      {"link-chain",
       [](const std::string& r) {
         // var -> data/var, data/var/lib/dpkg -> /store/dpkg: two links on the way.
         spit(r + "/store/dpkg/status", slurp(testdata(kDebian)));
         link("/store/dpkg", r + "/data/var/lib/dpkg");
         link("data/var", r + "/var");
         spit(r + "/etc/os-release", "ID=debian\n");
       },
       "deb", "debian"},
  };
  for (const LinkCase& c : cases) {
    SCOPED_TRACE(c.name);
    std::string root = test::test_scratch(c.name);
    c.make(root);
    for (std::string source : {"dir:" + root, "rootfs-archive:" + root + ".tar"}) {
      if (source.starts_with("rootfs")) {
        int st = 0;
        test::run_command(fmt::format("tar -C '{}' -cf '{}.tar' .", root, root), &st);
        ASSERT_EQ(st, 0);
      }
      auto inv = inventory_of(source);
      ASSERT_TRUE(inv.ok()) << inv.error().render();
      EXPECT_GT(inv->packages.size(), 10u) << source;
      EXPECT_FALSE(inv->partial) << source;
      for (auto& p : inv->packages) EXPECT_EQ(p.ecosystem, c.ecosystem);
      ASSERT_TRUE(inv->os.has_value()) << source;
      EXPECT_EQ(inv->os->family, c.os);
      if (std::string(c.name) == "dpkg-dir-link") {
        auto bash = std::find_if(inv->packages.begin(), inv->packages.end(), [](auto& p) { return p.name == "bash"; });
        ASSERT_NE(bash, inv->packages.end());
        EXPECT_EQ(bash->files, (std::vector<std::string>{"/bin", "/bin/bash"})) << "info/bash.list through the link";
      }
    }
  }
}

TEST(Links, ALinkOutOfTheImageIsNeverFollowedOnTheHost) {
  // var/lib/dpkg points at an absolute host path that holds a real status file: inside the
  // image it resolves to <root>/<that path>, which does not exist, so nothing is found.
  std::string host = test::test_scratch("host-side");
  spit(host + "/status", slurp(testdata(kDebian)));
  std::string root = test::test_scratch("image");
  link(host, root + "/var/lib/dpkg");
  link("../../../../../../../../.." + host, root + "/var/lib/dpkg2");
  spit(root + "/etc/os-release", "ID=debian\n");
  auto inv = inventory_of("dir:" + root);
  ASSERT_TRUE(inv.ok()) << inv.error().render();
  EXPECT_TRUE(inv->packages.empty()) << names(inv.value()).size() << " packages read from the host";
}

}  // namespace
}  // namespace dagda
