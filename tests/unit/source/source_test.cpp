// Opening real image archives and layouts made by Docker, Podman and other
// projects' test suites, and refusing damaged ones with a clear error.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/digest.hpp"
#include "source/image.hpp"
#include "support/testdata.hpp"

namespace dagda {
namespace {

namespace fs = std::filesystem;

// Reads a layer to its end, so every digest check runs; returns the bytes read or the error.
Result<uint64_t> drain(const LayerSource& l) {
  DAGDA_ASSIGN_OR_RETURN(auto s, l.open());
  std::vector<char> buf(1 << 16);
  uint64_t total = 0;
  for (;;) {
    DAGDA_ASSIGN_OR_RETURN(size_t n, s->read(buf.data(), buf.size()));
    if (n == 0) return total;
    total += n;
  }
}

void expect_all_layers_verify(const Image& img) {
  for (const LayerSource& l : img.layers) {
    auto r = drain(l);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().render());
  }
}

TEST(Source, Docker25SaveIsReadAsDockerArchive) {
  auto img = open_image(test::testdata("images/go-containerregistry/hello-world-v25.tar"), {});
  ASSERT_TRUE(img.ok()) << img.error().render();
  EXPECT_EQ(img->info.kind, "docker-archive");
  ASSERT_EQ(img->layers.size(), 1u);
  EXPECT_TRUE(img->layers[0].info.diff_id.starts_with("sha256:"));
  EXPECT_TRUE(img->layers[0].info.digest.starts_with("sha256:"));
  EXPECT_TRUE(img->info.tags.empty());  // saved by id: "RepoTags": null
  expect_all_layers_verify(*img);
  // Its OCI index lists no manifest ("manifests": null), which is said plainly.
  auto oci = open_image("oci-archive:" + test::testdata("images/go-containerregistry/hello-world-v25.tar"), {});
  ASSERT_FALSE(oci.ok());
  EXPECT_NE(oci.error().render().find("index lists no manifests"), std::string::npos) << oci.error().render();
}

TEST(Source, LegacyDockerSaveWithHistory) {
  auto img = open_image("docker-archive:" + test::testdata("images/go-containerregistry/overwritten_file.tar"), {});
  ASSERT_TRUE(img.ok()) << img.error().render();
  EXPECT_EQ(img->layers.size(), 3u);
  expect_all_layers_verify(*img);
}

TEST(Source, GzippedDockerSaveIsDetected) {
  auto img = open_image(test::testdata("images/trivy-docker-save/alpine-310.tar.gz"), {});
  ASSERT_TRUE(img.ok()) << img.error().render();
  EXPECT_EQ(img->info.kind, "docker-archive");
  EXPECT_EQ(img->info.os, "linux");
  EXPECT_EQ(img->info.architecture, "amd64");
  expect_all_layers_verify(*img);
}

TEST(Source, OciLayoutDirectoryAndArchive) {
  auto dir = open_image(test::testdata("images/go-containerregistry/oci-layout-testdata/test_index_one_image"), {});
  ASSERT_TRUE(dir.ok()) << dir.error().render();
  EXPECT_EQ(dir->info.kind, "oci-dir");
  expect_all_layers_verify(*dir);
  auto tar = open_image(test::testdata("images/stereoscope/valid-oci.tar"), {});
  ASSERT_TRUE(tar.ok()) << tar.error().render();
  EXPECT_EQ(tar->info.kind, "oci-archive");
  expect_all_layers_verify(*tar);
}

TEST(Source, SeveralImagesGiveAWarningAndCanBeChosen) {
  std::string bundle = test::testdata("images/go-containerregistry/test_bundle.tar");
  auto img = open_image("docker-archive:" + bundle, {});
  ASSERT_TRUE(img.ok()) << img.error().render();
  ASSERT_EQ(img->warnings.size(), 1u);
  EXPECT_EQ(img->warnings[0].code, "source.several-images");
  auto second = open_image("docker-archive:" + bundle + "#1", {});
  ASSERT_TRUE(second.ok()) << second.error().render();
  EXPECT_TRUE(second->warnings.empty());
  EXPECT_NE(second->info.image_id, img->info.image_id);
  auto missing = open_image("docker-archive:" + bundle + "#no-such-tag", {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().render().find("no image 'no-such-tag'"), std::string::npos);
}

TEST(Source, RootfsArchivesInEveryCompression) {
  std::string dir = test::scratch_dir("rootfs-compress");
  std::string gz = test::testdata("pkgdb/alpine-minirootfs/alpine-minirootfs-3.19.4-x86_64.tar.gz");
  int st = 0;
  test::run_command("gzip -dc '" + gz + "' > " + dir + "/r.tar && xz -k -T1 " + dir + "/r.tar && zstd -q " + dir +
                        "/r.tar -o " + dir + "/r.tar.zst",
                    &st);
  ASSERT_EQ(st, 0);
  uint64_t plain_size = fs::file_size(dir + "/r.tar");
  for (std::string p : {gz, dir + "/r.tar", dir + "/r.tar.xz", dir + "/r.tar.zst"}) {
    auto img = open_image("rootfs-archive:" + p, {});
    ASSERT_TRUE(img.ok()) << img.error().render();
    auto n = drain(img->layers[0]);
    ASSERT_TRUE(n.ok()) << p << ": " << n.error().render();
    EXPECT_EQ(*n, plain_size) << p;
    auto detected = open_image(p, {});
    ASSERT_TRUE(detected.ok()) << detected.error().render();
    EXPECT_EQ(detected->info.kind, "rootfs-archive") << p;
  }
}

TEST(Source, DigestMismatchIsAnError) {
  std::string dir = test::scratch_dir("tampered-oci");
  fs::copy(test::testdata("images/go-containerregistry/oci-layout-testdata/test_index_one_image"), dir,
           fs::copy_options::recursive);
  auto img = open_image("oci-dir:" + dir, {});
  ASSERT_TRUE(img.ok()) << img.error().render();
  std::string blob = dir + "/blobs/sha256/" + img->layers[0].info.digest.substr(7);
  fs::permissions(blob, fs::perms::owner_write, fs::perm_options::add);
  {
    std::fstream f(blob, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(blob) - 1));
    f.put('\x55');
  }
  auto r = drain(img->layers[0]);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().render().find("digest mismatch"), std::string::npos) << r.error().render();
}

TEST(Source, DamagedAndWrongInputsGiveClearErrors) {
  std::string dir = test::scratch_dir("bad-sources");
  auto missing = open_image(dir + "/does-not-exist.tar", {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::not_found);

  std::ofstream(dir + "/text.txt") << "just some text, not an image\n";
  auto text = open_image(dir + "/text.txt", {});
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.error().render().find("not an image"), std::string::npos) << text.error().render();

  // A real archive cut in the middle of a layer.
  std::string src = test::testdata("images/go-containerregistry/overwritten_file.tar");
  fs::copy_file(src, dir + "/cut.tar");
  fs::permissions(dir + "/cut.tar", fs::perms::owner_write, fs::perm_options::add);
  fs::resize_file(dir + "/cut.tar", 5000);
  auto cut = open_image("docker-archive:" + dir + "/cut.tar", {});
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.error().render().find("truncated"), std::string::npos) << cut.error().render();

  auto unknown = open_image("nosuchkind:" + src, {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().render().find("unknown source kind"), std::string::npos);

  auto not_docker = open_image("docker-archive:" + test::testdata("images/stereoscope/valid-oci.tar"), {});
  ASSERT_FALSE(not_docker.ok());
  EXPECT_NE(not_docker.error().render().find("no manifest.json"), std::string::npos);

  // A truncated gzip stream.
  fs::copy_file(test::testdata("pkgdb/alpine-minirootfs/alpine-minirootfs-3.6.5-x86_64.tar.gz"), dir + "/cut.tar.gz");
  fs::permissions(dir + "/cut.tar.gz", fs::perms::owner_write, fs::perm_options::add);
  fs::resize_file(dir + "/cut.tar.gz", 100000);
  auto gz = open_image("rootfs-archive:" + dir + "/cut.tar.gz", {});
  ASSERT_TRUE(gz.ok());
  auto r = drain(gz->layers[0]);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().render().find("truncated"), std::string::npos) << r.error().render();
}

}  // namespace
}  // namespace dagda
