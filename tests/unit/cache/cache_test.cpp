// The per-layer cache: entries read back exactly as written, damaged entries
// refused and removed, the size bound (least recently used first), records of
// verified files, and the inventory memo.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "cache/inventory_memo.hpp"
#include "cache/layer_cache.hpp"
#include "support/testdata.hpp"

namespace dagda::cache {
namespace {

namespace fs = std::filesystem;

LayerIndex sample_layer(size_t big = 0) {
  LayerIndex l;
  l.info.index = 2;
  l.info.diff_id = "sha256:" + std::string(64, 'e');
  l.bytes = 123456;
  LayerEntry dir{LayerEntry::Kind::dir, "var/lib/dpkg", "", nullptr, 0};
  LayerEntry file{LayerEntry::Kind::file, "var/lib/dpkg/status", "", Blob::from_string("Package: x\nVersion: 1\n"), 22};
  LayerEntry link{LayerEntry::Kind::symlink, "bin", "usr/bin", nullptr, 0};
  LayerEntry hard{LayerEntry::Kind::hardlink, "usr/bin/b", "usr/bin/a", nullptr, 0};
  LayerEntry gone{LayerEntry::Kind::whiteout, "etc/old", "", nullptr, 0};
  LayerEntry opaque{LayerEntry::Kind::opaque, "opt", "", nullptr, 0};
  LayerEntry empty{LayerEntry::Kind::file, "etc/empty", "", Blob::from_string(""), 0};
  for (const LayerEntry& e : {dir, file, link, hard, gone, opaque, empty}) l.entries.push_back(e);
  if (big) l.entries.push_back({LayerEntry::Kind::file, "big", "", Blob::from_string(std::string(big, 'x')), big});
  l.warnings.push_back({"layer.path-escapes-root", "entry '../x' read as 'x'", {.file = "../x", .layer = "sha256:e"}});
  Warning w2{"layer.tar-warning", "odd", {}};
  w2.where.line = 7;
  w2.where.offset = 1024;
  l.warnings.push_back(w2);
  return l;
}

void expect_same(const LayerIndex& a, const LayerIndex& b) {
  EXPECT_EQ(a.bytes, b.bytes);
  ASSERT_EQ(a.entries.size(), b.entries.size());
  for (size_t i = 0; i < a.entries.size(); ++i) {
    EXPECT_EQ(a.entries[i].kind, b.entries[i].kind);
    EXPECT_EQ(a.entries[i].path, b.entries[i].path);
    EXPECT_EQ(a.entries[i].target, b.entries[i].target);
    EXPECT_EQ(a.entries[i].size, b.entries[i].size);
    ASSERT_EQ(!!a.entries[i].content, !!b.entries[i].content);
    if (a.entries[i].content) {
      EXPECT_EQ(a.entries[i].content->data(), b.entries[i].content->data());
    }
  }
  ASSERT_EQ(a.warnings.size(), b.warnings.size());
  for (size_t i = 0; i < a.warnings.size(); ++i) {
    EXPECT_EQ(a.warnings[i].render(), b.warnings[i].render());
    EXPECT_EQ(a.warnings[i].where.line, b.warnings[i].where.line);
    EXPECT_EQ(a.warnings[i].where.offset, b.warnings[i].where.offset);
  }
}

TEST(LayerCodec, RoundTripsAndRefusesDamage) {
  LayerIndex l = sample_layer();
  std::string bytes = encode_layer(l, "key");
  auto back = decode_layer(bytes, "key", l.info);
  ASSERT_TRUE(back.ok()) << back.error().render();
  expect_same(l, *back);
  EXPECT_FALSE(decode_layer(bytes, "other key", l.info).ok());
  // Every single-byte change and every truncation is noticed.
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    EXPECT_FALSE(decode_layer(bad, "key", l.info).ok()) << "flip at " << i;
  }
  for (size_t n = 0; n < bytes.size(); n += 7) EXPECT_FALSE(decode_layer(bytes.substr(0, n), "key", l.info).ok());
}

TEST(LayerCache, StoresLoadsAndRebuildsDamagedEntries) {
  std::string root = test::test_scratch("cache");
  LayerCache c(root, catalogers_version("test"));
  LayerIndex l = sample_layer(100000);
  EXPECT_FALSE(c.load(l.info.diff_id, l.info));
  c.store(l.info.diff_id, l);
  LayerInfo other_place = l.info;
  other_place.index = 0;  // the same layer in another image
  auto back = c.load(l.info.diff_id, other_place);
  ASSERT_TRUE(back);
  expect_same(l, *back);
  EXPECT_EQ(back->info.index, 0);
  // Another catalogers' version does not see it.
  LayerCache newer(root, catalogers_version("test, other catalogers"));
  EXPECT_FALSE(newer.load(l.info.diff_id, l.info));

  // A damaged entry is ignored and removed.
  std::vector<fs::path> entries;
  for (auto& e : fs::directory_iterator(root + "/layers")) entries.push_back(e.path());
  ASSERT_EQ(entries.size(), 1u);
  {
    std::fstream f(entries[0], std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(200);
    f.put('\x7f');
  }
  EXPECT_FALSE(c.load(l.info.diff_id, l.info));
  EXPECT_FALSE(fs::exists(entries[0]));
  c.store(l.info.diff_id, l);
  EXPECT_TRUE(c.load(l.info.diff_id, l.info));

  auto st = cache_status(root);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->layer_entries, 1u);
  EXPECT_GT(st->layer_bytes, 100000u);
  auto n = cache_clean(root);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1u);
  EXPECT_EQ(cache_status(root)->layer_entries, 0u);
}

// The scanners' results of a layer: read back as written, under their key only; a damaged
// entry is refused and removed; counted and cleaned with the rest.
TEST(LayerCache, ScannerResultsPerLayer) {
  std::string root = test::test_scratch("scans");
  LayerCache c(root, catalogers_version("test"));
  const std::string diff = "sha256:" + std::string(64, 'a');
  std::string results("hits\0and more", 13);
  EXPECT_FALSE(c.load_scan("rules-1", diff));
  c.store_scan("rules-1", diff, results);
  EXPECT_EQ(c.load_scan("rules-1", diff), results);
  EXPECT_FALSE(c.load_scan("rules-2", diff));  // another rule set
  EXPECT_FALSE(c.load_scan("rules-1", "sha256:" + std::string(64, 'b')));
  EXPECT_FALSE(LayerCache(root, catalogers_version("other")).load_scan("rules-1", diff));
  auto st = cache_status(root);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->scan_entries, 1u);
  EXPECT_EQ(st->layer_entries, 0u);

  std::string enc = encode_scan(results, "k");
  EXPECT_EQ(decode_scan(enc, "k"), results);
  EXPECT_FALSE(decode_scan(enc, "other key"));
  for (size_t cut = 0; cut < enc.size(); ++cut) EXPECT_FALSE(decode_scan(enc.substr(0, cut), "k")) << cut;
  for (size_t i = 0; i < enc.size(); ++i) {
    std::string bad = enc;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    EXPECT_FALSE(decode_scan(bad, "k")) << i;
  }

  std::vector<fs::path> entries;
  for (auto& e : fs::directory_iterator(root + "/scans")) entries.push_back(e.path());
  ASSERT_EQ(entries.size(), 1u);
  {
    std::fstream f(entries[0], std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(30);
    f.put('\x7f');
  }
  EXPECT_FALSE(c.load_scan("rules-1", diff));
  EXPECT_FALSE(fs::exists(entries[0]));
  c.store_scan("rules-1", diff, results);
  auto n = cache_clean(root);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1u);
}

TEST(LayerCache, LeastRecentlyUsedGoFirst) {
  std::string root = test::test_scratch("lru");
  LayerCache c(root, catalogers_version("test"), 250000);
  std::vector<LayerIndex> layers;
  for (char ch : {'1', '2', '3'}) {
    LayerIndex l = sample_layer(100000);
    l.info.diff_id = "sha256:" + std::string(64, ch);
    layers.push_back(std::move(l));
  }
  c.store(layers[0].info.diff_id, layers[0]);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  c.store(layers[1].info.diff_id, layers[1]);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(c.load(layers[0].info.diff_id, layers[0].info));  // used: now the newest
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  c.store(layers[2].info.diff_id, layers[2]);  // three do not fit: the least recently used goes
  EXPECT_TRUE(c.load(layers[0].info.diff_id, layers[0].info));
  EXPECT_FALSE(c.load(layers[1].info.diff_id, layers[1].info));
  EXPECT_TRUE(c.load(layers[2].info.diff_id, layers[2].info));
  EXPECT_LE(cache_status(root)->layer_bytes, 250000u);
}

TEST(LayerCache, VerifiedRecordsAndMetadata) {
  std::string root = test::test_scratch("records");
  LayerCache c(root, catalogers_version("test"));
  EXPECT_FALSE(c.verified("file 1:2 size 3", "sha256:a"));
  c.mark_verified("file 1:2 size 3", "sha256:a");
  EXPECT_TRUE(c.verified("file 1:2 size 3", "sha256:a"));
  EXPECT_FALSE(c.verified("file 1:2 size 4", "sha256:a"));
  EXPECT_FALSE(c.verified("file 1:2 size 3", "sha256:b"));
  EXPECT_FALSE(c.verified("", "sha256:a"));
  EXPECT_FALSE(c.get("k"));
  c.put("k", "value");
  EXPECT_EQ(c.get("k"), "value");
}

TEST(InventoryMemo, RoundTripsEveryField) {
  Memo m;
  OsInfo os;
  os.family = "debian", os.name = "Debian GNU/Linux", os.version_id = "12", os.version = "12 (bookworm)";
  os.codename = "bookworm", os.pretty_name = "Debian GNU/Linux 12 (bookworm)", os.id_like = {"a", "b"};
  os.source_file = "etc/os-release";
  m.os = os;
  Package p;
  p.ecosystem = "rpm", p.name = "bash", p.version = "1:4.2-1", p.arch = "x86_64", p.source_name = "bash";
  p.source_version = "4.2", p.license = "GPLv3+", p.scope = "dev", p.path = "var/lib/rpm/Packages";
  p.layer_index = 3, p.layer = "sha256:l", p.created_by = "RUN x", p.files = {"/bin/bash", "/etc/skel"};
  p.sha1 = "ab", p.parents = {"a.jar", "b.jar"}, p.cataloger = "rpm", p.drift = "modified";
  p.rpm = RpmFields{1, "4.2", "1", "bash-4.2-1.src.rpm", "mod", "vendor"};
  m.packages = {p, Package{}};
  m.warnings = sample_layer().warnings;
  m.layer_bytes = {1, 2, 3};
  m.partial = true;
  std::string bytes = encode_memo(m, "key");
  auto back = decode_memo(bytes, "key");
  ASSERT_TRUE(back.ok()) << back.error().render();
  EXPECT_EQ(back->layer_bytes, m.layer_bytes);
  EXPECT_TRUE(back->partial);
  ASSERT_TRUE(back->os);
  EXPECT_EQ(back->os->pretty_name, os.pretty_name);
  EXPECT_EQ(back->os->id_like, os.id_like);
  ASSERT_EQ(back->packages.size(), 2u);
  const Package& q = back->packages[0];
  EXPECT_EQ(q.version, p.version);
  EXPECT_EQ(q.files, p.files);
  EXPECT_EQ(q.parents, p.parents);
  EXPECT_EQ(q.drift, "modified");
  EXPECT_EQ(q.layer_index, 3);
  ASSERT_TRUE(q.rpm);
  EXPECT_EQ(q.rpm->epoch, 1);
  EXPECT_EQ(q.rpm->vendor, "vendor");
  EXPECT_FALSE(back->packages[1].rpm);
  EXPECT_EQ(back->packages[1].layer_index, -1);
  ASSERT_EQ(back->warnings.size(), 2u);
  EXPECT_EQ(back->warnings[1].where.offset, 1024u);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 1);
    EXPECT_FALSE(decode_memo(bad, "key").ok());
  }
  EXPECT_FALSE(decode_memo(bytes, "another").ok());
}

TEST(CacheSize, Parses) {
  EXPECT_EQ(parse_size("1000").value(), 1000u);
  EXPECT_EQ(parse_size("4G").value(), 4ull << 30);
  EXPECT_EQ(parse_size("512MiB").value(), 512ull << 20);
  EXPECT_EQ(parse_size("100k").value(), 100ull << 10);
  EXPECT_EQ(parse_size("2tb").value(), 2ull << 40);
  for (const char* bad : {"", "G", "-1", "1.5G", "4X", "99999999999999999999", "17179869184T"})
    EXPECT_FALSE(parse_size(bad).ok()) << bad;
}

}  // namespace
}  // namespace dagda::cache
