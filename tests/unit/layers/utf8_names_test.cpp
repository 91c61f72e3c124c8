// Non-ASCII entry names are data: a pax tar of this machine's ca-certificates folder (made by
// GNU tar, UTF-8 names in pax headers, as podman and docker write them) and a GNU-format tar
// with Latin-1 names (made by Python's tarfile) are walked without any warning, in this
// process's default "C" locale, and every name keeps its exact bytes.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "layers/layer_index.hpp"
#include "source/stream.hpp"
#include "support/testdata.hpp"

namespace dagda {
namespace {

namespace fs = std::filesystem;

Result<LayerIndex> walk(const std::string& tar) {
  auto file = HostFile::open(tar);
  EXPECT_TRUE(file.ok());
  uint64_t size = (*file)->size();
  auto stream = file_range_stream(std::move(file).value(), 0, size, tar);
  WalkOptions wo;
  wo.wants = [](std::string_view) { return true; };
  wo.spill_dir = test::scratch_dir("utf8-spill");
  return walk_tar_layer(*stream, LayerInfo{}, wo);
}

std::string render(const std::vector<Warning>& ws) {
  std::string out;
  for (const auto& w : ws) out += w.render() + "\n";
  return out;
}

TEST(Utf8Names, PaxUtf8NamesOfCaCertificates) {
  const std::string dir = "/usr/share/ca-certificates/mozilla";
  std::set<std::string> expected;
  bool non_ascii = false;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    for (unsigned char c : name) non_ascii |= c >= 0x80;
    expected.insert("usr/share/ca-certificates/mozilla/" + name);
  }
  ASSERT_TRUE(non_ascii) << "ca-certificates has non-ASCII file names (NetLock_Arany_..._Főtanúsítvány.crt)";
  std::string tar = test::test_scratch("pax") + "/layer.tar";
  int status = 0;
  test::run_command("tar --format=pax -C / -cf '" + tar + "' usr/share/ca-certificates/mozilla", &status);
  ASSERT_EQ(status, 0);
  auto idx = walk(tar);
  ASSERT_TRUE(idx.ok()) << idx.error().render();
  EXPECT_TRUE(idx->warnings.empty()) << render(idx->warnings);
  std::set<std::string> seen;
  for (const LayerEntryRef e : idx->entries)
    if (e.kind == LayerEntry::Kind::file) seen.insert(std::string(e.path));
  EXPECT_EQ(seen, expected);
}

// Names that are not UTF-8 at all (Latin-1 bytes in a GNU header) are kept as the bytes they are.
TEST(Utf8Names, Latin1NamesInGnuHeaders) {
  std::string dir = test::test_scratch("latin1");
  std::string tar = dir + "/layer.tar";
  int status = 0;
  test::run_command("/usr/bin/python3 -c \"import tarfile, io\n"
                    "t = tarfile.open('" + tar + "', 'w', format=tarfile.GNU_FORMAT, encoding='latin-1')\n"
                    "for n in ['caf\\u00e9.txt', 'etc/na\\u00efve']:\n"
                    "    i = tarfile.TarInfo(n); i.size = 2; t.addfile(i, io.BytesIO(b'ok'))\n"
                    "t.close()\"",
                    &status);
  ASSERT_EQ(status, 0);
  auto idx = walk(tar);
  ASSERT_TRUE(idx.ok()) << idx.error().render();
  EXPECT_TRUE(idx->warnings.empty()) << render(idx->warnings);
  std::set<std::string> seen;
  for (const LayerEntryRef e : idx->entries) seen.insert(std::string(e.path));
  EXPECT_TRUE(seen.count("caf\xe9.txt"));
  EXPECT_TRUE(seen.count("etc/na\xefve"));
}

}  // namespace
}  // namespace dagda
