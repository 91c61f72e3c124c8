// Host files Dagda is pointed at (issue 16 item 8, issue 11 item 8): a FIFO, device or folder
// where a file is expected is refused at once, never waited on; a report written with -o
// replaces a regular file atomically (keeping its mode), goes through a symlink to its target,
// and is written into a device or FIFO in place, never replacing it.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <future>
#include <thread>

#include "common/fs.hpp"
#include "support/testdata.hpp"

namespace dagda {
namespace {

namespace fs = std::filesystem;

TEST(HostFiles, AFifoIsRefusedWithoutBlocking) {
  std::string dir = test::test_scratch("fifo");
  std::string fifo = dir + "/index.json";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // Run on another thread: if the open blocked, the test fails by timeout instead of hanging.
  auto r = std::async(std::launch::async, [&] { return read_file(fifo); });
  ASSERT_EQ(r.wait_for(std::chrono::seconds(20)), std::future_status::ready) << "read_file blocked on a FIFO";
  auto got = r.get();
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().render().find("a FIFO, not a regular file"), std::string::npos) << got.error().render();
  EXPECT_NE(got.error().render().find("index.json"), std::string::npos);
  auto head = std::async(std::launch::async, [&] { return read_file_head(fifo, 16); });
  ASSERT_EQ(head.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  EXPECT_FALSE(head.get().ok());
}

TEST(HostFiles, FoldersAndDevicesAreRefused) {
  auto d = read_file(test::test_scratch("folder"));
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message().find("a directory"), std::string::npos);
  auto n = read_file("/dev/null");
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.error().message().find("character device"), std::string::npos);
}

TEST(HostFiles, OutputReplacesARegularFileAtomicallyAndKeepsItsMode) {
  std::string dir = test::test_scratch("out");
  std::string path = dir + "/report.json";
  ASSERT_TRUE(write_output_file(path, "first").ok());
  EXPECT_EQ(test::slurp(path), "first");
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  struct stat before{};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  ASSERT_TRUE(write_output_file(path, "second").ok());
  struct stat after{};
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_EQ(test::slurp(path), "second");
  EXPECT_NE(before.st_ino, after.st_ino) << "a regular file is replaced by rename, not rewritten in place";
  EXPECT_EQ(after.st_mode & 07777, 0600u) << "a private file stays private";
  // No temporary file is left behind.
  size_t n = 0;
  for (auto& e : fs::directory_iterator(dir)) n += e.path().filename() != ".";
  EXPECT_EQ(n, 1u);
}

TEST(HostFiles, OutputGoesThroughASymlinkToItsTarget) {
  std::string dir = test::test_scratch("link");
  ASSERT_TRUE(write_output_file(dir + "/target.json", "old").ok());
  fs::create_symlink("target.json", dir + "/link.json");
  ASSERT_TRUE(write_output_file(dir + "/link.json", "new").ok());
  EXPECT_TRUE(fs::is_symlink(dir + "/link.json")) << "the link itself is kept";
  EXPECT_EQ(test::slurp(dir + "/target.json"), "new");
  // A dangling link: its target is created.
  fs::create_symlink("missing.json", dir + "/dangling.json");
  ASSERT_TRUE(write_output_file(dir + "/dangling.json", "made").ok());
  EXPECT_TRUE(fs::is_symlink(dir + "/dangling.json"));
  EXPECT_EQ(test::slurp(dir + "/missing.json"), "made");
}

TEST(HostFiles, OutputIsWrittenIntoADeviceNeverReplacingIt) {
  std::string dir = test::test_scratch("dev");
  std::string null_dev = dir + "/null";
  // A device node of the test's own (1,3 is /dev/null), so nothing outside the scratch folder is touched.
  if (::mknod(null_dev.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0)
    GTEST_SKIP() << "mknod needs root (CAP_MKNOD): " << std::strerror(errno);
  ASSERT_TRUE(write_output_file(null_dev, "report").ok());
  struct stat st{};
  ASSERT_EQ(::stat(null_dev.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "the device node was replaced by a regular file";
  // Through a symlink to the device as well.
  fs::create_symlink("null", dir + "/to-null");
  ASSERT_TRUE(write_output_file(dir + "/to-null", "report").ok());
  ASSERT_EQ(::lstat((dir + "/to-null").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  ASSERT_EQ(::stat(null_dev.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  // A full device is an error naming the path (1,7 is /dev/full).
  std::string full_dev = dir + "/full";
  ASSERT_EQ(::mknod(full_dev.c_str(), S_IFCHR | 0666, makedev(1, 7)), 0);
  auto w = write_output_file(full_dev, std::string(1 << 20, 'x'));
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.error().render().find("No space left on device"), std::string::npos) << w.error().render();
  EXPECT_NE(w.error().render().find(full_dev), std::string::npos);
}

TEST(HostFiles, OutputIntoAFifoIsWrittenForItsReader) {
  std::string dir = test::test_scratch("fifo-out");
  std::string fifo = dir + "/pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto reader = std::async(std::launch::async, [&] { return test::slurp(fifo); });
  auto w = write_output_file(fifo, "through the pipe");
  if (!w.ok()) ::close(::open(fifo.c_str(), O_WRONLY | O_NONBLOCK));  // let the reader end
  ASSERT_TRUE(w.ok()) << w.error().render();
  ASSERT_EQ(reader.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  EXPECT_EQ(reader.get(), "through the pipe");
  struct stat st{};
  ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
}

TEST(HostFiles, AFolderIsNotAnOutputFile) {
  auto w = write_output_file(test::test_scratch("dir-out"), "x");
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.error().message().find("directory"), std::string::npos);
}

}  // namespace
}  // namespace dagda
