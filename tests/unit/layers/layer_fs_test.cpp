// Layer walking and merging on real `docker save` images built by other
// projects (osv-scalibr, go-containerregistry) for exactly these cases.
#include <gtest/gtest.h>

#include "layers/layer_fs.hpp"
#include "source/image.hpp"
#include "support/testdata.hpp"

namespace dagda {
namespace {

struct Walked {
  std::vector<LayerIndex> layers;
  LayerFs fs;
};

Walked walk_all(const std::string& rel) {
  auto img = open_image(test::testdata(rel), {});
  EXPECT_TRUE(img.ok()) << (img.ok() ? "" : img.error().render());
  Walked w;
  if (!img.ok()) return w;
  WalkOptions wo;
  wo.wants = [](std::string_view) { return true; };
  wo.spill_dir = test::scratch_dir("spill");
  for (const LayerSource& l : img->layers) {
    auto s = l.open();
    EXPECT_TRUE(s.ok());
    auto idx = walk_tar_layer(**s, l.info, wo);
    EXPECT_TRUE(idx.ok()) << (idx.ok() ? "" : idx.error().render());
    w.layers.push_back(std::move(idx).value());
  }
  w.fs = LayerFs::merge(w.layers);
  return w;
}

std::string content(const LayerFs& fs, std::string_view path) {
  auto b = fs.read(path);
  return b.ok() ? std::string((*b)->data()) : "<" + b.error().render() + ">";
}

const char* kScalibr = "images/osv-scalibr/tars/layerscanning/";

TEST(LayerFs, SymlinksResolveInsideTheRoot) {
  Walked w = walk_all(std::string(kScalibr) + "symlink-basic.tar");
  EXPECT_EQ(content(w.fs, "dir1/sample.txt"), "sample text\n");
  for (auto link : {"dir1/absolute-symlink.txt", "dir1/relative-dot-symlink.txt", "dir1/relative-symlink.txt",
                    "dir1/chain-symlink.txt"})
    EXPECT_EQ(content(w.fs, link), "sample text\n") << link;
  auto r = w.fs.resolve("dir1/chain-symlink.txt");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "dir1/sample.txt");
}

TEST(LayerFs, SymlinkCycleIsAnErrorNotAHang) {
  Walked w = walk_all(std::string(kScalibr) + "symlink-cycle.tar");
  auto b = w.fs.read("dir1/sample.txt");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code(), ErrorCode::corrupt);
  EXPECT_NE(b.error().render().find("symlink loop"), std::string::npos);
}

TEST(LayerFs, SymlinksCannotClimbOutOfTheRoot) {
  Walked w = walk_all(std::string(kScalibr) + "symlink-attack.tar");
  auto r = w.fs.resolve("dir1/attack-symlink.txt");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "secret.txt");  // "../../secret.txt" stops at the image root
  r = w.fs.resolve("dir1/attack-symlink-absolute.txt");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "secret.txt");
  EXPECT_FALSE(w.fs.read("dir1/attack-symlink.txt").ok());
}

TEST(LayerFs, LongSymlinkChainsWithinTheLimitResolve) {
  Walked w = walk_all(std::string(kScalibr) + "symlink-depth-exceeded.tar");
  EXPECT_EQ(content(w.fs, "dir1/symlink7.txt"), "sample text\n");
}

TEST(LayerFs, LaterLayersReplaceEarlierFiles) {
  Walked w = walk_all(std::string(kScalibr) + "overwrite-file.tar");
  ASSERT_EQ(w.layers.size(), 2u);
  EXPECT_EQ(w.fs.origin("sample.txt"), 1);
  LayerFs first = LayerFs::merge(w.layers, 0);
  EXPECT_NE(content(first, "sample.txt"), content(w.fs, "sample.txt"));
  EXPECT_EQ(first.origin("sample.txt"), 0);
}

TEST(LayerFs, WhiteoutsDeleteFilesOfLowerLayers) {
  Walked w = walk_all("images/go-containerregistry/whiteout_image.tar");
  ASSERT_EQ(w.layers.size(), 3u);
  // Every whiteout hides a file that the layers below it had; the merged image lacks it.
  int found = 0;
  for (size_t i = 1; i < w.layers.size(); ++i) {
    LayerFs below = LayerFs::merge(w.layers, static_cast<int>(i) - 1);
    for (const LayerEntryRef e : w.layers[i].entries) {
      if (e.kind != LayerEntry::Kind::whiteout) continue;
      ++found;
      EXPECT_TRUE(below.read(e.path).ok()) << e.path;
      EXPECT_FALSE(w.fs.read(e.path).ok()) << e.path;
    }
  }
  EXPECT_EQ(found, 1);
  EXPECT_EQ(content(w.fs, "bar.txt").size(), 4u);
}

TEST(LayerFs, EscapingTarEntriesAreSkippedWithAWarning) {
  // A layer tar crafted to escape the root (osv-scalibr's unpack/escape.tar), read as a rootfs archive.
  auto img = open_image("rootfs-archive:" + test::testdata("images/osv-scalibr/tars/unpack/escape.tar"), {});
  ASSERT_TRUE(img.ok()) << img.error().render();
  WalkOptions wo;
  wo.wants = [](std::string_view) { return true; };
  auto s = img->layers[0].open();
  ASSERT_TRUE(s.ok());
  auto idx = walk_tar_layer(**s, img->layers[0].info, wo);
  ASSERT_TRUE(idx.ok()) << idx.error().render();
  bool absolute_warned = false;
  for (const Warning& warn : idx->warnings) absolute_warned |= warn.code == "layer.absolute-path";
  EXPECT_TRUE(absolute_warned);
  std::vector<LayerIndex> layers;
  layers.push_back(std::move(idx).value());
  LayerFs fs = LayerFs::merge(layers);
  // Every symlink resolves to a path inside the root, whatever it tries.
  for (auto p : {"usr/share/doc/a/copyright", "usr/share/doc/b/copyright", "usr/share/doc/c/copyright", "escape"}) {
    auto r = fs.resolve(p);
    if (r.ok()) {
      EXPECT_EQ(r->find(".."), std::string::npos) << p << " -> " << *r;
    }
  }
  EXPECT_EQ(content(fs, "escape/poc.txt").substr(0, 1), "<");  // "escape" points at "tmp", which holds nothing
}

TEST(LayerFs, FilesSpilledToOneFileReadBackAsWalkedInMemory) {
  // WalkOptions::spill_always: every wanted file of a layer in one spill file, mapped when the
  // walk ends. Each must read back byte for byte as the in-memory walk holds it.
  auto img = open_image(test::testdata(std::string(kScalibr) + "symlink-basic.tar"), {});
  ASSERT_TRUE(img.ok()) << img.error().render();
  size_t compared = 0;
  for (const LayerSource& l : img->layers) {
    WalkOptions wo;
    wo.wants = [](std::string_view) { return true; };
    wo.spill_dir = test::scratch_dir("spill-always");
    auto s1 = l.open();
    ASSERT_TRUE(s1.ok());
    auto in_memory = walk_tar_layer(**s1, l.info, wo);
    ASSERT_TRUE(in_memory.ok()) << in_memory.error().render();
    wo.spill_always = [](std::string_view) { return true; };
    auto s2 = l.open();
    ASSERT_TRUE(s2.ok());
    auto spilled = walk_tar_layer(**s2, l.info, wo);
    ASSERT_TRUE(spilled.ok()) << spilled.error().render();
    ASSERT_EQ(spilled->entries.size(), in_memory->entries.size());
    for (size_t i = 0; i < spilled->entries.size(); ++i) {
      LayerEntryRef a = in_memory->entries[i], b = spilled->entries[i];
      EXPECT_EQ(a.path, b.path);
      ASSERT_EQ(bool(a.content), bool(b.content)) << a.path;
      if (!a.content) continue;
      EXPECT_EQ(a.content->data(), b.content->data()) << a.path;
      b.content->release_before(b.content->size());  // dropped pages come back from the file
      EXPECT_EQ(a.content->data(), b.content->data()) << a.path;
      ++compared;
    }
  }
  EXPECT_GT(compared, 0u);
}

}  // namespace
}  // namespace dagda
