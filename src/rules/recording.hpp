// rules/recording.hpp: events as the rule engine saw them, written one JSON
// object per line (`dagda monitor run --record FILE`) and read back for replay
// (bench/rules_bench.cpp). Format `dagda.events/v1` (docs/monitor.md):
//
//   {"schema":"dagda.events/v1"}                                  first line
//   {"type":"openat","time":NS,"res":3,"args":[["fd","3",3],...],
//    "proc":[{...self...},{...parent...},...],"fd":{...},"container":{...}}
//
// Each event carries its process and that process's ancestors (at most 16) so
// that every line stands alone; the reader shares identical processes and
// containers between events. Dagda's own facts (dagda.*) are not recorded.
#pragma once

#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.hpp"
#include "rules/event.hpp"

namespace dagda::rules {

inline constexpr const char* kRecordingSchema = "dagda.events/v1";

// One event as a line (no newline).
std::string recording_line(const Event& e);

class RecordingWriter {
 public:
  ~RecordingWriter();
  // Creates (truncates) FILE and writes the schema line.
  static Result<std::unique_ptr<RecordingWriter>> open(const std::string& path);
  Status write(const Event& e);
  Status close();
  uint64_t written() const { return written_; }

 private:
  std::FILE* f_ = nullptr;
  std::string path_;
  uint64_t written_ = 0;
};

struct RecordingLimits {
  size_t max_line = 1 << 20;       // bytes in one line
  size_t max_events = 20'000'000;
};

// The events of a recording, with the processes, containers and descriptors they point to.
class Recording {
 public:
  Recording() = default;
  Recording(const Recording&) = delete;
  Recording& operator=(const Recording&) = delete;
  Recording(Recording&&) = default;
  Recording& operator=(Recording&&) = default;

  std::vector<Event> events;
  size_t processes() const { return procs_.size(); }
  size_t containers() const { return containers_.size(); }

  // Adds one line (`lineno` counts from 1; line 1 must be the schema line). Errors say what is
  // wrong with the line; the caller adds the file and line.
  Status add_line(std::string_view line, uint64_t lineno);

 private:
  std::deque<Process> procs_;
  std::deque<Container> containers_;
  std::deque<Fd> fds_;
  std::unordered_map<std::string, const Process*> proc_by_key_;
  std::unordered_map<std::string, const Container*> container_by_key_;
};

// Reads a recording held in memory (`name` is used in errors).
Result<Recording> read_recording(std::string_view text, const std::string& name, const RecordingLimits& lim = {});
// Reads a recording file, line by line (a line over the limit is an error, never buffered whole).
Result<Recording> read_recording_file(const std::string& path, const RecordingLimits& lim = {});

}  // namespace dagda::rules
