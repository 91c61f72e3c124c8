// The compact layer index and the merged view built from it (issue 16, item 2): a million
// entries cost their path bytes and a small record, and the merged view keeps only what a
// reader can use (captured files and symlinks) while every other entry still replaces,
// hides or deletes what lower layers had.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "layers/layer_fs.hpp"

namespace dagda {
namespace {

using K = LayerEntry::Kind;

LayerIndex layer(int index, std::vector<LayerEntry> entries) {
  LayerIndex l;
  l.info.index = index;
  for (auto& e : entries) l.entries.push_back(std::move(e));
  return l;
}

LayerEntry file(std::string path, std::string content = "") {
  return {K::file, std::move(path), {}, content.empty() ? BlobPtr{} : Blob::from_string(std::move(content)), 0};
}
LayerEntry entry(K kind, std::string path, std::string target = {}) { return {kind, std::move(path), std::move(target), {}, 0}; }

std::string text(const LayerFs& fs, std::string_view path) {
  auto b = fs.read(path);
  return b.ok() ? std::string((*b)->data()) : "<missing>";
}

TEST(LayerEntries, KeepEveryFieldAndStayValidAsTheyGrow) {
  LayerEntries list;
  std::string huge(3 << 20, 'p');  // longer than an arena block
  list.push_back({K::symlink, "usr/lib/libz.so", "libz.so.1", {}, 0});
  list.push_back({K::file, "var/lib/dpkg/status", {}, Blob::from_string("Package: x\n"), 11});
  list.push_back({K::file, huge, {}, {}, 7});
  LayerEntryRef first = list[0];
  LayerEntryRef second = list[1];
  for (int i = 0; i < 100000; ++i) list.add(K::file, fmt::format("d/{}", i), {}, Blob::from_string("c"));
  EXPECT_EQ(first.path, "usr/lib/libz.so");  // views survive growth
  EXPECT_EQ(first.target, "libz.so.1");
  ASSERT_TRUE(second.content);
  EXPECT_EQ(second.content->data(), "Package: x\n");
  EXPECT_EQ(list[1].kind, K::file);
  EXPECT_EQ(list[1].size, 11u);
  ASSERT_TRUE(list[1].content);
  EXPECT_EQ(list[1].content->data(), "Package: x\n");
  EXPECT_EQ(list[2].path, huge);
  EXPECT_FALSE(list[2].content);
  EXPECT_EQ(list.back().path, "d/99999");
  list.set_content(2, Blob::from_string("late"));
  EXPECT_EQ(list[2].content->data(), "late");
  LayerEntries moved = std::move(list);
  EXPECT_EQ(moved[0].target, "libz.so.1");
  size_t n = 0;
  for (LayerEntryRef e : moved) n += e.content && e.content->data() == "c";
  EXPECT_EQ(n, 100000u);
}

TEST(LayerEntries, AMillionFilesCostAtMost150BytesEachWithTheMergedView) {
  // The shape of a big layer: a million regular files no cataloger wants, 34-byte paths.
  std::vector<LayerIndex> layers(1);
  for (int d = 0; d < 1000; ++d) {
    layers[0].entries.add(K::dir, fmt::format("usr/share/pkg{:04}", d));
    for (int f = 0; f < 1000; ++f) layers[0].entries.add(K::file, fmt::format("usr/share/pkg{:04}/file-{:07}.dat", d, d * 1000 + f));
  }
  size_t entries = layers[0].entries.size();
  size_t bytes = layers[0].entries.memory_bytes();
  LayerFs fs = LayerFs::merge(layers);
  EXPECT_EQ(fs.size(), 0u) << "nothing captured, no links: the merged view holds nothing";
  double per_entry = double(bytes) / double(entries);
  std::cout << "# layer index: " << per_entry << " bytes per entry (" << entries << " entries)\n";
  EXPECT_LE(per_entry, 150.0);
}

TEST(LayerFsMerge, LaterEntriesReplaceHideAndDelete) {
  std::vector<LayerIndex> layers;
  layers.push_back(layer(0, {
      file("var/lib/dpkg/status", "one"),
      file("etc/os-release", "ID=debian"),
      entry(K::symlink, "lib", "usr/lib"),
      file("usr/lib/os-release", "ID=usr"),
      file("opt/db/installed", "apk"),
      file("srv/keep/a", "a"),
  }));
  layers.push_back(layer(1, {
      entry(K::whiteout, "etc/os-release"),
      entry(K::dir, "lib"),                 // a directory replaces the symlink
      file("opt/db", ""),                   // a file no cataloger wanted replaces a directory and all in it
      entry(K::opaque, "srv/keep"),
      file("srv/keep/b", "b"),
      entry(K::hardlink, "var/lib/dpkg/status-link", "var/lib/dpkg/status"),
  }));
  LayerFs below = LayerFs::merge(layers, 0);
  EXPECT_EQ(text(below, "lib/os-release"), "ID=usr");
  EXPECT_EQ(text(below, "opt/db/installed"), "apk");
  LayerFs fs = LayerFs::merge(layers);
  EXPECT_EQ(text(fs, "etc/os-release"), "<missing>");
  EXPECT_EQ(text(fs, "lib/os-release"), "<missing>");  // lib is a directory now
  EXPECT_EQ(text(fs, "usr/lib/os-release"), "ID=usr");
  EXPECT_EQ(text(fs, "opt/db/installed"), "<missing>");
  EXPECT_EQ(text(fs, "srv/keep/a"), "<missing>");
  EXPECT_EQ(text(fs, "srv/keep/b"), "b");
  EXPECT_EQ(text(fs, "var/lib/dpkg/status-link"), "one");
  EXPECT_EQ(fs.origin("var/lib/dpkg/status"), 0);
  EXPECT_EQ(fs.origin("var/lib/dpkg/status-link"), 1);
  EXPECT_EQ(fs.list("srv/keep"), std::vector<std::string>{"srv/keep/b"});
}

TEST(LayerFsMerge, ReadsThroughALinkThatFindNothingAreRecorded) {
  std::vector<LayerIndex> layers;
  layers.push_back(layer(0, {
      file("srv/dpkg/status"),  // not captured: the walk saw no wanted path
      entry(K::symlink, "var/lib/dpkg", "../../srv/dpkg"),
      file("lib/apk/db/installed.real"),
      entry(K::symlink, "lib/apk/db/installed", "installed.real"),
      file("etc/hostname", "box"),
  }));
  LayerFs fs = LayerFs::merge(layers);
  EXPECT_FALSE(fs.read("var/lib/dpkg/status").ok());
  EXPECT_FALSE(fs.read("lib/apk/db/installed").ok());
  EXPECT_FALSE(fs.read("etc/missing").ok());  // no link followed: not a link miss
  EXPECT_EQ(text(fs, "etc/hostname"), "box");
  (void)fs.list("var/lib/dpkg/info");
  auto misses = fs.link_misses();
  std::vector<std::pair<std::string, std::string>> got;
  for (auto& m : misses) got.emplace_back(m.asked, m.real);
  std::vector<std::pair<std::string, std::string>> want = {
      {"lib/apk/db/installed", "lib/apk/db/installed.real"}, {"var/lib/dpkg", "srv/dpkg"}};
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace dagda
