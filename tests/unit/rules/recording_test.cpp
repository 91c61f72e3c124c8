// The dagda.events/v1 recording: events written and read back give the same
// alerts from the same rules; damaged, truncated, hostile and huge recordings
// are refused with the file, the line and what is wrong.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "rules/default_rules.hpp"
#include "rules/event_types.hpp"
#include "rules/recording.hpp"
#include "rules_test_util.hpp"

namespace dagda::rules::test {
namespace {

namespace fs = std::filesystem;

// A shell in a container that reads /etc/shadow and connects to port 4444.
struct Sample {
  World w;
  std::vector<Event> events;
  Sample() {
    Container& c = w.container("web");
    Process& shim = w.proc("conmon", "/usr/bin/conmon");
    Process& sh = w.proc("sh", "/bin/sh", {"-c", "cat /etc/shadow"}, &shim);
    sh.exe_writable = true;
    sh.cap_effective = 0xa80425fb;
    Process& cat = w.proc("cat", "/bin/cat", {"/etc/shadow"}, &sh);
    Event exec;
    exec.type = *event_type_id("execve");
    exec.time_ns = 1715108059341081180ull;
    exec.proc = &sh;
    exec.container = &c;
    exec.res = 0;
    exec.args = {{"res", "0", 0}, {"exe", "/bin/sh", {}}, {"flags", "EXE_WRITABLE", {}}};
    events.push_back(exec);
    Event open = exec;
    Fd& f = w.file("/etc/shadow");
    f.nameraw = "/etc/../etc/shadow";
    open.type = *event_type_id("openat");
    open.proc = &cat;
    open.fd = &f;
    open.res = 3;
    open.open_flags = O_RDONLY;
    open.args = {{"fd", "3", 3}, {"name", "/etc/shadow", {}}, {"flags", "O_RDONLY", 0}};
    events.push_back(open);
    Event conn = exec;
    Fd& s = w.fds.emplace_back();
    s.num = 5;
    s.type = FdType::ipv4;
    s.l4proto = L4Proto::tcp;
    s.role = FdRole::client;
    s.connected = true;
    s.cip = IpAddr::v4(10, 88, 0, 5);
    s.cport = 41234;
    s.sip = *IpAddr::parse("192.0.2.10");
    s.sport = 4444;
    conn.type = *event_type_id("connect");
    conn.fd = &s;
    conn.args = {{"res", "0", 0}, {"fd", "5", 5}};
    events.push_back(conn);
  }
};

std::string text_of(const std::vector<Event>& events) {
  std::string out = std::string("{\"schema\":\"") + kRecordingSchema + "\"}\n";
  for (const auto& e : events) out += recording_line(e) + "\n";
  return out;
}

std::vector<std::string> alerts_of(const std::vector<Event>& events) {
  static const LoadResult r = load_rules({default_rules()});
  Engine eng(r.ruleset, {.hostname = "h", .all_matches = true});
  std::vector<std::string> out;
  for (const auto& e : events) {
    std::vector<Alert> alerts;
    eng.process(e, alerts);
    for (const auto& a : alerts) out.push_back(a.to_json().dump());
  }
  return out;
}

TEST(Recording, ReadBackGivesTheSameAlerts) {
  Sample s;
  auto r = read_recording(text_of(s.events), "sample.jsonl");
  ASSERT_TRUE(r.ok()) << r.error().render();
  ASSERT_EQ(r->events.size(), 3u);
  // The shell is shared by both events that name it (as a process and as a parent).
  EXPECT_EQ(r->containers(), 1u);
  EXPECT_EQ(r->processes(), 3u);
  EXPECT_EQ(r->events[1].proc->parent, r->events[0].proc);
  EXPECT_EQ(r->events[1].fd->nameraw, "/etc/../etc/shadow");
  EXPECT_EQ(r->events[2].fd->sip.str(), "192.0.2.10");
  auto want = alerts_of(s.events);
  EXPECT_GE(want.size(), 2u);  // the shell and the sensitive read at least
  EXPECT_EQ(alerts_of(r->events), want);
  // Written again, the same lines.
  EXPECT_EQ(text_of(r->events), text_of(s.events));
}

TEST(Recording, WriterAndFileReaderAgree) {
  Sample s;
  fs::path dir = fs::temp_directory_path() / ("dagda-rec-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string path = (dir / "rec.jsonl").string();
  {
    auto w = RecordingWriter::open(path);
    ASSERT_TRUE(w.ok()) << w.error().render();
    for (const auto& e : s.events) ASSERT_TRUE((*w)->write(e).ok());
    EXPECT_EQ((*w)->written(), 3u);
    ASSERT_TRUE((*w)->close().ok());
  }
  auto r = read_recording_file(path);
  ASSERT_TRUE(r.ok()) << r.error().render();
  EXPECT_EQ(alerts_of(r->events), alerts_of(s.events));
  auto missing = read_recording_file((dir / "none.jsonl").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().render().find("none.jsonl"), std::string::npos);
  EXPECT_FALSE(RecordingWriter::open((dir / "no" / "such" / "dir.jsonl").string()).ok());
  fs::remove_all(dir);
}

// Each damaged recording is refused at the right line with a message saying what is wrong.
TEST(Recording, DamagedRecordingsNameFileLineAndProblem) {
  Sample s;
  std::string good = text_of(s.events);
  std::string first = recording_line(s.events[1]);
  auto head = std::string("{\"schema\":\"") + kRecordingSchema + "\"}\n";
  struct Bad {
    std::string text, line, what;
  };
  std::vector<Bad> cases = {
      {"", "", "empty recording"},
      {"{\"schema\":\"other/v9\"}\n", ":1:", "not a dagda.events/v1 recording"},
      {"[1,2]\n", ":1:", "not a JSON object"},
      {head + first.substr(0, first.size() / 2) + "\n", ":2:", "not a JSON value"},
      {good.substr(0, good.size() - 40), ":4:", "not a JSON value"},
      {head + "{\"type\":\"no_such_call\",\"dir\":\"<\",\"proc\":[{}]}\n", ":2:", "unknown event type"},
      {head + "{\"type\":\"openat\",\"dir\":\"<\",\"proc\":[]}\n", ":2:", "\"proc\" is not a non-empty array"},
      {head + "{\"type\":\"openat\",\"dir\":\"<\",\"proc\":[{\"pid\":\"x\"}]}\n", ":2:", "\"pid\" is not an integer"},
      {head + "{\"type\":\"openat\",\"dir\":\"?\",\"proc\":[{}]}\n", ":2:", "\"dir\""},
      {head + "{\"type\":\"openat\",\"dir\":\"<\",\"proc\":[{}],\"fd\":{\"type\":\"wormhole\"}}\n", ":2:",
       "unknown fd type"},
      {head + "{\"type\":\"openat\",\"dir\":\"<\",\"proc\":[{}],\"fd\":{\"type\":\"ipv4\",\"sip\":\"300.1.1.1\"}}\n",
       ":2:", "not an IP address"},
      {head + "{\"type\":\"openat\",\"dir\":\"<\",\"proc\":[{}],\"args\":[[\"fd\"]]}\n", ":2:", "an argument is not"},
      {head + "{\"type\":\"openat\",\"dir\":\"<\",\"proc\":[{\"uid\":99999999999}]}\n", ":2:", "out of range"},
      {head + std::string(100000, '[') + "\n", ":2:", "nested deeper"},
      {head + "{\"type\":\"openat\",\"dir\":\"<\",\"proc\":[" + std::string(17 * 3, ' ') + "{}" +
           [] {
             std::string s;
             for (int i = 0; i < 16; ++i) s += ",{}";
             return s;
           }() +
           "]}\n",
       ":2:", "more than 16 processes"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    auto r = read_recording(c.text, "rec.jsonl");
    ASSERT_FALSE(r.ok());
    std::string msg = r.error().render();
    EXPECT_NE(msg.find("rec.jsonl" + c.line), std::string::npos) << msg;
    EXPECT_NE(msg.find(c.what), std::string::npos) << msg;
  }
}

TEST(Recording, LimitsOnLinesAndEvents) {
  Sample s;
  std::string good = text_of(s.events);
  RecordingLimits lim{.max_line = 200, .max_events = 100};
  auto r = read_recording(good, "rec.jsonl", lim);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().render().find("line longer than 200 bytes"), std::string::npos) << r.error().render();
  lim = {.max_line = 1 << 20, .max_events = 2};
  r = read_recording(good, "rec.jsonl", lim);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().render().find("rec.jsonl:4: more than 2 events"), std::string::npos) << r.error().render();

  // A file with one 8 MiB line: refused without holding the line.
  fs::path path = fs::temp_directory_path() / ("dagda-rec-long-" + std::to_string(::getpid()) + ".jsonl");
  {
    std::ofstream out(path);
    out << "{\"schema\":\"" << kRecordingSchema << "\"}\n" << std::string(8 << 20, 'x') << "\n";
  }
  auto f = read_recording_file(path.string());
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().render().find(":2: line longer than"), std::string::npos) << f.error().render();
  fs::remove(path);
}

}  // namespace
}  // namespace dagda::rules::test
